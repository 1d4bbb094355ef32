// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Read-only steps: what the user (and the model) look at before deciding on a fix.
import { z } from 'zod';

import { _, format, N_, ngettext } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';
import { absolutePath, unitName, unitScope } from '../params.js';
import { coredumpAction } from './coredump.js';
import { diskUsageAction } from './diskUsage.js';
import { journalctl, journalCursor, journalSourceArgs, type ShowLogsOptions } from './journalctl.js';

export type { ShowLogsOptions } from './journalctl.js';

const showLogsParams = z.object({
  unit: unitName.optional(),
  scope: unitScope.default('system'),
  /** An extra journal directory the journal watcher follows (watch.journal.directories), instead of the machine's. */
  directory: absolutePath.optional(),
  /** Without a unit: the lines around this entry (a finding's own evidence), instead of the latest. */
  cursor: journalCursor.optional(),
  lines: z.number().int().min(1).max(200).default(50),
  since: z.iso.datetime({ offset: true }).optional(),
  /**
   * With a cursor: only the lines of the program that wrote that entry, as journald's trusted fields name it
   * (_SYSTEMD_UNIT, _EXE or _COMM), not everything else the machine logged around it.
   */
  sameWriter: z.boolean().optional(),
});
type ShowLogsParams = z.infer<typeof showLogsParams>;

interface JsonEntry {
  MESSAGE?: string | number[] | null;
  __REALTIME_TIMESTAMP?: string;
}

/** The trusted fields of the entry at a cursor that say which program wrote it. */
interface Writer {
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
function writerMatches(writer: Writer): { matches: string[]; name: string } | null {
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

async function writerAt(common: string[], cursor: string): Promise<Writer | null> {
  const { stdout } = await journalctl([
    ...common.filter((arg) => !arg.startsWith('--output-fields=')),
    '--output-fields=_COMM,_EXE,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER',
    `--cursor=${cursor}`,
    '--lines=1',
  ]);
  const line = stdout.split('\n').find(Boolean);
  return line ? (JSON.parse(line) as Writer) : null;
}

/**
 * The matches for a unit's lines. --user-unit also demands journalctl's own UID of them, which a stand-in user
 * journal (holding only the user's lines, testHooks.ts) need not share: there its fields are matched alone.
 */
function unitArgs({ unit, scope, directory }: ShowLogsParams, options: ShowLogsOptions): string[] {
  if (!unit) return [];
  if (scope === 'user' && !directory && options.userJournal && !options.directory) {
    return [`_SYSTEMD_USER_UNIT=${unit}`, '+', `USER_UNIT=${unit}`, '+', `COREDUMP_USER_UNIT=${unit}`];
  }
  // In an extra directory --user-unit would also demand Steward's own UID of the lines; --unit finds what
  // PID 1 wrote about the unit and what the unit wrote itself.
  return [scope === 'user' && !directory ? '--user-unit' : '--unit', unit];
}

const parseEntries = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const entry = JSON.parse(line) as JsonEntry;
      // Binary messages come as byte arrays.
      const message = Array.isArray(entry.MESSAGE)
        ? Buffer.from(entry.MESSAGE).toString('utf8')
        : (entry.MESSAGE ?? '');
      const time = new Date(Number(entry.__REALTIME_TIMESTAMP ?? 0) / 1000).toISOString();
      return `${time} ${cleanLine(message)}`;
    });

/** The entries as lines "time message", made safe to show, and whose lines they are when `sameWriter` narrowed them. */
async function readLogOf(
  params: ShowLogsParams,
  options: ShowLogsOptions,
): Promise<{ lines: string[]; program?: string }> {
  const { unit, cursor, lines, since } = params;
  const common = [
    ...journalSourceArgs(params, options),
    '--quiet',
    '--no-pager',
    '--output=json',
    '--output-fields=MESSAGE,PRIORITY,__REALTIME_TIMESTAMP',
  ];
  if (cursor && !unit) {
    const writer = params.sameWriter ? writerMatches((await writerAt(common, cursor)) ?? {}) : null;
    const matches = writer?.matches ?? [];
    // The entry and what came before it (read backwards), then what followed.
    const before = Math.ceil(lines / 2);
    const [earlier, later] = await Promise.all([
      journalctl([...common, `--cursor=${cursor}`, '--reverse', `--lines=${before}`, ...matches]),
      journalctl([...common, `--after-cursor=${cursor}`, `--lines=${lines - before}`, ...matches]),
    ]);
    return {
      lines: [...parseEntries(earlier.stdout).reverse(), ...parseEntries(later.stdout)],
      ...(writer && { program: writer.name }),
    };
  }
  const args = [
    ...common,
    `--lines=${lines}`,
    ...unitArgs(params, options),
    ...(since ? [`--since=@${Math.floor(Date.parse(since) / 1000)}`] : []),
  ];
  return { lines: parseEntries((await journalctl(args)).stdout) };
}

const whose = ({ unit, scope, directory, cursor }: ShowLogsParams, program?: string) => {
  if (unit) return format(_("{unit}'s log"), { unit });
  // Translators: {program} is the program as journald names it, such as "sshd" or "dpkg".
  if (cursor && program) return format(_('{program}’s log around the reported line'), { program });
  if (cursor) return _('the journal around the reported line');
  if (directory) return format(_('the journal in {directory}'), { directory });
  return scope === 'user' ? _('your journal') : _('the system journal');
};

/**
 * info.show_logs; `options.directories` are the extra journal directories it may read, and `options.directory`
 * points it at a journal directory of the tests' own.
 */
export function showLogsAction(options: ShowLogsOptions = {}): ActionDefinition<ShowLogsParams> {
  return {
    name: 'info.show_logs',
    title: N_('Show logs'),
    params: showLogsParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // The preview is the result: it shows the lines themselves, and with none there is nothing to offer.
    async preview(params) {
      const { lines: details, program } = await readLogOf(params, options);
      return {
        // Translators: {log} is "the system journal", "your journal" or "backup.service's log".
        summary:
          params.cursor && !params.unit
            ? program
              ? format(_('Show {program}’s log around the reported line'), { program })
              : _('Show the journal around the reported line')
            : format(ngettext('Show the last line of {log}', 'Show the last {count} lines of {log}', params.lines), {
                count: params.lines,
                log: whose(params),
              }),
        details,
        changesNothing: details.length === 0,
      };
    },
    async run(params) {
      const { lines, program } = await readLogOf(params, options);
      return {
        summary: [
          format(ngettext('{count} line of {log}', '{count} lines of {log}', lines.length), {
            count: lines.length,
            log: whose(params, program),
          }),
          ...lines,
        ].join('\n'),
        undo: { impossible: _('showing logs changes nothing') },
      };
    },
    async verify(params) {
      return { ok: true, observed: format(_('read {log}'), { log: whose(params) }) };
    },
  };
}

/** The read-only steps; `options.directories` names the extra journal directories the service follows. */
export const infoActions = (options: ShowLogsOptions = {}) => [
  showLogsAction(options),
  diskUsageAction(),
  coredumpAction(options),
];
