// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { biggestProcesses, memoryUseAction, parsePressure } from '../../../service/src/fixes/actions/memoryUse.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

const MEMINFO =
  'MemTotal:       16314164 kB\nMemFree:          201320 kB\nMemAvailable:     412000 kB\nSwapTotal:       2097148 kB\nSwapFree:         104857 kB\n';
const PRESSURE =
  'some avg10=42.50 avg60=30.12 avg300=9.00 total=123456\nfull avg10=18.25 avg60=12.00 avg300=3.10 total=65432\n';

describe('info.memory_use', () => {
  let temp: TempDir;
  const proc = (path: string) => join(temp.path, 'proc', path);

  async function process(pid: number, name: string, rssKiB: number | null, cgroup: string) {
    await mkdir(proc(String(pid)), { recursive: true });
    const rss = rssKiB === null ? '' : `VmRSS:\t${rssKiB} kB\n`;
    await writeFile(proc(`${pid}/status`), `Name:\t${name}\nUmask:\t0022\nState:\tS (sleeping)\n${rss}Threads:\t1\n`);
    await writeFile(proc(`${pid}/cgroup`), cgroup);
  }

  beforeEach(async () => {
    temp = await makeTempDir();
    await mkdir(proc('pressure'), { recursive: true });
    await writeFile(proc('meminfo'), MEMINFO);
    await writeFile(proc('pressure/memory'), PRESSURE);
    await process(1, 'systemd', 12_000, '0::/init.scope\n');
    await process(2, 'kthreadd', null, '0::/\n');
    await process(812, 'postgres', 900_000, '0::/system.slice/postgresql@17-main.service\n');
    await process(
      2301,
      'firefox-bin',
      3_200_000,
      '0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-123.scope\n',
    );
    await process(4000, 'java\u001b[31m', 1_500_000, '12:name=systemd:/system.slice/tomcat.service\n');
    await writeFile(join(temp.path, 'proc', 'self'), '');
  });
  afterEach(() => temp.remove());

  it('reads PSI’s some and full lines, and none where the kernel has no PSI', () => {
    expect(parsePressure(PRESSURE)).toEqual({ some: { avg10: 42.5, avg60: 30.12 }, full: { avg10: 18.25, avg60: 12 } });
    expect(parsePressure('')).toBeNull();
  });

  it('ranks processes by resident memory with the unit their cgroup names, leaving out kernel threads', async () => {
    const processes = await biggestProcesses(temp.path, 3);
    expect(processes.map((entry) => [entry.pid, entry.unit])).toEqual([
      [2301, 'app-firefox-123.scope'],
      [4000, 'tomcat.service'],
      [812, 'postgresql@17-main.service'],
    ]);
    expect(processes[0]?.rssBytes).toBe(3_200_000 * 1024);
  });

  it('shows memory, swap, the pressure and the biggest processes, with their names cleaned', async () => {
    const action = memoryUseAction({ root: temp.path });
    expect(action.params.safeParse({}).success).toBeTrue();
    expect(action.params.safeParse({ pid: 1 }).success).toBeFalse();
    const { summary } = await action.run({}, homeContext(temp.path), runOptions());
    const lines = summary.split('\n');
    expect(lines[0]).toBe('What holds the memory now');
    expect(summary).toMatch(/Memory now: .* available of /);
    expect(summary).toMatch(/Swap now: .* used of /);
    expect(summary).toContain(
      'some task waited for memory 42.5% of the last 10 seconds (30.1% of the last minute), all tasks at once 18.3% (12.0%)',
    );
    const firefox = lines.findIndex((line) => line.includes('firefox-bin (PID 2301), app-firefox-123.scope'));
    const java = lines.findIndex((line) => line.includes('(PID 4000), tomcat.service'));
    expect(firefox).toBeGreaterThan(0);
    expect(java).toBeGreaterThan(firefox);
    expect(summary).not.toContain('\u001b');
    expect(summary).not.toContain('kthreadd');
  });

  it('shows a cgroup’s pressure and the units below it that waited for memory the most', async () => {
    const session = '/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service';
    const cgroup = async (path: string, some: string, full: string, current?: number) => {
      const directory = join(temp.path, session, path);
      await mkdir(directory, { recursive: true });
      await writeFile(
        join(directory, 'memory.pressure'),
        `some avg10=${some} avg60=1.00 avg300=0.10 total=1\nfull avg10=${full} avg60=0.50 avg300=0.05 total=1\n`,
      );
      if (current !== undefined) await writeFile(join(directory, 'memory.current'), `${current}\n`);
    };
    await cgroup('', '31.00', '27.50');
    await cgroup('app.slice', '30.00', '26.00');
    await cgroup('app.slice/gym-thrash.service', '29.40', '26.80');
    await cgroup('app.slice/app-org.gnome.Terminal-42.scope', '3.10', '0.20', 52_428_800);
    await cgroup('app.slice/idle\u001b.service', '0.00', '0.00');
    await cgroup('session.slice/org.gnome.Shell@wayland.service', '1.00', '0.00');
    const action = memoryUseAction({ root: temp.path });
    expect(action.params.safeParse({ cgroup: session }).success).toBeTrue();
    for (const cgroup of ['relative/path', '/sys/fs/cgroup/../../etc', '/sys/fs/cgroup/./x', '/a//b', '/a/b c']) {
      expect(action.params.safeParse({ cgroup }).success).withContext(cgroup).toBeFalse();
    }
    const { summary } = await action.run({ cgroup: session }, homeContext(temp.path), runOptions());
    const lines = summary.split('\n');
    const start = lines.indexOf('The services there that waited for memory the most:');
    expect(lines).toContain(
      `Memory pressure in ${session}: some task waited for memory 31.0% of the last 10 seconds (1.0% of the last minute), all tasks at once 27.5% (0.5%).`,
    );
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 4)).toEqual([
      'app.slice/gym-thrash.service: waited 29.4% of the last 10 seconds, all its tasks at once 26.8%',
      'app.slice/app-org.gnome.Terminal-42.scope: waited 3.1% of the last 10 seconds, all its tasks at once 0.2%, holds 52 MB',
      'session.slice/org.gnome.Shell@wayland.service: waited 1.0% of the last 10 seconds, all its tasks at once 0.0%',
    ]);
    expect(summary).not.toContain('idle');
  });

  it('says so where a cgroup has no pressure figures, or none of its units waited', async () => {
    const preview = await memoryUseAction({ root: temp.path }).preview(
      { cgroup: '/sys/fs/cgroup/nowhere' },
      homeContext(temp.path),
    );
    expect(preview.details).toContain('No memory pressure figures for /sys/fs/cgroup/nowhere.');
    await mkdir(join(temp.path, 'cg/quiet.service'), { recursive: true });
    await writeFile(join(temp.path, 'cg/memory.pressure'), PRESSURE);
    const quiet = await memoryUseAction({ root: temp.path }).preview({ cgroup: '/cg' }, homeContext(temp.path));
    expect(quiet.details).toContain('No service there waited for memory in the last 10 seconds.');
  });

  it('says so where the kernel gives no pressure figures', async () => {
    await writeFile(proc('pressure/memory'), '');
    const preview = await memoryUseAction({ root: temp.path }).preview({}, homeContext(temp.path));
    expect(preview.details).toContain('The kernel gives no memory pressure figures here (PSI is off).');
  });
});
