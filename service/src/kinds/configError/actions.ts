// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Read-only steps for a configuration error a daemon reported with a file and
// a line: show that line in context, and run the daemon's own validator on
// the file. Neither changes anything; config.restore (config.ts) puts back a
// known-good copy.
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { access, constants, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import type { ActionContext, ActionDefinition } from '../../fixes/action.js';
import { absolutePath } from '../../fixes/params.js';
import { _, format, N_ } from '../../i18n.js';
import { holdsPrivateKey } from '../../secretPlaces.js';
import { cleanLine } from '../../untrustedText.js';

const CONTEXT_LINES = 4;
/** A config file is read this far at most: a line number beyond it is not shown. */
const MAX_LINES_READ = 100_000;

/** Where daemons keep configuration. */
// Not all of /run: the user's runtime directory there holds registry credentials (containers/auth.json).
const SYSTEM_CONFIG_ROOTS = ['/etc/', '/usr/lib/', '/usr/share/', '/usr/local/etc/', '/lib/', '/run/systemd/', '/opt/'];
/**
 * In the home, only the user's service manager's configuration: the file comes from log text anyone can write,
 * and the rest of ~/.config holds tokens (rclone, gh, cloud CLIs) that must not be shown on a forged line's word.
 */
const HOME_CONFIG_ROOTS = ['.config/systemd', '.config/environment.d'];

/**
 * The file to read for `path`, after symlinks; InvalidArgs unless it is a configuration file Steward may show.
 * Under a test root (testHooks.ts) `path` is looked up below it, and must stay below it.
 */
async function ensureConfigPlace(path: string, { home }: ActionContext, root?: string): Promise<string> {
  const real = await realpath(root ? join(root, path) : path).catch(() => {
    throw new StewardError('Unavailable', format(_('{path} cannot be read'), { path }));
  });
  const seen = root ? (real.startsWith(`${root}/`) ? real.slice(root.length) : '') : real;
  const homeConfig = HOME_CONFIG_ROOTS.map((place) => `${join(home, place)}/`);
  const allowed = [...SYSTEM_CONFIG_ROOTS, ...homeConfig].some((place) => seen.startsWith(place));
  if (!allowed) throw new StewardError('InvalidArgs', `${path} is not a configuration file Steward shows`);
  return real;
}

const showErrorParams = z.object({ path: absolutePath, line: z.number().int().min(1).max(MAX_LINES_READ) });
type ShowErrorParams = z.infer<typeof showErrorParams>;

/**
 * Lines `line`±CONTEXT_LINES of the file, numbered, the reported one marked with ">". A file that holds a private
 * key anywhere (a certificate bundle with its key, a renamed GnuPG key) is refused by its content: lines from the
 * middle of a key block carry no marker of their own.
 */
async function linesAround(path: string, line: number): Promise<string[]> {
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = line + CONTEXT_LINES;
  const shown: string[] = [];
  const stream = createReadStream(path, { encoding: 'utf8' });
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  let key = false;
  try {
    for await (const text of reader) {
      number += 1;
      if (holdsPrivateKey(text)) {
        key = true;
        break;
      }
      if (number >= first && number <= last)
        shown.push(`${number === line ? '>' : ' '}${String(number).padStart(6)}  ${cleanLine(text)}`);
      if (number >= MAX_LINES_READ) break;
    }
  } catch {
    throw new StewardError('Unavailable', format(_('{path} cannot be read'), { path }));
  } finally {
    reader.close();
    stream.destroy();
  }
  if (key) throw new StewardError('InvalidArgs', format(_('{path} is not shown: it holds a private key'), { path }));
  if (number < line) throw new StewardError('InvalidArgs', format(_('{path} has no line {line} now'), { path, line }));
  return shown;
}

export interface ShowErrorOptions {
  /** A directory that stands for `/` (the corpus's test hook, testHooks.ts). */
  root?: string;
}

export function showErrorAction({ root }: ShowErrorOptions = {}): ActionDefinition<ShowErrorParams> {
  return {
    name: 'config.show_error',
    title: N_('Show the line a program complained about'),
    params: showErrorParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview({ path, line }, context) {
      const lines = await linesAround(await ensureConfigPlace(path, context, root), line);
      return {
        summary: format(_('Show line {line} of {path}'), { path, line }),
        details: lines,
        changesNothing: false,
      };
    },
    async run({ path, line }, context) {
      const lines = await linesAround(await ensureConfigPlace(path, context, root), line);
      return {
        summary: [format(_('Line {line} of {path}'), { path, line }), ...lines].join('\n'),
        undo: { impossible: _('showing a file changes nothing') },
      };
    },
    async verify({ path }) {
      return { ok: true, observed: format(_('read {path}'), { path }) };
    },
  };
}

/** A daemon's own check of its configuration: which files it covers, and the command (argv, never a shell). */
interface Validator {
  covers: RegExp;
  argv(path: string): [string, ...string[]];
}

const UNIT_FILE = /\/systemd\/(?:system|user)\/[^/]+\.(?:service|socket|timer|path|mount|automount|swap|target|slice)$/;

/**
 * The validators, each read-only: it parses the configuration and reports, and changes nothing. The first
 * that covers the path is used.
 */
export const VALIDATORS: readonly Validator[] = [
  {
    covers: UNIT_FILE,
    argv: (path) => ['systemd-analyze', 'verify', ...(/\/user\//.test(path) ? ['--user'] : []), path],
  },
  { covers: /^\/etc\/nginx\//, argv: () => ['nginx', '-t', '-q'] },
  // sshd -t reads the main file, which includes the drop-ins.
  { covers: /^\/etc\/ssh\/sshd_config(?:\.d\/[^/]+)?$/, argv: () => ['sshd', '-t'] },
  { covers: /^\/etc\/apache2\//, argv: () => ['apache2ctl', '-t'] },
  { covers: /^\/etc\/httpd\//, argv: () => ['apachectl', '-t'] },
  { covers: /^\/etc\/(?:bind\/)?named\.conf/, argv: (path) => ['named-checkconf', path] },
  { covers: /^\/etc\/dnsmasq\.(?:conf$|d\/)/, argv: (path) => ['dnsmasq', '--test', `--conf-file=${path}`] },
  { covers: /^\/etc\/postfix\/(?:main|master)\.cf$/, argv: () => ['postfix', 'check'] },
  { covers: /^\/etc\/haproxy\/[^/]+\.cfg$/, argv: (path) => ['haproxy', '-c', '-f', path] },
  { covers: /^\/etc\/samba\/smb\.conf$/, argv: (path) => ['testparm', '--suppress-prompt', path] },
  { covers: /^\/etc\/unbound\/unbound\.conf$/, argv: (path) => ['unbound-checkconf', path] },
  { covers: /^\/etc\/sudoers(?:\.d\/[^/]+)?$/, argv: (path) => ['visudo', '--check', '--file', path] },
  { covers: /(?:^|\/)fstab$/, argv: (path) => ['findmnt', '--verify', '--tab-file', path] },
];

/** Where validators are looked for; a program elsewhere (the user's PATH) is never run. */
const PROGRAM_DIRECTORIES = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const VALIDATE_TIMEOUT_MS = 15_000;
const MAX_OUTPUT_LINES = 60;

/**
 * The validator for `path` with its program's absolute path; Unavailable when none covers it or it is not
 * installed. `located` is where the file is read (below a test root), `path` the name the program gave it.
 */
export async function validatorFor(path: string, located = path): Promise<[string, ...string[]]> {
  const validator = VALIDATORS.find(({ covers }) => covers.test(path));
  if (!validator) throw new StewardError('Unavailable', `no validator is known for ${path}`);
  const [program, ...args] = validator.argv(located);
  for (const directory of PROGRAM_DIRECTORIES) {
    const file = join(directory, program);
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return [file, ...args];
  }
  throw new StewardError('Unavailable', `${program} is not installed`);
}

interface ValidatorResult {
  /** The exit status; null when it was stopped at the time limit. */
  status: number | null;
  output: string[];
}

function runValidator([file, ...args]: [string, ...string[]], signal?: AbortSignal): Promise<ValidatorResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        timeout: VALIDATE_TIMEOUT_MS,
        maxBuffer: 256 * 1024,
        signal,
        // A user unit's check needs the user's runtime directory; nothing else of the service's environment.
        env: {
          PATH: PROGRAM_DIRECTORIES.join(':'),
          LC_ALL: 'C',
          ...(process.env.HOME && { HOME: process.env.HOME }),
          ...(process.env.XDG_RUNTIME_DIR && { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR }),
        },
      },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        if (failure && typeof failure.code !== 'number' && !failure.killed) {
          reject(new StewardError('Unavailable', `${file} could not run: ${cleanLine(failure.message)}`));
          return;
        }
        const output = `${stdout}${stderr}`
          .split('\n')
          .filter((line) => line.trim())
          .slice(0, MAX_OUTPUT_LINES)
          .map((line) => cleanLine(line));
        resolve({ status: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0, output });
      },
    );
  });
}

