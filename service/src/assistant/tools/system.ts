// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// system_summary: what computer this is and how loaded it is, in a few lines.
import { z } from 'zod';

import { N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { SystemSummary } from '../machine.js';
import { defineTool } from '../tool.js';
import { formatGigabytes, formatUptime } from './format.js';

function describeSystem({ os, kernel, hostname, uptimeSeconds, cpu, memory, gpus, battery }: SystemSummary): string[] {
  const swapUsed = memory.swapTotalBytes - memory.swapFreeBytes;
  return [
    `OS: ${cleanLine(os)}, kernel ${kernel}, host ${cleanLine(hostname)}`,
    `Up ${formatUptime(uptimeSeconds)}`,
    `CPU: ${cleanLine(cpu.model)} × ${cpu.cores} cores, load ${cpu.load.map((load) => load.toFixed(2)).join(' ')}`,
    `Memory: ${formatGigabytes(memory.totalBytes - memory.availableBytes)} used of ${formatGigabytes(memory.totalBytes)}, ${formatGigabytes(memory.availableBytes)} available`,
    memory.swapTotalBytes === 0
      ? 'Swap: none'
      : `Swap: ${formatGigabytes(swapUsed)} used of ${formatGigabytes(memory.swapTotalBytes)}`,
    `GPUs: ${gpus.length === 0 ? 'none found' : gpus.map((gpu) => cleanLine(gpu)).join('; ')}`,
    `Battery: ${battery ? `${battery.percent}%, ${cleanLine(battery.state)}` : 'none'}`,
  ];
}

export const systemSummaryTool = defineTool({
  name: 'system_summary',
  description: 'OS, uptime, CPU load, memory, GPUs and battery.',
  params: z.object({}),
  progress: N_('reading the system summary…'),
  async run(_params, { machine }) {
    return describeSystem(await machine.systemSummary()).join('\n');
  },
});
