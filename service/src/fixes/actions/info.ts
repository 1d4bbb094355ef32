// Read-only steps: what the user (and the model) look at before deciding on a fix.
import { z } from 'zod';
import type { ActionDefinition } from '../action.js';
import { unitName, unitScope } from '../params.js';
import { directoryArgs, journalctl, type JournalOptions } from './journalctl.js';
import { cleanLine } from '../../untrustedText.js';
import { _, format, N_, ngettext } from '../../i18n.js';

const showLogsParams = z.object({
  unit: unitName.optional(),
  scope: unitScope.default('system'),
  lines: z.number().int().min(1).max(200).default(50),
  since: z.iso.datetime({ offset: true }).optional(),
});
type ShowLogsParams = z.infer<typeof showLogsParams>;

interface JsonEntry {
  MESSAGE?: string | number[] | null;
  __REALTIME_TIMESTAMP?: string;
}

/** The entries as lines "time message", made safe to show. */
async function readLog({ unit, scope, lines, since }: ShowLogsParams, options: JournalOptions): Promise<string[]> {
  const args = [
    ...directoryArgs(options),
    '--quiet',
    '--no-pager',
    '--output=json',
    '--output-fields=MESSAGE,PRIORITY,__REALTIME_TIMESTAMP',
    `--lines=${lines}`,
    ...(unit ? [scope === 'user' ? '--user-unit' : '--unit', unit] : [scope === 'user' ? '--user' : '--system']),
    ...(since ? [`--since=@${Math.floor(Date.parse(since) / 1000)}`] : []),
  ];
  const { stdout } = await journalctl(args);
  return stdout
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
}

const whose = ({ unit, scope }: ShowLogsParams) =>
  unit ? format(_("{unit}'s log"), { unit }) : scope === 'user' ? _('your journal') : _('the system journal');

/** info.show_logs; `options.directory` points it at a journal directory of the tests' own. */
export function showLogsAction(options: JournalOptions = {}): ActionDefinition<ShowLogsParams> {
  return {
    name: 'info.show_logs',
    title: N_('Show logs'),
    params: showLogsParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // The preview is the result: it shows the lines themselves.
    async preview(params) {
      return {
        // Translators: {log} is "the system journal", "your journal" or "backup.service's log".
        summary: format(ngettext('Show the last line of {log}', 'Show the last {count} lines of {log}', params.lines), {
          count: params.lines,
          log: whose(params),
        }),
        details: await readLog(params, options),
        changesNothing: false,
      };
    },
    async run(params) {
      const lines = await readLog(params, options);
      return {
        summary: [
          format(ngettext('{count} line of {log}', '{count} lines of {log}', lines.length), {
            count: lines.length,
            log: whose(params),
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

export const infoActions = [showLogsAction()];
