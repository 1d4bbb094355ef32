// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The desktop's components, not their sentences: which component wrote a line (a proven program, one of the kernel's
// drivers by its prefix), how grave it said it was, the cause it names in its own structure, and what each kind makes
// of a component's error that no rule of its own reads.
import { componentFailure } from '../../../service/src/desktop/componentFailure.js';
import {
  dbusErrorIn,
  errnoIn,
  firmwareFileIn,
  kernelComponentOf,
  lineLevel,
  macDenialOf,
} from '../../../service/src/desktop/componentLines.js';
import { faultedComponentOf } from '../../../service/src/desktop/faultedComponent.js';
import { UnitFailedDetector } from '../../../service/src/findings/detectors/unitFailed.js';
import { UnrecognisedErrorsDetector } from '../../../service/src/findings/detectors/unrecognised.js';
import type { Detector } from '../../../service/src/findings/types.js';
import { areaOfUnit, DESKTOP_WRITERS, Writers } from '../../../service/src/findings/writers.js';
import type { PlaybookTools } from '../../../service/src/fixes/playbookSteps.js';
import { SessionCrashDetector } from '../../../service/src/kinds/appCrash/sessionCrashDetector.js';
import { BLUETOOTH_UNAVAILABLE, BluetoothUnavailableDetector } from '../../../service/src/kinds/bluetooth/detector.js';
import { CLOCK_UNSYNCHRONISED, ClockDetector } from '../../../service/src/kinds/clock/detector.js';
import { ClockStateDetector, OFFSET, UNSYNCHRONISED } from '../../../service/src/kinds/clock/stateDetector.js';
import { CoredumpDetector } from '../../../service/src/kinds/crash/coredumpDetector.js';
import { CrashLoopDetector } from '../../../service/src/kinds/crashLoop/detector.js';
import { ExtensionErrorDetector } from '../../../service/src/kinds/extensions/journalDetector.js';
import { PRINTER_PROBLEM, PrinterProblemDetector } from '../../../service/src/kinds/printing/detector.js';
import { printerProblemPlaybook } from '../../../service/src/kinds/printing/playbook.js';
import {
  DEVICE_EVIDENCE,
  HELD_EVIDENCE,
  PrinterStoppedDetector,
  REJECTING_EVIDENCE,
} from '../../../service/src/kinds/printing/stateDetector.js';
import { SIGN_IN_FAILURE, SignInFailureDetector } from '../../../service/src/kinds/signIn/detector.js';
import { signInFailurePlaybook } from '../../../service/src/kinds/signIn/playbook.js';
import { SOUND_UNAVAILABLE, SoundUnavailableDetector } from '../../../service/src/kinds/sound/detector.js';
import { soundMuted, soundUnavailable } from '../../../service/src/kinds/sound/playbook.js';
import {
  NO_OUTPUT,
  NO_SESSION_MANAGER,
  SOUND_MUTED,
  SoundStateDetector,
} from '../../../service/src/kinds/sound/stateDetector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters, SESSION_UID } from '../../support/desktopWriters.js';
import { findingWithEvidence } from '../../support/findingFixture.js';
import { journalEntry, journalEvent, reportsOf, resolutionsOf, runDetector } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;
const at = (seconds: number) => String(START_US + seconds * 1_000_000);

const kernel = (message: string, priority = '3', seconds = 0) =>
  journalEvent({ MESSAGE: message, _TRANSPORT: 'kernel', PRIORITY: priority, __REALTIME_TIMESTAMP: at(seconds) });

/** A system daemon's program as root (or its account) in its own unit. */
const system = (exe: string, unit: string, message: string, fields: Record<string, string> = {}) =>
  journalEvent({
    MESSAGE: message,
    _EXE: exe,
    _COMM: exe.slice(exe.lastIndexOf('/') + 1, exe.lastIndexOf('/') + 16),
    _UID: '0',
    _PID: '700',
    _SYSTEMD_UNIT: unit,
    PRIORITY: '3',
    __REALTIME_TIMESTAMP: at(0),
    ...fields,
  });

/** A program of the session's user, in a user unit of theirs. */
const session = (exe: string, userUnit: string, message: string, fields: Record<string, string> = {}) =>
  journalEvent({
    MESSAGE: message,
    _EXE: exe,
    _COMM: exe.slice(exe.lastIndexOf('/') + 1, exe.lastIndexOf('/') + 16),
    _UID: String(SESSION_UID),
    _PID: '1800',
    _SYSTEMD_UNIT: `user@${SESSION_UID}.service`,
    _SYSTEMD_USER_UNIT: userUnit,
    PRIORITY: '3',
    __REALTIME_TIMESTAMP: at(0),
    ...fields,
  });

const pid1 = (message: string, fields: Record<string, string> = {}, seconds = 0) =>
  journalEvent({
    MESSAGE: message,
    _PID: '1',
    _UID: '0',
    _COMM: 'systemd',
    SYSLOG_IDENTIFIER: 'systemd',
    __REALTIME_TIMESTAMP: at(seconds),
    ...fields,
  });

const titles = (detector: Detector, ...events: WatchEvent[]) =>
  reportsOf(runDetector(detector, events)).map((r) => [r.kind, r.subject, r.title]);

