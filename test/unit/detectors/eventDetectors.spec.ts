// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { diskThresholds } from '../../../service/src/findings/detectorOptions.js';
import type { DetectorOutput } from '../../../service/src/findings/types.js';
import { ConnectivityDetector } from '../../../service/src/kinds/connectivity/detector.js';
import { DiskSpaceDetector } from '../../../service/src/kinds/diskSpace/detector.js';
import { InodeExhaustionDetector } from '../../../service/src/kinds/inodes/detector.js';
import { LinkDownDetector } from '../../../service/src/kinds/linkDown/detector.js';
import { MemoryPressureDetector } from '../../../service/src/kinds/memoryPressure/detector.js';
import { NoRouteDetector } from '../../../service/src/kinds/noRoute/detector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';

const GiB = 1024 ** 3;
const at = new Date('2026-03-14T09:00:00Z');

/** "report <kind> <severity> <subject>: <title>" / "resolve <kind> <subject>", one line per output. */
function describeOutputs(outputs: DetectorOutput[]): string[] {
  return outputs.map((o) =>
    'report' in o
      ? `report ${o.report.kind} ${o.report.severity} ${o.report.subject}: ${o.report.title}`
      : `resolve ${o.resolve.kind} ${o.resolve.subject}`,
  );
}

describe('the disk space detector', () => {
  const disk = (availableGiB: number, totalGiB = 500, mount = '/home'): WatchEvent => ({
    type: 'disk',
    at,
    usage: {
      mount,
      totalBytes: totalGiB * GiB,
      availableBytes: availableGiB * GiB,
      totalInodes: 1_000_000,
      freeInodes: 900_000,
    },
  });

  it('reports low (below 5 GB on a large disk) and critical (below 1 GB) space once per change, with hysteresis', () => {
    const detector = new DiskSpaceDetector();
    const steps = [100, 4.5, 4, 0.8, 1.1, 1.3, 5.5, 6.5, 7].map((gib) => describeOutputs(detector.detect(disk(gib))));
    expect(steps).toEqual([
      ['resolve disk-low /home', 'resolve disk-critical /home'],
      ['report disk-low warning /home: Only 4.8 GB free on /home (0.9%)'],
      [],
      ['resolve disk-low /home', 'report disk-critical critical /home: Only 859 MB free on /home (0.2%)'],
      // 1.1 GiB (1.18 GB) is above the critical threshold but not 20% above it: still critical.
      [],
      ['resolve disk-critical /home', 'report disk-low warning /home: Only 1.4 GB free on /home (0.3%)'],
      // 5.5 GiB (5.9 GB) is above 5 GB but not above 6 GB: still low.
      [],
      ['resolve disk-low /home'],
      [],
    ]);
  });

  it('uses the percentage on small disks, and reports numbers as evidence', () => {
    const detector = new DiskSpaceDetector();
    // 20 GiB disk: low below 2 GiB (10%), critical below 0.6 GiB (3%).
    expect(describeOutputs(detector.detect(disk(2.5, 20, '/')))).toEqual([
      'resolve disk-low /',
      'resolve disk-critical /',
    ]);
    const [output] = detector.detect(disk(1.5, 20, '/'));
    expect(output).toEqual({
      report: {
        kind: 'disk-low',
        severity: 'warning',
        subject: '/',
        title: 'Only 1.6 GB free on / (7.5%)',
        evidence: [{ kind: 'metric', text: '1.6 GB free of 21 GB', path: '/', at }],
        at,
      },
    });
  });

  it('takes its thresholds from options', () => {
    const detector = new DiskSpaceDetector({ lowBytes: 50 * GiB, criticalBytes: 10 * GiB });
    expect(describeOutputs(detector.detect(disk(40)))).toEqual([
      'resolve disk-critical /home',
      'report disk-low warning /home: Only 43 GB free on /home (8%)',
    ]);
  });

  it("follows the settings' thresholds as they change, without a restart", () => {
    let settings = { lowPercent: 10, lowGB: 5, criticalPercent: 3, criticalGB: 1 };
    const detector = new DiskSpaceDetector(() => diskThresholds(settings));
    expect(describeOutputs(detector.detect(disk(40)))).toEqual([
      'resolve disk-low /home',
      'resolve disk-critical /home',
    ]);
    settings = { lowPercent: 20, lowGB: 50, criticalPercent: 3, criticalGB: 1 };
    expect(describeOutputs(detector.detect(disk(40)))).toEqual([
      'report disk-low warning /home: Only 43 GB free on /home (8%)',
    ]);
  });
});

