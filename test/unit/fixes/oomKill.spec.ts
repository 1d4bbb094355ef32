// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  describeKill,
  describeMeminfo,
  describeOomdKill,
  describeUnitMemory,
  parseMeminfo,
  readKills,
} from '../../../service/src/fixes/actions/oomKill.js';
import { formatClock } from '../../../service/src/i18n.js';

const AT = new Date('2026-03-01T10:00:00Z');
const kernel = (message: string) => ({ message, at: AT });

describe('info.oom_kill', () => {
  it('reads the kernel’s kill line as 6.x prints it, joined with its oom-kill summary', () => {
    // Real lines (Linux 6.1): the summary comes first, then __oom_kill_process()'s line.
    const { kills } = readKills([
      kernel(
        'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/hog.service,task_memcg=/system.slice/hog.service,task=python3,pid=4242,uid=1000',
      ),
      kernel(
        'Memory cgroup out of memory: Killed process 4242 (python3) total-vm:1048576kB, anon-rss:512000kB, file-rss:2048kB, shmem-rss:0kB, UID:1000 pgtables:1100kB oom_score_adj:0',
      ),
    ]);
    expect(kills).toEqual([
      {
        at: AT,
        pid: '4242',
        name: 'python3',
        totalVm: 1048576,
        anonRss: 512000,
        fileRss: 2048,
        shmemRss: 0,
        uid: '1000',
        constraint: 'CONSTRAINT_MEMCG',
        cgroup: '/system.slice/hog.service',
        cgroupLimit: true,
      },
    ]);
    const line = describeKill(kills[0]!);
    expect(line).toContain('the kernel killed python3 (PID 4242) at its memory limit in /system.slice/hog.service');
    expect(line).toContain('it held 526 MB of memory (524 MB its own, 2.1 MB of files, 0 bytes shared)');
    expect(line).toContain('in 1.1 GB of address space');
  });

  it('reads the cgroup’s usage and limit the kernel printed before the summary (a v1 memory cgroup, Linux 6.18)', () => {
    // Real lines of the gym: a service's process in a v1 memory cgroup under the host's prefix; the PID is the host's.
    const memcg =
      '/process_api/7a834314fc6f918a7ebe94adad15466c/steward-gym-28111-1795483856247/system.slice/gym-hog.service';
    const { kills } = readKills([
      kernel('tail invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0'),
      kernel('memory: usage 32768kB, limit 32768kB, failcnt 681'),
      kernel('memory+swap: usage 32768kB, limit 9007199254740988kB, failcnt 0'),
      kernel('kmem: usage 136kB, limit 9007199254740988kB, failcnt 0'),
      kernel(`Memory cgroup stats for ${memcg}:`),
      kernel(
        `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${memcg},task_memcg=${memcg},task=tail,pid=28772,uid=0`,
      ),
      kernel(
        'Memory cgroup out of memory: Killed process 28772 (tail) total-vm:35584kB, anon-rss:32512kB, file-rss:1668kB, shmem-rss:0kB, UID:0 pgtables:112kB oom_score_adj:0',
      ),
    ]);
    expect(kills).toEqual([
      jasmine.objectContaining({ pid: '28772', name: 'tail', cgroup: memcg, usage: 32768, limit: 32768 }),
    ]);
    expect(describeKill(kills[0]!)).toContain(
      `the kernel killed tail (PID 28772) at its memory limit in ${memcg}: it held 35 MB of memory`,
    );
    expect(describeKill(kills[0]!)).toContain('Its cgroup held 34 MB at the kill, against a limit of 34 MB.');
  });

  it('reads older kernels’ lines, with the dmesg time and a comm in parentheses, and no summary', () => {
    const { kills } = readKills([
      kernel('Out of memory: Kill process 27438 (R) score 31 or sacrifice child'),
      kernel('Killed process 27438 (R) total-vm:38349780kB, anon-rss:1041924kB, file-rss:4kB, shmem-rss:0kB'),
      kernel(
        '[  518.061172] Out of memory: Killed process 15925 ((resolved)) total-vm:168424kB, anon-rss:4064kB, file-rss:3584kB, shmem-rss:0kB',
      ),
      kernel(
        '[  518.064186] oom_reaper: reaped process 15925 ((resolved)), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
      ),
    ]);
    expect(kills.map(({ pid, name, anonRss, cgroupLimit }) => ({ pid, name, anonRss, cgroupLimit }))).toEqual([
      { pid: '27438', name: 'R', anonRss: 1041924, cgroupLimit: false },
      { pid: '15925', name: '(resolved)', anonRss: 4064, cgroupLimit: false },
    ]);
    expect(describeKill(kills[0]!)).toContain('when the system ran out of memory: it held 1.1 GB of memory');
  });

  it('reads systemd-oomd’s kills, and only from oomd’s own lines', () => {
    const line =
      'Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-4242.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 78.19% > 50.00% for > 20s with reclaim activity';
    const { oomd, kills } = readKills([{ message: line, at: AT, oomd: true }, kernel(line)]);
    expect(kills).toEqual([]);
    expect(oomd.length).toBe(1);
    expect(describeOomdKill(oomd[0]!)).toBe(
      `${formatClock(AT)}: systemd-oomd killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-4242.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 78.19% > 50.00% for > 20s with reclaim activity`,
    );
  });

  it('says a unit’s limits and use, and memory and swap now', () => {
    expect(
      describeUnitMemory({
        unit: 'hog.service',
        max: 64 * 1024 ** 2,
        high: undefined,
        current: 1000,
        peak: 67_000_000,
      }),
    ).toBe('hog.service: MemoryMax=67 MB, MemoryHigh=no limit. It uses 1.0 kB now (at most 67 MB).');
    const meminfo = parseMeminfo(
      'MemTotal:       16314164 kB\nMemFree:          512000 kB\nMemAvailable:    8000000 kB\nSwapTotal:       2097148 kB\nSwapFree:        1048576 kB\n',
    );
    expect(describeMeminfo(meminfo)).toEqual([
      'Memory now: 8.2 GB available of 17 GB.',
      'Swap now: 1.1 GB used of 2.1 GB.',
    ]);
    expect(describeMeminfo({ ...meminfo, SwapTotal: 0, SwapFree: 0 })[1]).toContain('no swap');
    expect(describeMeminfo({})).toEqual([]);
  });
});
