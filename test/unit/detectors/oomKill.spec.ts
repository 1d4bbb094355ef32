// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { OomKillDetector } from '../../../service/src/kinds/oomKill/detector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

const START = 1_773_479_523_000_000;
let index = 0;
const at = (seconds: number) => ({ __REALTIME_TIMESTAMP: String(START + seconds * 1_000_000) });
const kernel = (message: string, seconds = 0) =>
  journalEvent({ MESSAGE: message, _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel', ...at(seconds) }, index++);
const pid1 = (fields: Record<string, string>, seconds = 0) =>
  journalEvent({ SYSLOG_IDENTIFIER: 'systemd', _PID: '1', _UID: '0', ...at(seconds), ...fields }, index++);
const titles = (events: WatchEvent[]) =>
  reportsOf(runDetector(new OomKillDetector(), events)).map((r) => [r.subject, r.title]);

describe('the oom-kill detector on the wordings of each kernel and systemd', () => {
  it('names a process whose own name is in parentheses whole, never "(sd-pam"', () => {
    expect(
      titles([
        kernel(
          'Out of memory: Killed process 1211 ((sd-pam)) total-vm:103456kB, anon-rss:1234kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:80kB oom_score_adj:100',
        ),
        kernel(
          'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/systemd-resolved.service,task=(resolved),pid=700,uid=0',
          60,
        ),
      ]),
    ).toEqual([
      ['sd-pam', 'sd-pam was killed: the system ran out of memory'],
      ['systemd-resolved.service', 'resolved of systemd-resolved.service was killed: the system ran out of memory'],
    ]);
  });

  it('names the service whose cgroup the kernel names, under a container’s or a host’s prefix too', () => {
    // A v1 memory cgroup's kill as a 6.18 kernel printed it, the cgroup under the host's own prefix (the gym's).
    const memcg =
      '/process_api/7a834314fc6f918a7ebe94adad15466c/steward-gym-28111-1795483856247/system.slice/gym-hog.service';
    expect(
      titles([
        kernel('tail invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0'),
        kernel('memory: usage 32768kB, limit 32768kB, failcnt 681'),
        kernel(
          `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${memcg},task_memcg=${memcg},task=tail,pid=28772,uid=0`,
        ),
        kernel(
          'Memory cgroup out of memory: Killed process 28772 (tail) total-vm:35584kB, anon-rss:32512kB, file-rss:1668kB, shmem-rss:0kB, UID:0 pgtables:112kB oom_score_adj:0',
        ),
        kernel(
          'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-3349.scope,task=firefox,pid=3349,uid=1000',
          60,
        ),
        kernel(
          'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/user@1000.service/app.slice/gnome-software.service,task=gnome-software,pid=3350,uid=1000',
          120,
        ),
      ]),
    ).toEqual([
      ['gym-hog.service', 'tail of gym-hog.service was killed: it reached its memory limit'],
      ['firefox', 'firefox was killed: the system ran out of memory'],
      ['gnome-software.service', 'gnome-software of gnome-software.service was killed: the system ran out of memory'],
    ]);
  });

  it('reads the kernels before 5.x, whose decision line comes before the kill, once per kill', () => {
    expect(
      titles([
        kernel('Out of memory: Kill process 4242 (java) score 900 or sacrifice child'),
        kernel('Killed process 4242 (java) total-vm:8123456kB, anon-rss:4012345kB, file-rss:0kB, shmem-rss:0kB'),
      ]),
    ).toEqual([['java', 'java was killed: the system ran out of memory']]);
    // RHEL 6's 2.6.32 kernel names the owner between the PID and the name.
    expect(
      titles([
        kernel('Killed process 11726, UID 498, (mysqld) total-vm:7823732kB, anon-rss:2539268kB, file-rss:768kB'),
      ]),
    ).toEqual([['mysqld', 'mysqld was killed: the system ran out of memory']]);
  });

  it('reads kernel lines that kept dmesg’s time stamp', () => {
    expect(
      titles([
        kernel(
          '[123456.789012] Memory cgroup out of memory: Killed process 9012 (node) total-vm:3281324kB, anon-rss:2061448kB, file-rss:38012kB, shmem-rss:0kB, UID:998 pgtables:4876kB oom_score_adj:0',
        ),
      ]),
    ).toEqual([['node', 'node was killed: it reached its memory limit']]);
  });

  it("takes the manager's catalogued word on a unit's kill when no kernel line came with it, and once when one did", () => {
    const unitOom = (unit: string, seconds: number) =>
      pid1(
        {
          MESSAGE: `${unit}: A process of this unit has been killed by the OOM killer.`,
          MESSAGE_ID: 'fe6faa94e7774663a0da52717891d8ef',
          UNIT: unit,
        },
        seconds,
      );
    expect(titles([unitOom('mysql.service', 0)])).toEqual([
      ['mysql.service', 'mysql.service was killed: the system ran out of memory'],
    ]);
    expect(
      titles([
        kernel('Out of memory: Killed process 812 (mysqld) total-vm:8123456kB, anon-rss:4012345kB', 0),
        unitOom('mysql.service', 0.5),
      ]),
    ).toEqual([['mysqld', 'mysqld was killed: the system ran out of memory']]);
  });

  it("takes the manager's oomd kill (systemd 252+) once with oomd's own line", () => {
    const oomdKill = (seconds: number) =>
      pid1(
        {
          MESSAGE: 'vte-spawn-f6518140.scope: systemd-oomd killed 3 process(es) in this unit.',
          MESSAGE_ID: 'd989611b15e44c9dbf31e3c81256e4ed',
          UNIT: 'vte-spawn-f6518140.scope',
        },
        seconds,
      );
    const oomd = journalEvent(
      {
        MESSAGE:
          'Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-f6518140.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 57.97% > 50.00% for > 20s with reclaim activity',
        SYSLOG_IDENTIFIER: 'systemd-oomd',
        _PID: '588',
        _COMM: 'systemd-oomd',
        _EXE: '/usr/lib/systemd/systemd-oomd',
        _SYSTEMD_UNIT: 'systemd-oomd.service',
        ...at(0),
      },
      index++,
    );
    expect(titles([oomd, oomdKill(0.2)])).toEqual([
      ['vte-spawn-f6518140.scope', 'systemd-oomd killed vte-spawn-f6518140.scope: under memory pressure'],
    ]);
    expect(titles([oomdKill(0)])).toEqual([
      ['vte-spawn-f6518140.scope', 'systemd-oomd killed vte-spawn-f6518140.scope to free memory'],
    ]);
  });

  it('stays silent on look-alike lines', () => {
    expect(
      titles([
        kernel('oom_reaper: reaped process 3349 (firefox), now anon-rss:0kB, file-rss:0kB, shmem-rss:1320kB'),
        kernel(
          'gnome-shell invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
        ),
        journalEvent({ MESSAGE: 'Killed process 4242 (java) total-vm:1kB', SYSLOG_IDENTIFIER: 'logger', _PID: '9' }),
        journalEvent({
          MESSAGE: 'foo.service: A process of this unit has been killed by the OOM killer.',
          SYSLOG_IDENTIFIER: 'systemd',
          _PID: '4242',
          _UID: '1000',
        }),
        pid1({ MESSAGE: 'foo.service: Consumed 1.234s CPU time.', UNIT: 'foo.service' }),
      ]),
    ).toEqual([]);
  });
});
