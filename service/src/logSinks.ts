// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Where the service's log lines go besides stderr. Under systemd, stderr is the journal; when the bus starts
// the service itself, stderr is /dev/null, so the lines go to the journal's stream socket, or, with no journal,
// to a size-rotated file in the state directory.
import { closeSync, existsSync, fchmodSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';

import { type LogLevel, type LogSink, stderrIsJournal, syslogPriority, timestamped } from './logging.js';
import { makeDirectories } from './paths.js';

/** journald's socket for streams of lines, the one systemd-cat and sd_journal_stream_fd(3) use. */
export const JOURNAL_STREAM_SOCKET = '/run/systemd/journal/stdout';
export const LOG_FILE_NAME = 'steward.log';
export const LOG_FILE_MAX_BYTES = 1024 * 1024;
/** Older files kept besides the current one: steward.log.1, steward.log.2. */
export const LOG_FILE_GENERATIONS = 2;

const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

/** A line per entry, however the text came: a raw newline would split one entry into two. */
const oneLine = (text: string) => text.replaceAll('\n', '\\n');

/**
 * Appends lines to `path` (0600), and once it would outgrow `maxBytes` renames it to path.1 (path.1 to path.2…,
 * keeping `generations` of them) and starts a new one. Writes are synchronous, so a line logged just before the
 * process exits is kept. A write that fails (a full or read-only disk) loses that line only.
 */
export class RotatingFileSink implements LogSink {
  private fd: number | null = null;
  private size = 0;
  private failureReported = false;

  constructor(
    readonly path: string,
    private readonly maxBytes = LOG_FILE_MAX_BYTES,
    private readonly generations = LOG_FILE_GENERATIONS,
    private readonly onFailure: (error: Error) => void = (error) =>
      process.stderr.write(`cannot write the log file: ${error.message}\n`),
  ) {}

  write(level: LogLevel, text: string): void {
    const line = Buffer.from(`${timestamped(level, oneLine(text))}\n`);
    try {
      if (this.fd !== null && this.size > 0 && this.size + line.length > this.maxBytes) this.rotate();
      const fd = this.fd ?? this.open();
      this.size += writeSync(fd, line);
      this.failureReported = false;
    } catch (error) {
      this.close();
      // Said once per run of failures: a full disk would otherwise double every line on stderr.
      if (!this.failureReported) this.onFailure(error as Error);
      this.failureReported = true;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): number {
    makeDirectories(dirname(this.path));
    const fd = openSync(this.path, 'a', 0o600);
    // A file left by an older version, or made by hand, may be readable by others: the log names files and units.
    fchmodSync(fd, 0o600);
    this.size = fstatSync(fd).size;
    this.fd = fd;
    return fd;
  }

  private rotate(): void {
    this.close();
    for (let generation = this.generations - 1; generation >= 1; generation--) {
      const older = `${this.path}.${generation}`;
      if (existsSync(older)) renameSync(older, `${this.path}.${generation + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
  }
}

/**
 * Sends lines to journald over its stream socket, in the protocol of sd_journal_stream_fd(3): a header naming
 * the identifier and that lines carry "<N>" priority prefixes, then one entry per line. Node has no Unix datagram
 * sockets for journald's native protocol; the stream protocol needs none, and journald stores the same
 * MESSAGE, PRIORITY and SYSLOG_IDENTIFIER fields. Lines logged while connecting wait; when the socket cannot
 * be reached they, and all later lines, go to `fallback`.
 */
export class JournalStreamSink implements LogSink {
  private socket: Socket | null = null;
  private connected = false;
  private failed = false;
  private readonly waiting: { level: LogLevel; text: string }[] = [];

  constructor(
    private readonly socketPath: string,
    private readonly fallback: LogSink,
    private readonly identifier = 'steward',
  ) {}

  write(level: LogLevel, text: string): void {
    if (this.failed) return this.fallback.write(level, text);
    if (this.connected && this.socket) {
      // A journald that stops reading must not make the service hold the log in memory without end.
      if (this.socket.writableLength < MAX_UNSENT_BYTES)
        this.socket.write(`<${syslogPriority[level]}>${oneLine(text)}\n`);
      return;
    }
    // A burst while connecting is kept in order; past this many lines the oldest are dropped.
    if (this.waiting.length >= 1000) this.waiting.shift();
    this.waiting.push({ level, text });
    if (!this.socket) this.connect();
  }

  private connect(): void {
    const socket = connect(this.socketPath);
    this.socket = socket;
    // Logging must never keep the process alive.
    socket.unref();
    socket.once('connect', () => {
      this.connected = true;
      socket.write(`${this.identifier}\n\n6\n1\n0\n0\n0\n`);
      for (const { level, text } of this.waiting.splice(0)) this.write(level, text);
    });
    socket.on('error', () => {
      // Never reached: the journal is not there, or refuses this process. The file takes over for good.
      if (!this.connected) this.failed = true;
      for (const { level, text } of this.waiting.splice(0)) this.fallback.write(level, text);
    });
    socket.once('close', () => {
      // journald closed a stream it had accepted (it restarted): the next line connects again.
      this.socket = null;
      this.connected = false;
    });
  }
}

/**
 * The sink for a service whose stderr is not the journal: the journal when systemd started it (INVOCATION_ID)
 * or journald runs on this machine, otherwise `steward.log` in the state directory. Null when stderr already
 * is the journal.
 */
export function serviceLogSink(options: {
  env?: NodeJS.ProcessEnv;
  stateDirectory: string;
  journalSocket?: string;
}): LogSink | null {
  const env = options.env ?? process.env;
  if (stderrIsJournal(env)) return null;
  const file = new RotatingFileSink(join(options.stateDirectory, LOG_FILE_NAME));
  const socket = options.journalSocket ?? JOURNAL_STREAM_SOCKET;
  if (env.INVOCATION_ID || existsSync(socket)) return new JournalStreamSink(socket, file);
  return file;
}
