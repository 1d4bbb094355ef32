// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A client of speech-dispatcher's own protocol, SSIP: CRLF-terminated lines,
// replies "NNN-data" … "NNN text" in the order of the commands, and the
// notifications (7xx: BEGIN, END, CANCELED) in between whenever they happen.
// No npm package speaks SSIP; libspeechd's behaviour is followed: the socket
// from SPEECHD_ADDRESS or $XDG_RUNTIME_DIR/speech-dispatcher/speechd.sock, and
// the daemon started with --spawn when nothing listens there.
import { execFile } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';

export interface SsipReply {
  code: number;
  /** The "NNN-" lines' data, e.g. the message id of a SPEAK. */
  data: string[];
  text: string;
}

export type SsipEventType = 'begin' | 'end' | 'cancel' | 'pause' | 'resume' | 'index-mark';

export interface SsipEvent {
  type: SsipEventType;
  messageId: number;
  /** The name of an index mark (700) that playback reached. */
  mark?: string;
}

const EVENT_TYPES: Record<number, SsipEventType> = {
  700: 'index-mark',
  701: 'begin',
  702: 'end',
  703: 'cancel',
  704: 'pause',
  705: 'resume',
};

export class SsipError extends Error {
  constructor(
    message: string,
    readonly code?: number,
    /** speech-dispatcher is not installed: nothing to spawn. */
    readonly notInstalled = false,
  ) {
    super(message);
  }
}

export type SsipAddress = { kind: 'unix'; path: string } | { kind: 'inet'; host: string; port: number };

/** Where libspeechd would connect: SPEECHD_ADDRESS, else the user's runtime directory. */
export function ssipAddress(env: NodeJS.ProcessEnv = process.env): SsipAddress | null {
  const given = env.SPEECHD_ADDRESS?.trim();
  if (given) {
    const [method, ...rest] = given.split(':');
    if (method === 'unix_socket' && rest.join(':')) return { kind: 'unix', path: rest.join(':') };
    if (method === 'inet_socket') {
      const host = rest[0] || '127.0.0.1';
      const port = Number(rest[1] ?? 6560);
      if (Number.isInteger(port) && port > 0 && port < 65536) return { kind: 'inet', host, port };
    }
  }
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime?.startsWith('/') ? { kind: 'unix', path: join(runtime, 'speech-dispatcher', 'speechd.sock') } : null;
}

/** The text of a SPEAK as SSIP carries it: CRLF lines, a leading dot doubled, so no line ends the message early. */
export function ssipBody(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (line.startsWith('.') ? `.${line}` : line))
    .join('\r\n');
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * `text` as SSML (for SSML_MODE on) with the index mark `mark` after its last word. The text is escaped, so it
 * can add no markup of its own; control characters that XML forbids become spaces.
 */
export function ssmlWithMark(text: string, mark: string): string {
  const escaped = text
    .replace(/[&<>]/g, (character) => XML_ESCAPES[character] ?? character)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ' ');
  return `<speak>${escaped}<mark name="${mark}"/></speak>`;
}

/** Splits the incoming bytes into replies and notifications. */
export class SsipParser {
  private partial = '';
  private data: string[] = [];

  constructor(
    private readonly onReply: (reply: SsipReply) => void,
    private readonly onEvent: (event: SsipEvent) => void,
  ) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\r\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    const match = /^(\d{3})([- ])(.*)$/.exec(line);
    if (!match) return;
    const [, digits, separator, rest] = match as unknown as [string, string, string, string];
    if (separator === '-') {
      this.data.push(rest);
      return;
    }
    const code = Number(digits);
    const data = this.data;
    this.data = [];
    const type = EVENT_TYPES[code];
    // An index mark's data: message id, client id, the mark's name.
    if (type === 'index-mark') this.onEvent({ type, messageId: Number(data[0]), mark: data[2] });
    else if (type) this.onEvent({ type, messageId: Number(data[0]) });
    else this.onReply({ code, data, text: rest });
  }
}

