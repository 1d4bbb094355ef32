// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, statfs, symlink, writeFile } from 'node:fs/promises';
import { cpus, release, userInfo } from 'node:os';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { readMounts, scanLargestDirectories } from '../../service/src/assistant/live/disks.js';
import { readNetworkStatus } from '../../service/src/assistant/live/network.js';
import { readProcesses } from '../../service/src/assistant/live/processes.js';
import { readSystemSummary } from '../../service/src/assistant/live/system.js';
import { callMethod } from '../../service/src/dbus/client.js';
import { writeTree } from '../support/fileTree.js';
import { NetworkManagerMock, RESOLVED, startMockResolved, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Writes `bytes` of real data (not a sparse file), so the allocated size is at least `bytes`. */
async function writeData(path: string, bytes: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, Buffer.alloc(bytes, 0x5a));
}

/** The main table's default routes through a gateway, from the kernel's own /proc/net/route (addresses in little-endian hex). */
async function kernelDefaultRoutesViaIpv4Gateway() {
  const rows = (await readFile('/proc/net/route', 'utf8')).trim().split('\n').slice(1);
  return rows
    .map((row) => row.split(/\s+/))
    .filter(
      ([, destination, gateway, , , , , mask]) =>
        destination === '00000000' && mask === '00000000' && gateway !== '00000000',
    )
    .map(([device = '', , gateway = '']) => ({
      destination: 'default',
      gateway: Buffer.from(gateway, 'hex').reverse().join('.'),
      device,
    }));
}

