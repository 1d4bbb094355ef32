// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { mountOf, NoSpaceDetector, readMountPoints } from '../../../service/src/kinds/noSpace/detector.js';
import type { JournalFields } from '../../support/journalEvents.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';
import { makeTempDir } from '../../support/tempDir.js';

const START_US = 1_773_479_523_000_000;
const MOUNTS = ['/', '/boot', '/home', '/mnt/backup', '/tmp', '/var/lib/docker'];

/** A line a program wrote `seconds` after the start; `comm` is journald's _COMM. */
const line = (message: string, comm: string, seconds = 0, fields: JournalFields = {}) =>
  journalEvent({
    MESSAGE: message,
    SYSLOG_IDENTIFIER: comm,
    _COMM: comm,
    _UID: '1000',
    _PID: '4242',
    __REALTIME_TIMESTAMP: String(START_US + seconds * 1_000_000),
    ...fields,
  });

const verdict = (message: string, comm = 'prog') =>
  reportsOf(new NoSpaceDetector(() => MOUNTS).detect(line(message, comm))).map((r) => [
    r.subject,
    r.title,
    r.evidence[0]!.path,
  ]);

describe('the no-space detector', () => {
  it('ties a full disk to the mount of the path the line names, from any program', () => {
    const cases: [string, string, string[]][] = [
      [
        "cp: error writing '/home/alice/big.iso': No space left on device",
        'cp',
        ['/home', 'No space left on /home', '/home/alice/big.iso'],
      ],
      [
        "OSError: [Errno 28] No space left on device: '/tmp/tmpabc123'",
        'python3',
        ['/tmp', 'No space left on /tmp', '/tmp/tmpabc123'],
      ],
      [
        'write /var/lib/docker/tmp/GetImageBlob123456789: no space left on device',
        'dockerd',
        ['/var/lib/docker', 'No space left on /var/lib/docker', '/var/lib/docker/tmp/GetImageBlob123456789'],
      ],
      [
        'rsync: write failed on "/mnt/backup/photos/2024.tar": No space left on device (28)',
        'rsync',
        ['/mnt/backup', 'No space left on /mnt/backup', '/mnt/backup/photos/2024.tar'],
      ],
      [
        'gzip: /var/log/syslog.2.gz: No space left on device',
        'gzip',
        ['/', 'No space left on /', '/var/log/syslog.2.gz'],
      ],
    ];
    for (const [message, comm, expected] of cases) {
      expect(verdict(message, comm)).withContext(message).toEqual([expected]);
    }
  });

  it('names the program when the line names no path', () => {
    const cases: [string, string, string][] = [
      ['Error: ENOSPC: no space left on device, write', 'node', 'node ran out of disk space'],
      [
        "Disk is full writing './binlog.000123' (OS errno 28 - No space left on device). Waiting for someone to free space... Retry in 60 secs.",
        'mysqld',
        'mysqld ran out of disk space',
      ],
      [
        'could not extend file "base/16384/16385": No space left on device',
        'postgres',
        'postgres ran out of disk space',
      ],
      // flatpak, from OSTree.
      [
        'error: Failed to install org.gnome.Platform/x86_64/40: While pulling runtime/org.gnome.Platform/x86_64/40 from remote flathub: Writing content object: min-free-space-size 500MB would be exceeded, at least 8,8 MB requested',
        'flatpak',
        'flatpak ran out of disk space',
      ],
      ['Error: Not enough disk space to complete this operation', 'flatpak', 'flatpak ran out of disk space'],
    ];
    for (const [message, comm, title] of cases) {
      expect(verdict(message, comm))
        .withContext(message)
        .toEqual([[comm, title, undefined]]);
    }
  });

  it('never takes the writer’s own executable for the place that is full', () => {
    const dash = (message: string) =>
      reportsOf(
        new NoSpaceDetector(() => [...MOUNTS, '/srv/spool']).detect(
          line(message, 'sh', 0, { _EXE: '/usr/bin/dash', _SYSTEMD_UNIT: 'rec.service' }),
        ),
      ).map((r) => [r.subject, r.evidence[0]!.path]);
    // dash prefixes its errors with the name it was run by.
    expect(dash('/bin/sh: 1: cannot create /srv/spool/capture: No space left on device')).toEqual([
      ['/srv/spool', '/srv/spool/capture'],
    ]);
    expect(dash('/bin/sh: 1: echo: echo: No space left on device')).toEqual([['sh', undefined]]);
    expect(dash('/usr/bin/dash: write error: No space left on device')).toEqual([['sh', undefined]]);
  });

  it('reads no write in a service manager’s line about a unit’s job, which quotes the unit’s description', () => {
    const started = line(
      'Started gym-recorder.service - /bin/sh -c "head -c 4M /dev/zero > /srv/spool/capture || echo \'write: No space left on device\' >&2".',
      'systemd',
      0,
      {
        _PID: '1',
        _UID: '0',
        _SYSTEMD_UNIT: 'init.scope',
        UNIT: 'gym-recorder.service',
        JOB_TYPE: 'start',
        JOB_RESULT: 'done',
      },
    );
    expect(reportsOf(new NoSpaceDetector(() => MOUNTS).detect(started))).toEqual([]);
  });

  it('reads journald’s own failures as the journal’s mount, and a kernel line with its dmesg time', () => {
    const journald = (message: string) =>
      journalEvent({
        MESSAGE: message,
        SYSLOG_IDENTIFIER: 'systemd-journald',
        _COMM: 'systemd-journal',
        _EXE: '/usr/lib/systemd/systemd-journald',
        _SYSTEMD_UNIT: 'systemd-journald.service',
        _UID: '0',
        _PID: '312',
      });
    const subjects = (message: string) =>
      reportsOf(new NoSpaceDetector(() => ['/', '/run', '/var/log']).detect(journald(message))).map((r) => [
        r.subject,
        r.title,
      ]);
    expect(subjects('Failed to write entry (23 items, 712 bytes), ignoring: No space left on device')).toEqual([
      ['/var/log', 'The journal could not be written: no space left on /var/log'],
    ]);
    expect(subjects('Failed to open system journal: No space left on device')).toEqual([
      ['/var/log', 'The journal could not be written: no space left on /var/log'],
    ]);
    expect(subjects('Failed to open runtime journal: No space left on device')).toEqual([
      ['/run', 'The journal could not be written: no space left on /run'],
    ]);
    expect(
      subjects(
        'Failed to rotate /var/log/journal/dae9a2341321bbb6224dafc6561f8eb1/system.journal: No space left on device',
      ),
    ).toEqual([['/var/log', 'The journal could not be written: no space left on /var/log']]);
    // Another program saying the same words is not journald.
    const claimed = line('Failed to write entry (23 items, 712 bytes), ignoring: No space left on device', 'logger');
    expect(reportsOf(new NoSpaceDetector(() => ['/', '/var/log']).detect(claimed)).map((r) => r.title)).toEqual([
      'logger ran out of disk space',
    ]);
    // fs/btrfs/messages.c: "BTRFS: error (device %s%s) in %s:%d: errno=%d %s", "No space left" for -ENOSPC.
    const btrfs = 'BTRFS: error (device dm-0 state EA) in __btrfs_free_extent:3077: errno=-28 No space left';
    for (const message of [btrfs, `[ 4711.123456] ${btrfs}`]) {
      const kernel = journalEvent({ MESSAGE: message, _TRANSPORT: 'kernel' });
      expect(reportsOf(new NoSpaceDetector(() => MOUNTS).detect(kernel)).map((r) => [r.subject, r.title]))
        .withContext(message)
        .toEqual([['dm-0', 'The file system on dm-0 is full']]);
    }
  });

  it('stays silent on quotas, on kernel tables that are full and on a USB bus without bandwidth, not disks', () => {
    const quiet = [
      "cp: cannot create regular file '/home/alice/x': Disk quota exceeded",
      "Error: ENOSPC: System limit for number of file watchers reached, watch '/home/alice/project/src'",
      'Failed to add /run/systemd/ask-password to directory watch: No space left on device',
      "(28)No space left on device: AH00023: Couldn't create the proxy mutex",
      // A USB bus without the bandwidth a sound device's stream asks for (linuxmint/cinnamon#12575).
      'pw.node: (alsa_output.usb-FiiO_DigiHug_USB_Audio-01.analog-stereo-49) suspended -> error (Start error: No space left on device)',
      'spa.alsa: hw:2,0: snd_pcm_start: No space left on device',
      'Started Disk Usage Analyzer.',
    ];
    for (const message of quiet) expect(verdict(message)).withContext(message).toEqual([]);
  });

  it('reports each mount or program once in ten minutes', () => {
    const detector = new NoSpaceDetector(() => MOUNTS);
    const lines = [
      line("cp: error writing '/home/alice/a': No space left on device", 'cp', 0),
      line("cp: error writing '/home/alice/b': No space left on device", 'cp', 60),
      line("OSError: [Errno 28] No space left on device: '/tmp/x'", 'python3', 61),
      line('Error: ENOSPC: no space left on device, write', 'node', 62),
      line('Error: ENOSPC: no space left on device, write', 'node', 120),
      line("cp: error writing '/home/alice/c': No space left on device", 'cp', 601),
    ];
    expect(reportsOf(runDetector(detector, lines)).map((r) => r.subject)).toEqual(['/home', '/tmp', 'node', '/home']);
  });

  it('reads mount points from mountinfo, escapes undone, and picks the longest above a path', async () => {
    const dir = await makeTempDir();
    const mountinfo = join(dir.path, 'mountinfo');
    await writeFile(
      mountinfo,
      [
        '22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw',
        '45 22 259:1 / /boot/efi rw,relatime shared:28 - vfat /dev/nvme0n1p1 rw,fmask=0077',
        '81 22 8:17 / /media/alice/My\\040Disk rw,nosuid,nodev shared:45 - exfat /dev/sdb1 rw',
        '',
      ].join('\n'),
    );
    const points = readMountPoints(mountinfo);
    expect(points).toEqual(['/', '/boot/efi', '/media/alice/My Disk']);
    expect(mountOf('/media/alice/My Disk/film.mkv', points)).toBe('/media/alice/My Disk');
    expect(mountOf('/boot/efiX/file', points)).toBe('/');
    expect(readMountPoints(join(dir.path, 'missing'))).toEqual(['/']);
    await dir.remove();
  });
});
