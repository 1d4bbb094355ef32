// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type Message, type MessageBus, Variant } from '@jellybrick/dbus-next';

import type { PlaybookTools } from '../../../service/src/fixes/playbookSteps.js';
import {
  ANY_ADAPTER,
  BLUETOOTH_UNAVAILABLE,
  BluetoothUnavailableDetector,
} from '../../../service/src/kinds/bluetooth/detector.js';
import { bluetoothKind } from '../../../service/src/kinds/bluetooth/kind.js';
import { BLOCKED_EVIDENCE, BLUETOOTH_OFF } from '../../../service/src/kinds/bluetooth/offDetector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters } from '../../support/desktopWriters.js';
import { findingWithEvidence } from '../../support/findingFixture.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;
const at = (seconds: number) => String(START_US + seconds * 1_000_000);

const kernel = (message: string, seconds = 0, fields: Record<string, string> = {}) =>
  journalEvent({
    MESSAGE: message,
    _TRANSPORT: 'kernel',
    SYSLOG_IDENTIFIER: 'kernel',
    __REALTIME_TIMESTAMP: at(seconds),
    ...fields,
  });

/** BlueZ's state of hci0: whether it powers the adapter. */
const blueZ = (powered: boolean, seconds: number): WatchEvent => ({
  type: 'desktop',
  at: new Date(Number(at(seconds)) / 1000),
  desktop: { kind: 'bluetooth', bluetooth: { adapter: '/org/bluez/hci0', present: true, powered, blocked: false } },
});

/** bluetoothd as journald records it: root, in bluetooth.service. */
const bluetoothd = (message: string, fields: Record<string, string> = {}) =>
  journalEvent({
    MESSAGE: message,
    SYSLOG_IDENTIFIER: 'bluetoothd',
    _COMM: 'bluetoothd',
    _EXE: '/usr/libexec/bluetooth/bluetoothd',
    _SYSTEMD_UNIT: 'bluetooth.service',
    _UID: '0',
    _PID: '876',
    _TRANSPORT: 'syslog',
    __REALTIME_TIMESTAMP: at(0),
    ...fields,
  });

/** [subject, title] of what a fresh detector reports for one event. */
const verdict = (event: ReturnType<typeof kernel>) =>
  reportsOf(new BluetoothUnavailableDetector(desktopWriters()).detect(event)).map((r) => [r.subject, r.title]);

