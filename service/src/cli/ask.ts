import { Variant, type MessageBus } from '@jellybrick/dbus-next';
import { callMethod, SignalRouter } from '../dbus/client.js';
import { StewardError, type StewardErrorName } from '../dbus/errors.js';
import { BUS_NAME, CHAT_INTERFACE, OBJECT_PATH } from '../interfaces.js';
import { EXIT_INTERRUPTED } from './exitCodes.js';

export const ASK_USAGE = `  ask QUESTION             Ask the model; the answer is printed as it is generated
                           (--session ID continues a conversation; without QUESTION, reads it from stdin;
                           --max-tokens N, --temperature T and --seed N tune the generation)
`;

type ChatEvent =
  | { kind: 'chunk'; text: string }
  | { kind: 'position'; position: number }
  | {
      kind: 'done';
      session: string;
      status: string;
      text: string;
      usage: Record<string, Variant>;
      notice: string;
      error: string;
      message: string;
    };

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The generation options given on the command line, as Send takes them, or what is wrong with one. */
export function samplingOptions(values: {
  'max-tokens'?: string;
  temperature?: string;
  seed?: string;
}): Record<string, Variant> | string {
  const options: Record<string, Variant> = {};
  const integer = (text: string) => (/^\d+$/.test(text) ? Number(text) : NaN);
  const given: [keyof typeof values, string, (text: string) => number][] = [
    ['max-tokens', 'u', integer],
    ['temperature', 'd', Number],
    ['seed', 'u', integer],
  ];
  for (const [name, signature, parse] of given) {
    const text = values[name];
    if (text === undefined) continue;
    const value = parse(text);
    if (!Number.isFinite(value) || value < 0) return `--${name} needs a number, not “${text}”`;
    options[name] = new Variant(signature, value);
  }
  return options;
}

/** Sends the question and prints the answer as it streams; Ctrl+C stops the answer. */
export async function askCommand(
  bus: MessageBus,
  words: string[],
  options: { session?: string; json: boolean; sampling: Record<string, Variant> },
): Promise<number> {
  const question = words.length > 0 ? words.join(' ') : process.stdin.isTTY ? '' : await readStdin();
  const router = new SignalRouter(bus);
  // Signals can arrive before Send returns the request id: keep them all until then.
  const events = new Map<string, ChatEvent[]>();
  let requestId: string | undefined;
  let deliver: (event: ChatEvent) => void = () => undefined;
  const record = (id: string, event: ChatEvent) => {
    if (id === requestId) deliver(event);
    else if (requestId === undefined) events.set(id, [...(events.get(id) ?? []), event]);
  };
  const unsubscribe = await router.subscribe({ interface: CHAT_INTERFACE, path: OBJECT_PATH }, (body, message) => {
    const id = body[0] as string;
    if (message.member === 'ResponseChunk') record(id, { kind: 'chunk', text: body[1] as string });
    if (message.member === 'QueuePosition') record(id, { kind: 'position', position: body[1] as number });
    if (message.member === 'ResponseDone') {
      const [, session, status, text, usage, notice, error, errorMessage] = body as [
        string,
        string,
        string,
        string,
        Record<string, Variant>,
        string,
        string,
        string,
      ];
      record(id, { kind: 'done', session, status, text, usage, notice, error, message: errorMessage });
    }
  });
  const interrupt = () => {
    if (requestId) {
      void callMethod(bus, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: CHAT_INTERFACE,
        member: 'Cancel',
        signature: 's',
        body: [requestId],
      });
    }
  };
  process.once('SIGINT', interrupt);
  try {
    const [, id] = (await callMethod(bus, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: CHAT_INTERFACE,
      member: 'Send',
      signature: 'ssa{sv}',
      body: [options.session ?? '', question, options.sampling],
    })) as [string, string];
    const done = await new Promise<Extract<ChatEvent, { kind: 'done' }>>((resolve) => {
      deliver = (event) => {
        if (event.kind === 'chunk' && !options.json) process.stdout.write(event.text);
        if (event.kind === 'position' && process.stderr.isTTY) {
          process.stderr.write(
            `\r(waiting: ${event.position} ${event.position === 1 ? 'answer' : 'answers'} ahead)\u001b[K`,
          );
        }
        if (event.kind === 'done') resolve(event);
      };
      requestId = id;
      for (const event of events.get(id) ?? []) deliver(event);
      events.clear();
    });
    return report(done, options.json);
  } finally {
    process.off('SIGINT', interrupt);
    await unsubscribe();
  }
}

function report(done: Extract<ChatEvent, { kind: 'done' }>, json: boolean): number {
  if (done.status === 'failed') {
    throw new StewardError(done.error.replace(/^.*\./, '') as StewardErrorName, done.message);
  }
  if (json) {
    const usage = Object.fromEntries(Object.entries(done.usage).map(([key, value]) => [key, value.value as unknown]));
    process.stdout.write(
      `${JSON.stringify({ session: done.session, status: done.status, text: done.text, notice: done.notice || undefined, usage })}\n`,
    );
  } else if (!done.text.endsWith('\n')) {
    process.stdout.write('\n');
  }
  if (done.notice) process.stderr.write(`${done.notice}\n`);
  if (process.stderr.isTTY && !json) process.stderr.write(`(continue with: steward ask --session ${done.session} …)\n`);
  return done.status === 'cancelled' ? EXIT_INTERRUPTED : 0;
}
