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

  it('says so where the kernel gives no pressure figures', async () => {
    await writeFile(proc('pressure/memory'), '');
    const preview = await memoryUseAction({ root: temp.path }).preview({}, homeContext(temp.path));
    expect(preview.details).toContain('The kernel gives no memory pressure figures here (PSI is off).');
  });
});
