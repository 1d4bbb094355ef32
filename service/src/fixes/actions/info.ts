// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Read-only steps: what the user (and the model) look at before deciding on a fix.
import { z } from 'zod';

import { plainMeaning } from '../../causes/plainWords.js';
import { _, format, formatClock, N_, ngettext } from '../../i18n.js';
import type { ActionDefinition } from '../action.js';
import { absolutePath, unitName, unitScope } from '../params.js';
import { diskUsageAction } from './diskUsage.js';
import {
  entryLine,
  journalctl,
  journalCursor,
  journalSourceArgs,
  readEntries,
  type ShowLogsOptions,
  writerAt,
  writerMatches,
} from './journalctl.js';
import { oomKillAction } from './oomKill.js';
import { unitFailureAction } from './unitFailure.js';

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

type Entry = ReturnType<typeof readEntries>[number];

/** The entries, made safe to show, and whose lines they are when `sameWriter` narrowed them. */
async function readLogOf(
  params: ShowLogsParams,
  options: ShowLogsOptions,
): Promise<{ entries: Entry[]; program?: string }> {
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
      entries: [...readEntries(earlier.stdout).reverse(), ...readEntries(later.stdout)],
      ...(writer && { program: writer.name }),
    };
  }
  const args = [
    ...common,
    `--lines=${lines}`,
    ...unitArgs(params, options),
    ...(since ? [`--since=@${Math.floor(Date.parse(since) / 1000)}`] : []),
  ];
  return { entries: readEntries((await journalctl(args)).stdout) };
}

const whose = ({ unit, scope, directory, cursor }: ShowLogsParams, program?: string) => {
  if (unit) return format(_('{unit}’s log'), { unit });
  // Translators: {program} is the program as journald names it, such as "sshd" or "dpkg".
  if (cursor && program) return format(_('{program}’s log around the reported line'), { program });
  if (cursor) return _('the journal around the reported line');
  if (directory) return format(_('the journal in {directory}'), { directory });
  return scope === 'user' ? _('your journal') : _('the system journal');
};

/**
 * What the lines say, in one sentence for people before them: the newest line whose words say what happened
 * (systemd's about a unit's end, a system error), in plain words; the line itself follows with its technical term.
 */
function gist(entries: readonly Entry[], log: string): string[] {
  for (const entry of [...entries].reverse()) {
    const meaning = plainMeaning(entry.message);
    // Translators: {log} is "the system journal", "your journal" or "backup.service's log"; {meaning} is what a line
    // says, such as "its program ended with an error".
    if (meaning) return [format(_('At {time}, {log} says {meaning}.'), { time: formatClock(entry.at), log, meaning })];
  }
  return [];
}

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
      const { entries, program } = await readLogOf(params, options);
      const details = entries.map(entryLine);
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
      const { entries, program } = await readLogOf(params, options);
      const log = whose(params, program);
      return {
        summary: [
          ...gist(entries, log),
          format(ngettext('{count} line of {log}', '{count} lines of {log}', entries.length), {
            count: entries.length,
            log,
          }),
          ...entries.map(entryLine),
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
  unitFailureAction(options),
  oomKillAction(options),
];