describe('a desktop component’s line', () => {
  it('is the kernel driver’s by the prefix the kernel puts before its device', () => {
    const of = (message: string) => {
      const found = kernelComponentOf(journalEntry({ MESSAGE: message, _TRANSPORT: 'kernel' }));
      return found && [found.area, found.driver, found.device];
    };
    expect(of('Bluetooth: hci0: command 0x0c03 tx timeout')).toEqual(['bluetooth', 'Bluetooth', 'hci0']);
    expect(of('bluetooth hci0: Direct firmware load for intel/ibt-17-16-1.sfi failed with error -2')).toEqual([
      'bluetooth',
      'bluetooth',
      'hci0',
    ]);
    expect(of('btusb 1-7:1.0: Failed to claim iso interface')).toEqual(['bluetooth', 'btusb', '']);
    expect(of('snd_hda_intel 0000:00:1f.3: azx_get_response timeout, switching to polling mode')).toEqual([
      'sound',
      'snd_hda_intel',
      '0000:00:1f.3',
    ]);
    // The driver core's word on a probe still put off is the driver's it names, else the device's, whatever the bus.
    expect(of('platform 3f201000.serial: deferred probe pending: hci_uart_bcm: no reset GPIO')).toEqual([
      'bluetooth',
      'hci_uart_bcm',
      '3f201000.serial',
    ]);
    expect(of('platform sof_sdw: deferred probe pending')).toEqual(['sound', 'sof_sdw', 'sof_sdw']);
    expect(of('pci 0000:00:02.0: deferred probe pending: i915: no display')).toBeNull();
    // The boards' sound drivers by their naming families: platform "-audio" drivers, Bay Trail machine drivers,
    // ASoC codecs, Intel's SST and AMD's audio co-processor; not ACPI's own drivers.
    const area = (message: string) => of(message)?.[0];
    for (const message of [
      'baytrail-pcm-audio baytrail-pcm-audio: ipc: error DSP boot timeout',
      'byt-rt5640 byt-rt5640: ASoC: CPU DAI baytrail-pcm-audio not registered',
      'sgtl5000 4-000a: Error reading chip id -5',
      'tlv320aic3x 1-0018: Failed to init regulators',
      'intel_sst_acpi 808622A8:00: LPE base: 0x91400000 size:0x200000',
      'acp_pdm_mach acp_pdm_mach.0: snd_soc_register_card(acp) failed: -517',
      'audioinjector-octo soc:sound: snd_soc_register_card failed (-517)',
    ])
      expect(area(message)).withContext(message).toBe('sound');
    expect(area('acpi-tad ACPI000E:00: Unable to read the real time')).not.toBe('sound');
    expect(area('acpi PNP0A08:00: _OSC failed (AE_NOT_FOUND)')).toBeUndefined();
    expect(of('cs35l41-hda spi0-CSC3551:00-cs35l41-hda.0: Cannot Initialize Firmware. Error: -2')).toEqual([
      'sound',
      'cs35l41-hda',
      'spi0-CSC3551:00-cs35l41-hda.0',
    ]);
    // An HD-audio codec by the name its bus gives it, under a driver whose name has spaces, and the driver core's
    // word on that driver's probe; not any driver of several words.
    expect(of('HDMI HDA Codec ehdaudio0D2: HDMI: failed to get afg sub nodes')).toEqual([
      'sound',
      'HDMI HDA Codec',
      'ehdaudio0D2',
    ]);
    expect(of('HDMI HDA Codec: probe of ehdaudio0D2 failed with error -22')).toEqual([
      'sound',
      'HDMI HDA Codec',
      'ehdaudio0D2',
    ]);
    expect(of('Some Other Driver 0000:00:14.0: probe failed')).toBeNull();
    // ASoC's PCM runtimes, devices no bus or driver holds, named after their DAI links with the driver's empty name
    // before them; not any line that starts with a space.
    expect(of(' iDisp3: ASoC: hw_params BE failed -22')).toEqual(['sound', 'ASoC', 'iDisp3']);
    expect(of(' HDMI3: ASoC: hw_params FE failed -22')).toEqual(['sound', 'ASoC', 'HDMI3']);
    expect(of(' iDisp3: hw_params BE failed -22')).toBeNull();
    // The older SST driver's platform device.
    expect(of('haswell-pcm-audio haswell-pcm-audio: error: ADSP boot timeout')).toEqual([
      'sound',
      'haswell-pcm-audio',
      'haswell-pcm-audio',
    ]);
    // USB audio prints through the USB device, with its own marks: its endpoint's stream not starting too.
    expect(of('usb 1-1.4.4: 1:3: cannot get freq (v2/v3): err -110')).toEqual(['sound', 'usb-audio', '1-1.4.4']);
    expect(of('usb 1-1.1: cannot submit urb 0, error -28: not enough bandwidth')).toEqual([
      'sound',
      'usb-audio',
      '1-1.1',
    ]);
    // Other USB devices' lines stay theirs.
    expect(of('usb 1-1.1: device descriptor read/64, error -71')).toBeNull();
    expect(of('rtc_cmos 00:02: setting system clock to 2000-01-01T00:00:12 UTC (946684812)')).toEqual([
      'clock',
      'rtc_cmos',
      '00:02',
    ]);
    // Before Linux 3.17 hctosys named its source file where others name their module.
    expect(of('/home/ppisati/ubuntu-saucy/drivers/rtc/hctosys.c: unable to open rtc device (rtc0)')).toEqual([
      'clock',
      'hctosys',
      '',
    ]);
    expect(of('drivers/rtc/hctosys.c: unable to open rtc device (rtc0)')).toEqual(['clock', 'hctosys', '']);
    expect(of('/build/linux/drivers/base/core.c: something')).toBeNull();
    expect(of('usblp 1-1:1.0: usblp0: USB Bidirectional printer dev 2 if 0 alt 0')).toEqual([
      'printing',
      'usblp',
      '1-1:1.0',
    ]);
    // usbfs refusing a program the device names the driver that holds it.
    expect(of("usb 1-3.1: usbfs: interface 0 claimed by usblp while 'usb' sets config #1")).toEqual([
      'printing',
      'usblp',
      '1-3.1',
    ]);
    // Not the desktop's: the USB core's enumeration, a file system, a GPU.
    expect(of('usb 3-11: device descriptor read/64, error -110')).toBeNull();
    expect(of('btrfs: disk space caching is enabled')).toBeNull();
    expect(of('amdgpu 0000:03:00.0: amdgpu: ring gfx timeout')).toBeNull();
  });

  it('is as grave as its writer says: its own level mark, else journald’s priority', () => {
    const level = (message: string, priority = '6') =>
      lineLevel(journalEntry({ MESSAGE: message, PRIORITY: priority }));
    expect(level('[E][000000038.312224][bluez5-dbus.c:1436 get_managed_objects_reply()] failed')).toBe(3);
    expect(level('[W][000000045.395758][policy-node.c:549 rescan_node()] no node found for 41')).toBe(4);
    expect(level('E: [pulseaudio] module-alsa-card.c: Failed to find a working profile.')).toBe(3);
    expect(level('E [17/Mar/2021:10:00:00 +0100] [Job 12] Unable to open device')).toBe(3);
    // All of cupsd's levels (scheduler/log.c), notice and alert among them.
    expect(level('N [17/Mar/2021:10:00:00 +0100] Printer drivers are deprecated', '3')).toBe(5);
    expect(level('A [17/Mar/2021:10:00:00 +0100] Unable to open the error log', '6')).toBe(3);
    expect(level('(gnome-shell:802): Clutter-CRITICAL **: assertion failed')).toBe(3);
    expect(level('ALSA lib pcm_dmix.c:1032:(snd_pcm_dmix_open) unable to open slave')).toBe(3);
    expect(level('Fatal error : Could not open /var/lib/chrony/chrony.drift')).toBe(2);
    expect(level('! USB[1]: zero-size read')).toBe(3);
    expect(level('31-10-2023 09:50:10: ! USB[1]: zero-size read')).toBe(3);
    expect(level('31-10-2023 09:50:10:   USB[1]: connection released, 1 in use: a-- ---')).toBe(6);
    expect(level('spa.alsa: hw:0,0p: snd_pcm_avail after recover: Broken pipe', '4')).toBe(4);
  });

  it('names its cause in the component’s structure: an errno, a D-Bus error, a firmware file', () => {
    expect(errnoIn('Reading Intel version command failed (-110)')?.code).toBe('ETIMEDOUT');
    expect(errnoIn('Cannot Initialize Firmware. Error: -2')?.code).toBe('ENOENT');
    expect(errnoIn('connect to 84:76:37:ED:D8:29: Connection refused (111)')?.code).toBe('ECONNREFUSED');
    expect(errnoIn('xhci_hcd 0000:00:14.0: ERROR: unexpected command completion code 0x13.')).toBeNull();
    expect(errnoIn('ERROR: ETIMEDOUT waiting')?.code).toBe('ETIMEDOUT');
    expect(dbusErrorIn('GetManagedObjects() failed: org.freedesktop.DBus.Error.TimedOut')).toBe(
      'org.freedesktop.DBus.Error.TimedOut',
    );
    expect(firmwareFileIn('Direct firmware load for intel/ibt-17-16-1.sfi failed')).toBe('intel/ibt-17-16-1.sfi');
    expect(firmwareFileIn('error: request firmware intel/sof/sof-cfl.ri failed err: -2')).toBe('intel/sof/sof-cfl.ri');
  });

  it('at err, is raised where it names a cause that says the part failed, else claimed and quiet', () => {
    const writers = desktopWriters();
    const failure = (area: Parameters<typeof componentFailure>[0], event: WatchEvent) =>
      event.type === 'journal' ? componentFailure(area, event.entry, writers) : null;
    const bluetoothd = (message: string) => system('/usr/libexec/bluetooth/bluetoothd', 'bluetooth.service', message);
    expect(failure('bluetooth', bluetoothd('a2dp-sink profile connect failed for X: Device or resource busy'))).toEqual(
      jasmine.objectContaining({ raise: true, title: 'BlueZ reported an error: Device or resource busy (EBUSY)' }),
    );
    // A plugin the configuration does not allow, and a switch the person turned: refusals, not failures.
    expect(failure('bluetooth', bluetoothd('sap-server: Operation not permitted (1)'))?.raise).toBeFalse();
    expect(failure('bluetooth', bluetoothd('Failed to set mode: Blocked through rfkill (0x12)'))?.raise).toBeFalse();
    // A paired device switched off or out of reach: the adapter paged it and nothing answered.
    expect(
      failure('bluetooth', bluetoothd('profiles/audio/avdtp.c:avdtp_connect_cb() connect to X: Host is down (112)'))
        ?.raise,
    ).toBeFalse();
    expect(
      failure(
        'bluetooth',
        bluetoothd('profiles/audio/avdtp.c:avdtp_connect_cb() connect to X: Connection refused (111)'),
      )?.raise,
    ).toBeTrue();
    // Below err: not the component's error at all.
    expect(
      failure(
        'bluetooth',
        system('/usr/libexec/bluetooth/bluetoothd', 'bluetooth.service', 'x: Connection refused (111)', {
          PRIORITY: '4',
        }),
      ),
    ).toBeNull();
    // A kernel sound driver's error that says an operation failed; its firmware loader's try alone is no failure.
    expect(
      failure('sound', kernel('HDMI HDA Codec: probe of ehdaudio0D2 failed with error -22', '6'))?.raise,
    ).toBeTrue();
    expect(failure('sound', kernel('usb 1-2.4: 1:1: cannot set freq 48000 to ep 0x1'))?.raise).toBeTrue();
    // A USB audio device refusing the rate or the interface setting asked of it, at whatever level a copy kept; not
    // the same call on a device unplugged, nor a read of its rate that it does not answer (a warning, and it plays).
    for (const refused of [
      'usb 1-1: 1:1: cannot set freq 48000 to ep 0x3',
      'usb 3-2: 2:1: cannot set freq 44100 (v2/v3): err -32',
      'usb 3-9: 1:1: usb_set_interface failed (-71)',
    ])
      expect(failure('sound', kernel(refused, '6'))?.raise)
        .withContext(refused)
        .toBeTrue();
    for (const quiet of [
      'usb 3-9: 1:1: usb_set_interface failed (-19)',
      'usb 3-9: 1:1: usb_set_interface failed (-108)',
      'usb 3-2: 2:1: cannot set freq 44100 (v2/v3): err -19',
      'usb 1-1: 2:1: cannot get freq at ep 0x82',
    ])
      expect(failure('sound', kernel(quiet, '6'))?.raise ?? false)
        .withContext(quiet)
        .toBeFalse();
    // A USB device's errno is the USB core's, whose name says something else (-28: no bandwidth, not no space): its
    // own words are the title.
    expect(failure('sound', kernel('usb 1-1.1: cannot submit urb 0, error -28: not enough bandwidth'))).toEqual(
      jasmine.objectContaining({
        raise: true,
        title: 'usb-audio reported a failure: cannot submit urb 0, error -28: not enough bandwidth',
      }),
    );
    expect(
      failure(
        'sound',
        kernel('snd_hda_intel 0000:00:1f.3: Direct firmware load for hda-jack-retask.fw failed with error -2'),
      )?.raise,
    ).toBeFalse();
    // A sound driver's error in any words is its device not working; a Bluetooth driver's is not, and the same
    // sound line below err, or a probe put off, is no failure.
    const hdmi = 'snd_hda_codec_hdmi hdaudioC0D2: HDMI: invalid ELD data byte 0';
    expect(failure('sound', kernel(hdmi))).toEqual(
      jasmine.objectContaining({
        raise: true,
        title: `snd_hda_codec_hdmi reported a failure: HDMI: invalid ELD data byte 0`,
      }),
    );
    expect(failure('sound', kernel(hdmi, '4'))).toBeNull();
    expect(failure('bluetooth', kernel('Bluetooth: hci0: unexpected event for opcode 0x2005'))?.raise).toBeFalse();
    expect(
      failure('sound', kernel('audioinjector-stereo soc:sound: ASoC: failed to init link AudioInjector audio: -517'))
        ?.raise,
    ).toBeFalse();
    // Any error of a time daemon is its one job not done: ntpd that may not set the clock.
    expect(failure('clock', system('/usr/sbin/ntpd', 'ntp.service', 'adj_systime: Operation not permitted'))).toEqual(
      jasmine.objectContaining({ raise: true, title: 'ntpd reported an error: Operation not permitted (EPERM)' }),
    );
    // Below err, a time daemon's own word that something failed, not at debug; not IPv6 switched off, nor
    // timesyncd's reaching its servers (dns-failure's and network-failure's).
    const chronyd = (priority: string, message: string) =>
      system('/usr/sbin/chronyd', 'chrony.service', message, { PRIORITY: priority });
    expect(failure('clock', chronyd('6', 'Could not step system clock'))?.raise).toBeTrue();
    expect(failure('clock', chronyd('7', 'Could not step system clock'))).toBeNull();
    expect(failure('clock', chronyd('6', 'Selected source 192.0.2.1'))).toBeNull();
    expect(
      failure('clock', chronyd('3', 'Could not open IPv6 NTP socket : Address family not supported by protocol'))
        ?.raise,
    ).toBeFalse();
    expect(
      failure('clock', chronyd('6', 'Could not open IPv6 NTP socket : Address family not supported by protocol')),
    ).toBeNull();
    const timesyncd = system(
      '/usr/lib/systemd/systemd-timesyncd',
      'systemd-timesyncd.service',
      'Failed to connect to /run/systemd/resolve/io.systemd.Resolve: No such file or directory',
      { PRIORITY: '6', _UID: '997' },
    );
    expect(failure('clock', timesyncd)).toBeNull();
    // A time daemon printing the resolver's own error: name resolution's problem, which dns-failure reads.
    expect(
      failure(
        'clock',
        system(
          '/usr/sbin/ntpd',
          'ntp.service',
          'error resolving pool 1.debian.pool.ntp.org: Temporary failure in name resolution (-3)',
        ),
      )?.raise,
    ).toBeFalse();
    // A PAM module's missing configuration at the display manager: sign-in's structures say nothing failed.
    const pamEnv = system(
      '/usr/libexec/gdm-session-worker',
      'gdm.service',
      'pam_env(gdm-password:setcred): Unable to open config file: /etc/security/pam_env.conf: No such file or directory',
    );
    expect(failure('sign-in', pamEnv)?.raise).toBeFalse();
    // A printer's IPP reason ending in "-error" is its state, at whatever level it was logged.
    const browsed = system('/usr/sbin/cups-browsed', 'cups-browsed.service', 'Printer Office: media-empty-error', {
      PRIORITY: '6',
    });
    expect(failure('printing', browsed)).toEqual(
      jasmine.objectContaining({ raise: true, title: 'cups-browsed reported an error: media-empty-error' }),
    );
    // A backend's, a filter's or cups-browsed's error is a job or queue not printing, cause named or not; colord's is
    // no printer's unless it names one.
    const printing = new Writers(SESSION_UID).assumeInstalled([
      '/usr/lib/cups/backend/usb',
      '/usr/sbin/cups-browsed',
      '/usr/libexec/colord',
    ]);
    const printingFailure = (event: WatchEvent) =>
      event.type === 'journal' ? componentFailure('printing', event.entry, printing) : null;
    const usb = (priority: string) =>
      system('/usr/lib/cups/backend/usb', 'cups.service', 'libusb_open() failed, printer not available', {
        _UID: '7',
        PRIORITY: priority,
      });
    expect(printingFailure(usb('3'))).toEqual(
      jasmine.objectContaining({
        raise: true,
        title: 'CUPS’s printer drivers reported an error: libusb_open() failed, printer not available',
      }),
    );
    // A backend's own word that it failed at any level but debug: its one job is the job.
    expect(printingFailure(usb('6'))?.raise).toBeTrue();
    expect(printingFailure(usb('7'))).toBeNull();
    // Or its errno that says the device failed, as HPLIP's backend words it.
    expect(
      printingFailure(
        system(
          '/usr/lib/cups/backend/usb',
          'cups.service',
          'io/hpmud/musb.c 2101: invalid usb_open: Permission denied',
          {
            _UID: '7',
            PRIORITY: '6',
          },
        ),
      )?.raise,
    ).toBeTrue();
    expect(
      printingFailure(
        system(
          '/usr/lib/cups/backend/usb',
          'cups.service',
          'PID 4785 (/usr/lib/cups/backend/usb) exited with no errors.',
          {
            _UID: '7',
            PRIORITY: '6',
          },
        ),
      ),
    ).toBeNull();
    expect(
      printingFailure(system('/usr/sbin/cups-browsed', 'cups-browsed.service', 'Unable to create a queue for Office'))
        ?.raise,
    ).toBeTrue();
    expect(
      printingFailure(system('/usr/libexec/colord', 'colord.service', 'failed to get session [pid 1234]'))?.raise,
    ).toBeFalse();
    // alsa-lib's own error reporter, in a program of the session: a report of the sound stack, vouching for nothing.
    const app = journalEvent({
      MESSAGE: 'ALSA lib pcm_dmix.c:1032:(snd_pcm_dmix_open) unable to open slave: Device or resource busy',
      _COMM: 'firefox',
      _EXE: '/usr/lib/firefox/firefox',
      _UID: String(SESSION_UID),
      _SYSTEMD_UNIT: `user@${SESSION_UID}.service`,
      _SYSTEMD_USER_UNIT: 'app-firefox-1234.scope',
    });
    expect(failure('sound', app)).toEqual(jasmine.objectContaining({ raise: true, component: 'ALSA (firefox)' }));
  });

  it('from a component GLib ended at a fatal message, at whatever level journald was given, is that component stopping', () => {
    const writers = desktopWriters();
    const wireplumber = (message: string, priority = '6') =>
      session('/usr/bin/wireplumber', 'wireplumber.service', message, { PRIORITY: priority });
    const failure = (event: WatchEvent) =>
      event.type === 'journal' ? componentFailure('sound', event.entry, writers) : null;
    const fatal: [string, string][] = [
      [
        'Bail out! GLib-GObject:ERROR:../glib/gobject/gsignal.c:4110:invalid_closure_notify: assertion failed: (handler != NULL)',
        'WirePlumber stopped itself at a fatal error in its code: assertion failed: (handler != NULL)',
      ],
      [
        'wireplumber:ERROR:../modules/module-si-audio-adapter.c:311:si_audio_adapter_enable_active: code should not be reached',
        'WirePlumber stopped itself at a fatal error in its code: code should not be reached',
      ],
      [
        '** (wireplumber:1812): ERROR **: 10:02:03.123: failed to connect to PipeWire',
        'WirePlumber stopped itself at a fatal error in its code: failed to connect to PipeWire',
      ],
    ];
    for (const [line, title] of fatal)
      expect(failure(wireplumber(line)))
        .withContext(line)
        .toEqual(jasmine.objectContaining({ raise: true, title }));
    // GLib's CRITICAL and WARNING, after which the program goes on; GLib's fatal words from a program of no component.
    expect(
      failure(wireplumber('GLib-GObject-CRITICAL **: g_object_unref: assertion failed', '4'))?.raise ?? false,
    ).toBeFalse();
    const other = session('/usr/bin/some-player', 'app-player.service', 'Bail out! player:ERROR:main.c:10:main: oops');
    expect(failure(other)).toBeNull();
  });

  it('from WirePlumber, whose errors its journal writer gives a warning’s priority, counts at warning where it names why its job failed', () => {
    const writers = desktopWriters();
    const wireplumber = (message: string, priority = '4') =>
      session('/usr/bin/wireplumber', 'wireplumber.service', message, { PRIORITY: priority });
    const failure = (event: WatchEvent) =>
      event.type === 'journal' ? componentFailure('sound', event.entry, writers) : null;
    expect(
      failure(wireplumber('failed to create directory /var/empty/.local/state/wireplumber: Operation not permitted')),
    ).toEqual(jasmine.objectContaining({ raise: true, severity: 'warning' }));
    expect(
      failure(wireplumber('spa.bluez5: Acquire /org/bluez/hci0/dev_X/fd365 returned error: org.bluez.Error.Failed'))
        ?.raise,
    ).toBeTrue();
    // A peer's error reply is the call failing, whatever words surround it (hifiberry/hifiberry-os#646).
    expect(
      failure(
        wireplumber('spa.bluez5: Acquire /org/bluez/hci0/dev_X/fd365 returned error: org.bluez.Error.NotAuthorized'),
      ),
    ).toEqual(jasmine.objectContaining({ raise: true, severity: 'warning' }));
    expect(failure(wireplumber('mod.rt: RTKit error: org.freedesktop.DBus.Error.NoReply'))).toBeNull();
    // Its word that something failed without a cause, as an err line needs one to be raised.
    expect(failure(wireplumber("s-monitors: Failed to create 'api.alsa.acp.device' device"))).toBeNull();
    // Not its job: a privilege the process lacks, a peer service that is not there, an object removed while it was
    // set up; nor a notice, nor another program's warning.
    expect(failure(wireplumber('Failed to set scheduler settings: Operation not permitted'))).toBeNull();
    expect(
      failure(wireplumber('default: Failed to get percentage from UPower: org.freedesktop.DBus.Error.NameHasNoOwner')),
    ).toBeNull();
    expect(
      failure(
        wireplumber('<WpSiAudioAdapter:0x5561> failed to activate item: Object activation aborted: proxy destroyed'),
      ),
    ).toBeNull();
    expect(failure(wireplumber('failed to create directory /x/wireplumber: Operation not permitted', '5'))).toBeNull();
    const pipewire = session('/usr/bin/pipewire', 'pipewire.service', 'mod.foo: failed to open /x: Permission denied', {
      PRIORITY: '4',
    });
    expect(failure(pipewire)).toBeNull();
    expect(
      titles(
        new SoundUnavailableDetector(writers),
        wireplumber('spa.bluez5: Acquire /org/bluez/hci0/dev_X/fd365 returned error: org.bluez.Error.Failed'),
      ),
    ).toEqual([[SOUND_UNAVAILABLE, 'wireplumber.service', 'WirePlumber reported an error: org.bluez.Error.Failed']]);
  });

  it('is never left to unrecognised-errors: each kind claims its components’ error lines, raised or not', () => {
    const noise = kernel('Bluetooth: hci0: unexpected event for opcode 0x2005');
    const detectors = [new UnrecognisedErrorsDetector({ burst: 2 })];
    const claimed = desktopDetectorsClaim(noise);
    expect(claimed).toBeTrue();
    // Five of them within minutes raised "Unrecognised errors from kernel" before.
    const outputs = [0, 1, 2, 3, 4].flatMap((i) =>
      detectors.flatMap((d) =>
        d.detect(kernel('Bluetooth: hci0: unexpected event for opcode 0x2005', '3', i), claimed),
      ),
    );
    expect(outputs).toEqual([]);
  });
});

