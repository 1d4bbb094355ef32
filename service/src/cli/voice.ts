// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward listen` and `steward say`: the Voice interface from a terminal. Listen
// shows the words as they are recognised on standard error and prints what was
// said on standard output, so `steward ask "$(steward listen)"` asks it.
import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../dbus/client.js';
import { BUS_NAME, OBJECT_PATH, VOICE_INTERFACE } from '../dbus/interfaces.js';
import { _ } from '../i18n.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED } from './exitCodes.js';

type Event =
  { kind: 'text'; id: string; text: string; final: boolean } | { kind: 'failed'; id: string; message: string };

const callVoice = (bus: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: VOICE_INTERFACE, member, signature, body });

export async function listenCommand(bus: MessageBus, options: { json: boolean }): Promise<number> {
  const router = new SignalRouter(bus);
  const events: Event[] = [];
  let wake = () => {};
  const push = (event: Event) => {
    events.push(event);
    wake();
  };
  const signal = { path: OBJECT_PATH, interface: VOICE_INTERFACE };
  const unsubscribe = await Promise.all([
    router.subscribe({ ...signal, member: 'Transcript' }, ([id, text, final]) =>
      push({ kind: 'text', id: id as string, text: text as string, final: final as boolean }),
    ),
    router.subscribe({ ...signal, member: 'ListenFailed' }, ([id, , message]) =>
      push({ kind: 'failed', id: id as string, message: message as string }),
    ),
  ]);
  const live = process.stderr.isTTY;
  let interrupted = false;
  const onInterrupt = () => {
    // The first Ctrl+C ends the listening with what was heard; the final text still comes.
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    void callVoice(bus, 'Stop');
  };
  try {
    const [id] = (await callVoice(bus, 'Listen', 'a{sv}', [{}])) as [string];
    process.on('SIGINT', onInterrupt);
    if (live) process.stderr.write(`${_('Listening… (stop talking, or press Ctrl+C)')}\n`);
    for (;;) {
      for (const event of events.splice(0)) {
        if (event.id !== id) continue;
        if (event.kind === 'failed') {
          if (live) process.stderr.write('\r\x1b[K');
          process.stderr.write(`steward: ${event.message}\n`);
          return EXIT_FAILURE;
        }
        if (!event.final) {
          if (live) process.stderr.write(`\r\x1b[K${event.text}`);
          continue;
        }
        if (live) process.stderr.write('\r\x1b[K');
        process.stdout.write(options.json ? `${JSON.stringify({ text: event.text })}\n` : `${event.text}\n`);
        return interrupted ? EXIT_INTERRUPTED : 0;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    await Promise.all(unsubscribe.map((stop) => stop()));
  }
}

export async function sayCommand(bus: MessageBus, words: string[]): Promise<number> {
  const text = words.length > 0 ? words.join(' ') : await readStdin();
  await callVoice(bus, 'Speak', 's', [text]);
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
