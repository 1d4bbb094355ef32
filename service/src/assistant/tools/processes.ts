// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// top_processes: the programs using the most CPU or memory right now.
import { z } from 'zod';

import { N_ } from '../../i18n.js';
import { formatBytes } from '../../models/progress.js';
import { cleanLine } from '../../untrustedText.js';
import type { ProcessInfo } from '../machine.js';
import { defineTool } from '../tool.js';

const COMMAND_LENGTH = 120;

const byCpu = (a: ProcessInfo, b: ProcessInfo) => b.cpuPercent - a.cpuPercent || b.memoryBytes - a.memoryBytes;
const byMemory = (a: ProcessInfo, b: ProcessInfo) => b.memoryBytes - a.memoryBytes || b.cpuPercent - a.cpuPercent;

function describeProcess(info: ProcessInfo): string {
  return [
    String(info.pid).padStart(7),
    `${info.cpuPercent.toFixed(1)}%`.padStart(7),
    formatBytes(info.memoryBytes).padStart(9),
    cleanLine(info.user, 32).padEnd(10),
    cleanLine(info.name, 32).padEnd(16),
    cleanLine(info.command, COMMAND_LENGTH),
  ].join(' ');
}

export const topProcessesTool = defineTool({
  name: 'top_processes',
  description: 'The programs using the most CPU or memory.',
  params: z.object({
    sort_by: z.enum(['cpu', 'memory']).default('cpu'),
    limit: z.number().int().min(1).max(20).default(8),
  }),
  progress: N_('looking at running programs…'),
  async run({ sort_by: sortBy, limit }, { machine }) {
    const processes = await machine.processes();
    const top = processes.toSorted(sortBy === 'cpu' ? byCpu : byMemory).slice(0, limit);
    return [
      `${processes.length} processes; the ${top.length} using the most ${sortBy === 'cpu' ? 'CPU' : 'memory'}:`,
      `${'PID'.padStart(7)} ${'CPU'.padStart(7)} ${'MEMORY'.padStart(9)} ${'USER'.padEnd(10)} ${'NAME'.padEnd(16)} COMMAND`,
      ...top.map(describeProcess),
    ].join('\n');
  },
});
