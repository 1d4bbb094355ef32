// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The redaction thread (dist/service/steward-redaction.js): a long text is redacted here, off the thread that
// answers D-Bus, so that a megabyte of hostile input never holds up another caller's GetStatus.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

import { testHooks } from '../testHooks.js';
import { createRedactor } from './redact.js';
import type { RedactionReply, RedactionRequest } from './redactionThread.js';

const port = parentPort;
if (!port) throw new Error('steward-redaction runs only as a worker thread of the Steward service');

// The user's patterns change seldom: the redactor for the last set is kept.
let current: { key: string; redact: ReturnType<typeof createRedactor> } | null = null;

const { redactionGate } = testHooks();

let holds = 0;

/** Only under the test hook: writes the count of texts held so far to <gate>.held, waits for the gate, takes it. */
function waitAtGate(gate: string): void {
  holds += 1;
  // Written whole, then renamed: the test never reads it half written.
  writeFileSync(`${gate}.held.new`, String(holds));
  renameSync(`${gate}.held.new`, `${gate}.held`);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(gate)) Atomics.wait(pause, 0, 0, 10);
  rmSync(gate);
}

port.on('message', ({ id, text, patterns }: RedactionRequest) => {
  const key = JSON.stringify(patterns);
  try {
    if (redactionGate) waitAtGate(redactionGate);
    if (current?.key !== key) current = { key, redact: createRedactor(patterns) };
    const { redact } = current;
    port.postMessage({ id, text: redact(text).text } satisfies RedactionReply);
  } catch (error) {
    port.postMessage({ id, error: (error as Error).message } satisfies RedactionReply);
  }
});
