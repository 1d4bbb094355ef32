// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.oom_kill on real journal files (systemd-journal-remote) and a unit's memory limits read over D-Bus from
// python3-dbusmock's systemd template, the stand-in for a service manager on a private bus.
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import type { ActionContext } from '../../service/src/fixes/action.js';
import { oomKillAction } from '../../service/src/fixes/actions/oomKill.js';
import { formatClock } from '../../service/src/i18n.js';
import { createLogger } from '../../service/src/logging.js';
import { appendToJournal } from '../support/journal.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { addProperties, addService, startMockSystemd, stopMockSystemd } from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const SERVICE = 'org.freedesktop.systemd1.Service';
const MiB = 1024 ** 2;
const KILLED_AT = new Date('2026-03-01T10:00:00Z');
const at = (offsetMs: number) => BigInt(KILLED_AT.getTime() + offsetMs) * 1000n;

describe('info.oom_kill on real journal files and systemd over D-Bus', () => {
  let temp: TempDir;
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess;
  let context: ActionContext;
  let journal: string;

  beforeEach(async () => {
    temp = await makeTempDir();
    bus = await startPrivateBus();
    client = await bus.connect();
    mock = await startMockSystemd(bus, client);
    const connection = await bus.connect();
    context = {
      sessionBus: connection,
      systemBus: connection,
      home: temp.path,
      cacheHome: temp.path,
      dataHome: temp.path,
      knownGoodDirectory: temp.path,
      log: createLogger({ level: 'debug', journal: false, write: () => undefined }),
    };
    journal = join(temp.path, 'journal');
    await mkdir(journal);
    const kernel = { _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel' };
    await appendToJournal(journal, [
      { MESSAGE: 'an earlier kill, before the finding', ...kernel, realtime: at(-3_600_000) },
      {
        MESSAGE:
          'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/hog.service,task_memcg=/system.slice/hog.service,task=python3,pid=4242,uid=0',
        ...kernel,
        realtime: at(0),
      },
      {
        MESSAGE:
          'Memory cgroup out of memory: Killed process 4242 (python3) total-vm:1048576kB, anon-rss:65536kB, file-rss:1024kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:0',
        ...kernel,
        realtime: at(1),
      },
      // A program that writes the kernel's words is not the kernel: journald's transport says who wrote it.
      {
        MESSAGE:
          'Out of memory: Killed process 1 (systemd) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0',
        _TRANSPORT: 'syslog',
        SYSLOG_IDENTIFIER: 'kernel',
        _COMM: 'python3',
        realtime: at(2),
      },
      {
        MESSAGE:
          'Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-77.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 78.19% > 50.00% for > 20s with reclaim activity',
        _TRANSPORT: 'journal',
        SYSLOG_IDENTIFIER: 'systemd-oomd',
        _SYSTEMD_UNIT: 'systemd-oomd.service',
        _COMM: 'systemd-oomd',
        realtime: at(3),
      },
    ]);
  });

  afterEach(async () => {
    await stopMockSystemd(mock);
    await bus.stop();
    await temp.remove();
  });

  it('shows what the kernel and oomd killed, the unit’s limits from systemd over D-Bus, and memory now', async () => {
    await addService(client, 'hog.service');
    await addProperties(client, 'hog.service', SERVICE, {
      MemoryMax: new Variant('t', BigInt(64 * MiB)),
      MemoryHigh: new Variant('t', 2n ** 64n - 1n),
      MemoryCurrent: new Variant('t', BigInt(MiB)),
      MemoryPeak: new Variant('t', BigInt(64 * MiB)),
    });
    const action = oomKillAction({ systemJournal: journal });
    const params = action.params.parse({ since: new Date(KILLED_AT.getTime() - 10_000).toISOString() });
    const preview = await action.preview(params, context);
    expect(preview.changesNothing).toBeFalse();
    // Each kill's time as people read it (the session's locale), the kernel's 1 ms and oomd's 3 ms after KILLED_AT.
    const at = (ms: number) => formatClock(new Date(KILLED_AT.getTime() + ms));
    expect(preview.details[0]).toBe(
      `${at(1)}: the kernel killed python3 (PID 4242) at its memory limit in /system.slice/hog.service: ` +
        'it held 68 MB of memory (67 MB its own, 1.0 MB of files, 0 bytes shared), in 1.1 GB of address space.',
    );
    expect(preview.details[1]).toMatch(
      /: systemd-oomd killed \/user\.slice\/.*firefox-77\.scope due to memory pressure/,
    );
    expect(preview.details[1]?.startsWith(`${at(3)}: systemd-oomd killed /user.slice/`)).toBeTrue();
    // The kernel named hog.service's cgroup: its limits, read from the service manager.
    expect(preview.details[2]).toBe(
      'hog.service: MemoryMax=67 MB, MemoryHigh=no limit. It uses 1.0 MB now (at most 67 MB).',
    );
    expect(preview.details.join('\n')).not.toContain('(systemd)');
    expect(preview.details.join('\n')).not.toContain('earlier kill');
    expect(preview.details.at(-2)).toMatch(/^Memory now: .+ available of .+\.$/);
    expect(preview.details.at(-1)).toMatch(/^(Swap now: .+ used of .+\.|This computer has no swap)/);
    const { summary, undo } = await action.run(params, context, {
      progress: () => undefined,
      signal: new AbortController().signal,
    });
    expect(summary.split('\n').slice(0, 3)).toEqual(preview.details.slice(0, 3));
    expect(undo).toEqual({ impossible: 'showing what was killed changes nothing' });
  });

  it('shows only the kills in the unit’s own cgroup when asked, and changes nothing where it had none', async () => {
    const action = oomKillAction({ systemJournal: journal });
    const since = new Date(KILLED_AT.getTime() - 10_000).toISOString();
    const hog = await action.preview(action.params.parse({ since, unit: 'hog.service', inUnit: true }), context);
    expect(hog.changesNothing).toBeFalse();
    expect(hog.details[0]).toContain(
      'the kernel killed python3 (PID 4242) at its memory limit in /system.slice/hog.service',
    );
    expect(hog.details.join('\n')).not.toContain('systemd-oomd killed');
    const other = await action.preview(action.params.parse({ since, unit: 'other.service', inUnit: true }), context);
    expect(other).toEqual(jasmine.objectContaining({ details: [], changesNothing: true }));
  });

  it('says so where the journal kept no line, and refuses bad parameters by name', async () => {
    const action = oomKillAction({ systemJournal: journal });
    const params = action.params.parse({ since: '2026-03-02T00:00:00Z', unit: 'gone.service' });
    const { details } = await action.preview(params, context);
    expect(details[0]).toBe('The journal holds no kernel or systemd-oomd line of it.');
    // systemd knows no gone.service: no limits line, and nothing fails.
    expect(details.some((line) => line.startsWith('gone.service'))).toBeFalse();
    expect(action.params.safeParse({ since: 'yesterday' }).success).toBeFalse();
    expect(action.params.safeParse({ since: '2026-03-02T00:00:00Z', unit: '$(reboot).service' }).success).toBeFalse();
  });
});
