// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.thermal: how hot the machine runs and what heats it. The temperatures now against their limits, the fans,
// how often the CPU was throttled for heat and how fast it runs now (all from sysfs), and the processes using the
// most CPU over one second (/proc), each with its unit. It only reads: no lm-sensors, no subprocess.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';

import { z } from 'zod';

import { readProcesses } from '../../assistant/live/processes.js';
import type { ProcessInfo } from '../../assistant/machine.js';
import type { ActionDefinition } from '../../fixes/action.js';
import { unitOfProcCgroup } from '../../fixes/actions/memoryUse.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import {
  type Frequencies,
  readThermalState,
  type Temperature,
  type ThermalState,
  type ThrottleCounts,
} from './sensors.js';

const params = z.object({}).strict();
type ThermalParams = z.infer<typeof params>;

/** How long CPU use is measured: long enough for a share to mean something at 100 ticks a second (1 % steps). */
export const SAMPLE_MS = 1000;
const TEMPERATURES_SHOWN = 12;
const FANS_SHOWN = 6;
const TOP_SHOWN = 8;

export interface ThermalOptions {
  /** Stands for `/` (STEWARD_TEST_DPKG_ROOT): <root>/sys and <root>/proc are read. */
  root?: string;
  /** What happens between the two readings of CPU time; tests change their /proc meanwhile. */
  pause?: (signal?: AbortSignal) => Promise<void>;
}

const degrees = (celsius: number) => `${Number(celsius.toFixed(1))} °C`;
const gigahertz = (kHz: number) => `${(kHz / 1e6).toFixed(2)} GHz`;
const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

function describeTemperature({ name, celsius, limits }: Temperature): string {
  const sensor = cleanLine(name, 80);
  const listed = limits.map((limit) => `${cleanLine(limit.kind, 20)} ${degrees(limit.celsius)}`).join(', ');
  const reached = limits
    .filter((limit) => celsius >= limit.celsius)
    .sort((a, b) => b.celsius - a.celsius)
    .at(0);
  if (reached) {
    return format(_('{sensor}: {temperature}, at or above its {kind} limit (limits: {limits})'), {
      sensor,
      temperature: degrees(celsius),
      kind: cleanLine(reached.kind, 20),
      limits: listed,
    });
  }
  return listed
    ? format(_('{sensor}: {temperature} (limits: {limits})'), { sensor, temperature: degrees(celsius), limits: listed })
    : format(_('{sensor}: {temperature}'), { sensor, temperature: degrees(celsius) });
}

function describeTemperatures({ temperatures, fans, sensorDevices }: ThermalState): string[] {
  if (temperatures.length === 0) {
    return [
      sensorDevices === 0
        ? _(
            'This computer shows the kernel no temperature sensor (no thermal zone, no hwmon device): a virtual machine has none, and some hardware has none until its driver is loaded.',
          )
        : _('The kernel has sensor devices here, but none gives a temperature now.'),
    ];
  }
  const hottest = [...temperatures].sort((a, b) => b.celsius - a.celsius);
  const lines = [
    _('Temperatures now, hottest first:'),
    ...hottest.slice(0, TEMPERATURES_SHOWN).map(describeTemperature),
  ];
  if (hottest.length > TEMPERATURES_SHOWN) {
    lines.push(format(_('… and {count} cooler sensors.'), { count: hottest.length - TEMPERATURES_SHOWN }));
  }
  if (fans.length === 0) return [...lines, _('No fan reports its speed to the kernel.')];
  return [
    ...lines,
    ...fans.slice(0, FANS_SHOWN).map((fan) =>
      format(fan.rpm === 0 ? _('{fan}: stopped (0 RPM)') : _('{fan}: {rpm} RPM'), {
        fan: cleanLine(fan.name, 80),
        rpm: fan.rpm,
      }),
    ),
  ];
}

function describeThrottle(throttle: ThrottleCounts | undefined): string[] {
  if (!throttle) {
    return [
      _(
        'The kernel keeps no throttle counters for this processor (it keeps them for Intel processors that report their heat).',
      ),
    ];
  }
  if (throttle.core === 0 && throttle.package === 0) {
    return [_('No CPU was throttled for heat since the computer started (the kernel’s counters are all 0).')];
  }
  const lines: string[] = [];
  if (throttle.mostCpu) {
    lines.push(
      format(
        _(
          'Since the computer started, the kernel throttled CPU cores for heat {core} times (most on CPU {cpu}: {most}).',
        ),
        { core: throttle.core, cpu: throttle.mostCpu.cpu, most: throttle.mostCpu.count },
      ),
    );
  }
  if (throttle.package > 0) {
    lines.push(
      format(
        _('Since the computer started, the kernel throttled the whole processor package for heat {package} times.'),
        {
          package: throttle.package,
        },
      ),
    );
  }
  if (throttle.coreMs !== undefined || throttle.packageMs !== undefined) {
    lines.push(
      format(_('Time spent throttled: {core} s on the cores (summed over CPUs), {package} s on the package.'), {
        core: ((throttle.coreMs ?? 0) / 1000).toFixed(1),
        package: ((throttle.packageMs ?? 0) / 1000).toFixed(1),
      }),
    );
  }
  return lines;
}

