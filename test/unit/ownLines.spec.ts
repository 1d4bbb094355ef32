// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { auditFields, auditMessage } from '../../service/src/fixes/auditJournal.js';
import type { AuditRecord } from '../../service/src/fixes/store.js';
import type { JournalEntry, JournalFields } from '../../service/src/watch/events.js';
import { findOwnUnit, OwnLines, ownProcess, parentInStat } from '../../service/src/watch/ownLines.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const BOOT = '0123456789abcdef0123456789abcdef';
const entry = (fields: JournalFields): JournalEntry => ({
  cursor: 'c',
  realtimeUs: 0n,
  message: fields.MESSAGE ?? '',
  pid: fields._PID === undefined ? undefined : Number(fields._PID),
  system: false,
  fields: { _BOOT_ID: BOOT, ...fields },
});

describe("Steward's own journal lines", () => {
  const own = { pid: process.pid, uid: 1000, bootId: BOOT };

  it('are those of its own user unit, whatever identifier they claim, in any boot', () => {
    const lines = new OwnLines(own);
    lines.unit = { name: 'steward.service', scope: 'user' };
    const fromUnit = { _SYSTEMD_UNIT: 'user@1000.service', _SYSTEMD_USER_UNIT: 'steward.service', _PID: '77' };
    expect(lines.isOwn(entry({ ...fromUnit, SYSLOG_IDENTIFIER: 'nginx', _UID: '1000' }))).toBeTrue();
    expect(lines.isOwn(entry({ ...fromUnit, _UID: '1000', _BOOT_ID: 'f'.repeat(32) }))).toBeTrue();
    // Another user's unit of the same name, and a unit of another name, are not.
    expect(
      lines.isOwn(entry({ _SYSTEMD_UNIT: 'user@1001.service', _SYSTEMD_USER_UNIT: 'steward.service', _UID: '1001' })),
    ).toBeFalse();
    expect(
      lines.isOwn(entry({ _SYSTEMD_UNIT: 'user@1000.service', _SYSTEMD_USER_UNIT: 'nginx.service', _UID: '1000' })),
    ).toBeFalse();
    // systemd's lines about the unit are systemd's (its _SYSTEMD_USER_UNIT is init.scope).
    expect(
      lines.isOwn(
        entry({
          _SYSTEMD_UNIT: 'user@1000.service',
          _SYSTEMD_USER_UNIT: 'init.scope',
          USER_UNIT: 'steward.service',
          _UID: '1000',
          _PID: '900',
        }),
      ),
    ).toBeFalse();
  });

  it('are those of its own system unit', () => {
    const lines = new OwnLines(own);
    lines.unit = { name: 'steward.service', scope: 'system' };
    expect(lines.isOwn(entry({ _SYSTEMD_UNIT: 'steward.service', _UID: '0' }))).toBeTrue();
    expect(lines.isOwn(entry({ _SYSTEMD_UNIT: 'nginx.service', _UID: '0' }))).toBeFalse();
  });

  it("outside a unit, are its own process's and its children's in this boot, under its user", async () => {
    const uid = process.getuid?.() ?? 0;
    const lines = new OwnLines({ ...own, uid });
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const line = (pid: number, more: JournalFields = {}) =>
        entry({ _PID: String(pid), _UID: String(uid), SYSLOG_IDENTIFIER: 'systemd', ...more });
      expect(lines.isOwn(line(process.pid))).toBeTrue();
      expect(lines.isOwn(line(child.pid!))).toBeTrue();
      expect(lines.isOwn(line(process.pid, { _BOOT_ID: 'f'.repeat(32) }))).toBeFalse();
      expect(lines.isOwn(line(process.pid, { _UID: String(uid + 1) }))).toBeFalse();
      // PID 1 and this process's parent are not its descendants.
      expect(lines.isOwn(line(1))).toBeFalse();
      expect(lines.isOwn(line(process.ppid))).toBeFalse();
    } finally {
      child.kill();
    }
  });

  it('reads the parent from /proc/PID/stat, whatever the command name holds', () => {
    expect(parentInStat('42 (a) b) (c) S 17 42 42 0 -1')).toBe(17);
    expect(parentInStat('42 (node) R 1 42 42 0')).toBe(1);
  });

  it('reads the boot id as journald writes _BOOT_ID', () => {
    expect(ownProcess().bootId).toMatch(/^[0-9a-f]{32}$/);
  });

  describe('its own unit', () => {
    let tmp: TempDir;
    beforeEach(async () => (tmp = await makeTempDir()));
    afterEach(() => tmp.remove());

    /** A /proc for `pid` in the cgroup `path`, whose cgroup.procs lists `members`, each with its parent. */
    async function fakeProc(pid: number, path: string, members: [number, number][]) {
      const proc = join(tmp.path, 'proc');
      const cgroupRoot = join(tmp.path, 'cgroup');
      await mkdir(join(proc, String(pid)), { recursive: true });
      await writeFile(join(proc, String(pid), 'cgroup'), `0::${path}\n`);
      await writeFile(
        join(proc, String(pid), 'mountinfo'),
        `30 23 0:26 / ${cgroupRoot} rw,nosuid shared:4 - cgroup2 cgroup2 rw\n`,
      );
      await mkdir(join(cgroupRoot, path), { recursive: true });
      await writeFile(join(cgroupRoot, path, 'cgroup.procs'), members.map(([member]) => `${member}\n`).join(''));
      for (const [member, parent] of members) {
        await mkdir(join(proc, String(member)), { recursive: true });
        await writeFile(join(proc, String(member), 'stat'), `${member} (node) S ${parent} 1 1 0\n`);
      }
      return proc;
    }

    it('is the service whose cgroup holds only its process tree', async () => {
      const path = '/user.slice/user-1000.slice/user@1000.service/app.slice/steward.service';
      const proc = await fakeProc(500, path, [
        [500, 480],
        [501, 500],
        [502, 501],
      ]);
      expect(await findOwnUnit(proc, 500)).toEqual({ name: 'steward.service', scope: 'user' });
      const system = await fakeProc(600, '/system.slice/steward.service', [[600, 1]]);
      expect(await findOwnUnit(system, 600)).toEqual({ name: 'steward.service', scope: 'system' });
    });

    it('is none where the cgroup holds another process (the bus daemon that started it), or is no service', async () => {
      const path = '/user.slice/user-1000.slice/user@1000.service/session.slice/dbus.service';
      const proc = await fakeProc(700, path, [
        [690, 480],
        [700, 690],
      ]);
      expect(await findOwnUnit(proc, 700)).toBeNull();
      const scope = await fakeProc(800, '/user.slice/user-1000.slice/session-2.scope', [[800, 1]]);
      expect(await findOwnUnit(scope, 800)).toBeNull();
    });
  });
});

