// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { fstatSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warning(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  setLevel(level: LogLevel): void;
}

const severity: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };
// syslog priorities, which journald reads from a "<N>" prefix on each line
export const syslogPriority: Record<LogLevel, number> = { debug: 7, info: 6, warning: 4, error: 3 };

/**
 * True when stderr is the journal stream systemd set up for this service
 * (JOURNAL_STREAM names its device and inode), so lines need "<N>" prefixes.
 */
export function stderrIsJournal(env: NodeJS.ProcessEnv = process.env): boolean {
  const stream = env.JOURNAL_STREAM;
  if (!stream) return false;
  const stat = fstatSync(2);
  return stream === `${stat.dev}:${stat.ino}`;
}

export function formatFields(fields: LogFields): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : JSON.stringify(value);
      return `${key}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`;
    })
    .join(' ');
}

const entryText = (message: string, fields: LogFields) => {
  const tail = formatFields(fields);
  return tail ? `${message} ${tail}` : message;
};

/** A line for a reader without the journal: when and how severe, then the text. */
export function timestamped(level: LogLevel, text: string, now = new Date()): string {
  return `${now.toISOString()} ${level.toUpperCase()} ${text}`;
}

export function formatLine(
  level: LogLevel,
  message: string,
  fields: LogFields,
  journal: boolean,
  now = new Date(),
): string {
  const text = entryText(message, fields);
  return journal ? `<${syslogPriority[level]}>${text}` : timestamped(level, text, now);
}

/** Somewhere else each entry goes besides `write` (see logSinks.ts). */
export interface LogSink {
  write(level: LogLevel, text: string): void;
}

export function createLogger(
  options: { level?: LogLevel; journal?: boolean; write?: (line: string) => void; sink?: LogSink | null } = {},
): Logger {
  let threshold = options.level ?? 'info';
  const journal = options.journal ?? stderrIsJournal();
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sink = options.sink ?? null;
  const emit =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (severity[level] < severity[threshold]) return;
      write(formatLine(level, message, fields, journal));
      sink?.write(level, entryText(message, fields));
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warning: emit('warning'),
    error: emit('error'),
    setLevel(level) {
      threshold = level;
    },
  };
}
