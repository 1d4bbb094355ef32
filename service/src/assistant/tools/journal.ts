// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// search_journal: log lines by time, priority, unit and text.
import { z } from 'zod';

import { unitName } from '../../fixes/params.js';
import { N_ } from '../../i18n.js';
import type { JournalLine } from '../machine.js';
import { defineTool } from '../tool.js';

/** syslog's priority names, 0 … 7. */
export const PRIORITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

const RELATIVE = /^-(\d{1,4})([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** A date, or a local date and time ("2026-11-21", "2026-11-21T10:00", "2026-11-21 10:00:30"). */
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
/** A date and time with its zone ("2026-11-21T10:00:00Z", "…+01:00"). */
const ZONED_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** The moment `text` names ("-2h", "-30m", "-1d", "today", "yesterday", an ISO date), relative to `now`; null when it names none. */
export function parseTime(text: string, now: Date): Date | null {
  const relative = RELATIVE.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (UNIT_MS[relative[2] as string] as number));
  if (text === 'today' || text === 'yesterday') {
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    if (text === 'yesterday') midnight.setDate(midnight.getDate() - 1);
    return midnight;
  }
  const local = LOCAL_DATE.exec(text);
  if (local) {
    const [year, month, day, hours, minutes, seconds] = local.slice(1).map((part) => Number(part ?? 0));
    const date = new Date(year as number, (month as number) - 1, day, hours, minutes, seconds);
    // new Date() rolls 2026-02-31 over into March; such a date is no date.
    return date.getDate() === day && date.getMonth() === (month as number) - 1 ? date : null;
  }
  const zoned = ZONED_DATE.test(text) ? new Date(text) : null;
  return zoned && !Number.isNaN(zoned.getTime()) ? zoned : null;
}

const timeText = z
  .string()
  .max(40)
  .refine((text) => parseTime(text, new Date()) !== null, {
    message: 'not a time: use "-2h", "-30m", "-1d", "today", "yesterday" or an ISO date',
  });

const pad = (value: number) => String(value).padStart(2, '0');

/** "2026-11-21 10:02:13", in local time as the user reads their clock. */
export function formatTime(time: Date): string {
  const date = `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`;
  return `${date} ${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
}

/** "2026-11-21 10:02:13 err bluetooth.service: message" (the line is cleaned where it was read). */
export function formatJournalLine(line: JournalLine): string {
  const source = line.unit || line.identifier || 'kernel';
  return `${formatTime(line.time)} ${PRIORITIES[line.priority] ?? line.priority} ${source}: ${line.message}`;
}

/** A parsed time; the schema has already refused text that names none. */
function timeOf(text: string, now: Date): Date {
  const time = parseTime(text, now);
  if (!time) throw new Error(`"${text}" is not a time`);
  return time;
}

export const searchJournalTool = defineTool({
  name: 'search_journal',
  description: 'Search the logs (journal); returns the newest matching lines.',
  params: z.object({
    since: timeText.optional().describe('e.g. "-2h", "today", "2026-11-21T10:00"'),
    until: timeText.optional(),
    priority: z.enum(PRIORITIES).default('warning').describe('This level and more important'),
    unit: unitName.optional(),
    text: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(50).default(20),
  }),
  progress: N_('searching the logs…'),
  async run(params, { machine }) {
    const now = new Date();
    const lines = await machine.journal({
      ...(params.since !== undefined && { since: timeOf(params.since, now) }),
      ...(params.until !== undefined && { until: timeOf(params.until, now) }),
      priority: PRIORITIES.indexOf(params.priority),
      ...(params.unit !== undefined && { unit: params.unit }),
      ...(params.text !== undefined && { text: params.text }),
      limit: params.limit,
    });
    return lines.length === 0 ? 'No log lines match.' : lines.map(formatJournalLine).join('\n');
  },
});
