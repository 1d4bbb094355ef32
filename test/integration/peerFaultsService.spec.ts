// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The whole service while the desktop's daemons misbehave on its buses (one private bus stands for both): timedated
// (python3-dbusmock) answering and signalling the wrong types, another connection forging its signals, BlueZ handed
// back and forth 1,200 times and saying Powered as a string, a GNOME Shell whose list is a 1 MB string and whose
// signals are garbage, low-memory-monitor (python3-dbusmock) leaving and coming back. GetStatus is called every
// 100 ms throughout: the spec asserts that every call is answered and the service lives on; how long the slowest
// answer took and how the resident memory grew are measured and written to test-results/peer-faults.json (figures,
// not timed assertions: the machine may be busy).
import type { ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { ADAPTER } from '../../service/src/kinds/bluetooth/source.js';
import { TIMEDATED, TIMEDATED_PATH } from '../../service/src/kinds/clock/timedated.js';
import { LOW_MEMORY_MONITOR } from '../../service/src/watch/lowMemoryMonitor.js';
import { AnsweringPeer } from '../support/answeringPeer.js';
import { startDbusmock, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const BLUEZ = 'org.bluez';
const HCI0 = '/org/bluez/hci0';
const SHELL = 'org.gnome.Shell';
const LMM_PATH = '/org/freedesktop/LowMemoryMonitor';

const residentKiB = async (pid: number) =>
  Number(/^VmRSS:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

describe('the service while the desktop’s daemons misbehave, with GetStatus every 100 ms', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;
  let timedated: ChildProcess;
  let lowMemoryMonitor: ChildProcess | undefined;

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    timedated = await startDbusmock(bus, client, TIMEDATED, [
      '--template',
      'timedated',
      '--parameters',
      '{"NTP": true}',
    ]);
    lowMemoryMonitor = await startDbusmock(bus, client, LOW_MEMORY_MONITOR, [
      LOW_MEMORY_MONITOR,
      LMM_PATH,
      LOW_MEMORY_MONITOR,
    ]);
    service = await startConfiguredService(
      bus,
      client,
      home.path,
      { watch: quietWatch({ desktop: true }) },
      { DBUS_SYSTEM_BUS_ADDRESS: bus.address },
    );
  });

  afterAll(async () => {
    await service.stop();
    await stopMock(timedated);
    if (lowMemoryMonitor) await stopMock(lowMemoryMonitor);
    await bus.stop();
    await home.remove();
  });

  it('answers every GetStatus and lives on through all of it', async () => {
    const pid = service.process.pid!;
    const startKiB = await residentKiB(pid);
    let peakKiB = startKiB;
    const latencies: number[] = [];
    const failures: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const started = performance.now();
        await callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: BUS_NAME, member: 'GetStatus' })
          .then(() => latencies.push(performance.now() - started))
          .catch((error: Error) => failures.push(error.message));
        peakKiB = Math.max(peakKiB, await residentKiB(pid));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    // timedated: its NTP as a string and an integer, 50 times, and the same property forged by another connection.
    const forger = new AnsweringPeer(await bus.connect(), () => null);
    for (let i = 0; i < 50; i++) {
      await callMethod(client, {
        destination: TIMEDATED,
        path: TIMEDATED_PATH,
        interface: 'org.freedesktop.DBus.Mock',
        member: 'UpdateProperties',
        signature: 'sa{sv}',
        body: [TIMEDATED, { NTP: i % 2 ? new Variant('s', 'x'.repeat(100_000)) : new Variant('u', i) }],
      });
      forger.signal(TIMEDATED_PATH, 'org.freedesktop.DBus.Properties', 'PropertiesChanged', 'sa{sv}as', [
        TIMEDATED,
        { NTP: new Variant('b', false) },
        [],
      ]);
    }

    // BlueZ: an adapter whose Powered comes as a string, and its name handed back and forth 1,200 times.
    const bluetoothd = (call: { member?: string }) =>
      call.member === 'GetManagedObjects'
        ? {
            signature: 'a{oa{sa{sv}}}',
            body: [{ [HCI0]: { [ADAPTER]: { Powered: new Variant('s', ''), PowerState: new Variant('s', 'on') } } }],
          }
        : null;
    const first = new AnsweringPeer(await bus.connect(), bluetoothd);
    const second = new AnsweringPeer(await bus.connect(), bluetoothd);
    await first.own(BLUEZ);
    for (let i = 0; i < 600; i++) {
      await second.own(BLUEZ);
      await first.release(BLUEZ);
      await first.own(BLUEZ);
      await second.release(BLUEZ);
    }

    // GNOME Shell: its list a 1 MB string, then 200 garbage signals, and a restart (read again) each 50.
    const shell = new AnsweringPeer(await bus.connect(), (call) =>
      call.member === 'ListExtensions' ? { signature: 's', body: ['x'.repeat(1_000_000)] } : null,
    );
    await shell.own(SHELL);
    for (let i = 0; i < 200; i++) {
      shell.signal('/org/gnome/Shell', 'org.gnome.Shell.Extensions', 'ExtensionStateChanged', 'sa{sv}', [
        `broken-${i}@example.org`,
        { state: new Variant('s', 'y'.repeat(10_000)) },
      ]);
      if (i % 50 === 49) {
        await shell.release(SHELL);
        await shell.own(SHELL);
      }
    }

    // low-memory-monitor leaves and comes back five times.
    for (let i = 0; i < 5; i++) {
      await stopMock(lowMemoryMonitor!);
      lowMemoryMonitor = await startDbusmock(bus, client, LOW_MEMORY_MONITOR, [
        LOW_MEMORY_MONITOR,
        LMM_PATH,
        LOW_MEMORY_MONITOR,
      ]);
    }
    await waitFor(() => (shell.answered.get('ListExtensions') ?? 0) >= 2, 'the shell read again');
    polling = false;
    await poller;

    const figures = {
      getStatusCalls: latencies.length,
      getStatusSlowestMs: Math.round(Math.max(...latencies)),
      getStatusMedianMs: Math.round([...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)] ?? 0),
      residentStartKiB: startKiB,
      residentPeakKiB: peakKiB,
      residentPeakRatio: Number((peakKiB / startKiB).toFixed(2)),
    };
    await mkdir('test-results', { recursive: true });
    await writeFile(join('test-results', 'peer-faults.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`peer faults: ${JSON.stringify(figures)}`);
    expect(failures).toEqual([]);
    expect(service.process.exitCode).toBeNull();
    // Each daemon's garbage reached the service, and was told as such.
    for (const peer of [TIMEDATED, BLUEZ, SHELL])
      expect(service.log()).toMatch(new RegExp(`answered something unexpected.*peer=${peer.replaceAll('.', '\\.')}`));
    expect(latencies.length).toBeGreaterThan(0);
  });
});
