// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, OBJECT_PATH, quietWatch, type RunningService, startConfiguredService } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// The longest message a caller may send, and the inputs that took redaction quadratic time (9 s for 100,000
// characters of "password"): a key name repeated, the URL-password rule's worst case, runs of spaces, keyfile
// lines, key block headers with no end.
const MAX_MESSAGE = 100_000;
const PROBER = `
  const { sessionBus, Message } = await import('@jellybrick/dbus-next');
  const bus = sessionBus({ busAddress: process.env.BUS });
  const call = new Message({ destination: '${BUS_NAME}', path: '${OBJECT_PATH}', interface: '${BUS_NAME}', member: 'GetStatus' });
  for (;;) {
    const started = performance.now();
    await bus.call(new Message(call));
    console.log(performance.now() - started);
  }
`;
const WORST = [
  'password',
  'a://b:',
  ' ',
  '[s]\npsk=a b\n',
  '-----BEGIN PRIVATE KEY-----',
  'eyJabcdefgh.',
  'Private-Lines: 1 ',
];
// Each framed by "x", since a message is trimmed: a run of spaces in the middle.
const worst = (seed: string) => `x${seed.repeat(Math.ceil(MAX_MESSAGE / seed.length)).slice(0, MAX_MESSAGE - 2)}x`;

describe('the service given long hostile messages for a remote model', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;
  let server: OpenAIServer;

  beforeAll(async () => {
    server = await startOpenAIServer({ answer: () => 'noted' });
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    service = await startConfiguredService(bus, client, home.path, {
      watch: quietWatch(),
      inference: { engine: 'remote', remote: { url: server.url, model: 'test-model' } },
    });
    // The first request loads the remote client's modules (about half a second here): a cost of any first
    // question, not of a long one, so it is paid before the measurement.
    await ask('hello');
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
    await server.close();
  });

  const ask = (text: string) =>
    callMethod(
      client,
      {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: `${BUS_NAME}.Chat`,
        member: 'Ask',
        signature: 's',
        body: [text],
      },
      { timeoutMs: 300_000 },
    );

  /**
   * GetStatus timed from a process of its own, calling it over and over and printing each time in milliseconds:
   * the model stand-in in this process (which tokenizes every long message) must not delay the measurement.
   */
  function startProber(): { calls(count: number): Promise<void>; stop(): Promise<number[]> } {
    const prober = spawn(process.execPath, ['--input-type=module', '-e', PROBER], {
      env: { ...process.env, BUS: bus.address },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    prober.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      prober.stdout.emit('line');
    });
    const lines = () => output.split('\n').length - 1;
    return {
      async calls(count: number) {
        while (lines() < count) await once(prober.stdout, 'line');
      },
      async stop() {
        const exited = once(prober, 'exit');
        prober.kill();
        await exited;
        return output.split('\n').filter(Boolean).map(Number);
      },
    };
  }

  it('answers GetStatus within 100 ms (over its time at rest) while it redacts a megabyte of the worst inputs', async () => {
    const messages = Array.from({ length: 10 }, (_, index) => worst(WORST[index % WORST.length]!));
    expect(messages.reduce((sum, text) => sum + text.length, 0)).toBeGreaterThan(900_000);
    // The same calls with nothing else to do, in the same run: a shared machine's own delays are not the service's.
    const resting = startProber();
    await resting.calls(50);
    const atRest = await resting.stop();
    const busy = startProber();
    await busy.calls(1);
    for (const message of messages) expect(await ask(message)).toEqual(['noted']);
    const times = await busy.stop();
    // Every message reached the model, redacted.
    const sent = JSON.stringify(server.requests.map((request) => request.body));
    expect(sent).not.toContain('a b\\n[s]\\npsk=a b');
    expect(times.length).toBeGreaterThan(5);
    const rest = Math.max(...atRest);
    expect(Math.max(...times) - rest)
      .withContext(
        `GetStatus at rest ${atRest.map(Math.round).join(' ')}; meanwhile ${times.map(Math.round).join(' ')}`,
      )
      .toBeLessThan(100);
  }, 300_000);

  it('refuses a longer message at once, saying the limit', async () => {
    const error = await ask('x'.repeat(MAX_MESSAGE + 1)).catch((failure: unknown) => failure as Error);
    expect(error).toEqual(jasmine.any(Error));
    expect((error as Error).message).toContain(`longer than ${MAX_MESSAGE} characters`);
  });
});