function desktopDetectorsClaim(event: WatchEvent): boolean {
  const writers = desktopWriters();
  return [
    new SoundUnavailableDetector(writers),
    new PrinterProblemDetector(writers),
    new ClockDetector(writers),
    new SignInFailureDetector(writers),
    new ExtensionErrorDetector(writers),
    new BluetoothUnavailableDetector(writers),
  ].some((detector) => detector.claims?.(event) === true);
}

describe('a security module refusing a desktop component', () => {
  const apparmor = (profile: string, rest = 'operation="open" class="file" name="/dev/bus/usb/001/004"') =>
    `audit: type=1400 audit(1717171717.123:45): apparmor="DENIED" ${rest} profile="${profile}" pid=2345 comm="usb" requested_mask="wr" denied_mask="wr" fsuid=7 ouid=0`;
  const avc = (domain: string, permissive = 0) =>
    `audit: type=1400 audit(1717171717.123:46): avc:  denied  { read write } for  pid=2345 comm="usb" name="lp0" dev="devtmpfs" ino=1234 scontext=system_u:system_r:${domain}:s0-s0:c0.c1023 tcontext=system_u:object_r:printer_device_t:s0 tclass=chr_file permissive=${permissive}`;

  it('is the component’s by the program the kernel names: AppArmor’s profile, SELinux’s domain', () => {
    const of = (text: string) => {
      const denial = macDenialOf(text);
      return denial && [denial.area, denial.component, denial.by, denial.target];
    };
    expect(of(apparmor('/usr/lib/cups/backend/usb'))).toEqual([
      'printing',
      'CUPS’s printer drivers',
      'AppArmor',
      '/dev/bus/usb/001/004',
    ]);
    // A child profile ("hat") is its program's.
    expect(of(apparmor('/usr/sbin/cupsd//third_party'))?.[0]).toBe('printing');
    expect(of(apparmor('/usr/sbin/chronyd'))?.[0]).toBe('clock');
    expect(of(avc('cupsd_t'))).toEqual(['printing', 'cupsd_t', 'SELinux', 'lp0']);
    // Logged and allowed (permissive), a capability probed, another program's profile or domain: none.
    expect(of(avc('cupsd_t', 1))).toBeNull();
    expect(of(apparmor('/usr/sbin/cupsd', 'operation="capable" capability=12 capname="net_admin"'))).toBeNull();
    expect(of(apparmor('/usr/sbin/mysqld'))).toBeNull();
    expect(of(avc('httpd_t'))).toBeNull();
    expect(of('apparmor="ALLOWED" operation="open" profile="/usr/sbin/cupsd" name="/etc/cups/x"')).toBeNull();
  });

  it('raises a finding of the component’s kind from the kernel’s audit notice, whatever its level', () => {
    expect(
      titles(new PrinterProblemDetector(desktopWriters()), kernel(apparmor('/usr/lib/cups/backend/usb'), '5')),
    ).toEqual([[PRINTER_PROBLEM, '', 'AppArmor kept CUPS’s printer drivers from /dev/bus/usb/001/004']]);
    expect(titles(new PrinterProblemDetector(desktopWriters()), kernel(avc('cupsd_t'), '5')).length).toBe(1);
    expect(
      titles(
        new ClockDetector(desktopWriters()),
        kernel(apparmor('/usr/sbin/chronyd', 'operation="open" name="/dev/rtc0"'), '5'),
      ),
    ).toEqual([[CLOCK_UNSYNCHRONISED, 'clock', 'AppArmor kept chrony from /dev/rtc0']]);
    expect(
      titles(
        new BluetoothUnavailableDetector(desktopWriters()),
        kernel(
          apparmor('/usr/libexec/bluetooth/bluetoothd', 'operation="connect" name="/run/dbus/system_bus_socket"'),
          '5',
        ),
      ).map(([kind]) => kind),
    ).toEqual([BLUETOOTH_UNAVAILABLE]);
    // Another kind's component: the printing kind leaves it alone; the same words from a program are no audit record.
    expect(titles(new PrinterProblemDetector(desktopWriters()), kernel(apparmor('/usr/sbin/chronyd'), '5'))).toEqual(
      [],
    );
    expect(
      titles(
        new PrinterProblemDetector(desktopWriters()),
        system('/usr/sbin/cups-browsed', 'cups-browsed.service', apparmor('/usr/lib/cups/backend/usb'), {
          PRIORITY: '6',
        }),
      ),
    ).toEqual([]);
  });
});