const validateParams = z.object({ path: absolutePath });
type ValidateParams = z.infer<typeof validateParams>;

/**
 * Where the file the program named is now; Unavailable when it is not on this computer: its program's check then
 * says nothing of the error it reported (the file was removed, or the line came from elsewhere).
 */
async function namedFileNow(path: string, root?: string): Promise<string> {
  const located = root ? join(root, path) : path;
  await access(located, constants.F_OK).catch(() => {
    throw new StewardError('Unavailable', format(_('{path} is not on this computer now'), { path }));
  });
  return located;
}

export function validateAction({ root }: ShowErrorOptions = {}): ActionDefinition<ValidateParams> {
  const validator = async (path: string) => validatorFor(path, await namedFileNow(path, root));
  return {
    name: 'config.validate',
    title: N_("Check a configuration with its program's own validator"),
    params: validateParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    runsProgram: true,
    async preview({ path }) {
      const argv = await validator(path);
      return {
        summary: format(_('Check {path} with {program}'), { path, program: argv[0] }),
        details: [
          format(_('runs: {command}'), { command: argv.join(' ') }),
          format(
            _(
              'it only reads the configuration and changes nothing; it is stopped after {seconds} s and its output is cut at {lines} lines',
            ),
            { seconds: VALIDATE_TIMEOUT_MS / 1000, lines: MAX_OUTPUT_LINES },
          ),
        ],
        changesNothing: false,
      };
    },
    async run({ path }, _context, { progress, signal }) {
      const argv = await validator(path);
      progress(null, format(_('Running {command}'), { command: argv.join(' ') }));
      const { status, output } = await runValidator(argv, signal);
      const verdict =
        status === null
          ? format(_('{program} did not finish within {seconds} s'), {
              program: argv[0],
              seconds: VALIDATE_TIMEOUT_MS / 1000,
            })
          : status !== 0
            ? format(_('{program} reports a problem (exit status {status})'), { program: argv[0], status })
            : output.length > 0
              ? format(_('{program} accepts {path}, with remarks'), { program: argv[0], path })
              : format(_('{program} finds no error in {path}'), { program: argv[0], path });
      progress(1, verdict);
      return { summary: [verdict, ...output].join('\n'), undo: { impossible: _('checking changes nothing') } };
    },
    async verify({ path }) {
      return { ok: true, observed: format(_('checked {path}'), { path }) };
    },
  };
}

export const configCheckActions = [showErrorAction(), validateAction()];
