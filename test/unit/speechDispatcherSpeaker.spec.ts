// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

import { SpeechDispatcherSpeaker } from '../../service/src/voice/speechDispatcher.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// A stand-in for speech-dispatcher 0.12.0 that answers as it does (recorded on Debian 13) and holds back a
// message's END, as 0.12's PulseAudio output does while pipewire-pulse keeps the last few milliseconds.
describe('Reading aloud through speech-dispatcher', () => {
  let dir: TempDir;
  let server: Server;
  let peer: Socket | undefined;
  let lines: string[];
  let nextId: number;
  let speaker: SpeechDispatcherSpeaker;

  const answer = (line: string): string | undefined => {
    if (line.startsWith('SET SELF SSML_MODE')) return '219 OK SSML MODE SET';
    if (line.startsWith('SET SELF NOTIFICATION')) return '220 OK NOTIFICATION SET';
    if (line.startsWith('SET SELF')) return '208 OK CLIENT NAME SET';
    if (line === 'CANCEL SELF') return '213 OK CANCELED';
    if (line === 'SPEAK') return '230 OK RECEIVING DATA';
    if (line === '.') return `225-${++nextId}\r\n225 OK MESSAGE QUEUED`;
    return undefined;
  };

  beforeEach(async () => {
    dir = await makeTempDir('steward-speechd-');
    lines = [];
    nextId = 0;
    server = createServer((socket) => {
      peer = socket;
      let partial = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        const received = (partial + chunk).split('\r\n');
        partial = received.pop() ?? '';
        for (const line of received) {
          lines.push(line);
          const reply = answer(line);
          if (reply) socket.write(`${reply}\r\n`);
        }
      });
    });
    server.listen(join(dir.path, 'speechd.sock'));
    await once(server, 'listening');
    speaker = new SpeechDispatcherSpeaker(
      () => ({ kind: 'unix', path: join(dir.path, 'speechd.sock') }),
      () => Promise.resolve({ rate: 20 }),
    );
  });

  afterEach(async () => {
    speaker.close();
    peer?.destroy();
    server.close();
    await dir.remove();
  });

  const queued = async (count: number) => {
    while (lines.filter((line) => line === '.').length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('sends the text as escaped SSML with a mark at its end, and is done at the mark while END is held back', async () => {
    const spoken = speaker.speak('Disk <full> & hot.');
    await queued(1);
    expect(speaker.speaking).toBeTrue();
    expect(lines).toContain('SET SELF NOTIFICATION INDEX_MARKS on');
    expect(lines).toContain('SET SELF SSML_MODE on');
    expect(lines).toContain('SET SELF RATE 20');
    expect(lines).toContain('<speak>Disk &lt;full&gt; &amp; hot.<mark name="steward-end"/></speak>');
    // A mark of the text's own would be escaped; one of another message ends nothing.
    peer!.write('700-9\r\n700-1\r\n700-steward-end\r\n700 INDEX MARK\r\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(speaker.speaking).toBeTrue();
    peer!.write('700-1\r\n700-1\r\n700-steward-end\r\n700 INDEX MARK\r\n');
    await spoken;
    expect(speaker.speaking).toBeFalse();
  });

  it('is done at END where no mark comes (an output module without index marks)', async () => {
    const spoken = speaker.speak('Hello.');
    await queued(1);
    peer!.write('702-1\r\n702-1\r\n702 END\r\n');
    await spoken;
    expect(speaker.speaking).toBeFalse();
  });

  it('speaks the next text at once after a mark, cancelling the message whose END is still held back', async () => {
    await Promise.all([
      speaker.speak('One.'),
      queued(1).then(() => peer!.write('700-1\r\n700-1\r\n700-steward-end\r\n700 INDEX MARK\r\n')),
    ]);
    const second = speaker.speak('Two.');
    await queued(2);
    expect(lines.filter((line) => line === 'CANCEL SELF').length).toBe(2);
    // The held-back END of the first message, after the cancel, leaves the second speaking.
    peer!.write('702-1\r\n702-1\r\n702 END\r\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(speaker.speaking).toBeTrue();
    peer!.write('700-2\r\n700-1\r\n700-steward-end\r\n700 INDEX MARK\r\n');
    await second;
    expect(speaker.speaking).toBeFalse();
  });
});
