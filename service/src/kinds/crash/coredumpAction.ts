// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.coredump: what `coredumpctl info` shows of one crash, read from the
// journal entry systemd-coredump wrote for it (its structured COREDUMP_*
// fields and the stack trace in its message): the signal, the executable,
// the unit, the package and version where systemd-coredump knew them; then
// where the program comes from (its Flatpak deployment, or the package that
// owns it and whether an update for it is waiting).
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import type { ActionContext, ActionDefinition } from '../../fixes/action.js';
import { journalctl, journalCursor, journalSourceArgs, type ShowLogsOptions } from '../../fixes/actions/journalctl.js';
import { absolutePath, unitScope } from '../../fixes/params.js';
import { _, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import { type CrashFields, originLines } from '../appCrash/origin.js';

// systemd's catalog: "Process @COREDUMP_PID@ (@COREDUMP_COMM@) dumped core" and the --backtrace form.
const COREDUMP_MESSAGES = new Set(['fc2e22bc6ee647b6b90729ab34a250b1', '1f4e0a44a88649939aaea34fc6da8c95']);
const TRACE_LINES = 40;

const coredumpParams = z.object({
  /** The journal entry systemd-coredump wrote: the finding's own evidence. */
  cursor: journalCursor,
  scope: unitScope.default('system'),
  directory: absolutePath.optional(),
});
type CoredumpParams = z.infer<typeof coredumpParams>;

type Entry = Record<string, string | number[] | null | undefined>;

const text = (value: Entry[string]) =>
  Array.isArray(value) ? Buffer.from(value).toString('utf8') : typeof value === 'string' ? value : undefined;

// The fields coredumpctl info shows first, in its order, with its labels.
const FIELDS: [string, string][] = [
  ['COREDUMP_PID', 'PID'],
  ['COREDUMP_UID', 'UID'],
  ['COREDUMP_SIGNAL_NAME', 'Signal'],
  ['COREDUMP_EXE', 'Executable'],
  ['COREDUMP_CMDLINE', 'Command Line'],
  ['COREDUMP_UNIT', 'Unit'],
  ['COREDUMP_USER_UNIT', 'User Unit'],
  ['COREDUMP_PACKAGE_NAME', 'Package'],
  ['COREDUMP_PACKAGE_VERSION', 'Version'],
  ['COREDUMP_FILENAME', 'Storage'],
];

/** The journal entry at the cursor, or null where there is none. */
async function entryAt(params: CoredumpParams, options: ShowLogsOptions): Promise<Entry | null> {
  const { stdout } = await journalctl([
    ...journalSourceArgs(params, options),
    '--quiet',
    '--no-pager',
    '--output=json',
    `--cursor=${params.cursor}`,
    '--reverse',
    '--lines=1',
  ]);
  const line = stdout.split('\n').find(Boolean);
  return line ? (JSON.parse(line) as Entry) : null;
}

/** The fields that say where the crashed program comes from, as systemd-coredump recorded them. */
function crashFieldsOf(entry: Entry): CrashFields {
  return {
    COREDUMP_CGROUP: text(entry.COREDUMP_CGROUP),
    COREDUMP_EXE: text(entry.COREDUMP_EXE),
    COREDUMP_PACKAGE_NAME: text(entry.COREDUMP_PACKAGE_NAME),
    COREDUMP_PACKAGE_VERSION: text(entry.COREDUMP_PACKAGE_VERSION),
  };
}

/** Those fields of the crash record at the cursor (a finding's own evidence); null where it is no crash record. */
export async function crashFieldsAt(
  place: { cursor: string; scope: 'user' | 'system'; directory?: string },
  options: ShowLogsOptions,
): Promise<CrashFields | null> {
  const entry = await entryAt(coredumpParams.parse(place), options);
  return entry && COREDUMP_MESSAGES.has(text(entry.MESSAGE_ID) ?? '') ? crashFieldsOf(entry) : null;
}

/** The crash as lines "Label: value", where the program comes from, then the stack trace in its message. */
async function crashReport(
  params: CoredumpParams,
  options: CoredumpOptions,
  context: ActionContext,
): Promise<string[]> {
  const entry = await entryAt(params, options);
  if (entry && !COREDUMP_MESSAGES.has(text(entry.MESSAGE_ID) ?? '') && isPlainReport(entry)) {
    return plainReport(params, options, entry);
  }
  if (!entry || !COREDUMP_MESSAGES.has(text(entry.MESSAGE_ID) ?? '')) {
    throw new StewardError('Unavailable', 'the journal holds no crash report at that entry');
  }
  const signal = text(entry.COREDUMP_SIGNAL);
  const details = FIELDS.flatMap(([field, label]) => {
    const value = text(entry[field]) ?? (field === 'COREDUMP_SIGNAL_NAME' && signal ? signal : undefined);
    return value ? [`${label}: ${cleanLine(value, 300)}`] : [];
  });
  const origin = await originLines(context, crashFieldsOf(entry), {
    dataHome: context.dataHome,
    ...(options.systemFlatpak && { systemFlatpak: options.systemFlatpak }),
  });
  const trace = (text(entry.MESSAGE) ?? '')
    .split('\n')
    .slice(1)
    .filter((row) => row.trim());
  return [...details, ...origin, ...trace.slice(0, TRACE_LINES).map((row) => cleanLine(row, 300))];
}

// When journald itself crashed, systemd-coredump cannot hand it the structured entry and writes its report as
// plain lines instead ("Process 334 (systemd-journal) of user 0 dumped core.", then the trace, line by line).
// _COMM is journald's own field, which no other program can set; COMM is cut to 15 characters.
const PLAIN_REPORT = /^Process \d+ \(.+\) of user \d+ dumped core\.?/;

function isPlainReport(entry: Entry): boolean {
  return text(entry._COMM) === 'systemd-coredum' && PLAIN_REPORT.test(text(entry.MESSAGE) ?? '');
}

/** The plain report: its first line and what the same systemd-coredump process (one report each) wrote after it. */
async function plainReport(params: CoredumpParams, options: ShowLogsOptions, entry: Entry): Promise<string[]> {
  const pid = text(entry._PID);
  if (!pid || !/^\d+$/.test(pid)) throw new StewardError('Unavailable', 'the crash report names no process');
  const { stdout } = await journalctl([
    ...journalSourceArgs(params, options),
    '--quiet',
    '--no-pager',
    '--output=json',
    '--output-fields=MESSAGE',
    `--after-cursor=${params.cursor}`,
    `_PID=${pid}`,
    '_COMM=systemd-coredum',
  ]);
  const following = stdout
    .split('\n')
    .filter(Boolean)
    .map((row) => text((JSON.parse(row) as Entry).MESSAGE) ?? '');
  return [text(entry.MESSAGE) ?? '', ...following]
    .filter((row) => row.trim())
    .slice(0, TRACE_LINES)
    .map((row) => cleanLine(row, 300));
}

export interface CoredumpOptions extends ShowLogsOptions {
  /** The system's Flatpak installation, /var/lib/flatpak unless a test places it. */
  systemFlatpak?: string;
}

export function coredumpAction(options: CoredumpOptions = {}): ActionDefinition<CoredumpParams> {
  return {
    name: 'info.coredump',
    title: N_('Show the crash report'),
    params: coredumpParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview(params, context) {
      const details = await crashReport(params, options, context);
      return { summary: _('Show the crash: signal, program, package and stack trace'), details, changesNothing: false };
    },
    async run(params, context) {
      const details = await crashReport(params, options, context);
      return {
        summary: [_('The crash as systemd-coredump recorded it:'), ...details].join('\n'),
        undo: { impossible: _('showing a crash report changes nothing') },
      };
    },
    async verify() {
      return { ok: true, observed: _('read the crash report') };
    },
  };
}
