// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward chat`, a conversation at the terminal (or over a pipe, one question
// a line), and `steward ask`, one question from the shell. Both stream the
// answer with its tool steps and end with the fixes it proposed.
import { createInterface } from 'node:readline';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../dbus/client.js';
import { StewardError, type StewardErrorName } from '../dbus/errors.js';
import { BUS_NAME, CHAT_INTERFACE, OBJECT_PATH } from '../dbus/interfaces.js';
import { _, format } from '../i18n.js';
import { cleanLine } from '../untrustedText.js';
import { AnswerPrinter } from './answerPrinter.js';
import { applyCommand } from './apply.js';
import { UsageError } from './argv.js';
import {
  CHAT_HELP,
  chunkJson,
  type DoneEvent,
  doneJson,
  PLAIN,
  proposalCard,
  recentMessages,
  sessionList,
  type Style,
  toolStepJson,
} from './chatReport.js';
import { ChatStream, type ProgressEvent } from './chatStream.js';
import { describeError } from './errors.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED } from './exitCodes.js';
import { callProposals, getProposal } from './proposals.js';
import { type Dict, unpack } from './proposalsReport.js';
import { listSessions, SESSION_PREFIX, sessionByPrefix } from './sessions.js';
import { styleFor } from './terminal.js';

const write = (text: string) => process.stdout.write(text);
const writeJson = (value: unknown) => write(`${JSON.stringify(value)}\n`);

const callChat = (bus: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT_INTERFACE, member, signature, body });

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

/** Every Send option given on the command line; a UsageError says what is wrong with one. */
export function sendOptions(values: Parameters<typeof samplingOptions>[0] & Parameters<typeof toolOptions>[0]) {
  const sampling = samplingOptions(values);
  const tools = toolOptions(values);
  if (typeof sampling === 'string') throw new UsageError(sampling);
  if (typeof tools === 'string') throw new UsageError(tools);
  return { ...sampling, ...tools };
}

/** The Send options for --no-tools and --require-tool, or what is wrong with them. */
export function toolOptions(values: {
  'no-tools'?: boolean;
  'require-tool'?: boolean;
}): Record<string, Variant> | string {
  if (values['no-tools'] && values['require-tool']) return '--no-tools and --require-tool contradict each other';
  if (values['no-tools']) return { tools: new Variant('b', false) };
  if (values['require-tool']) return { 'tool-choice': new Variant('s', 'required') };
  return {};
}

/** A failed answer as the error the service reported. */
function answerError(done: DoneEvent): StewardError {
  return new StewardError(done.error.replace(/^.*\./, '') as StewardErrorName, done.message);
}

const errorText = (error: unknown) => describeError(error).message;

/** An answer that ended well but said nothing and proposed nothing: the user must hear of it. */
const isEmpty = (done: DoneEvent) => done.status === 'done' && done.text.trim() === '' && done.proposalIds.length === 0;

const emptyAnswerMessage = () => _('the model gave an empty answer; ask again, perhaps in other words');

const stoppedMessage = () => _('Stopped; the answer above is incomplete.');

const fetchProposals = (bus: MessageBus, ids: string[]) => Promise.all(ids.map((id) => getProposal(bus, id)));

/** Runs one answer: Ctrl+C while it streams cancels it rather than leaving. */
async function streamAnswer(
  stream: ChatStream,
  session: string,
  prompt: string,
  options: Record<string, Variant>,
  onProgress: (event: ProgressEvent) => void,
): Promise<DoneEvent> {
  const interrupt = () => void stream.cancel();
  process.on('SIGINT', interrupt);
  try {
    const started = await stream.send(session, prompt, options, onProgress);
    return await started.done;
  } finally {
    process.off('SIGINT', interrupt);
  }
}

interface LineReader {
  /** The next line, or null when the user leaves (Ctrl+D, Ctrl+C at the prompt, end of input). */
  next(): Promise<string | null>;
  close(): void;
}

function pipedLines(): LineReader {
  const reader = createInterface({ input: process.stdin, terminal: false });
  const lines = reader[Symbol.asyncIterator]();
  return {
    next: async () => {
      const line = await lines.next();
      return line.done ? null : line.value;
    },
    close: () => reader.close(),
  };
}

/**
 * At a terminal each line gets a readline of its own, closed once the line is
 * read: /apply's y/N question then reads the terminal alone, and Ctrl+C during
 * an answer reaches the process. The history carries over.
 */
