// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.memory_use on this machine's real /proc: a process that holds 200 MB is found with its real cgroup's unit.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';

import { biggestProcesses, memoryUseAction } from '../../service/src/fixes/actions/memoryUse.js';
import { unitOfCgroup } from '../../service/src/fixes/actions/oomKill.js';
import { homeContext, runOptions } from '../unit/fixes/actionContext.js';

const HELD = 200 * 1024 * 1024;
// Filled, so every page is resident; it says so and waits for its end.
const HOLDER = `const held = Buffer.alloc(${HELD}, 1); process.stdout.write('held ' + held.length + '\\n'); setInterval(() => {}, 60_000);`;

describe('info.memory_use on the real /proc', () => {
  let holder: ChildProcess;

  beforeEach(async () => {
    holder = spawn(process.execPath, ['-e', HOLDER], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(holder.stdout!, 'data');
  });
  afterEach(async () => {
    const exited = once(holder, 'exit');
    holder.kill();
    await exited;
  });

  it('finds the process holding 200 MB, with its resident size and the unit its cgroup names', async () => {
    const everyone = await biggestProcesses('/', Number.MAX_SAFE_INTEGER);
    const found = everyone.find((entry) => entry.pid === holder.pid);
    expect(found?.rssBytes).toBeGreaterThanOrEqual(HELD);
    expect(found?.name).toBe('node');
    const cgroup = /^0::(.*)$/m.exec(await readFile(`/proc/${holder.pid}/cgroup`, 'utf8'))?.[1] ?? '';
    expect(found?.unit).toBe(unitOfCgroup(cgroup));
    const bigger = everyone.filter((entry) => entry.rssBytes > found!.rssBytes).length;
    const { summary } = await memoryUseAction().run({}, homeContext('/tmp'), runOptions());
    expect(summary).toMatch(/^Memory now: .* available of /m);
    // PSI is on in this kernel where /proc/pressure exists; either way the step says what it found.
    expect(summary).toMatch(/^(Memory pressure: some task waited|The kernel gives no memory pressure figures)/m);
    if (bigger < 8) expect(summary).toContain(`(PID ${holder.pid})`);
  });
});
