// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

import {
  ssipAddress,
  ssipBody,
  SsipConnection,
  type SsipEvent,
  SsipParser,
  type SsipReply,
  ssmlWithMark,
} from '../../service/src/voice/ssip.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('SSIP', () => {
  it('parses replies and notifications as speech-dispatcher 0.11 sends them, split anywhere', () => {
    const replies: SsipReply[] = [];
    const events: SsipEvent[] = [];
    const parser = new SsipParser(
      (reply) => replies.push(reply),
      (event) => events.push(event),
    );
    // Recorded from speech-dispatcher 0.11.4: SPEAK, then CANCEL SELF while it spoke.
    const wire =
      '225-3\r\n225 OK MESSAGE QUEUED\r\n701-3\r\n701-2\r\n701 BEGIN\r\n213 OK CANCELED\r\n703-3\r\n703-2\r\n703 CANCELED\r\n';
    for (let i = 0; i < wire.length; i += 7) parser.push(wire.slice(i, i + 7));
    expect(replies).toEqual([
      { code: 225, data: ['3'], text: 'OK MESSAGE QUEUED' },
      { code: 213, data: [], text: 'OK CANCELED' },
    ]);
    expect(events).toEqual([
      { type: 'begin', messageId: 3 },
      { type: 'cancel', messageId: 3 },
    ]);
  });

  it('parses an index mark with its name, as speech-dispatcher 0.12 sends it', () => {
    const events: SsipEvent[] = [];
    const parser = new SsipParser(
      () => undefined,
      (event) => events.push(event),
    );
    // Recorded from speech-dispatcher 0.12.0 (Debian 13): a SPEAK in SSML mode with a mark at its end.
    parser.push('225-1\r\n225 OK MESSAGE QUEUED\r\n700-1\r\n700-1\r\n700-steward-end\r\n700 INDEX MARK\r\n');
    parser.push('702-1\r\n702-1\r\n702 END\r\n');
    expect(events).toEqual([
      { type: 'index-mark', messageId: 1, mark: 'steward-end' },
      { type: 'end', messageId: 1 },
    ]);
  });

  it('makes SSML with a mark at the end, in which the text adds no markup of its own', () => {
    expect(ssmlWithMark('Disk <b>full</b> & "hot"', 'm')).toBe(
      '<speak>Disk &lt;b&gt;full&lt;/b&gt; &amp; "hot"<mark name="m"/></speak>',
    );
    expect(ssmlWithMark('a<mark name="m"/>b\u0007c', 'm')).toBe(
      '<speak>a&lt;mark name="m"/&gt;b c<mark name="m"/></speak>',
    );
  });

  it('doubles a leading dot so that no line of the text ends the message', () => {
    expect(ssipBody('first\n.\n..two\r\nlast.')).toBe('first\r\n..\r\n...two\r\nlast.');
  });

  it('finds the socket as libspeechd does', () => {
    expect(ssipAddress({ XDG_RUNTIME_DIR: '/run/user/1000' })).toEqual({
      kind: 'unix',
      path: '/run/user/1000/speech-dispatcher/speechd.sock',
    });
    expect(ssipAddress({ SPEECHD_ADDRESS: 'unix_socket:/tmp/s.sock', XDG_RUNTIME_DIR: '/run/user/1' })).toEqual({
      kind: 'unix',
      path: '/tmp/s.sock',
    });
    expect(ssipAddress({ SPEECHD_ADDRESS: 'inet_socket:box:6561' })).toEqual({ kind: 'inet', host: 'box', port: 6561 });
    expect(ssipAddress({})).toBeNull();
  });

  describe('a connection', () => {
    let dir: TempDir;
    let server: Server;
    let peer: Socket;
    let received = '';
    // A stand-in for speech-dispatcher that answers each line as 0.11.4 does.
    const answers: Record<string, string> = {
      'SET SELF RATE 20': '203 OK RATE SET',
      'SET SELF OUTPUT_MODULE x': '410 ERR PARAMETER INVALID',
      SPEAK: '230 OK RECEIVING DATA',
      '.': '225-7\r\n225 OK MESSAGE QUEUED\r\n702-7\r\n702-1\r\n702 END',
    };

    beforeEach(async () => {
      dir = await makeTempDir('steward-ssip-');
      received = '';
      server = createServer((socket) => {
        peer = socket;
        let partial = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          received += chunk;
          const lines = (partial + chunk).split('\r\n');
          partial = lines.pop() ?? '';
          for (const line of lines) if (answers[line]) socket.write(`${answers[line]}\r\n`);
        });
      });
      server.listen(join(dir.path, 'speechd.sock'));
      await once(server, 'listening');
    });

    afterEach(async () => {
      server.close();
      await dir.remove();
    });

    it('answers commands in order, refuses an error code, and sends SPEAK with its text', async () => {
      const events: SsipEvent[] = [];
      const connection = await SsipConnection.open({ kind: 'unix', path: join(dir.path, 'speechd.sock') }, (event) =>
        events.push(event),
      );
      const first = connection.command('SET SELF RATE 20');
      const second = connection.command('SET SELF OUTPUT_MODULE x').catch((error: Error) => error.message);
      const spoken = connection.speak('.hello');
      expect((await first).code).toBe(203);
      expect(await second).toContain('410 ERR PARAMETER INVALID');
      expect(await spoken).toBe(7);
      expect(received).toBe('SET SELF RATE 20\r\nSET SELF OUTPUT_MODULE x\r\nSPEAK\r\n..hello\r\n.\r\n');
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(events).toEqual([{ type: 'end', messageId: 7 }]);
      const closed = new Promise<void>((resolve) => connection.onClose(resolve));
      peer.destroy();
      await closed;
      await expectAsync(connection.command('GET RATE')).toBeRejected();
    });
  });
});