function describeFrequencies(speeds: Frequencies | undefined): string {
  if (!speeds) return _('The kernel shows no CPU speeds here (no cpufreq driver).');
  return format(
    _(
      'CPU speed now: {lowest} to {highest} over {cpus} CPUs, of at most {max}: the fastest at {share} of its maximum.',
    ),
    {
      lowest: gigahertz(speeds.lowestKHz),
      highest: gigahertz(speeds.highestKHz),
      cpus: speeds.cpus,
      max: gigahertz(speeds.maxKHz),
      share: percent(speeds.highestKHz / speeds.maxKHz),
    },
  );
}

interface BusyProcess {
  info: ProcessInfo;
  unit?: string;
}

/** The processes that used the most CPU over the sample, most first, each with the unit its cgroup names. */
async function busiestProcesses(root: string, pause: () => Promise<void>) {
  const proc = join(root, 'proc');
  const everyone = await readProcesses(proc, pause).catch(() => null);
  if (!everyone) return null;
  const busiest = everyone
    .filter((info) => info.cpuPercent >= 0.5)
    .sort((a, b) => b.cpuPercent - a.cpuPercent)
    .slice(0, TOP_SHOWN);
  const processes = await Promise.all(
    busiest.map(async (info): Promise<BusyProcess> => {
      const unit = unitOfProcCgroup(await readFile(join(proc, String(info.pid), 'cgroup'), 'utf8').catch(() => ''));
      return unit ? { info, unit } : { info };
    }),
  );
  return { processes, cpusUsed: everyone.reduce((sum, info) => sum + info.cpuPercent, 0) / 100 };
}

function describeProcess({ info, unit }: BusyProcess): string {
  const line = format(_('{share}  {name} (PID {pid})'), {
    share: `${Math.round(info.cpuPercent)}%`,
    name: cleanLine(info.name, 80),
    pid: info.pid,
  });
  return unit ? `${line}, ${cleanLine(unit)}` : line;
}

function describeCpuUse(use: Awaited<ReturnType<typeof busiestProcesses>>, cpus: number): string[] {
  if (!use) return [_('The processes’ CPU use could not be read (/proc).')];
  const lines =
    cpus > 0
      ? [
          format(_('Together the processes kept {used} of the {count} CPUs busy over that second.'), {
            used: use.cpusUsed.toFixed(1),
            count: cpus,
          }),
        ]
      : [];
  if (use.processes.length === 0) return [...lines, _('No process used the CPU measurably over that second.')];
  return [
    ...lines,
    // xgettext:no-javascript-format — "% i" reads as a printf directive to gettext.
    _('The processes using the most CPU over that second (100% is one CPU fully busy):'),
    ...use.processes.map(describeProcess),
  ];
}

/** What sysfs shows of the heat now, as the lines a person reads. */
const describeHeat = (state: ThermalState) => [
  ...describeTemperatures(state),
  ...describeThrottle(state.throttle),
  describeFrequencies(state.frequencies),
];

export function thermalAction({
  root = '/',
  pause = (signal) => setTimeout(SAMPLE_MS, undefined, { signal }),
}: ThermalOptions = {}): ActionDefinition<ThermalParams> {
  return {
    name: 'info.thermal',
    title: N_('Show the temperatures and what keeps the processor busy'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // The preview reads sysfs only; the run also measures CPU use, which takes a second.
    async preview() {
      return {
        summary: _(
          'Show the temperatures against their limits, the fans, the CPU’s throttling and speed, and the busiest processes',
        ),
        details: [
          ...describeHeat(await readThermalState(root)),
          _('Running it also measures which processes use the most CPU over one second.'),
        ],
        changesNothing: false,
      };
    },
    async run(_params, _context, { signal }) {
      const state = await readThermalState(root);
      const use = await busiestProcesses(root, () => pause(signal));
      return {
        summary: [_('The computer’s heat now'), ...describeHeat(state), ...describeCpuUse(use, state.cpus)].join('\n'),
        undo: { impossible: _('measuring changes nothing') },
      };
    },
    async verify() {
      return { ok: true, observed: _('read the temperatures and the CPU use') };
    },
  };
}