describe("the audit trail's copy in the journal", () => {
  const record: AuditRecord = {
    seq: 7,
    at: new Date(0),
    event: 'finished',
    proposalId: 3,
    jobId: 12,
    action: 'config.show_error',
    params: { path: '/etc/fstab', line: 2 },
    caller: 'steward:shown',
    // A step's answer that names a file and line, as a configuration error does, with hostile text in it.
    result: 'done: Line 2 of /etc/fstab\\n:\nUUID=x /srv ext4\n\u001b[31mline 3 of /etc/x.conf' + 'x'.repeat(10_000),
  };

  it('names the event, the action and the numbers in MESSAGE, and nothing a step printed', () => {
    expect(auditMessage(record)).toBe('Steward audit: finished config.show_error (proposal 3, job 12)');
    const message = /^MESSAGE=(.*)$/m.exec(auditFields(record))?.[1];
    expect(message).toBe(auditMessage(record));
  });

  it('keeps the result whole in a field of its own, one line per field', () => {
    const lines = auditFields(record).split('\n').filter(Boolean);
    expect(lines.every((line) => /^[A-Z][A-Z0-9_]*=/.test(line))).toBeTrue();
    const result = lines.find((line) => line.startsWith('STEWARD_RESULT='))!.slice('STEWARD_RESULT='.length);
    expect(JSON.parse(`"${result}"`)).toBe(record.result);
    expect(lines).toContain('STEWARD_JOB=12');
    expect(lines).toContain('STEWARD_AUDIT_EVENT=finished');
    expect(lines).toContain('STEWARD_CALLER=steward:shown');
  });
});
