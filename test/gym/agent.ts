// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs inside the gym's system as the test user, on the user's session bus: a script that drives Steward
// the way any D-Bus client does. It speaks JSON lines on stdin and stdout with the runner (agentClient.ts):
// each request {id, interface, member, signature, body} (a variant
// written {"$v": SIGNATURE, "value": V}) gets {id, result} or {id, error}, and every signal
// Steward sends on its Findings and Proposals interfaces is written as {signal, body, at}.
import { createInterface } from 'node:readline';

import { type MessageBus, sessionBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { BUS_NAME, FINDINGS_INTERFACE, OBJECT_PATH, PROPOSALS_INTERFACE } from '../../service/src/dbus/interfaces.js';

interface Request {
  id: number;
  interface: string;
  member: string;
  signature?: string;
  body?: unknown[];
  timeoutMs?: number;
}

/** A D-Bus value as JSON: variants unwrapped, 64-bit integers as numbers (times in µs fit in a double). */
function plain(value: unknown): unknown {
  if (value instanceof Variant) return plain(value.value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Buffer) return [...value];
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, plain(entry)]));
  }
  return value;
}

/** JSON to a D-Bus value: {"$v": SIGNATURE, "value": V} is a variant, as in a{sv} filters. */
function dbusValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dbusValue);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.$v === 'string') return new Variant(record.$v, dbusValue(record.value));
    return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key, dbusValue(entry)]));
  }
  return value;
}

const write = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function subscribe(bus: MessageBus): Promise<void> {
  const router = new SignalRouter(bus);
  for (const iface of [FINDINGS_INTERFACE, PROPOSALS_INTERFACE]) {
    await router.subscribe({ sender: BUS_NAME, path: OBJECT_PATH, interface: iface }, (body, message) =>
      write({
        signal: `${iface.slice(iface.lastIndexOf('.') + 1)}.${message.member}`,
        body: plain(body),
        at: Date.now(),
      }),
    );
  }
}

const bus = sessionBus();
await subscribe(bus);
write({ ready: true });
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const request = JSON.parse(line) as Request;
  // Calls to Steward's own name D-Bus-activate it when it is not running, as any client's would.
  callMethod(
    bus,
    {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: request.interface,
      member: request.member,
      signature: request.signature ?? '',
      body: (request.body ?? []).map(dbusValue),
    },
    { timeoutMs: request.timeoutMs ?? 60_000 },
  ).then(
    (result) => write({ id: request.id, result: plain(result) }),
    (error: Error & { type?: string }) =>
      write({ id: request.id, error: `${error.type ?? error.name}: ${error.message}` }),
  );
});
lines.on('close', () => {
  bus.disconnect();
  process.exit(0);
});