describe('the inode-exhaustion detector', () => {
  const inodes = (free: number, total = 1_000_000): WatchEvent => ({
    type: 'disk',
    at,
    usage: { mount: '/var', totalBytes: 100 * GiB, availableBytes: 50 * GiB, totalInodes: total, freeInodes: free },
  });

  it('reports few free inodes and resolves once well above the threshold', () => {
    const detector = new InodeExhaustionDetector();
    const steps = [500_000, 80_000, 15_000, 110_000, 130_000].map((free) =>
      describeOutputs(detector.detect(inodes(free))),
    );
    expect(steps).toEqual([
      ['resolve inode-exhaustion /var'],
      ['report inode-exhaustion warning /var: /var is running out of inodes (8% free)'],
      ['report inode-exhaustion critical /var: /var is running out of inodes (1.5% free)'],
      ['report inode-exhaustion warning /var: /var is running out of inodes (11% free)'],
      ['resolve inode-exhaustion /var'],
    ]);
  });

  it('ignores filesystems without a fixed inode count (btrfs reports 0)', () => {
    expect(new InodeExhaustionDetector().detect(inodes(0, 0))).toEqual([]);
  });
});

describe('the memory-pressure detector', () => {
  const psi = (full: number, unit?: string): WatchEvent => ({
    type: 'memoryPressure',
    at,
    someAvg10: full * 2,
    fullAvg10: full,
    path: unit ? `/sys/fs/cgroup/user.slice/user-1000.slice/${unit}/memory.pressure` : '/proc/pressure/memory',
    ...(unit && { unit }),
  });

  it('reports full avg10 above 10% and resolves below 5%', () => {
    const detector = new MemoryPressureDetector();
    const steps = [0.5, 12, 30, 7, 4, 9].map((full) => describeOutputs(detector.detect(psi(full))));
    expect(steps).toEqual([
      ['resolve memory-pressure '],
      ['report memory-pressure warning : The system is short of memory (all tasks stalled 12% of the time)'],
      [],
      [],
      ['resolve memory-pressure '],
      [],
    ]);
  });

  it('tells the session’s pressure, under its unit, from the machine’s, with the file it read', () => {
    const detector = new MemoryPressureDetector();
    const steps = [
      psi(2),
      psi(2, 'user@1000.service'),
      psi(27, 'user@1000.service'),
      psi(14),
      psi(1, 'user@1000.service'),
      psi(15),
    ];
    expect(steps.map((event) => describeOutputs(detector.detect(event)))).toEqual([
      ['resolve memory-pressure '],
      ['resolve memory-pressure user@1000.service'],
      [
        'report memory-pressure warning user@1000.service: The programs of your session wait for memory (all stalled 27% of the time)',
      ],
      // The session's programs, stalled longer, account for the machine's stalls: one problem, told where it is.
      [],
      ['resolve memory-pressure user@1000.service'],
      ['report memory-pressure warning : The system is short of memory (all tasks stalled 15% of the time)'],
    ]);
    // Stalled longer than the session's programs, the machine's other programs wait too: the machine's own.
    const both = new MemoryPressureDetector();
    both.detect(psi(27, 'user@1000.service'));
    expect(describeOutputs(both.detect(psi(30)))).toEqual([
      'report memory-pressure warning : The system is short of memory (all tasks stalled 30% of the time)',
    ]);
    const [output] = new MemoryPressureDetector().detect(psi(27, 'user@1000.service'));
    expect(output && 'report' in output ? output.report.evidence : []).toEqual([
      {
        kind: 'metric',
        text: 'memory pressure of user@1000.service: full avg10=27.00, some avg10=54.00',
        path: '/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/memory.pressure',
        at,
      },
    ]);
  });
});

