// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// unit_status: a systemd unit's state and its latest log lines.
import { z } from 'zod';

import { type SystemError, systemErrorOf } from '../../causes/systemError.js';
import { checkStep } from '../../fixes/causeCheck.js';
import { unitName, unitScope } from '../../fixes/params.js';
import { N_ } from '../../i18n.js';
import type { UnitStatus } from '../machine.js';
import { defineTool } from '../tool.js';
import { formatJournalLine, formatTime } from './journal.js';

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

/** The system error the lines carry, with what it is about and the read-only step that checks it here. */
function describeSystemError(error: SystemError, unit: UnitStatus): string {
  const { code, number, text } = error.errno;
  const about = [
    error.path && `path ${error.path}`,
    error.host && `host ${error.host}`,
    error.port && `port ${error.port}`,
  ].filter(Boolean);
  const step = checkStep(error, { unit: unit.name, scope: unit.scope });
  return [
    `system error in its lines: ${code} (${number}, ${text})`,
    about.length > 0 ? ` about ${about.join(', ')}` : '',
    step ? `; checked here by ${step.name} ${JSON.stringify(step.params)}` : '',
  ].join('');
}

export const unitStatusTool = defineTool({
  name: 'unit_status',
  description: "A systemd unit's state, last result and latest log lines.",
  params: z.object({
    unit: unitName.describe('e.g. "cups.service"'),
    scope: unitScope.default('system').describe('"user": the session\'s own units'),
    log_lines: z.number().int().min(0).max(50).default(10),
  }),
  progress: N_('checking a service…'),
  async run({ unit: name, scope, log_lines: logLines }, { machine }) {
    const unit = await machine.unit(name, scope);
    if (!unit) return `There is no unit ${name} (${scope}).`;
    const lines = describeUnit(unit);
    if (logLines === 0) return lines.join('\n');
    const log = await machine.journal({ unit: name, scope, limit: logLines });
    const error = systemErrorOf(log.map((line) => line.message));
    if (error) lines.push(describeSystemError(error, unit));
    lines.push(log.length === 0 ? 'No log lines.' : 'Latest log lines:', ...log.map(formatJournalLine));
    return lines.join('\n');
  },
});