function terminalLines(prompt: string): LineReader {
  let history: string[] = [];
  return {
    next: () =>
      new Promise((resolve) => {
        const reader = createInterface({ input: process.stdin, output: process.stdout, history, terminal: true });
        reader.on('history', (lines: string[]) => (history = lines));
        reader.once('SIGINT', () => {
          write('\n');
          reader.close();
        });
        reader.once('close', () => resolve(null));
        reader.question(prompt, (line) => {
          resolve(line);
          reader.close();
        });
      }),
    close: () => undefined,
  };
}

class ChatLoop {
  private failures = 0;

  constructor(
    private readonly bus: MessageBus,
    private readonly stream: ChatStream,
    private session: string,
    private readonly style: Style,
    private readonly json: boolean,
    private readonly send: Record<string, Variant>,
  ) {}

  async run(reader: LineReader, live: boolean): Promise<number> {
    for (let line = await reader.next(); line !== null; line = await reader.next()) {
      const text = line.trim();
      if (text === '') continue;
      if (text === '/quit' || text === '/exit') break;
      try {
        if (text.startsWith('/')) await this.command(text);
        else await this.answer(text, live);
      } catch (error) {
        // One failed request must not end the conversation.
        this.problem(errorText(error));
      }
    }
    return this.failures > 0 ? EXIT_FAILURE : 0;
  }

  private problem(message: string): void {
    process.stderr.write(`steward: ${message}\n`);
    this.failures += 1;
  }

  private async answer(prompt: string, live: boolean): Promise<void> {
    const printer = new AnswerPrinter({ text: write, steps: write, shared: true, live });
    if (!this.json) printer.waitForModel(_('waiting for the model…'));
    const onProgress = (event: ProgressEvent) => {
      if (!this.json) printer.print(event);
      else if (event.kind === 'chunk') writeJson(chunkJson(event.text));
      else if (event.kind === 'tool-step') writeJson(toolStepJson(event));
    };
    const done = await streamAnswer(this.stream, this.session, prompt, this.send, onProgress).finally(() =>
      printer.finish(),
    );
    this.session = done.session;
    const proposals = await fetchProposals(this.bus, done.proposalIds);
    if (this.json) {
      writeJson(doneJson(done, proposals));
      if (done.status === 'failed' || isEmpty(done)) this.failures += 1;
      return;
    }
    if (done.status === 'failed') throw answerError(done);
    if (isEmpty(done)) this.problem(emptyAnswerMessage());
    if (done.status === 'cancelled') write(`${this.style.dim(stoppedMessage())}\n`);
    if (done.notice) write(`${this.style.dim(cleanLine(done.notice))}\n`);
    for (const proposal of proposals) write(`\n${proposalCard(proposal, this.style, 'chat')}`);
    if (live) write('\n');
  }

  private async command(line: string): Promise<void> {
    const [name = '', ...args] = line.split(/\s+/);
    if (name === '/help') {
      write(CHAT_HELP);
    } else if (name === '/new') {
      this.session = '';
      write(`${this.style.dim('A new conversation starts with your next message.')}\n`);
    } else if (name === '/sessions') {
      write(sessionList(await listSessions(this.bus), this.session));
    } else if (name === '/rename') {
      await this.rename(line.slice(name.length).trim());
    } else if (name === '/delete') {
      const [prefix, ...extra] = args;
      if ((prefix === undefined && this.session === '') || extra.length > 0)
        return this.problem('/delete takes one conversation id (or none, for this one)');
      const id = prefix === undefined ? this.session : String(sessionByPrefix(await listSessions(this.bus), prefix).id);
      await callChat(this.bus, 'DeleteSession', 's', [id]);
      const current = id === this.session;
      if (current) this.session = '';
      write(
        current ? 'Deleted this conversation; the next message starts a new one.\n' : `Deleted conversation ${id}.\n`,
      );
    } else if (name === '/apply') {
      // apply prints its own outcome, the refusals included.
      await applyCommand(this.bus, args, { yes: false });
    } else if (name === '/dismiss') {
      const [id, ...extra] = args;
      if (!id || extra.length > 0) return this.problem('/dismiss takes one proposal id');
      await callProposals(this.bus, 'Dismiss', 'ss', [id, 'once']);
      write(`Dismissed proposal ${id}.\n`);
    } else {
      this.problem(`unknown command ${name}; /help lists the commands`);
    }
  }