describe('the network detectors', () => {
  const link = (name: string, up: boolean, hasDefaultRoute = true): WatchEvent => ({
    type: 'link',
    at,
    link: { name, up, hasDefaultRoute },
  });

  it('reports a link that goes down and resolves it when it comes back', () => {
    const detector = new LinkDownDetector();
    const steps = [link('wlp0s20f3', true), link('wlp0s20f3', true), link('wlp0s20f3', false), link('wlp0s20f3', true)];
    expect(steps.map((e) => describeOutputs(detector.detect(e)))).toEqual([
      ['resolve link-down wlp0s20f3'],
      [],
      ['report link-down warning wlp0s20f3: Network interface wlp0s20f3 went down'],
      ['resolve link-down wlp0s20f3'],
    ]);
  });

  it('records what a link held before it went down, as ip prints it', () => {
    const detector = new LinkDownDetector();
    detector.detect(link('enp3s0', true));
    const down: WatchEvent = {
      type: 'link',
      at,
      link: {
        name: 'enp3s0',
        up: false,
        hasDefaultRoute: false,
        had: { addresses: ['192.168.1.20/24', 'fe80::1/64'], routes: ['default via 192.168.1.1'] },
      },
    };
    const [output] = detector.detect(down);
    expect(output && 'report' in output ? output.report.evidence.map((evidence) => evidence.text) : []).toEqual([
      'enp3s0: link down',
      'inet 192.168.1.20/24',
      'inet6 fe80::1/64',
      'route default via 192.168.1.1',
    ]);
  });

  it('ignores a link that carried nothing of the machine’s: a veth’s spare end, whose peer was switched off', () => {
    const detector = new LinkDownDetector();
    const downHaving = (name: string, carried: boolean): WatchEvent => ({
      type: 'link',
      at,
      link: {
        name,
        up: false,
        hasDefaultRoute: true,
        had: { addresses: ['fe80::1/64'], routes: ['fe80::/64'], carried },
      },
    });
    detector.detect(link('gymlan1', true));
    expect(detector.detect(downHaving('gymlan1', false))).toEqual([]);
    // A bridge's port holds no address of its own, and carries the bridge's: the source says it carried.
    detector.detect(link('enp3s0', true));
    expect(describeOutputs(detector.detect(downHaving('enp3s0', true)))).toEqual([
      'report link-down warning enp3s0: Network interface enp3s0 went down',
    ]);
  });

  it('ignores loopback, container interfaces, and interfaces that were never up', () => {
    const detector = new LinkDownDetector();
    const events = [link('lo', false), link('docker0', true), link('docker0', false), link('enp0s31f6', false)];
    expect(events.flatMap((e) => detector.detect(e))).toEqual([]);
  });

  it('reports a lost default route and resolves it when one is back', () => {
    const detector = new NoRouteDetector();
    const steps = [link('wlp0s20f3', true, true), link('wlp0s20f3', false, false), link('enp0s31f6', true, false)];
    steps.push(link('enp0s31f6', true, true));
    expect(steps.map((e) => describeOutputs(detector.detect(e)))).toEqual([
      ['resolve no-route '],
      ['report no-route warning : No default route: the internet is unreachable'],
      [],
      ['resolve no-route '],
    ]);
  });

  it('records where the lost default route went out, as ip printed it', () => {
    const detector = new NoRouteDetector();
    detector.detect(link('eth0', true, true));
    const [output] = detector.detect({
      type: 'link',
      at,
      link: { name: 'eth0', up: true, hasDefaultRoute: false, lostDefaultRoutes: ['default via 10.0.0.1 dev eth0'] },
    });
    expect(output && 'report' in output ? output.report.evidence.map((evidence) => evidence.text) : []).toEqual([
      'no default route after a change on eth0',
      'route default via 10.0.0.1 dev eth0',
    ]);
  });

  it('reports no connectivity and captive portals, and resolves both on full connectivity', () => {
    const detector = new ConnectivityDetector();
    const states = ['full', 'limited', 'none', 'unknown', 'portal', 'full'] as const;
    expect(states.map((state) => describeOutputs(detector.detect({ type: 'connectivity', at, state })))).toEqual([
      ['resolve no-connectivity ', 'resolve captive-portal '],
      ['report no-connectivity warning : Connected to a network, but the internet is unreachable'],
      ['report no-connectivity warning : No network connection'],
      [],
      [
        'resolve no-connectivity ',
        'report captive-portal info : A captive portal blocks the internet: sign in to the network',
      ],
      ['resolve captive-portal '],
    ]);
  });
});
