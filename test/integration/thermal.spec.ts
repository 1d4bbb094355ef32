// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.thermal on this machine's real /sys and /proc: a process that keeps one CPU busy is found among the busiest
// with the unit its cgroup names, and the sensors are what sysfs has (none at all on a virtual machine).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';

import { unitOfCgroup } from '../../service/src/fixes/actions/oomKill.js';
import { thermalAction } from '../../service/src/kinds/thermal/action.js';
import { homeContext, runOptions } from '../unit/fixes/actionContext.js';

const SPINNER = `process.stdout.write('spinning\\n'); for (;;) {}`;
const sensorsIn = async (path: string, pattern: RegExp) =>
  (await readdir(path).catch(() => [])).filter((name) => pattern.test(name)).length;

describe('info.thermal on the real /sys and /proc', () => {
  let spinner: ChildProcess;

  beforeEach(async () => {
    spinner = spawn(process.execPath, ['-e', SPINNER], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(spinner.stdout!, 'data');
  });
  afterEach(async () => {
    const exited = once(spinner, 'exit');
    spinner.kill();
    await exited;
  });

  it('shows the sensors sysfs has and finds the process keeping a CPU busy, with its unit', async () => {
    const { summary } = await thermalAction().run({}, homeContext('/tmp'), runOptions());
    const lines = summary.split('\n');
    const sensors =
      (await sensorsIn('/sys/class/thermal', /^thermal_zone\d+$/)) +
      (await sensorsIn('/sys/class/hwmon', /^hwmon\d+$/));
    if (sensors === 0) expect(lines[1]).toMatch(/^This computer shows the kernel no temperature sensor/);
    else expect(lines[1]).toMatch(/^(Temperatures now, hottest first:|The kernel has sensor devices here)/);
    expect(summary).toMatch(/^(Since the computer started|No CPU was throttled|The kernel keeps no throttle)/m);
    expect(summary).toMatch(/^(CPU speed now: |The kernel shows no CPU speeds here)/m);
    expect(summary).toMatch(/^Together the processes kept \d+\.\d of the \d+ CPUs busy over that second\.$/m);
    const cgroup = /^0::(.*)$/m.exec(await readFile(`/proc/${spinner.pid}/cgroup`, 'utf8'))?.[1] ?? '';
    const unit = unitOfCgroup(cgroup);
    // A spinning process takes most of a CPU; only on a machine where eight others keep CPUs busier is it not shown.
    const shown = lines.find((line) => line.includes(`node (PID ${spinner.pid})`));
    const processLines = lines.filter((line) => /^\d+% {2}.* \(PID \d+\)/.test(line));
    if (shown === undefined) expect(processLines.length).toBe(8);
    else expect(shown).toBe(`${/^\d+%/.exec(shown)?.[0]}  node (PID ${spinner.pid})${unit ? `, ${unit}` : ''}`);
  });
});
