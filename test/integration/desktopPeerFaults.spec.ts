// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The desktop's daemons misbehaving on a private bus, against the desktop sources and their detectors: python3-dbusmock's
// timedated and bluez5 templates, the project's GNOME Shell extensions stand-in, and a peer of our own that answers
// anything and hands a name back and forth (answeringPeer.ts). What was seen before: timedated's wrong-typed reply
// raised clock-ntp-off, a fake PropertiesChanged from another connection made it active again, BlueZ's Powered as ''
// or 0 raised bluetooth-off, the shell's garbage resolved an extension's failure, a 1 MB string for the shell's list
// made the service grow to a gigabyte, and 1,200 changes of BlueZ's owner pushed a finding's count from 1 to 592.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import type { Detector } from '../../service/src/findings/types.js';
import { BLUETOOTH_OFF, BluetoothOffDetector } from '../../service/src/kinds/bluetooth/offDetector.js';
import { ADAPTER, BluezSource } from '../../service/src/kinds/bluetooth/source.js';
import { CLOCK_NTP_OFF, ClockNtpOffDetector } from '../../service/src/kinds/clock/ntpOffDetector.js';
import { TimedatedSource } from '../../service/src/kinds/clock/source.js';
import { TIMEDATED, TIMEDATED_PATH } from '../../service/src/kinds/clock/timedated.js';
import { EXTENSION_ERROR } from '../../service/src/kinds/extensions/journalDetector.js';
import { ShellExtensionsSource } from '../../service/src/kinds/extensions/source.js';
import { ExtensionStateDetector } from '../../service/src/kinds/extensions/stateDetector.js';
import { createLogger } from '../../service/src/logging.js';
import type { BusStateSource } from '../../service/src/watch/busStateSource.js';
import type { WatchEvent } from '../../service/src/watch/events.js';
import { AnsweringPeer } from '../support/answeringPeer.js';
import { startDbusmock, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const PROPERTIES = 'org.freedesktop.DBus.Properties';
const MOCK = 'org.freedesktop.DBus.Mock';
const BLUEZ = 'org.bluez';
const HCI0 = '/org/bluez/hci0';
const SHELL = 'org.gnome.Shell';
const SHELL_STAND_IN = join(process.cwd(), 'test', 'support', 'shellExtensionsStandIn.py');
const BROKEN = 'broken-clock@example.org';

describe('the desktop sources against daemons that misbehave', () => {
  let bus: PrivateBus;
  let dir: TempDir;
  let client: MessageBus;
  let connection: MessageBus;
  let mocks: ChildProcess[];
  let sources: BusStateSource[];
  let findings: FindingsStore;
  let events: WatchEvent[];
  let logLines: string[];

  beforeEach(async () => {
    bus = await startPrivateBus();
    dir = await makeTempDir();
    client = await bus.connect();
    connection = await bus.connect();
    mocks = [];
    sources = [];
    findings = new FindingsStore(join(dir.path, 'findings.db'));
    events = [];
    logLines = [];
  });

  afterEach(async () => {
    for (const source of sources) await source.stop();
    for (const mock of mocks) await stopMock(mock);
    findings.close();
    await bus.stop();
    await dir.remove();
  });

  const log = () => createLogger({ level: 'debug', journal: false, write: (line) => logLines.push(line) });
  const unexpectedLines = () => logLines.filter((line) => line.includes('answered something unexpected'));

  /** Starts `source`, its events going through `detector` into the findings store as the pipeline would. */
  async function watch(source: BusStateSource, detector: Detector): Promise<void> {
    sources.push(source);
    await source.start((event) => {
      events.push(event);
      for (const output of detector.detect(event)) {
        if ('report' in output) findings.report(output.report);
        else findings.resolve(output.resolve);
      }
    });
  }
  const finding = (kind: string, subject: string) =>
    findings.list({ state: 'all', includeIgnored: true }).find((one) => one.kind === kind && one.subject === subject);

  describe('timedated (python3-dbusmock timedated)', () => {
    const timedatedMock = (member: string, signature: string, body: unknown[]) =>
      callMethod(client, { destination: TIMEDATED, path: TIMEDATED_PATH, interface: MOCK, member, signature, body });

    beforeEach(async () => {
      mocks.push(
        await startDbusmock(bus, client, TIMEDATED, ['--template', 'timedated', '--parameters', '{"NTP": true}']),
      );
    });

    it('believes no PropertiesChanged for timedated from another connection', async () => {
      await watch(
        new TimedatedSource({ name: 'desktop.clock', bus: connection, log: log() }),
        new ClockNtpOffDetector(),
      );
      expect(finding(CLOCK_NTP_OFF, 'ntp')).toBeUndefined();
      // Another connection says NTP went off, on timedated's path and interface; then timedated itself signals.
      const forger = new AnsweringPeer(await bus.connect(), () => null);
      forger.signal(TIMEDATED_PATH, PROPERTIES, 'PropertiesChanged', 'sa{sv}as', [
        TIMEDATED,
        { NTP: new Variant('b', false) },
        [],
      ]);
      await timedatedMock('UpdateProperties', 'sa{sv}', [TIMEDATED, { CanNTP: new Variant('b', false) }]);
      await waitFor(() => events.length >= 2, 'timedated’s own signal');
      expect(finding(CLOCK_NTP_OFF, 'ntp')).withContext('the forged signal raised clock-ntp-off').toBeUndefined();
    });

    it('raises and resolves nothing on replies and signals of the wrong type, and says so once', async () => {
      // timedated's NTP as a string: in GetAll's reply, then in its signals, 50 times.
      await timedatedMock('UpdateProperties', 'sa{sv}', [TIMEDATED, { NTP: new Variant('s', 'no') }]);
      await watch(
        new TimedatedSource({ name: 'desktop.clock', bus: connection, log: log() }),
        new ClockNtpOffDetector(),
      );
      for (let i = 0; i < 50; i++)
        await timedatedMock('UpdateProperties', 'sa{sv}', [TIMEDATED, { NTP: new Variant('u', i % 2) }]);
      // timedated right again: the one change the source reports.
      await timedatedMock('UpdateProperties', 'sa{sv}', [TIMEDATED, { NTP: new Variant('b', true) }]);
      await waitFor(() => events.length >= 1, 'timedated’s right answer');
      expect(events).toHaveSize(1);
      expect(finding(CLOCK_NTP_OFF, 'ntp')).toBeUndefined();
      expect(unexpectedLines().length).withContext('logged at most once a minute per member').toBeLessThanOrEqual(2);
      expect(unexpectedLines().length).toBeGreaterThan(0);
    });
  });

  describe('BlueZ (python3-dbusmock bluez5)', () => {
    const adapterMock = (member: string, signature: string, body: unknown[]) =>
      callMethod(client, { destination: BLUEZ, path: HCI0, interface: MOCK, member, signature, body });

    beforeEach(async () => {
      mocks.push(await startDbusmock(bus, client, BLUEZ, ['--template', 'bluez5']));
      await callMethod(client, {
        destination: BLUEZ,
        path: '/',
        interface: 'org.bluez.Mock',
        member: 'AddAdapter',
        signature: 'ss',
        body: ['hci0', 'laptop'],
      });
    });

    it('raises no bluetooth-off for a powered adapter whose Powered comes as an empty string or 0', async () => {
      await watch(
        new BluezSource({ name: 'desktop.bluetooth', bus: connection, log: log() }),
        new BluetoothOffDetector(),
      );
      await adapterMock('UpdateProperties', 'sa{sv}', [ADAPTER, { Powered: new Variant('s', '') }]);
      await adapterMock('UpdateProperties', 'sa{sv}', [ADAPTER, { Powered: new Variant('i', 0) }]);
      // A new source reads it so, through GetManagedObjects.
      await watch(
        new BluezSource({ name: 'desktop.bluetooth', bus: connection, log: log() }),
        new BluetoothOffDetector(),
      );
      // BlueZ right again, switched off for real: the one change reported after the first read.
      await adapterMock('UpdateProperties', 'sa{sv}', [ADAPTER, { Powered: new Variant('b', false) }]);
      await waitFor(() => finding(BLUETOOTH_OFF, 'hci0') !== undefined, 'the real switch-off');
      expect(
        events.map(
          (event) => event.type === 'desktop' && event.desktop.kind === 'bluetooth' && event.desktop.bluetooth.powered,
        ),
      ).toEqual([true, false, false]);
      expect(unexpectedLines().length).toBeGreaterThan(0);
    });
  });

  describe('GNOME Shell (the extensions stand-in)', () => {
    const shellMock = (member: string, signature: string, body: unknown[]) =>
      callMethod(client, {
        destination: SHELL,
        path: '/org/gnome/Shell',
        interface: 'org.gnome.Shell.Extensions.Mock',
        member,
        signature,
        body,
      });

    it('keeps an extension’s failure while the shell signals garbage about it', async () => {
      mocks.push(await startDbusmock(bus, client, SHELL, ['--template', SHELL_STAND_IN]));
      await shellMock('AddExtension', 'ssb', [BROKEN, 'Broken Clock', true]);
      await shellMock('Break', 'ss', [BROKEN, 'TypeError: this._clock is undefined']);
      await watch(
        new ShellExtensionsSource({ name: 'desktop.extensions', bus: connection, log: log() }),
        new ExtensionStateDetector(),
      );
      await waitFor(() => finding(EXTENSION_ERROR, BROKEN)?.state === 'active', 'the extension’s failure');
      const emit = (info: Record<string, Variant>) =>
        callMethod(client, {
          destination: SHELL,
          path: '/org/gnome/Shell',
          interface: MOCK,
          member: 'EmitSignal',
          signature: 'sssav',
          body: [
            'org.gnome.Shell.Extensions',
            'ExtensionStateChanged',
            'sa{sv}',
            [new Variant('s', BROKEN), new Variant('a{sv}', info)],
          ],
        });
      await emit({ state: new Variant('s', 'garbage'), error: new Variant('u', 7) });
      await emit({ state: new Variant('b', true) });
      await emit({ enabled: new Variant('s', 'yes'), state: new Variant('d', 1) });
      // The shell's right answer after the garbage: the extension runs again.
      await shellMock('Uninstall', 's', [BROKEN]);
      await waitFor(() => finding(EXTENSION_ERROR, BROKEN)?.state === 'resolved', 'the extension gone');
      expect(events.filter((event) => event.type === 'desktop')).toHaveSize(2);
      expect(unexpectedLines().length).toBeGreaterThan(0);
    });

    it('takes nothing from a shell whose list comes as a 1 MB string', async () => {
      const shell = new AnsweringPeer(await bus.connect(), (call) =>
        call.member === 'ListExtensions' ? { signature: 's', body: ['x'.repeat(1_000_000)] } : null,
      );
      await shell.own(SHELL);
      await watch(
        new ShellExtensionsSource({ name: 'desktop.extensions', bus: connection, log: log() }),
        new ExtensionStateDetector(),
      );
      expect(shell.answered.get('ListExtensions')).toBe(1);
      expect(events).toEqual([]);
      expect(unexpectedLines()).toHaveSize(1);
    });
  });

  it('counts one bluetooth-off however often bluetoothd leaves the bus and comes back (1,200 changes of its name)', async () => {
    /** bluetoothd with one adapter switched off, leaving the bus and coming back 600 times; then handing its name on. */
    const adapterOff = () => ({
      signature: 'a{oa{sa{sv}}}',
      body: [{ [HCI0]: { [ADAPTER]: { Powered: new Variant('b', false), PowerState: new Variant('s', 'off') } } }],
    });
    const bluez = (call: { member?: string }) => (call.member === 'GetManagedObjects' ? adapterOff() : null);
    const first = new AnsweringPeer(await bus.connect(), bluez);
    const second = new AnsweringPeer(await bus.connect(), bluez);
    await first.own(BLUEZ);
    const source = new BluezSource({ name: 'desktop.bluetooth', bus: connection, log: log() });
    await watch(source, new BluetoothOffDetector());
    expect(finding(BLUETOOTH_OFF, 'hci0')?.count).toBe(1);
    for (let i = 0; i < 600; i++) {
      await first.release(BLUEZ);
      await first.own(BLUEZ);
    }
    // The name handed to another connection: the read of that owner, then the source stopped (it waits for the read
    // under way), and every read before it is done.
    await second.own(BLUEZ);
    await first.release(BLUEZ);
    await waitFor(() => (second.answered.get('GetManagedObjects') ?? 0) > 0, 'a read of the last owner');
    sources.splice(sources.indexOf(source), 1);
    await source.stop();
    expect(finding(BLUETOOTH_OFF, 'hci0')?.count).toBe(1);
    expect(finding(BLUETOOTH_OFF, 'hci0')?.state).toBe('active');
  });
});