  private async rename(title: string): Promise<void> {
    if (!title) return this.problem('/rename takes a title');
    if (this.session === '')
      return this.problem('nothing to rename yet: the conversation starts with your next message');
    await callChat(this.bus, 'RenameSession', 'ss', [this.session, title]);
    write(`Renamed this conversation “${title}”.\n`);
  }
}

/** The conversation to continue: the one named, the latest, or none ('') for a new one. */
async function startingSession(bus: MessageBus, options: { session?: string; new: boolean }): Promise<Dict | null> {
  if (options.new) return null;
  const sessions = await listSessions(bus);
  if (options.session === undefined) return sessions[0] ?? null;
  return sessionByPrefix(sessions, options.session);
}

export async function chatCommand(
  bus: MessageBus,
  options: { session?: string; new: boolean; json: boolean; send: Record<string, Variant> },
): Promise<number> {
  const terminal = process.stdin.isTTY === true;
  const live = process.stdout.isTTY === true && !options.json;
  const style = live ? styleFor(process.stdout) : PLAIN;
  const session = await startingSession(bus, options);
  const id = typeof session?.id === 'string' ? session.id : '';
  if (terminal && !options.json) {
    if (session) {
      const [history] = await callChat(bus, 'GetHistory', 's', [id]);
      const title = cleanLine(String(session.title)) || 'your last conversation';
      write(`${style.dim(`Continuing “${title}” (steward chat --new starts another).`)}\n`);
      write(recentMessages(unpack(history) as Dict[], style));
    }
    write(`${style.dim('Ask anything; /help lists the commands.')}\n`);
  }
  const stream = await ChatStream.open(bus);
  const reader = terminal ? terminalLines(style.bold('› ')) : pipedLines();
  try {
    return await new ChatLoop(bus, stream, id, style, options.json, options.send).run(reader, live);
  } finally {
    reader.close();
    await stream.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends one question and prints the answer as it streams; Ctrl+C stops the answer. */
export async function askCommand(
  bus: MessageBus,
  words: string[],
  options: { session?: string; continueLatest: boolean; json: boolean; sendOptions: Record<string, Variant> },
): Promise<number> {
  const question = words.length > 0 ? words.join(' ') : process.stdin.isTTY ? '' : await readStdin();
  if (question.trim() === '') throw new UsageError(_('“ask” needs a question, as words or on standard input'));
  if (options.session !== undefined && options.continueLatest)
    throw new UsageError(_('--session and --continue contradict each other'));
  const session = options.continueLatest
    ? await startingSession(bus, { new: false })
    : options.session === undefined
      ? null
      : await startingSession(bus, { session: options.session, new: false });
  const stderrLive = process.stderr.isTTY === true;
  const printer = new AnswerPrinter({
    text: (chunk) => (options.json ? undefined : write(chunk)),
    steps: (line) => process.stderr.write(line),
    shared: !options.json && stderrLive && process.stdout.isTTY === true,
    live: stderrLive,
  });
  printer.waitForModel(_('waiting for the model…'));
  const stream = await ChatStream.open(bus);
  try {
    const done = await streamAnswer(
      stream,
      typeof session?.id === 'string' ? session.id : '',
      question,
      options.sendOptions,
      (event) => printer.print(event),
    ).finally(() => printer.finish());
    if (done.status === 'failed') throw answerError(done);
    return report(done, await fetchProposals(bus, done.proposalIds), options.json);
  } finally {
    await stream.close();
  }
}

function report(done: DoneEvent, proposals: Dict[], json: boolean): number {
  if (json) {
    const { session, status, text, notice, usage } = done;
    writeJson({ session, status, text, notice: notice || undefined, usage, proposals });
  } else {
    const style = styleFor(process.stdout);
    for (const proposal of proposals) write(`\n${proposalCard(proposal, style, 'shell')}`);
  }
  if (done.notice) process.stderr.write(`${cleanLine(done.notice)}\n`);
  if (done.status === 'cancelled') {
    process.stderr.write(`${stoppedMessage()}\n`);
    return EXIT_INTERRUPTED;
  }
  if (isEmpty(done)) {
    process.stderr.write(`steward: ${emptyAnswerMessage()}\n`);
    return EXIT_FAILURE;
  }
  if (process.stderr.isTTY && !json)
    process.stderr.write(
      `${format(_('(continue with: steward ask --session {session} …)'), { session: done.session.slice(0, SESSION_PREFIX) })}\n`,
    );
  return 0;
}
