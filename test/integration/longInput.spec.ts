// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  chatAsk,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { repeatedTo, WORST_SEEDS } from '../support/worstInputs.js';

// The longest message a caller may send; ten of them make a megabyte of the worst inputs known.
const MAX_MESSAGE = 100_000;

describe('the service given long hostile messages for a remote model', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;
  let server: OpenAIServer;
  let gate: string;
  // The last count of held texts seen in the gate's .held file.
  let seen = '';

  beforeAll(async () => {
    server = await startOpenAIServer({ answer: () => 'noted' });
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    gate = join(home.path, 'redaction-gate');
    service = await startConfiguredService(
      bus,
      client,
      home.path,
      { watch: quietWatch(), inference: { engine: 'remote', remote: { url: server.url, model: 'test-model' } } },
      { STEWARD_TEST_REDACTION_GATE: gate },
    );
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
    await server.close();
  });

  const ask = (text: string) => chatAsk(client, text, 300_000);
  const getStatus = async () =>
    (
      (await callMethod(client, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: BUS_NAME,
        member: 'GetStatus',
      })) as [Record<string, Variant>]
    )[0];

  /**
   * Asks `text`; each time the redaction thread holds it (its gate's .held file appears), GetStatus is called and
   * must answer while the thread still holds it; then the gate opens. Resolves with the answer and the holds.
   */
  async function askThroughGate(text: string): Promise<{ answer: unknown; holds: number }> {
    const heldFile = `${gate}.held`;
    const held = () => (existsSync(heldFile) ? readFileSync(heldFile, 'utf8') : '');
    let answer: unknown;
    let settled = false;
    const asked = ask(text).then(
      (reply) => {
        answer = reply;
      },
      (error: unknown) => {
        answer = error;
      },
    );
    void asked.finally(() => (settled = true));
    let holds = 0;
    for (;;) {
      await waitFor(() => settled || held() !== seen, 'the redaction thread to hold the text, or the answer', 120_000);
      if (held() === seen) break;
      const holding = held();
      const status = await getStatus();
      expect(status.state?.value).toEqual(jasmine.any(String));
      // The answer came while the thread still held the text: the redaction did not stand in the D-Bus thread's way.
      expect(held()).toBe(holding);
      expect(existsSync(gate)).toBeFalse();
      holds += 1;
      seen = holding;
      await writeFile(gate, '');
      await waitFor(() => !existsSync(gate), 'the redaction thread to go on', 120_000);
    }
    await asked;
    return { answer, holds };
  }

  it('answers GetStatus while a megabyte of the worst inputs is being redacted, and sends them redacted', async () => {
    const seeds = Object.values(WORST_SEEDS);
    const messages = Array.from({ length: 10 }, (_, index) => repeatedTo(seeds[index % seeds.length]!, MAX_MESSAGE));
    expect(messages.reduce((sum, text) => sum + text.length, 0)).toBeGreaterThanOrEqual(1_000_000);
    for (const message of messages) {
      const { answer, holds } = await askThroughGate(message);
      expect(answer).toBe('noted');
      expect(holds).toBeGreaterThan(0);
    }
    // Every message reached the model, redacted.
    expect(server.requests.length).toBeGreaterThanOrEqual(messages.length);
    const sent = JSON.stringify(server.requests.map((request) => request.body));
    expect(sent).not.toContain('a b\\n[s]\\npsk=a b');
  }, 300_000);

  it('refuses a longer message at once, saying the limit', async () => {
    const error = await ask('x'.repeat(MAX_MESSAGE + 1)).catch((failure: unknown) => failure as Error);
    expect(error).toEqual(jasmine.any(Error));
    expect((error as Error).message).toContain(`longer than ${MAX_MESSAGE} characters`);
  });
});