// `speech-dispatcher --spawn` returns once its socket listens, after it has started every output module and read
// each one's voices (espeak-ng's: over 13,000 lines, each logged): 0.5 s on a quiet machine, 23 s on a busy one
// (measured). libspeechd waits for it without a bound; this one only ends a spawn that hangs.
const SPAWN_TIMEOUT_MS = 120_000;

/** One connection to speech-dispatcher; commands are answered in order, one at a time. */
export class SsipConnection {
  private readonly pending: { resolve(reply: SsipReply): void; reject(error: Error): void }[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private closedError: SsipError | null = null;
  private readonly closeListeners: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    onEvent: (event: SsipEvent) => void,
  ) {
    const parser = new SsipParser((reply) => this.reply(reply), onEvent);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => parser.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closedError = new SsipError('speech-dispatcher closed the connection');
      for (const waiting of this.pending.splice(0)) waiting.reject(this.closedError);
      for (const listener of this.closeListeners) listener();
    });
  }

  /**
   * Connects, starting speech-dispatcher as libspeechd does when nothing listens yet; rejects with an
   * SsipError, `notInstalled` when there is no speech-dispatcher to start.
   */
  static async open(address: SsipAddress, onEvent: (event: SsipEvent) => void): Promise<SsipConnection> {
    const first = await connectTo(address).catch(() => null);
    if (first) return new SsipConnection(first, onEvent);
    if (address.kind !== 'unix') throw new SsipError(`nothing answers on ${address.host}:${address.port}`);
    // Another client may spawn it at the same moment; then this spawn fails and the connection succeeds.
    const spawnFailure = await spawnDaemon(address.path).then(
      () => null,
      (error: SsipError) => error,
    );
    if (spawnFailure?.notInstalled) throw spawnFailure;
    const socket = await connectTo(address).catch((error: Error) => {
      throw spawnFailure ?? new SsipError(`speech-dispatcher does not answer on ${address.path}: ${error.message}`);
    });
    return new SsipConnection(socket, onEvent);
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Sends one command line; rejects with the reply's text when its code is not a 2xx. */
  command(line: string): Promise<SsipReply> {
    return this.serialized(() => this.send(`${line}\r\n`));
  }

  /** SPEAK: resolves with the message id that its notifications carry. */
  speak(text: string): Promise<number> {
    return this.serialized(async () => {
      await this.send('SPEAK\r\n');
      const queued = await this.send(`${ssipBody(text)}\r\n.\r\n`);
      const id = Number(queued.data[0]);
      if (!Number.isInteger(id)) throw new SsipError(`speech-dispatcher queued no message: ${queued.text}`);
      return id;
    });
  }

  /** Says QUIT and lets go at once: speech-dispatcher may keep its end open, which would keep the service alive. */
  close(): void {
    if (!this.closed) this.socket.end('QUIT\r\n', () => this.socket.destroy());
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private send(data: string): Promise<SsipReply> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.pending.push({
        resolve: (reply) =>
          reply.code >= 200 && reply.code < 300
            ? resolve(reply)
            : reject(new SsipError(`speech-dispatcher: ${reply.code} ${reply.text}`, reply.code)),
        reject,
      });
      this.socket.write(data);
    });
  }

  private reply(reply: SsipReply): void {
    this.pending.shift()?.resolve(reply);
  }
}

function connectTo(address: SsipAddress): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = address.kind === 'unix' ? connect(address.path) : connect(address.port, address.host);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** speech-dispatcher's own autospawn: it forks, and the command returns once the socket listens. */
function spawnDaemon(socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'speech-dispatcher',
      ['--spawn', '--communication-method', 'unix_socket', '--socket-path', socketPath],
      { timeout: SPAWN_TIMEOUT_MS },
      (error, _stdout, stderr) => {
        if (!error) resolve();
        else if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          reject(new SsipError('speech-dispatcher is not installed', undefined, true));
        else
          reject(
            new SsipError(
              `speech-dispatcher could not be started: ${stderr.trim().split('\n').at(-1) || error.message}`,
            ),
          );
      },
    );
  });
}