describe('a process the kernel stopped at a fault in a desktop component’s code', () => {
  const segfault = (comm: string, object: string) =>
    `${comm}[1813]: segfault at 7f63c5637128 ip 00007f63c7fc7c79 sp 00007ffec1913440 error 4 in ${object}[7f63c7fbd000+2c000]`;

  it('is the component’s by the file the kernel names, a library of its project or one of its programs', () => {
    const of = (text: string) => {
      const faulted = faultedComponentOf(text);
      return faulted && [faulted.area, faulted.component, faulted.comm, faulted.object];
    };
    // sound-024's WirePlumber, in PipeWire's protocol module.
    expect(of(segfault('wireplumber', 'libpipewire-module-protocol-native.so'))).toEqual([
      'sound',
      'PipeWire',
      'wireplumber',
      'libpipewire-module-protocol-native.so',
    ]);
    // A browser in PulseAudio's client library, printing-w8-08's hpcups in HPLIP's plug-in.
    expect(of(segfault('firefox', 'libpulse.so.0.24.2'))?.slice(0, 2)).toEqual(['sound', 'PulseAudio']);
    expect(of(segfault('hpcups', 'libImageProcessor-x86_64.so'))?.slice(0, 2)).toEqual(['printing', 'HPLIP']);
    // A program's own code, as the writers table names its file; traps.c's form and 6.13's offset too.
    expect(of(segfault('bluetoothd', 'bluetoothd'))?.slice(0, 2)).toEqual(['bluetooth', 'BlueZ']);
    expect(
      of(
        'traps: cupsd[911] general protection fault ip:7f0c2a1b3c4d sp:7ffd1e2f3a40 error:0 in libcups.so.2[1b3c4d,7f0c2a000000+9b000]',
      )?.slice(0, 2),
    ).toEqual(['printing', 'CUPS']);
    // The shell's crashes are the extensions kind's; a toolkit's, a C library's and a shell's are nobody's component.
    expect(of(segfault('gnome-shell', 'libmutter-14.so.0.0.0'))).toBeNull();
    expect(of(segfault('gnome-shell', 'gnome-shell'))).toBeNull();
    expect(of(segfault('nemo', 'libgtk-3.so.0.2200.8'))).toBeNull();
    expect(of(segfault('pipewire', 'libc.so.6'))).toBeNull();
    expect(of(segfault('fake-hwclock', 'bash'))).toBeNull();
    // A line that names no file.
    expect(of('systemd[1]: segfault at f6f686ab ip 00007fc4e9a79361 sp 00007ffef196eb30 error 4')).toBeNull();
  });

  it('raises a finding of the component’s kind, beside the crash kind’s, whoever the process said it was', () => {
    expect(
      titles(
        new SoundUnavailableDetector(desktopWriters()),
        kernel(`[ 1164.676121] ${segfault('wireplumber', 'libpipewire-module-protocol-native.so')}`, '6'),
      ),
    ).toEqual([
      [
        SOUND_UNAVAILABLE,
        'PipeWire',
        'PipeWire crashed: the kernel stopped wireplumber at a fault in libpipewire-module-protocol-native.so',
      ],
    ]);
    expect(
      titles(new PrinterProblemDetector(desktopWriters()), kernel(segfault('hpcups', 'libImageProcessor-x86_64.so'))),
    ).toEqual([
      [PRINTER_PROBLEM, '', 'HPLIP crashed: the kernel stopped hpcups at a fault in libImageProcessor-x86_64.so'],
    ]);
    // Another kind's component: left to it.
    expect(
      titles(new PrinterProblemDetector(desktopWriters()), kernel(segfault('wireplumber', 'libspa-alsa.so'))),
    ).toEqual([]);
    // The kernel's words written by a person's program: journald's transport says who wrote them.
    expect(
      titles(
        new SoundUnavailableDetector(desktopWriters()),
        session('/usr/bin/python3', 'app-gnome-python3-4242.scope', segfault('wireplumber', 'libspa-alsa.so'), {
          PRIORITY: '3',
        }),
      ),
    ).toEqual([]);
  });
});

