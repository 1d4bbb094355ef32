// unit_status: a systemd unit's state and its latest log lines.
import { z } from 'zod';
import { unitName, unitScope } from '../../fixes/params.js';
import type { UnitStatus } from '../machine.js';
import { defineTool } from '../tool.js';
import { formatJournalLine, formatTime } from './journal.js';
import { N_ } from '../../i18n.js';

function describeUnit(unit: UnitStatus): string[] {
  const since = unit.since ? ` since ${formatTime(unit.since)}` : '';
  const lines = [
    `${unit.name} (${unit.scope}): ${unit.description}`,
    `state: ${unit.activeState} (${unit.subState})${since}`,
    `loaded: ${unit.loadState}`,
  ];
  if (unit.result) lines.push(`last result: ${unit.result}`);
  if (unit.mainPid > 0) lines.push(`main process: ${unit.mainPid}`);
  return lines;
}

export const unitStatusTool = defineTool({
  name: 'unit_status',
  description:
    "Shows a systemd unit's state (active, failed…), when it entered it, how its last run ended, and its latest log lines. Use it when a service misbehaves.",
  params: z.object({
    unit: unitName.describe('The unit name, e.g. "bluetooth.service" or "backup.timer"'),
    scope: unitScope
      .default('system')
      .describe('"system" for the computer\'s units, "user" for the units of the user\'s own session'),
    log_lines: z.number().int().min(0).max(50).default(10).describe('How many of its latest log lines to include'),
  }),
  progress: N_('checking a service…'),
  async run({ unit: name, scope, log_lines: logLines }, { machine }) {
    const unit = await machine.unit(name, scope);
    if (!unit) return `There is no unit ${name} (${scope}).`;
    const lines = describeUnit(unit);
    if (logLines === 0) return lines.join('\n');
    const log = await machine.journal({ unit: name, scope, limit: logLines });
    lines.push(log.length === 0 ? 'No log lines.' : 'Latest log lines:', ...log.map(formatJournalLine));
    return lines.join('\n');
  },
});
