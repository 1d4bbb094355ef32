// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// shell.run: the expert shell. An argument vector (never a shell string), shown
// verbatim and always high risk, run by bubblewrap in a sandbox whose root is
// read-only, with no network, an empty /tmp and /run, the secret places hidden,
// and a seccomp filter that keeps it from Unix sockets. The catalog offers it
// only while fixes.expertShell is on.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { _, format, N_ } from '../../i18n.js';
import type { Logger } from '../../logging.js';
import { findSecretFiles, HOME_SECRETS, SYSTEM_SECRETS } from '../../secretPlaces.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionContext, ActionDefinition } from '../action.js';
import { absolutePath } from '../params.js';
import { shellSeccompProgram } from './seccomp.js';

export const SHELL_RUN = 'shell.run';

const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_TIMEOUT_MS = 30_000;
/** Per stream; a diagnostic that says more than this is cut. */
const MAX_OUTPUT_BYTES = 64 * 1024;
export const CUT_MARKER = '…(cut)';
export const SANDBOX_STATEMENT = N_(
  'Runs in a read-only sandbox without network; it cannot change your files or the system.',
);

const word = z
  .string()
  .min(1)
  .max(4096)
  .refine((text) => !text.includes('\0'), { message: 'contains a NUL character' });

const isCommand = (text: string) => /^[A-Za-z0-9._+-]+$/.test(text) || absolutePath.safeParse(text).success;

const shellRunParams = z.strictObject({
  argv: z
    .array(word)
    .min(1)
    .max(64)
    .refine(([command]) => command !== undefined && isCommand(command), {
      message: 'argv[0] must be a command name or an absolute path',
      path: [0],
    }),
  cwd: z.literal('/').or(absolutePath).optional(),
});
export type ShellRunParams = z.infer<typeof shellRunParams>;

export interface ShellRunOptions {
  /** The bubblewrap binary: a name looked up on PATH, or a path. */
  bwrap?: string;
  timeoutMs?: number;
  /** Steward's own secrets as the settings place them now (see stewardSecretPaths): hidden like the key stores. */
  stewardSecrets?: () => readonly string[];
}