describe('a desktop component’s own unit failing', () => {
  it('is its kind’s finding, not unit-failed’s nor crash-loop’s: one failure, one finding', () => {
    expect(areaOfUnit('systemd-timesyncd.service')).toBe('clock');
    expect(areaOfUnit('chrony-wait.service')).toBe('clock');
    expect(areaOfUnit('cups.service')).toBe('printing');
    // CUPS's socket and path units start the scheduler on demand: their failing is printing's.
    expect(areaOfUnit('cups.socket')).toBe('printing');
    // CUPS before 2.3 named its units after itself, as Arch Linux installed them until 2021.
    expect(areaOfUnit('org.cups.cupsd.service')).toBe('printing');
    expect(areaOfUnit('org.cups.cupsd.socket')).toBe('printing');
    // udev's units that set up a USB printer plugged in (system-config-printer's, HPLIP's).
    expect(areaOfUnit('configure-printer@usb-001-004.service')).toBe('printing');
    expect(areaOfUnit('hplip-printer@003:002.service')).toBe('printing');
    expect(areaOfUnit('bluetooth.service')).toBe('bluetooth');
    expect(areaOfUnit('gdm.service')).toBe('sign-in');
    expect(areaOfUnit('pipewire.service')).toBe('sound');
    expect(areaOfUnit('dbus.service')).toBeUndefined();
    expect(areaOfUnit('nginx.service')).toBeUndefined();
    const events = [
      pid1('systemd-timesyncd.service: Main process exited, code=exited, status=238/STATE_DIRECTORY'),
      pid1("systemd-timesyncd.service: Failed with result 'exit-code'."),
      pid1('systemd-timesyncd.service: Start request repeated too quickly.'),
    ];
    expect(titles(new ClockDetector(desktopWriters()), ...events)).toEqual([
      [CLOCK_UNSYNCHRONISED, 'systemd-timesyncd.service', 'systemd-timesyncd.service failed (exit code 238)'],
    ]);
    expect(titles(new UnitFailedDetector(), ...events)).toEqual([]);
    expect(titles(new CrashLoopDetector(), ...events)).toEqual([]);
    expect(
      titles(new PrinterProblemDetector(desktopWriters()), pid1("cups.service: Failed with result 'exit-code'.")),
    ).toEqual([[PRINTER_PROBLEM, 'cups.service', 'cups.service failed (exit code)']]);
  });

  it('is told from systemd’s word that the unit’s main process failed, where a report left out the result line', () => {
    const printing = () => new PrinterProblemDetector(desktopWriters());
    // OpenMandriva's bug 1253: cupsd refusing its own configuration, the result line not quoted.
    expect(
      titles(printing(), pid1('cups.service: main process exited, code=exited, status=1/FAILURE', { PRIORITY: '5' })),
    ).toEqual([[PRINTER_PROBLEM, 'cups.service', 'cups.service failed (exit code 1)']]);
    expect(
      titles(printing(), pid1('cups.service: Main process exited, code=dumped, status=6/ABRT', { PRIORITY: '4' })),
    ).toEqual([[PRINTER_PROBLEM, 'cups.service', 'cups.service failed (killed by SIGABRT)']]);
    expect(
      titles(
        new BluetoothUnavailableDetector(desktopWriters()),
        pid1('bluetooth.service: Main process exited, code=killed, status=9/KILL', { PRIORITY: '4' }),
      ),
    ).toEqual([[BLUETOOTH_UNAVAILABLE, 'bluetooth.service', 'bluetooth.service failed (killed by SIGKILL)']]);
    // With the result line that follows: one failure, one finding.
    expect(
      titles(
        printing(),
        pid1('cups.service: Main process exited, code=exited, status=1/FAILURE', { PRIORITY: '5' }),
        pid1("cups.service: Failed with result 'exit-code'.", { PRIORITY: '4' }),
        pid1('Failed to start CUPS Scheduler.', { PRIORITY: '3', UNIT: 'cups.service' }),
      ),
    ).toEqual([[PRINTER_PROBLEM, 'cups.service', 'cups.service failed (exit code 1)']]);
  });

  it('is not a main process that ended cleanly: status 0, systemd’s own SIGTERM, an exit logged at debug', () => {
    const printing = () => new PrinterProblemDetector(desktopWriters());
    expect(
      titles(printing(), pid1('cups.service: Main process exited, code=exited, status=0/SUCCESS', { PRIORITY: '5' })),
    ).toEqual([]);
    expect(
      titles(printing(), pid1('cups.service: Main process exited, code=killed, status=15/TERM', { PRIORITY: '5' })),
    ).toEqual([]);
    expect(
      titles(printing(), pid1('cups.service: Main process exited, code=killed, status=1', { PRIORITY: '5' })),
    ).toEqual([]);
    // An exit status the unit's SuccessExitStatus= lists: systemd logs it at debug.
    expect(
      titles(printing(), pid1('cups.service: Main process exited, code=exited, status=1/FAILURE', { PRIORITY: '7' })),
    ).toEqual([]);
    // Another program's claim of it is no manager's word.
    expect(
      titles(
        printing(),
        journalEvent({
          MESSAGE: 'cups.service: Main process exited, code=exited, status=1/FAILURE',
          _PID: '4242',
          _UID: '1000',
          _COMM: 'bash',
          _EXE: '/usr/bin/bash',
          PRIORITY: '5',
        }),
      ),
    ).toEqual([]);
  });
});

describe('the writers table’s new components', () => {
  it('takes a CUPS backend for CUPS’s, run as lp in cupsd’s unit, from the folder the package installed', () => {
    const writers = new Writers(SESSION_UID).assumeInstalled([
      '/usr/lib/cups/backend/usb',
      '/usr/lib/cups/filter/rastertopdf',
    ]);
    const backend = (fields: Record<string, string>) =>
      writers.provenWriter(
        journalEntry({
          MESSAGE: 'x',
          _EXE: '/usr/lib/cups/backend/usb',
          _UID: '7',
          _SYSTEMD_UNIT: 'cups.service',
          ...fields,
        }),
      )?.name ?? null;
    expect(backend({})).toBe('cups-programs');
    expect(backend({ _SYSTEMD_UNIT: 'org.cups.cupsd.service' })).toBe('cups-programs');
    expect(backend({ _SYSTEMD_UNIT: 'session-2.scope', _UID: '1000' })).toBeNull();
    expect(backend({ _EXE: '/usr/lib/cups/backend-evil/usb' })).toBeNull();
  });

  it('takes ntpdate from any system unit root runs it in, never from a user’s', () => {
    const writers = new Writers(SESSION_UID).assumeInstalled(['/usr/sbin/ntpdate']);
    const ntpdate = (fields: Record<string, string>) =>
      writers.provenWriter(journalEntry({ MESSAGE: 'x', _EXE: '/usr/sbin/ntpdate', _UID: '0', ...fields }))?.name ??
      null;
    expect(ntpdate({ _SYSTEMD_UNIT: 'NetworkManager-dispatcher.service' })).toBe('ntpdate');
    expect(ntpdate({ _SYSTEMD_UNIT: 'user@1000.service', _SYSTEMD_USER_UNIT: 'app.slice' })).toBeNull();
    expect(ntpdate({ _SYSTEMD_UNIT: 'ntpdate.service', _UID: '1000' })).toBeNull();
  });

  it('takes hwclock from any system unit root runs it in, and its own word that it failed as the clock’s', () => {
    const writers = new Writers(SESSION_UID).assumeInstalled(['/usr/sbin/hwclock']);
    const hwclock = (message: string, fields: Record<string, string> = {}) =>
      journalEvent({
        MESSAGE: message,
        _EXE: '/usr/sbin/hwclock',
        _COMM: 'hwclock',
        _UID: '0',
        _PID: '410',
        _SYSTEMD_UNIT: 'hwclock.service',
        PRIORITY: '6',
        __REALTIME_TIMESTAMP: at(0),
        ...fields,
      });
    const clock = (event: WatchEvent) => titles(new ClockDetector(writers), event);
    expect(clock(hwclock('Cannot access the Hardware Clock via any known method.'))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'hwclock.service',
        'hwclock reported an error: Cannot access the Hardware Clock via any known method.',
      ],
    ]);
    expect(clock(hwclock('Cannot access the Hardware Clock via any known method.', { PRIORITY: '7' }))).toEqual([]);
    expect(
      clock(hwclock('Cannot access the Hardware Clock via any known method.', { _UID: String(SESSION_UID) })),
    ).toEqual([]);
  });

  it('knows Ubuntu’s gdm session worker and homed’s worker', () => {
    const paths = DESKTOP_WRITERS.flatMap((writer) => writer.programs);
    expect(paths).toContain('/usr/lib/gdm3/gdm-session-worker');
    expect(paths).toContain('/usr/lib/systemd/systemd-homework');
  });
});