describe('the assistant’s live readers', () => {
  let temp: TempDir;

  beforeEach(async () => (temp = await makeTempDir()));
  afterEach(() => temp.remove());

  describe('readSystemSummary', () => {
    it('reads this machine’s kernel, CPUs and memory', async () => {
      const summary = await readSystemSummary();
      const memTotalKiB = Number(/^MemTotal:\s*(\d+)/m.exec(await readFile('/proc/meminfo', 'utf8'))?.[1]);
      expect(summary.kernel).toBe(release());
      expect(summary.memory.totalBytes).toBe(memTotalKiB * KiB);
      expect(summary.memory.availableBytes).toBeGreaterThan(0);
      expect(summary.memory.availableBytes).toBeLessThanOrEqual(summary.memory.totalBytes);
      expect(summary.cpu.cores).toBe(cpus().length);
      expect(summary.cpu.load.length).toBe(3);
      expect(summary.uptimeSeconds).toBeGreaterThan(0);
      expect(summary.os).not.toBe('');
    });

    it('finds the battery and the GPU in a /sys tree, and the name in os-release', async () => {
      const sys = join(temp.path, 'sys');
      await writeTree(sys, {
        'class/drm/card0/device/uevent': 'DRIVER=nvidia\nPCI_CLASS=30000\nPCI_ID=10DE:2684\n',
        'class/drm/card0/device/vendor': '0x10de\n',
        // A connector of the same card, and a second node of it: one GPU.
        'class/drm/card0-HDMI-A-1/status': 'connected\n',
        'class/drm/card1/device/uevent': 'DRIVER=nvidia\n',
        'class/drm/card1/device/vendor': '0x10de\n',
        'class/power_supply/AC/type': 'Mains\n',
        // A wireless mouse's battery is not the computer's.
        'class/power_supply/hidpp_battery_0/type': 'Battery\n',
        'class/power_supply/hidpp_battery_0/scope': 'Device\n',
        'class/power_supply/hidpp_battery_0/capacity': '10\n',
        'class/power_supply/hidpp_battery_0/status': 'Discharging\n',
        'class/power_supply/BAT0/type': 'Battery\n',
        'class/power_supply/BAT0/capacity': '57\n',
        'class/power_supply/BAT0/status': 'Discharging\n',
      });
      const osRelease = join(temp.path, 'os-release');
      await writeFile(osRelease, 'NAME="Test OS"\nPRETTY_NAME="Test OS 42 (Answer)"\nID=test\n');

      const summary = await readSystemSummary({ sys, osRelease });
      expect(summary.gpus).toEqual(['NVIDIA (driver nvidia)']);
      expect(summary.battery).toEqual({ percent: 57, state: 'Discharging' });
      expect(summary.os).toBe('Test OS 42 (Answer)');
    });

    it('reports no battery and no GPU where /sys has none', async () => {
      const summary = await readSystemSummary({ sys: temp.path });
      expect(summary.gpus).toEqual([]);
      expect(summary.battery).toBeNull();
    });
  });

  describe('readMounts', () => {
    it('includes / with the sizes statfs gives', async () => {
      const root = (await readMounts()).find(({ mount }) => mount === '/');
      const fs = await statfs('/');
      expect(root).toBeDefined();
      expect(root?.sizeBytes).toBe(fs.blocks * fs.bsize);
      expect(root?.usedBytes).toBeGreaterThan(0);
      expect((root?.usedBytes ?? 0) + (root?.availableBytes ?? 0)).toBeLessThanOrEqual(root?.sizeBytes ?? 0);
      expect(root?.device).not.toBe('');
    });

    it('keeps local filesystems and /tmp, once per bind-mounted directory, and leaves out the plumbing', async () => {
      const spaced = join(temp.path, 'my disk');
      await mkdir(spaced);
      const escaped = spaced.replaceAll(' ', '\\040');
      const mountinfo = join(temp.path, 'mountinfo');
      await writeFile(
        mountinfo,
        [
          '22 27 0:21 / /proc rw,relatime - proc proc rw',
          '23 27 0:22 / /sys rw,relatime - sysfs sysfs rw',
          '27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda2 rw',
          '42 27 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda2 rw',
          // The same directory bound a second time.
          '43 27 254:0 / /tmp/steward-bound rw,relatime - ext4 /dev/vda2 rw',
          '44 27 0:40 / /tmp rw,nosuid,nodev - tmpfs tmpfs rw,size=8g',
          '45 27 0:41 / /dev/shm rw - tmpfs tmpfs rw',
          '46 27 7:3 / /snap/core22/1380 ro,nodev,relatime - squashfs /dev/loop3 ro',
          '47 27 0:42 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw',
          `48 27 8:17 / ${escaped} rw,nosuid,nodev - vfat /dev/sdb1 rw`,
          '49 27 0:43 / /srv/share rw - nfs4 server:/share rw',
        ].join('\n') + '\n',
      );

      const mounts = await readMounts(mountinfo);
      expect(mounts.map(({ mount, fsType, device }) => [mount, fsType, device])).toEqual([
        ['/', 'ext4', '/dev/vda2'],
        ['/tmp', 'tmpfs', 'tmpfs'],
        [spaced, 'vfat', '/dev/sdb1'],
      ]);
    });
  });

  describe('scanLargestDirectories', () => {
    let root: string;

    beforeEach(async () => {
      root = join(temp.path, 'home');
      await writeData(join(root, 'Videos', 'film.mkv'), 3 * MiB);
      await writeData(join(root, 'Documents', 'a', 'report.pdf'), 256 * KiB);
      await writeData(join(root, 'Documents', 'b', 'notes.txt'), 256 * KiB);
      await writeData(join(root, 'Documents', 'c', 'draft.odt'), 256 * KiB);
      await writeData(join(root, '.cache', 'thumbnails', 'large', 'x.png'), 2 * MiB);
      await writeData(join(root, '.cache', 'fontconfig', 'cache'), 64 * KiB);
      await writeData(join(root, 'Music', 'song.ogg'), 64 * KiB);
      await writeData(join(root, 'big file at the top'), 4 * MiB);
      // A link to a large directory elsewhere is not this tree's usage.
      const elsewhere = join(temp.path, 'elsewhere');
      await writeData(join(elsewhere, 'huge.bin'), 8 * MiB);
      await symlink(elsewhere, join(root, 'Music', 'linked'));
      await symlink(elsewhere, join(root, 'Linked'));
    });

    it('lists the largest directories first, with a dominant second level, without following links', async () => {
      const scan = await scanLargestDirectories(root, 10, 10_000);
      expect(scan.root).toBe(root);
      expect(scan.partial).toBeFalse();
      const paths = scan.largest.map(({ path }) => path);
      expect(paths).toEqual([
        join(root, 'Videos'),
        join(root, '.cache'),
        join(root, '.cache', 'thumbnails'),
        join(root, 'Documents'),
        join(root, 'Music'),
      ]);
      const bytes = Object.fromEntries(scan.largest.map(({ path, bytes }) => [path, bytes]));
      expect(bytes[join(root, 'Videos')]).toBeGreaterThanOrEqual(3 * MiB);
      expect(bytes[join(root, 'Music')]).toBeLessThan(MiB);
      expect(bytes[join(root, '.cache')]).toBeGreaterThan(bytes[join(root, '.cache', 'thumbnails')] ?? Infinity);
    });

    it('keeps to the limit', async () => {
      const scan = await scanLargestDirectories(root, 2, 10_000);
      expect(scan.largest.map(({ path }) => path)).toEqual([join(root, 'Videos'), join(root, '.cache')]);
    });

    it('stops at its entry budget and says the sizes are partial', async () => {
      const scan = await scanLargestDirectories(root, 10, 4);
      expect(scan.partial).toBeTrue();
      const total = scan.largest.reduce((sum, { bytes }) => sum + bytes, 0);
      expect(total).toBeLessThan(MiB);
    });
  });

  describe('readProcesses', () => {
    let child: ChildProcess;

    beforeEach(async () => {
      child = spawn(process.execPath, ['-e', 'while(true){}'], { stdio: 'ignore' });
      await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    });
    afterEach(() => stopMock(child));

    it('finds a busy child with its CPU use, memory, user and command line', async () => {
      const processes = await readProcesses();
      const busy = processes.find(({ pid }) => pid === child.pid);
      expect(busy).toEqual(
        jasmine.objectContaining({
          name: 'node',
          user: userInfo().username,
          command: `${process.execPath} -e while(true){}`,
        }),
      );
      expect(busy?.cpuPercent).toBeGreaterThan(0);
      expect(busy?.memoryBytes).toBeGreaterThan(MiB);
      expect(processes.find(({ pid }) => pid === process.pid)?.user).toBe(userInfo().username);
    });
  });

  describe('readNetworkStatus', () => {
    it('lists the loopback link and the DNS servers of resolv.conf without a system bus', async () => {
      const status = await readNetworkStatus(null);
      const loopback = status.links.find(({ name }) => name === 'lo');
      expect(loopback?.addresses).toContain('127.0.0.1/8');
      expect(loopback?.state).toEqual(jasmine.any(String));
      expect(status.connectivity).toBe('unknown');
      const resolvConf = await readFile('/etc/resolv.conf', 'utf8');
      expect(status.dnsServers).toEqual(
        [...resolvConf.matchAll(/^nameserver\s+(\S+)/gm)].map((match) => match[1] ?? ''),
      );
      const viaIpv4Gateway = status.routes.filter(
        ({ destination, gateway }) => destination === 'default' && gateway?.includes('.'),
      );
      expect(viaIpv4Gateway).toEqual(await kernelDefaultRoutesViaIpv4Gateway());
    });

    describe('on a system bus', () => {
      let bus: PrivateBus;
      let client: MessageBus;
      let mocks: ChildProcess[];

      beforeEach(async () => {
        bus = await startPrivateBus();
        client = await bus.connect();
        mocks = [];
      });
      afterEach(async () => {
        await Promise.all(mocks.map(stopMock));
        await bus.stop();
      });

      it('reports NetworkManager’s connectivity and resolved’s DNS servers', async () => {
        const nm = await NetworkManagerMock.start(bus, client);
        mocks.push(nm.process);
        const NM_CONNECTIVITY_PORTAL = 2;
        await nm.mock('SetConnectivity', 'u', [NM_CONNECTIVITY_PORTAL]);
        const resolved = await startMockResolved(bus, client, 0);
        mocks.push(resolved);
        const fd00_1 = Buffer.alloc(16);
        fd00_1.writeUInt16BE(0xfd00, 0);
        fd00_1.writeUInt16BE(1, 14);
        await callMethod(client, {
          destination: RESOLVED,
          path: '/org/freedesktop/resolve1',
          interface: 'org.freedesktop.DBus.Mock',
          member: 'UpdateProperties',
          signature: 'sa{sv}',
          body: [
            `${RESOLVED}.Manager`,
            {
              DNS: new Variant('a(iiay)', [
                [0, 2, Buffer.from([9, 9, 9, 9])],
                [2, 10, fd00_1],
                [3, 2, Buffer.from([9, 9, 9, 9])],
              ]),
            },
          ],
        });

        const status = await readNetworkStatus(await bus.connect());
        expect(status.connectivity).toBe('portal');
        expect(status.dnsServers).toEqual(['9.9.9.9', 'fd00::1']);
      });

      it('says "unknown" when NetworkManager is not running', async () => {
        const status = await readNetworkStatus(await bus.connect());
        expect(status.connectivity).toBe('unknown');
        expect(status.links.some(({ name }) => name === 'lo')).toBeTrue();
      });
    });
  });
});