interface SandboxResult {
  /** Null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string[];
  stderr: string[];
}

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
// Controls, format characters (bidi overrides) and line separators would hide what runs.
const HIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** A word as a POSIX shell would read it back to the same bytes. */
function quoteWord(text: string): string {
  if (PLAIN_WORD.test(text)) return text;
  if (!HIDDEN_CHARACTER.test(text)) return `'${text.replaceAll("'", `'\\''`)}'`;
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replace(new RegExp(HIDDEN_CHARACTER, 'gu'), (char) => {
      const code = char.codePointAt(0) as number;
      return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    });
  return `$'${escaped}'`;
}

/** The argument vector as one line the user can read: exactly what runs, word by word. */
export function showArgv(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

/** The executable `name` resolves to on the service's PATH, or null. */
export async function findExecutable(name: string): Promise<string | null> {
  const isExecutable = (path: string) =>
    access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
  const candidates = name.includes('/') ? [name] : (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name));
  for (const candidate of candidates) if (await isExecutable(candidate)) return candidate;
  return null;
}

async function requireBwrap(name: string): Promise<string> {
  const path = await findExecutable(name);
  if (!path) {
    throw new StewardError(
      'Unavailable',
      _(
        'bubblewrap (bwrap) is not installed, so commands cannot run in a sandbox here; install the package “bubblewrap”.',
      ),
    );
  }
  return path;
}

const isUnder = (path: string, root: string) => path === root || path.startsWith(`${root}/`);

/**
 * bwrap's arguments that cover each secret place: an empty tmpfs over a directory, /dev/null over a file; the
 * secret files found elsewhere in the home too. The mounts land on the real paths (a symlinked ~/.ssh is hidden
 * where it points); one inside another is left out.
 */
async function hideSecrets(home: string, stewardSecrets: readonly string[], log: Logger): Promise<string[]> {
  const found = await findSecretFiles(home, stewardSecrets);
  if (!found.complete) log.warning('the home is too large to search whole for files that hold secrets', { home });
  const places = [
    ...HOME_SECRETS.map((place) => join(home, place)),
    ...SYSTEM_SECRETS,
    ...stewardSecrets,
    ...found.files,
  ];
  const resolved = await Promise.all(
    places.map(async (place) => {
      const path = await realpath(place).catch(() => null);
      if (path === null) return null;
      return { path, directory: (await stat(path)).isDirectory() };
    }),
  );
  // By code unit, so that a directory comes before everything in it.
  const hidden = resolved.filter((place) => place !== null).sort((a, b) => (a.path < b.path ? -1 : 1));
  const outermost = hidden.filter(
    (place, index) => !hidden.slice(0, index).some((other) => other.directory && isUnder(place.path, other.path)),
  );
  return outermost.flatMap(({ path, directory }) => (directory ? ['--tmpfs', path] : ['--ro-bind', '/dev/null', path]));
}

/** The file descriptor bwrap reads the seccomp program from: the fourth of the child's stdio. */
const SECCOMP_FD = 3;

async function sandboxArgs({ argv, cwd }: ShellRunParams, sandbox: Sandbox) {
  const { home } = sandbox;
  const environment = { PATH: SANDBOX_PATH, HOME: home, LANG: 'C.UTF-8', TERM: 'dumb' };
  return [
    ...['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/run'],
    ...(await hideSecrets(home, sandbox.stewardSecrets, sandbox.log)),
    ...['--unshare-all', '--die-with-parent', '--new-session', '--clearenv'],
    ...['--seccomp', String(SECCOMP_FD)],
    ...Object.entries(environment).flatMap(([name, value]) => ['--setenv', name, value]),
    ...['--chdir', cwd ?? home, '--', ...argv],
  ];
}

/** Collects a stream up to MAX_OUTPUT_BYTES and drains the rest, so the command never blocks on a full pipe. */
function capture(stream: NodeJS.ReadableStream): () => string[] {
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  stream.on('data', (chunk: Buffer) => {
    const room = MAX_OUTPUT_BYTES - size;
    if (chunk.length > room) cut = true;
    if (room > 0) {
      chunks.push(chunk.subarray(0, room));
      size += Math.min(room, chunk.length);
    }
  });
  return () => {
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return [...lines.map((line) => cleanLine(line)), ...(cut ? [CUT_MARKER] : [])];
  };
}

/** Where and how a command runs. */
interface Sandbox {
  home: string;
  bwrap: string;
  stewardSecrets: readonly string[];
  log: Logger;
}

/** Runs `params.argv` in the sandbox; rejects when `signal` aborts (the sandbox is killed) or bwrap cannot start. */
async function runSandboxed(params: ShellRunParams, sandbox: Sandbox, signal: AbortSignal): Promise<SandboxResult> {
  const args = await sandboxArgs(params, sandbox);
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const child = spawn(sandbox.bwrap, args, {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { PATH: SANDBOX_PATH },
      signal,
      killSignal: 'SIGKILL',
    });
    // bwrap reads the program to its end before it starts the command; a bwrap that fails first closes the pipe.
    const seccomp = child.stdio[SECCOMP_FD] as Writable;
    seccomp.on('error', () => undefined);
    seccomp.end(shellSeccompProgram());
    // Pipes, as stdio asks: never null.
    const stdout = capture(child.stdout as Readable);
    const stderr = capture(child.stderr as Readable);
    child.on('error', (error) => reject(signal.aborted ? (signal.reason as Error) : error));
    // An abort between bwrap's exit and the end of its output kills nothing and raises no error: the close ends it.
    child.on('close', (code, killedBy) => {
      if (signal.aborted) reject(signal.reason as Error);
      else resolve({ code, signal: killedBy, stdout: stdout(), stderr: stderr() });
    });
  });
}

const ended = (argv: readonly string[], { code, signal }: SandboxResult) =>
  code === null
    ? // Translators: {signal} is a signal's name, e.g. SIGKILL.
      format(_('{command} was stopped by {signal}'), { command: showArgv(argv), signal: String(signal) })
    : format(_('{command} exited with {code}'), { command: showArgv(argv), code });

/** shell.run; `options` point it at another bwrap or shorten its time limit (tests). */
export function shellRunAction(options: ShellRunOptions = {}): ActionDefinition<ShellRunParams> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const bwrap = options.bwrap ?? 'bwrap';
  const run = async (params: ShellRunParams, { home, log }: ActionContext, signal: AbortSignal) => {
    const bwrapPath = await requireBwrap(bwrap);
    const limit = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const stewardSecrets = options.stewardSecrets?.() ?? [];
    try {
      return await runSandboxed(params, { home, bwrap: bwrapPath, stewardSecrets, log }, limit);
    } catch (error) {
      if (limit.aborted && !signal.aborted) {
        throw new StewardError(
          'Timeout',
          format(_('{command} ran longer than {seconds} s and was stopped'), {
            command: showArgv(params.argv),
            seconds: timeoutMs / 1000,
          }),
        );
      }
      throw error;
    }
  };
  return {
    name: SHELL_RUN,
    title: N_('Run a command in a read-only sandbox'),
    params: shellRunParams,
    risk: 'high',
    needsAuthorization: false,
    readOnly: true,
    runsProgram: true,
    async preview(params, context) {
      await requireBwrap(bwrap);
      return {
        summary: format(_('Run {command}'), { command: showArgv(params.argv) }),
        details: [
          format(_('Command: {command}'), { command: showArgv(params.argv) }),
          // Translators: the directory the command runs in.
          format(_('In: {directory}'), { directory: params.cwd ?? context.home }),
          _(SANDBOX_STATEMENT),
        ],
        changesNothing: false,
      };
    },
    async run(params, context, { signal, progress }) {
      progress(null, format(_('Running {command}'), { command: showArgv(params.argv) }));
      const result = await run(params, context, signal);
      const stderr = result.stderr.length > 0 ? ['stderr:', ...result.stderr] : [];
      return {
        summary: [ended(params.argv, result), ...result.stdout, ...stderr].join('\n'),
        undo: { impossible: _('the command ran in a read-only sandbox and changed nothing') },
      };
    },
    // The sandbox changes nothing, so running the command again is the check.
    async verify(params, context) {
      const result = await run(params, context, new AbortController().signal);
      return { ok: result.code === 0, observed: ended(params.argv, result) };
    },
  };
}