describe('the states people meet', () => {
  it('raises a muted or silent default output only while a program plays into it, and resolves it when heard', () => {
    const detector = new SoundStateDetector();
    const headset = {
      id: 41,
      name: 'alsa_output.usb-headset',
      description: 'USB Headset',
      mediaClass: 'Audio/Sink',
      virtual: false,
    };
    const speaker = { ...headset, id: 40, name: 'alsa_output.pci-speaker', description: 'Speakers', mute: false };
    // The headset muted or not, at `volume`, with `playing` sent into it; the speaker the default, silent unless
    // `speakerMuted`, with Music playing into it where `music`.
    const state = (
      mute: boolean,
      volume: number,
      playing: string[],
      music = false,
      speakerMuted = false,
    ): WatchEvent => ({
      type: 'desktop',
      at: new Date(0),
      desktop: {
        kind: 'sound',
        sound: {
          sinks: [
            { ...speaker, mute: speakerMuted, volume: 1 },
            { ...headset, mute, volume },
          ],
          sources: [],
          recording: [],
          playingInto: [
            ...(music ? [{ sink: speaker.name, programs: ['Music'] }] : []),
            ...(playing.length > 0 ? [{ sink: headset.name, programs: playing }] : []),
          ],
          recordingFrom: [],
          managed: true,
          managerGone: false,
          defaultSink: speaker.name,
          configuredSink: speaker.name,
        },
      },
    });
    const muted = (outputs: ReturnType<SoundStateDetector['detect']>) =>
      outputs.flatMap((o) => ('report' in o && o.report.kind === SOUND_MUTED ? [o.report.title] : []));
    expect(muted(detector.detect(state(true, 1, [])))).toEqual([]);
    expect(muted(detector.detect(state(true, 1, ['Firefox'])))).toEqual([
      'The sound output USB Headset is muted while Firefox plays',
    ]);
    expect(muted(detector.detect(state(false, 0, ['Firefox'])))).toEqual([
      'The sound output USB Headset is at volume 0 while Firefox plays',
    ]);
    const heard = detector.detect(state(false, 0.4, ['Firefox']));
    expect(muted(heard)).toEqual([]);
    expect(resolutionsOf(heard)).toContain({ kind: SOUND_MUTED, subject: headset.name, at: new Date(0) });
    // The output a program plays into, not the default: a muted default nothing plays into is nobody's silence, and
    // a muted headset Firefox was sent to is, though it is not the default.
    expect(muted(detector.detect(state(false, 1, ['Firefox'], false, true)))).toEqual([]);
    expect(muted(detector.detect(state(true, 1, ['Firefox'], true, false)))).toEqual([
      'The sound output USB Headset is muted while Firefox plays',
    ]);
    expect(muted(detector.detect(state(true, 1, ['Firefox'], true, true)))).toEqual([
      'The sound output Speakers is muted while Music plays',
      'The sound output USB Headset is muted while Firefox plays',
    ]);
    const movedAway = detector.detect(state(true, 1, [], true, true));
    expect(muted(movedAway)).toEqual(['The sound output Speakers is muted while Music plays']);
    expect(resolutionsOf(movedAway)).toContain({ kind: SOUND_MUTED, subject: headset.name, at: new Date(0) });
  });

  it('raises WirePlumber gone once it was there (no sound), not while it starts, and resolves it when devices are back', async () => {
    const detector = new SoundStateDetector();
    const speaker = {
      id: 40,
      name: 'alsa_output.pci-speaker',
      description: 'Speakers',
      mediaClass: 'Audio/Sink',
      virtual: false,
    };
    const state = (managed: boolean, gone = false): WatchEvent => ({
      type: 'desktop',
      at: new Date(0),
      desktop: {
        kind: 'sound',
        sound: {
          sinks: managed ? [speaker] : [],
          sources: [],
          recording: [],
          playingInto: [],
          recordingFrom: [],
          managed,
          managerGone: gone,
          ...(managed ? { defaultSink: speaker.name } : {}),
        },
      },
    });
    // PipeWire up before WirePlumber at sign-in: nothing yet.
    expect(reportsOf(detector.detect(state(false)))).toEqual([]);
    expect(reportsOf(detector.detect(state(true)))).toEqual([]);
    const [gone] = reportsOf(detector.detect(state(false, true)));
    expect(gone).toEqual(
      jasmine.objectContaining({
        kind: SOUND_UNAVAILABLE,
        subject: NO_OUTPUT,
        title: 'No sound: WirePlumber, which gives PipeWire its sound devices, is not running',
      }),
    );
    expect(gone!.evidence.map((evidence) => evidence.text)).toEqual([NO_SESSION_MANAGER]);
    // Where WirePlumber is no unit of the person's manager, the devices shown and how it starts again said.
    const noUnit = { preview: async () => null } as unknown as PlaybookTools;
    const draft = await soundUnavailable(
      findingWithEvidence(SOUND_UNAVAILABLE, NO_OUTPUT, { title: gone!.title, evidence: gone!.evidence }),
      noUnit,
    );
    expect(draft?.actions).toEqual([{ name: 'info.sound', params: {} }]);
    expect(draft?.explanation).toContain('signing out and in again starts it');
    expect(resolutionsOf(detector.detect(state(true)))).toContain({
      kind: SOUND_UNAVAILABLE,
      subject: NO_OUTPUT,
      at: new Date(0),
    });
  });

  it('raises a muted or silent input only while a program records from it, as information', async () => {
    const detector = new SoundStateDetector();
    const microphone = {
      id: 42,
      name: 'alsa_input.usb-headset',
      description: 'USB Headset Microphone',
      mediaClass: 'Audio/Source',
      virtual: false,
    };
    const state = (mute: boolean, volume: number, programs: string[]): WatchEvent => ({
      type: 'desktop',
      at: new Date(0),
      desktop: {
        kind: 'sound',
        sound: {
          sinks: [],
          sources: [{ ...microphone, mute, volume }],
          recording: programs,
          playingInto: [],
          recordingFrom: programs.length > 0 ? [{ source: microphone.name, programs }] : [],
          managed: true,
          managerGone: false,
        },
      },
    });
    const muted = (outputs: ReturnType<SoundStateDetector['detect']>) =>
      outputs.flatMap((o) =>
        'report' in o && o.report.kind === SOUND_MUTED ? [[o.report.title, o.report.severity]] : [],
      );
    expect(muted(detector.detect(state(true, 1, [])))).toEqual([]);
    const [report] = reportsOf(detector.detect(state(true, 1, ['Zoom']))).filter((r) => r.kind === SOUND_MUTED);
    expect([report?.title, report?.severity]).toEqual([
      'The sound input USB Headset Microphone is muted while Zoom records from it',
      'info',
    ]);
    expect(muted(detector.detect(state(false, 0, ['Zoom'])))).toEqual([
      ['The sound input USB Headset Microphone is at volume 0 while Zoom records from it', 'info'],
    ]);
    const heard = detector.detect(state(false, 0.4, ['Zoom']));
    expect(muted(heard)).toEqual([]);
    expect(resolutionsOf(heard)).toContain({ kind: SOUND_MUTED, subject: microphone.name, at: new Date(0) });
    // Its proposal says why in a call's words, with the same step as an output's.
    const draft = await soundMuted(
      findingWithEvidence(SOUND_MUTED, microphone.name, { title: report!.title, evidence: report!.evidence }),
      {
        preview: async () => ({ summary: 'Unmute USB Headset Microphone', details: [], changesNothing: false }),
      } as unknown as PlaybookTools,
    );
    expect(draft?.actions).toEqual([{ name: 'sound.unmute', params: { name: microphone.name } }]);
    expect(draft?.explanation).toContain('nobody hears you');
  });

  it('raises a held job, shows the queue first and releases it second; a stop with a reason shows the reason first', async () => {
    const printer = { name: 'Office', state: 3, stateMessage: '', reasons: [], acceptingJobs: true, heldJobs: [17] };
    const event = (changes: object): WatchEvent => ({
      type: 'desktop',
      at: new Date(0),
      desktop: { kind: 'printer', printer: { ...printer, ...changes } },
    });
    const detector = new PrinterStoppedDetector();
    const [held] = reportsOf(detector.detect(event({})));
    expect(held?.title).toBe('Printer Office holds job 17: it waits until it is released');
    const draft = await printerProblemPlaybook(
      findingWithEvidence(PRINTER_PROBLEM, 'Office', { title: held!.title, evidence: held!.evidence }),
      {} as PlaybookTools,
    );
    expect(draft?.actions).toEqual([
      { name: 'info.printer', params: { printer: 'Office' } },
      { name: 'printing.release_job', params: { printer: 'Office', job: 17 } },
    ]);
    expect(held!.evidence[0]!.text).toBe(`${HELD_EVIDENCE}: 17`);
    const [stopped] = reportsOf(detector.detect(event({ state: 5, stateMessage: 'Back at noon', heldJobs: [] })));
    expect(stopped?.title).toBe('Printer Office is stopped: Back at noon');
    const resume = await printerProblemPlaybook(
      findingWithEvidence(PRINTER_PROBLEM, 'Office', { title: stopped!.title, evidence: stopped!.evidence }),
      {} as PlaybookTools,
    );
    expect(resume?.actions.map((action) => action.name)).toEqual(['info.printer', 'printing.resume_printer']);
    expect(resolutionsOf(detector.detect(event({ heldJobs: [] })))).toEqual([
      { kind: PRINTER_PROBLEM, subject: 'Office', at: new Date(0) },
    ]);
  });

  it('raises a queue that refuses new jobs, with its reason, shows it first and lets it accept jobs second', async () => {
    const printer = { name: 'Office', state: 3, stateMessage: '', reasons: [], acceptingJobs: true, heldJobs: [] };
    const event = (changes: object): WatchEvent => ({
      type: 'desktop',
      at: new Date(0),
      desktop: { kind: 'printer', printer: { ...printer, ...changes } },
    });
    const detector = new PrinterStoppedDetector();
    const [withReason] = reportsOf(detector.detect(event({ acceptingJobs: false, stateMessage: 'Moved to room 4' })));
    expect(withReason?.title).toBe('Printer Office does not accept jobs: Moved to room 4');
    expect(withReason?.evidence.map((evidence) => evidence.text)).toEqual([REJECTING_EVIDENCE]);
    // cupsreject without -r: cupsd's own words are no reason.
    const [bare] = reportsOf(detector.detect(event({ acceptingJobs: false, stateMessage: 'Rejecting Jobs' })));
    expect(bare?.title).toBe('Printer Office does not accept jobs');
    const draft = await printerProblemPlaybook(
      findingWithEvidence(PRINTER_PROBLEM, 'Office', { title: withReason!.title, evidence: withReason!.evidence }),
      {} as PlaybookTools,
    );
    expect(draft?.title).toBe('Let printer Office accept jobs again');
    expect(draft?.actions).toEqual([
      { name: 'info.printer', params: { printer: 'Office' } },
      { name: 'printing.accept_jobs', params: { printer: 'Office' } },
    ]);
    // Stopped and refusing: the stop is what to show and undo first.
    const [both] = reportsOf(detector.detect(event({ state: 5, acceptingJobs: false, stateMessage: 'Jammed' })));
    expect(both?.title).toBe('Printer Office is stopped: Jammed');
    expect(resolutionsOf(detector.detect(event({})))).toEqual([
      { kind: PRINTER_PROBLEM, subject: 'Office', at: new Date(0) },
    ]);
  });

  it('raises a printer that says it cannot print (a reason with the error suffix), shows it and changes nothing', async () => {
    const printer = { name: 'Office', state: 4, stateMessage: '', reasons: [], acceptingJobs: true, heldJobs: [] };
    const event = (changes: object): WatchEvent => ({
      type: 'desktop',
      at: new Date(0),
      desktop: { kind: 'printer', printer: { ...printer, ...changes } },
    });
    const detector = new PrinterStoppedDetector();
    // A reason without a suffix (every print's moment of connecting), a warning and a report: it prints.
    for (const reasons of [['connecting-to-device'], ['marker-supply-low-warning'], ['offline-report']])
      expect(reportsOf(detector.detect(event({ reasons })))).toEqual([]);
    const [paper] = reportsOf(detector.detect(event({ reasons: ['media-empty-error', 'marker-supply-low-warning'] })));
    expect(paper?.title).toBe('Printer Office cannot print: it is out of paper');
    expect(paper?.evidence.map((evidence) => evidence.text)).toEqual([`${DEVICE_EVIDENCE} media-empty-error`]);
    // One the words do not know is shown as the printer said it; a held job waits behind it.
    const [other] = reportsOf(
      detector.detect(event({ reasons: ['media-jam-error', 'spool-area-full-error'], heldJobs: [3] })),
    );
    expect(other?.title).toBe('Printer Office cannot print: paper is jammed; spool-area-full-error');
    const draft = await printerProblemPlaybook(
      findingWithEvidence(PRINTER_PROBLEM, 'Office', { title: paper!.title, evidence: paper!.evidence }),
      {} as PlaybookTools,
    );
    expect(draft?.title).toBe('See to printer Office');
    expect(draft?.actions).toEqual([{ name: 'info.printer', params: { printer: 'Office' } }]);
    expect(draft?.explanation).toContain('load paper');
    expect(resolutionsOf(detector.detect(event({})))).toEqual([
      { kind: PRINTER_PROBLEM, subject: 'Office', at: new Date(0) },
    ]);
  });

  it('raises a clock never synchronised for a quarter of an hour with automatic time on, and one minutes off', () => {
    const detector = new ClockStateDetector();
    const clock = (ntp: boolean, synchronized: boolean, uptimeSeconds: number): WatchEvent => ({
      type: 'desktop',
      at: new Date(0),
      desktop: { kind: 'clock', clock: { ntp, canNtp: true, synchronized, uptimeSeconds } },
    });
    expect(reportsOf(detector.detect(clock(true, false, 300)))).toEqual([]);
    expect(reportsOf(detector.detect(clock(false, false, 3600)))).toEqual([]);
    expect(titles(detector, clock(true, false, 3600))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        UNSYNCHRONISED,
        'The clock has not been synchronised since the computer started 60 minutes ago, though automatic time is on',
      ],
    ]);
    // Switched on at 50 minutes: counted from then.
    const switchedOn = (uptimeSeconds: number): WatchEvent => ({
      type: 'desktop',
      at: new Date(0),
      desktop: {
        kind: 'clock',
        clock: { ntp: true, canNtp: true, synchronized: false, uptimeSeconds, ntpOnSinceSeconds: 3000 },
      },
    });
    expect(reportsOf(detector.detect(switchedOn(3600)))).toEqual([]);
    expect(titles(detector, switchedOn(3000 + 20 * 60))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        UNSYNCHRONISED,
        'The clock has not been synchronised in the 20 minutes since automatic time was turned on',
      ],
    ]);
    const timesync = (offsetSeconds: number): WatchEvent => ({
      type: 'desktop',
      at: new Date(0),
      desktop: { kind: 'timesync', timesync: { offsetSeconds, server: 'time.example.org' } },
    });
    expect(titles(detector, timesync(300))).toEqual([
      [CLOCK_UNSYNCHRONISED, OFFSET, 'The clock is 5 minutes behind (time.example.org)'],
    ]);
    expect(titles(detector, timesync(-120))).toEqual([
      [CLOCK_UNSYNCHRONISED, OFFSET, 'The clock is 2 minutes ahead (time.example.org)'],
    ]);
    expect(resolutionsOf(detector.detect(timesync(0.02)))).toEqual([
      { kind: CLOCK_UNSYNCHRONISED, subject: OFFSET, at: new Date(0) },
    ]);
  });

  it('reads the real-time clock’s word on a time it cannot vouch for, PID 1’s on a clock before its build, and programs finding a date in the future', () => {
    const detector = new ClockDetector(desktopWriters());
    expect(titles(detector, kernel('rtc rtc0: Power loss detected, invalid time', '6'))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'clock',
        'The hardware clock rtc0 does not keep the time: Power loss detected, invalid time',
      ],
    ]);
    expect(
      titles(
        detector,
        kernel('rtc-pm8xxx 200f000.spmi:rtc@6000: setting system clock to 1970-02-03T05:35:54 UTC (2871354)', '6'),
      ),
    ).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'clock',
        'The hardware clock 200f000.spmi:rtc@6000 set the time to the year 1970: its battery may be flat',
      ],
    ]);
    expect(
      titles(detector, kernel('rtc_cmos 00:02: setting system clock to 2024-05-01T08:00:00 UTC (1714550400)', '6')),
    ).toEqual([]);
    // Other clocks' words for a time they cannot vouch for, and the RTC class's own failing to read one, whatever
    // driver the clock has.
    const invalid: [string, string][] = [
      ['rtc-hym8563 1-0051: no valid clock/calendar values available', '1-0051'],
      ['rtc-isl1208 0-006f: rtc power failure detected, please set clock.', '0-006f'],
      ['rtc-pcf2127-i2c 1-0051: oscillator stop detected, date/time is not reliable', '1-0051'],
    ];
    for (const [line, clock] of invalid)
      expect(titles(detector, kernel(line, '6')).map(([, , title]) => title?.split(':')[0]))
        .withContext(line)
        .toEqual([`The hardware clock ${clock} does not keep the time`]);
    // The RTC class finding a clock it could not read, at whatever level a copy kept (a dev_err).
    const unread: [string, string][] = [
      ['acpi-tad ACPI000E:00: hctosys: unable to read the hardware clock', 'ACPI000E:00'],
      ['rtc-efi rtc-efi.0: hctosys: unable to read the hardware clock', 'rtc-efi.0'],
    ];
    for (const [line, clock] of unread)
      expect(titles(detector, kernel(line, '6')))
        .withContext(line)
        .toEqual([
          [
            CLOCK_UNSYNCHRONISED,
            'clock',
            `The hardware clock ${clock} could not be read at boot: the system time was not set from it`,
          ],
        ]);
    // hctosys finding no clock to set the time from: its own prefix, and before Linux 3.17 its source file's.
    for (const line of [
      '[    1.726560] hctosys: unable to open rtc device (rtc0)',
      '[    5.396605] /home/ppisati/ubuntu-saucy/drivers/rtc/hctosys.c: unable to open rtc device (rtc0)',
    ])
      expect(titles(detector, kernel(line)))
        .withContext(line)
        .toEqual([[CLOCK_UNSYNCHRONISED, 'clock', 'hctosys reported a failure: unable to open rtc device (rtc0)']]);
    // A clock that registers after hctosys found it missing: the time was never read from it. None registering (a
    // machine without one) is no problem at info, where hctosys logs it.
    const late = new ClockDetector(desktopWriters());
    expect(titles(late, kernel('hctosys: unable to open rtc device (rtc0)', '6'))).toEqual([]);
    expect(titles(late, kernel('rtc-ds1307 1-0068: registered as rtc0', '6'))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'clock',
        'The hardware clock rtc0 came up after start-up set the time: the time was not read from it',
      ],
    ]);
    expect(titles(late, kernel('rtc-pl031 fff35000.rtc: rtc core: registered pl031 as rtc0', '6'))).toEqual([]);
    // A clock's driver that found its chip but could not start it, as the driver core words it at warning.
    expect(titles(detector, kernel('rtc-ds1307: probe of 1-006f failed with error -5', '4'))).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'clock',
        'The hardware clock rtc-ds1307 could not be started: probe of 1-006f failed with error -5',
      ],
    ]);
    expect(titles(detector, kernel('rtc_cmos 00:02: alarms up to one month, y3k, 114 bytes nvram', '6'))).toEqual([]);
    // The date the kernel read from the CMOS clock at boot, in both its formats.
    expect(titles(detector, kernel('RTC time:  0:00:20, date: 01/01/00', '6'))).toEqual([
      [CLOCK_UNSYNCHRONISED, 'clock', 'The hardware clock read the year 2000 at start-up: its battery may be flat'],
    ]);
    expect(titles(detector, kernel('PM: RTC time: 08:12:03, date: 1970-01-01', '6'))).toEqual([
      [CLOCK_UNSYNCHRONISED, 'clock', 'The hardware clock read the year 1970 at start-up: its battery may be flat'],
    ]);
    expect(titles(detector, kernel('PM: RTC time: 08:12:03, date: 2019-05-10', '6'))).toEqual([]);
    expect(titles(detector, kernel('RTC time: 15:09:48, date: 10/27/13', '6'))).toEqual([]);
    expect(titles(detector, pid1('System time before build time, advancing clock.'))).toEqual([
      [CLOCK_UNSYNCHRONISED, 'clock', 'The clock was behind at start-up: systemd found it before its own build date'],
    ]);
    // systemd 254 and later.
    expect(titles(detector, pid1('System time advanced to built-in epoch: Wed 2025-09-03 14:38:20 EDT'))).toEqual([
      [CLOCK_UNSYNCHRONISED, 'clock', 'The clock was behind at start-up: systemd found it before its own build date'],
    ]);
    expect(
      titles(detector, pid1('System time is further ahead than 15y after build time, resetting clock to build time.')),
    ).toEqual([
      [
        CLOCK_UNSYNCHRONISED,
        'clock',
        'The clock was ahead at start-up: systemd found it years past its own build date',
      ],
    ]);
    // The clock restored from the time it last saved, as on a board without a real-time clock: not raised.
    expect(
      titles(
        detector,
        pid1('System time advanced to timestamp on /var/lib/systemd/timesync/clock: Sun 2026-02-22 19:24:14 CET'),
      ),
    ).toEqual([]);
    const apt = journalEvent({
      MESSAGE:
        'E: Release file for http://deb.debian.org/debian/dists/bookworm-updates/InRelease is not valid yet (invalid for another 5d 2h 1min 3s).',
      _COMM: 'apt-get',
      _EXE: '/usr/bin/apt-get',
      _UID: '0',
      _SYSTEMD_UNIT: 'session-2.scope',
    });
    const titlesOf = (message: string, comm: string, exe: string) =>
      titles(
        detector,
        journalEvent({ MESSAGE: message, _COMM: comm, _EXE: exe, _UID: '0', _SYSTEMD_UNIT: 'session-2.scope' }),
      ).map(([, , title]) => title);
    const ahead: [string, string, string][] = [
      ['\tnow = Thu Jan  1 00:00:12 1970) is in the future.', 'fsck.ext4', '/usr/sbin/e2fsck'],
      ['tar: ./notes.txt: time stamp 2024-05-01 08:00:00 is 86400.5 s in the future', 'tar', '/usr/bin/tar'],
      ['kinit: Clock skew too great while getting initial credentials', 'kinit', '/usr/bin/kinit'],
      [
        'gpg: key 871920D1991BC93C: key 871920D1991BC93C was created 5361 seconds in the future (time warp or clock problem)',
        'gpg',
        '/usr/bin/gpg',
      ],
    ];
    for (const [message, comm, exe] of ahead)
      expect(titlesOf(message, comm, exe))
        .withContext(message)
        .toEqual(['The clock is behind: a program found a date still in the future']);
    expect(titles(detector, apt)).toEqual([
      [CLOCK_UNSYNCHRONISED, 'clock', 'The clock is behind: a program found a date still in the future'],
    ]);
    const back: [string, string, string][] = [
      ['Time jumped backwards, rotating.', 'systemd-journal', '/usr/lib/systemd/systemd-journald'],
      [
        '/var/log/journal/0a50ee270f31407485fd48f832e4b18c/system.journal: Realtime clock jumped backwards relative to last journal entry, rotating.',
        'systemd-journal',
        '/usr/lib/systemd/systemd-journald',
      ],
      [
        '/var/log/journal/0a50ee270f31407485fd48f832e4b18c/system.journal: Journal file is from the future, rotating.',
        'systemd-journal',
        '/usr/lib/systemd/systemd-journald',
      ],
      ['Time moved backwards by 3600 seconds.', 'dovecot', '/usr/sbin/dovecot'],
      [
        'Your system clock just jumped 3600 seconds backward; assuming established circuits no longer work.',
        'tor',
        '/usr/bin/tor',
      ],
    ];
    for (const [message, comm, exe] of back)
      expect(titlesOf(message, comm, exe))
        .withContext(message)
        .toEqual(['The clock was ahead: a program found it set back']);
    // The monotonic clock going back within one boot says nothing of the time of day.
    expect(
      titlesOf(
        '/var/log/journal/c4d5/user-1000.journal: Monotonic clock jumped backwards relative to last journal entry, rotating.',
        'systemd-journal',
        '/usr/lib/systemd/systemd-journald',
      ),
    ).toEqual([]);
  });

  it('counts an app’s crashes within a day in the title', () => {
    const detector = new CoredumpDetector();
    const record = (seconds: number) =>
      journalEvent({
        MESSAGE: 'Process 4242 (dash) of user 1000 dumped core.',
        MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
        COREDUMP_EXE: '/usr/bin/dash',
        COREDUMP_SIGNAL_NAME: 'SIGSEGV',
        _COMM: 'systemd-coredum',
        _UID: '0',
        __REALTIME_TIMESTAMP: at(seconds),
      });
    expect(reportsOf(runDetector(detector, [record(0), record(60), record(120)])).map((r) => r.title)).toEqual([
      'dash crashed (SIGSEGV)',
      'dash crashed 2 times (SIGSEGV)',
      'dash crashed 3 times (SIGSEGV)',
    ]);
    expect(reportsOf(detector.detect(record(2 * 86_400))).map((r) => r.title)).toEqual(['dash crashed (SIGSEGV)']);
  });

  it('explains a login keyring not unlocked: the login password and the keyring’s differ, nothing changed', async () => {
    const draft = await signInFailurePlaybook(
      findingWithEvidence(SIGN_IN_FAILURE, 'login keyring', {
        title: 'The login keyring was not unlocked at sign-in',
        evidence: [
          {
            kind: 'journal',
            text: 'gkr-pam: couldn’t unlock the login keyring.',
            cursor: 's=1',
            journal: 'system',
            at: new Date(0),
          },
        ],
      }),
      {} as PlaybookTools,
    );
    expect(draft?.explanation).toContain('Your login password and the login keyring’s password differ');
    expect(draft?.actions.every((action) => action.name.startsWith('info.'))).toBeTrue();
  });
});