describe('the bluetooth-unavailable detector', () => {
  it('reads the kernel drivers’ firmware failures, naming the file where the line does', () => {
    const cases: [string, string, string][] = [
      [
        'Bluetooth: hci0: Failed to load Intel firmware file intel/ibt-0040-0041.sfi (-2)',
        'hci0',
        'Bluetooth adapter hci0: its firmware intel/ibt-0040-0041.sfi could not be loaded',
      ],
      [
        'Bluetooth: hci0: failed to request rampatch file: qca/rampatch_usb_00000302.bin (-2)',
        'hci0',
        'Bluetooth adapter hci0: its firmware qca/rampatch_usb_00000302.bin could not be loaded',
      ],
      [
        'Bluetooth: hci0: RTL: firmware file rtl_bt/rtl8821c_fw.bin not found',
        'hci0',
        'Bluetooth adapter hci0: its firmware rtl_bt/rtl8821c_fw.bin could not be loaded',
      ],
      [
        'Bluetooth: hci1: Failed to load rtl_bt/rtl8723d_fw.bin',
        'hci1',
        'Bluetooth adapter hci1: its firmware rtl_bt/rtl8723d_fw.bin could not be loaded',
      ],
      [
        'Bluetooth: hci0: Failed to set up firmware (-2)',
        'hci0',
        'Bluetooth adapter hci0: its firmware could not be loaded',
      ],
      [
        '[    4.603584] Bluetooth: hci0: Failed to load Intel firmware file (-2)',
        'hci0',
        'Bluetooth adapter hci0: its firmware could not be loaded',
      ],
    ];
    for (const [line, subject, title] of cases)
      expect(verdict(kernel(line)))
        .withContext(line)
        .toEqual([[subject, title]]);
  });

  it('reads commands the controller did not answer and set-up steps that failed with an errno that means so', () => {
    const cases: [string, string, string][] = [
      [
        'Bluetooth: hci0: command 0x0c03 tx timeout',
        'hci0',
        'Bluetooth adapter hci0 stopped answering (command 0x0c03 timed out)',
      ],
      [
        'Bluetooth: hci0 command 0x1001 tx timeout',
        'hci0',
        'Bluetooth adapter hci0 stopped answering (command 0x1001 timed out)',
      ],
      [
        'Bluetooth: hci0: Reading Intel version command failed (-110)',
        'hci0',
        'Bluetooth adapter hci0 failed: timed out',
      ],
      ['Bluetooth: hci0: Opcode 0x200c failed: -110', 'hci0', 'Bluetooth adapter hci0 failed: timed out'],
      [
        'Bluetooth: hci0: BCM: Reading local version info failed (-110)',
        'hci0',
        'Bluetooth adapter hci0 failed: timed out',
      ],
      ['Bluetooth: hci0: sending frame failed (-19)', 'hci0', 'Bluetooth adapter hci0 failed: the device is gone'],
      [
        'Bluetooth: hci0: Failed to send firmware data (-38)',
        'hci0',
        'Bluetooth adapter hci0 failed: the operation is not implemented',
      ],
    ];
    for (const [line, subject, title] of cases)
      expect(verdict(kernel(line)))
        .withContext(line)
        .toEqual([[subject, title]]);
  });

  it('leaves the kernel’s lines about working adapters alone', () => {
    const harmless = [
      // Broadcom controllers run on their ROM firmware.
      'Bluetooth: hci0: BCM: firmware Patch file not found, tried:',
      'Bluetooth: hci0: BCM: Patch brcm/BCM.hcd not found',
      'Bluetooth: hci0: HCI Enhanced Setup Synchronous Connection command is advertised, but not supported.',
      'Bluetooth: hci0: Malformed MSFT vendor event: 0x02',
      'Bluetooth: hci0: unexpected event for opcode 0x2005',
      'Bluetooth: hci0: Failed to read codec capabilities (-56)',
      'Bluetooth: hci0: Frame reassembly failed (-84)',
      'Bluetooth: hci0: RTL: loading rtl_bt/rtl8761bu_fw.bin',
      // Not Bluetooth's.
      'iwlwifi 0000:00:14.3: Direct firmware load for iwlwifi-so-a0-gf-a0-72.ucode failed with error -2',
      'usb 3-11: device descriptor read/64, error -110',
    ];
    for (const line of harmless)
      expect(verdict(kernel(line)))
        .withContext(line)
        .toEqual([]);
  });

  it('raises a firmware file the driver could not load as a warning, cleared and no longer raised once BlueZ powers the adapter', () => {
    const detector = new BluetoothUnavailableDetector(desktopWriters());
    const attempt = (file: string, seconds: number) =>
      kernel(`bluetooth hci0: Direct firmware load for ${file} failed with error -2`, seconds);
    const outputs = runDetector(detector, [
      attempt('intel/ibt-17-16-1.sfi', 0),
      blueZ(true, 5),
      // Every attempt, fallbacks and optional files included: an adapter BlueZ powers found what it needed.
      attempt('intel/ibt-12-16.ddc', 6),
      kernel('bluetooth hci0: firmware: failed to load rtl_bt/rtl8821c_fw.bin (-2)', 7),
      blueZ(false, 8),
      attempt('rtl_bt/rtl8852bu_fw_v2.bin', 9),
    ]);
    expect(
      outputs.map((output) =>
        'report' in output
          ? ['report', output.report.severity, output.report.title]
          : ['resolve', output.resolve.subject],
      ),
    ).toEqual([
      ['report', 'warning', 'Bluetooth adapter hci0: its firmware intel/ibt-17-16-1.sfi could not be loaded'],
      ['resolve', 'hci0'],
      ['report', 'warning', 'Bluetooth adapter hci0: its firmware rtl_bt/rtl8852bu_fw_v2.bin could not be loaded'],
    ]);
  });

  it('raises a driver’s step that failed at err with an errno working adapters also give as a warning, until BlueZ powers that adapter', () => {
    const detector = new BluetoothUnavailableDetector(desktopWriters());
    const err = (line: string, seconds: number) => kernel(line, seconds, { PRIORITY: '3' });
    const outputs = runDetector(detector, [
      // MediaTek's set-up that did not enable the controller (bbs.archlinux.org, viewtopic.php?pid=2298249).
      err('Bluetooth: hci0: Failed to send wmt func ctrl (-22)', 0),
      // A warning, a step that names no adapter, one the transport recovers from: nothing.
      kernel('Bluetooth: hci0: Failed to send wmt func ctrl (-22)', 1, { PRIORITY: '4' }),
      err('Bluetooth: Failed to read codec capabilities (-56)', 2),
      err('Bluetooth: hci0: Frame reassembly failed (-84)', 3),
      blueZ(true, 5),
      // An optional vendor command on the adapter BlueZ powers.
      err('Bluetooth: hci0: Opcode 0xfc1e failed: -16', 6),
      blueZ(false, 8),
      err('Bluetooth: hci0: Opcode 0xfc1e failed: -16', 9),
    ]);
    expect(
      outputs.map((output) =>
        'report' in output
          ? ['report', output.report.severity, output.report.subject, output.report.title]
          : ['resolve', output.resolve.subject],
      ),
    ).toEqual([
      ['report', 'warning', 'hci0', 'Bluetooth adapter hci0 reported a failure: Failed to send wmt func ctrl (-22)'],
      ['resolve', 'hci0'],
      ['report', 'warning', 'hci0', 'Bluetooth adapter hci0 reported a failure: Opcode 0xfc1e failed: -16'],
    ]);
  });

  it('reads the other errors of the kernel’s Bluetooth drivers and of BlueZ that name their cause, under the adapter they name', () => {
    expect(verdict(kernel('Bluetooth: hci0: Hardware error 0x0c', 0, { PRIORITY: '3' }))).toEqual([
      ['hci0', 'Bluetooth reported a failure: Hardware error 0x0c'],
    ]);
    expect(
      verdict(
        bluetoothd(
          'src/service.c:btd_service_connect() a2dp-sink profile connect failed for 94:DB:56:EA:BA:2A: Protocol not available',
          { PRIORITY: '3' },
        ),
      ),
    ).toEqual([[ANY_ADAPTER, 'BlueZ reported an error: Protocol not available (ENOPROTOOPT)']]);
    expect(
      verdict(
        bluetoothd('profiles/audio/avdtp.c:avdtp_connect_cb() connect to 84:76:37:ED:D8:29: Connection refused (111)', {
          PRIORITY: '3',
        }),
      ),
    ).toEqual([[ANY_ADAPTER, 'BlueZ reported an error: Connection refused (ECONNREFUSED)']]);
    // Below err, or naming no cause a device gives: claimed, and quiet.
    const quiet = [
      bluetoothd('profiles/audio/avdtp.c:avdtp_connect_cb() connect to 84:76:37:ED:D8:29: Connection refused (111)', {
        PRIORITY: '4',
      }),
      bluetoothd('sap-server: Operation not permitted (1)', { PRIORITY: '3' }),
      bluetoothd('Failed to obtain handles for "Service Changed" characteristic', { PRIORITY: '3' }),
      kernel('Bluetooth: hci0: Malformed MSFT vendor event: 0x02', 0, { PRIORITY: '3' }),
    ];
    const detector = new BluetoothUnavailableDetector(desktopWriters());
    for (const event of quiet) expect(verdict(event)).toEqual([]);
    expect(detector.claims(quiet[1]!)).toBeTrue();
    expect(detector.claims(quiet[3]!)).toBeTrue();
    expect(detector.claims(quiet[0]!)).toBeFalse();
  });

  it('believes a kernel line only from the kernel', () => {
    const forged = journalEvent({
      MESSAGE: 'Bluetooth: hci0: command 0x0c03 tx timeout',
      SYSLOG_IDENTIFIER: 'kernel',
      _COMM: 'logger',
      _UID: '1000',
      _TRANSPORT: 'syslog',
      __REALTIME_TIMESTAMP: at(0),
    });
    // User space writing to /dev/kmsg: journald records its facility, never the kernel's 0.
    const devKmsg = journalEvent({
      MESSAGE: 'Bluetooth: hci0: command 0x0c03 tx timeout',
      _TRANSPORT: 'kernel',
      SYSLOG_FACILITY: '1',
      __REALTIME_TIMESTAMP: at(0),
    });
    expect(verdict(forged)).toEqual([]);
    expect(verdict(devKmsg)).toEqual([]);
  });

  it('reads bluetoothd’s management replies that say the controller failed, not its refusals', () => {
    expect(verdict(bluetoothd('Failed to set mode: Failed (0x03)'))).toEqual([
      [ANY_ADAPTER, 'Bluetooth adapter: bluetoothd could not set mode (Failed)'],
    ]);
    expect(verdict(bluetoothd('Failed to read info for index 0: Timeout (0x08)'))).toEqual([
      [ANY_ADAPTER, 'Bluetooth adapter: bluetoothd could not read info for index 0 (Timeout)'],
    ]);
    for (const line of [
      'Failed to set mode: Blocked through rfkill (0x12)',
      'Failed to set privacy: Rejected (0x0b)',
      'Failed to add UUID: Busy (0x0a)',
      'profiles/sap/server.c:sap_server_register() Sap driver initialization failed.',
      'sap-server: Operation not permitted (1)',
    ])
      expect(verdict(bluetoothd(line)))
        .withContext(line)
        .toEqual([]);
  });

  it('leaves bluetoothd’s management failures to the block while the person’s rfkill or BlueZ says the radio is blocked', () => {
    const rfkill = (message: string, seconds: number, exe = '/usr/sbin/rfkill') =>
      journalEvent({
        MESSAGE: message,
        SYSLOG_IDENTIFIER: 'rfkill',
        _COMM: 'rfkill',
        _EXE: exe,
        _UID: '0',
        _TRANSPORT: 'syslog',
        __REALTIME_TIMESTAMP: at(seconds),
      });
    const setMode = (seconds: number) =>
      bluetoothd('Failed to set mode: Failed (0x03)', { __REALTIME_TIMESTAMP: at(seconds) });
    const titles = (events: WatchEvent[]) =>
      reportsOf(runDetector(new BluetoothUnavailableDetector(desktopWriters()), events)).map((r) => r.title);
    const failed = 'Bluetooth adapter: bluetoothd could not set mode (Failed)';
    expect(titles([rfkill('block set for type bluetooth', 0), setMode(1)])).toEqual([]);
    expect(titles([rfkill('block set for all', 0), setMode(1)])).toEqual([]);
    // Unblocked again, the next failure is the adapter's.
    expect(
      titles([rfkill('block set for type bluetooth', 0), rfkill('unblock set for type bluetooth', 5), setMode(9)]),
    ).toEqual([failed]);
    // Another radio, a block by index (which radio it is the line does not say), or a program merely named rfkill.
    expect(titles([rfkill('block set for type wlan', 0), setMode(1)])).toEqual([failed]);
    expect(titles([rfkill('block set for id 2', 0), setMode(1)])).toEqual([failed]);
    expect(titles([rfkill('block set for type bluetooth', 0, '/home/user/bin/rfkill'), setMode(1)])).toEqual([failed]);
    expect(
      titles([
        rfkill(
          'block set for type bluetooth',
          0,
          '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-util-linux-2.39.4-bin/bin/rfkill',
        ),
        setMode(1),
      ]),
    ).toEqual([]);
    const blockedByBlueZ: WatchEvent = {
      type: 'desktop',
      at: new Date(Number(at(0)) / 1000),
      desktop: {
        kind: 'bluetooth',
        bluetooth: { adapter: '/org/bluez/hci0', present: true, powered: false, blocked: true },
      },
    };
    expect(titles([blockedByBlueZ, setMode(1)])).toEqual([]);
    expect(titles([blockedByBlueZ, blueZ(true, 2), setMode(3)])).toEqual([failed]);
    // Unblocked through GNOME's switch, which logs nothing: BlueZ powering the adapter ends the person's block.
    expect(titles([rfkill('block set for type bluetooth', 0), blueZ(true, 2), setMode(3)])).toEqual([failed]);
  });

  it('believes bluetoothd only as root in bluetooth.service', () => {
    const line = 'Failed to set mode: Failed (0x03)';
    expect(verdict(bluetoothd(line, { _UID: '1000' }))).toEqual([]);
    expect(verdict(bluetoothd(line, { _SYSTEMD_UNIT: 'session-2.scope' }))).toEqual([]);
    expect(verdict(bluetoothd(line, { _EXE: '/home/user/bluetoothd-fake' }))).toEqual([]);
  });

  it('reports every line of a burst, so none is left to unrecognised-errors, under one adapter', () => {
    const lines = [0, 4, 8, 12].map((s) => kernel('Bluetooth: hci0: command 0x0c03 tx timeout', s));
    const reports = reportsOf(runDetector(new BluetoothUnavailableDetector(desktopWriters()), lines));
    expect(reports.map((r) => [r.kind, r.subject, r.severity])).toEqual(
      lines.map(() => [BLUETOOTH_UNAVAILABLE, 'hci0', 'error']),
    );
  });

  it('puts bluetoothd’s lines that name no adapter under the one the kernel named just before', () => {
    const detector = new BluetoothUnavailableDetector(desktopWriters());
    const events = [
      kernel('Bluetooth: hci1: RTL: examining hci_ver=0a hci_rev=000b lmp_ver=0a lmp_subver=8761', 0),
      bluetoothd('Failed to set mode: Failed (0x03)', { __REALTIME_TIMESTAMP: at(5) }),
      bluetoothd('Failed to set mode: Failed (0x03)', { __REALTIME_TIMESTAMP: at(3600) }),
    ];
    expect(reportsOf(runDetector(detector, events)).map((r) => [r.subject, r.title])).toEqual([
      ['hci1', 'Bluetooth adapter hci1: bluetoothd could not set mode (Failed)'],
      [ANY_ADAPTER, 'Bluetooth adapter: bluetoothd could not set mode (Failed)'],
    ]);
  });

  it('proposes first the lines of the writer that reported it, and nothing to install', async () => {
    const playbook = bluetoothKind.playbooks[BLUETOOTH_UNAVAILABLE];
    expect(playbook).toBeDefined();
    const finding = findingWithEvidence(BLUETOOTH_UNAVAILABLE, 'hci0', {
      title: 'Bluetooth adapter hci0: its firmware intel/ibt-0040-0041.sfi could not be loaded',
      firstSeen: new Date(0),
      evidence: [{ kind: 'journal', text: 'x', cursor: 's=1', journal: 'system', at: new Date(0) }],
    });
    const draft = await playbook!(finding, {} as PlaybookTools);
    expect(draft?.actions).toEqual([
      { name: 'info.show_logs', params: { scope: 'system', cursor: 's=1', sameWriter: true } },
    ]);
  });

  it('proposes switching an unpowered adapter on, and a blocked one unblocked unless a hardware switch holds it', async () => {
    const playbook = bluetoothKind.playbooks[BLUETOOTH_OFF];
    expect(playbook).toBeDefined();
    /** The finding with what BlueZ said, oldest first. */
    const offFinding = (...texts: string[]) =>
      findingWithEvidence(BLUETOOTH_OFF, 'hci0', {
        title: 'Bluetooth adapter hci0 is switched off',
        firstSeen: new Date(0),
        evidence: texts.map((text, seconds) => ({ kind: 'text', text, at: new Date(seconds * 1000) })),
      });
    const previewed: unknown[] = [];
    const tools = {
      preview: (candidate: unknown) => {
        previewed.push(candidate);
        return Promise.resolve({ summary: 'Switch Bluetooth adapter hci0 on', details: [], changesNothing: false });
      },
    } as unknown as PlaybookTools;
    const draft = await playbook!(offFinding('BlueZ: Powered is false'), tools);
    expect(draft?.actions).toEqual([{ name: 'bluetooth.power_on', params: { adapter: 'hci0' } }]);
    expect((await playbook!(offFinding(BLOCKED_EVIDENCE), tools))?.actions).toEqual([
      { name: 'bluetooth.unblock', params: {} },
    ]);
    // The adapter as BlueZ says it now: blocked once and switched off since, or the other way round.
    expect((await playbook!(offFinding(BLOCKED_EVIDENCE, 'BlueZ: Powered is false'), tools))?.actions).toEqual([
      { name: 'bluetooth.power_on', params: { adapter: 'hci0' } },
    ]);
    expect((await playbook!(offFinding('BlueZ: Powered is false', BLOCKED_EVIDENCE), tools))?.actions).toEqual([
      { name: 'bluetooth.unblock', params: {} },
    ]);
    expect(previewed.length).toBe(4);
  });

  it('explains a block a hardware switch holds, with the adapter’s name and where the switch is, offering no change', async () => {
    const playbook = bluetoothKind.playbooks[BLUETOOTH_OFF];
    /** gsd's rfkill and BlueZ as a bus answers their GetAll: a hardware block, an adapter BlueZ calls "Lab laptop". */
    const answers: Record<string, Record<string, Variant>> = {
      'org.gnome.SettingsDaemon.Rfkill': {
        BluetoothAirplaneMode: new Variant('b', false),
        BluetoothHardwareAirplaneMode: new Variant('b', true),
      },
      'org.bluez': {
        Alias: new Variant('s', 'Lab laptop'),
        Powered: new Variant('b', false),
        PowerState: new Variant('s', 'off-blocked'),
      },
    };
    const bus = {
      call: (message: Message) =>
        Promise.resolve({ signature: 'a{sv}', body: [answers[message.destination ?? ''] ?? {}] }),
    } as unknown as MessageBus;
    const previewed: unknown[] = [];
    const tools = {
      context: { sessionBus: bus, systemBus: bus },
      preview: (candidate: unknown) => {
        previewed.push(candidate);
        return Promise.resolve({ summary: 'A hardware switch blocks Bluetooth', details: [], changesNothing: true });
      },
    } as unknown as PlaybookTools;
    const draft = await playbook!(
      findingWithEvidence(BLUETOOTH_OFF, 'hci0', {
        title: 'Bluetooth adapter hci0 is blocked (rfkill)',
        evidence: [{ kind: 'text', text: BLOCKED_EVIDENCE, at: new Date(0) }],
      }),
      tools,
    );
    expect(draft?.title).toBe('Bluetooth adapter Lab laptop (hci0) is switched off by a switch or key on the computer');
    expect(draft?.explanation).toContain('a switch or key on the computer');
    expect(draft?.actions).toEqual([{ name: 'info.bluetooth', params: { adapter: 'hci0' } }]);
    // The unblock is not even asked about: nothing can lift the block.
    expect(previewed).toEqual([]);
  });
});
