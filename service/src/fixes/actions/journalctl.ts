// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// journalctl, run with a fixed argument vector (never a shell).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { formatClock } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import { NotAuthorizedError } from '../action.js';

const run = promisify(execFile);

/** A journal cursor as journalctl prints it: "s=…;i=…;b=…;m=…;t=…;x=…". */
export const journalCursor = z
  .string()
  .max(256)
  .regex(/^[a-z]=[0-9a-f]+(?:;[a-z]=[0-9a-f]+)*$/, 'not a journal cursor');

/** Where journalctl reads: the machine's journals, or (in tests) a journal directory of their own. */
export interface JournalOptions {
  directory?: string;
}

export const directoryArgs = ({ directory }: JournalOptions) => (directory ? ['--directory', directory] : []);

/**
 * stdout and stderr of `command args`; Unavailable when it cannot run or fails.
 * `silentExit`: an exit status that means "nothing found" when journalctl says nothing on stderr (--grep exits 1).
 */
export async function journalctl(
  args: string[],
  command: string[] = ['journalctl'],
  silentExit?: number,
): Promise<{ stdout: string; stderr: string }> {
  const [file, ...prefix] = command as [string, ...string[]];
  return run(file, [...prefix, ...args], { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 }).catch(
    (error: Omit<NodeJS.ErrnoException, 'code'> & { code?: string | number; stdout?: string; stderr?: string }) => {
      if (silentExit !== undefined && error.code === silentExit && !error.stderr?.trim()) {
        return { stdout: error.stdout ?? '', stderr: '' };
      }
      // pkexec: 126, the prompt was dismissed; 127, not authorized (or polkit failed).
      if (file === 'pkexec' && (error.code === 126 || error.code === 127)) throw new NotAuthorizedError();
      const reason = error.code === 'ENOENT' ? `${file} is not installed` : (error.stderr ?? error.message).trim();
      throw new StewardError('Unavailable', `${file} failed: ${cleanLine(reason)}`);
    },
  );
}

export interface ShowLogsOptions extends JournalOptions {
  /** The extra journal directories the service follows: the only ones a `directory` parameter may name. */
  directories?: () => readonly string[];
  /** Journal directories that stand for the system's and the user's journals (the corpus's test hooks, testHooks.ts). */
  systemJournal?: string;
  userJournal?: string;
}

/** Which journal: the tests' own directory, the extra directory asked for, or the system's or the user's. */
export function journalSourceArgs(
  { scope, directory }: { scope: 'user' | 'system'; directory?: string },
  options: ShowLogsOptions,
): string[] {
  if (options.directory) return directoryArgs(options);
  if (directory) {
    if (!options.directories?.().includes(directory))
      throw new StewardError('InvalidArgs', `${directory} is not a journal directory Steward follows`);
    return directoryArgs({ directory });
  }
  const standIn = scope === 'user' ? options.userJournal : options.systemJournal;
  if (standIn) return directoryArgs({ directory: standIn });
  return [scope === 'user' ? '--user' : '--system'];
}

export interface JsonEntry {
  MESSAGE?: string | number[] | null;
  __REALTIME_TIMESTAMP?: string;
}

/** An entry of `journalctl --output=json` with its message as text (binary ones come as byte arrays) and its time. */
export function readEntry(entry: JsonEntry): { message: string; at: Date } {
  const message = Array.isArray(entry.MESSAGE) ? Buffer.from(entry.MESSAGE).toString('utf8') : (entry.MESSAGE ?? '');
  return { message, at: new Date(Number(entry.__REALTIME_TIMESTAMP ?? 0) / 1000) };
}

/** journalctl --output=json entries: each one's time and its message, made safe to show. */
export const readEntries = (stdout: string): { at: Date; message: string }[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { message, at } = readEntry(JSON.parse(line) as JsonEntry);
      return { at, message: cleanLine(message) };
    });

/** An entry as the line a person reads: "time message", the time as the session's clock writes it. */
export const entryLine = ({ at, message }: { at: Date; message: string }) => `${formatClock(at)} ${message}`;

/** journalctl --output=json entries as lines "time message", made safe to show. */
export const parseEntries = (stdout: string): string[] => readEntries(stdout).map(entryLine);

/** The trusted fields of the entry at a cursor that say which program wrote it. */
export interface Writer {
  _COMM?: string;
  _EXE?: string;
  _SYSTEMD_UNIT?: string;
  SYSLOG_IDENTIFIER?: string;
}

/** Strings only: journald gives a field it cannot show as text as a byte array. */
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * journalctl matches for the lines the same program wrote: its unit (unless it is PID 1's own scope) and its
 * executable, or its command name where journald has no executable; journald sets these from the writer's
 * credentials, so no line can claim them. Null when the entry names no program (a kernel line).
 */
export function writerMatches(writer: Writer): { matches: string[]; name: string } | null {
  const exe = text(writer._EXE);
  const comm = text(writer._COMM);
  if (!exe && !comm) return null;
  const unit = text(writer._SYSTEMD_UNIT);
  const program = exe ? `_EXE=${exe}` : `_COMM=${comm}`;
  // SYSLOG_IDENTIFIER is the writer's own claim: it names the program only where it agrees with journald's.
  const identifier = text(writer.SYSLOG_IDENTIFIER);
  const trustedName = comm ?? exe?.slice(exe.lastIndexOf('/') + 1) ?? '';
  const name = identifier && identifier === trustedName ? identifier : trustedName;
  return { matches: [...(unit && unit !== 'init.scope' ? [`_SYSTEMD_UNIT=${unit}`] : []), program], name };
}

export async function writerAt(common: string[], cursor: string): Promise<Writer | null> {
  const { stdout } = await journalctl([
    ...common.filter((arg) => !arg.startsWith('--output-fields=')),
    '--output-fields=_COMM,_EXE,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER',
    `--cursor=${cursor}`,
    '--lines=1',
  ]);
  const line = stdout.split('\n').find(Boolean);
  return line ? (JSON.parse(line) as Writer) : null;
}