describe('the session’s own words on its programs', () => {
  it('reads gnome-session’s and the shell’s word that one crashed of its own fault, by signal, as theirs alone', () => {
    const writers = desktopWriters();
    const gnomeSession = (message: string, exe = '/usr/libexec/gnome-session-binary') =>
      session(exe, 'gnome-session-manager@gnome.service', message);
    expect(
      titles(
        new SessionCrashDetector(writers),
        gnomeSession("WARNING: Application 'org.gnome.Shell.desktop' killed by signal 11"),
      ),
    ).toEqual([['crash', 'org.gnome.Shell', 'org.gnome.Shell crashed (SIGSEGV)']]);
    expect(
      titles(
        new SessionCrashDetector(writers),
        gnomeSession("WARNING: Application 'org.gnome.Shell.desktop' killed by signal 15"),
      ),
    ).toEqual([]);
    expect(
      titles(
        new SessionCrashDetector(writers),
        gnomeSession("WARNING: Application 'x.desktop' killed by signal 11", '/home/user/bin/gnome-session-binary'),
      ),
    ).toEqual([]);
    expect(
      titles(
        new SessionCrashDetector(writers),
        session('/usr/bin/gnome-shell', 'org.gnome.Shell@wayland.service', 'GNOME Shell crashed with signal 11'),
      ),
    ).toEqual([['crash', 'gnome-shell', 'gnome-shell crashed (SIGSEGV)']]);
    // GLib ending the shell at mutter's failed check (focustimerhq/FocusTimer#640); not a critical it goes on after.
    const shell = (message: string) =>
      titles(
        new SessionCrashDetector(writers),
        session('/usr/bin/gnome-shell', 'org.gnome.Shell@wayland.service', message),
      );
    expect(
      shell(
        'Bail out! libmutter:ERROR:../src/compositor/meta-surface-actor-wayland.c:113:meta_surface_actor_wayland_is_view_primary: assertion failed: (view)',
      ),
    ).toEqual([['crash', 'gnome-shell', 'gnome-shell crashed (SIGABRT)']]);
    expect(shell('libmutter-CRITICAL **: meta_window_get_frame_rect: assertion failed')).toEqual([]);
  });

  it('names an extension from a frame of gjs’s dump whose heading the journal lost', () => {
    const frame = session(
      '/usr/bin/gnome-shell',
      'org.gnome.Shell@wayland.service',
      '#4   7ffc3bfa3ed0 b   /home/user/.local/share/gnome-shell/extensions/appindicatorsupport@rgcjonas.gmail.com/promiseUtils.js:141 (76a53874060 @ 331)',
      { PRIORITY: '4' },
    );
    expect(
      titles(new ExtensionErrorDetector(desktopWriters()), frame).map(([kind, subject]) => [kind, subject]),
    ).toEqual([['extension-error', 'appindicatorsupport@rgcjonas.gmail.com']]);
  });

  it('reads pam_sss’s PAM return code at the display manager as a refused sign-in', () => {
    const line = system(
      '/usr/lib/gdm3/gdm-session-worker',
      'session-c1.scope',
      'pam_sss(gdm-password:auth): received for user alice: 7 (Authentication failure)',
    );
    expect(titles(new SignInFailureDetector(desktopWriters()), line)).toEqual([
      [SIGN_IN_FAILURE, 'alice', 'Signing in or unlocking the screen failed for alice'],
    ]);
  });

  it('reads an audio daemon’s core dump as no sound, from systemd-coredump’s record of the session’s daemon', () => {
    const record = journalEvent({
      MESSAGE: 'Process 1991 (wireplumber) of user 1000 dumped core.',
      MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
      COREDUMP_EXE: '/usr/bin/wireplumber',
      COREDUMP_UID: '1000',
      _COMM: 'systemd-coredum',
      _UID: '0',
    });
    expect(titles(new SoundUnavailableDetector(desktopWriters()), record)).toEqual([
      [SOUND_UNAVAILABLE, 'wireplumber.service', 'wireplumber crashed: the session has no sound until it runs again'],
    ]);
  });
});
