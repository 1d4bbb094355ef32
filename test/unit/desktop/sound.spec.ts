// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { UnitFailedDetector } from '../../../service/src/findings/detectors/unitFailed.js';
import type { Detector } from '../../../service/src/findings/types.js';
import { Writers } from '../../../service/src/findings/writers.js';
import type { PlaybookTools } from '../../../service/src/fixes/playbookSteps.js';
import { CrashDetector } from '../../../service/src/kinds/crash/crashDetector.js';
import { CrashLoopDetector } from '../../../service/src/kinds/crashLoop/detector.js';
import { SOUND_UNAVAILABLE, SoundUnavailableDetector } from '../../../service/src/kinds/sound/detector.js';
import { soundKind } from '../../../service/src/kinds/sound/kind.js';
import { PROBE_WAIT_MS } from '../../../service/src/kinds/sound/probeAttempts.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters } from '../../support/desktopWriters.js';
import { findingWithEvidence } from '../../support/findingFixture.js';
import { journalEvent, reportsOf, resolutionsOf, runDetector } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;
const at = (seconds: number) => String(START_US + seconds * 1_000_000);

const USER_SLICE = '/user.slice/user-1000.slice/user@1000.service';

/** An audio daemon as journald records it: its program in its own user unit, run by the user. */
const daemon = (program: string) => ({
  SYSLOG_IDENTIFIER: program,
  _COMM: program,
  _EXE: `/usr/bin/${program}`,
  _SYSTEMD_UNIT: 'user@1000.service',
  _SYSTEMD_USER_UNIT: `${program}.service`,
  _SYSTEMD_CGROUP: `${USER_SLICE}/session.slice/${program}.service`,
  _UID: '1000',
  _TRANSPORT: 'journal',
});

const WRITERS = {
  pipewire: daemon('pipewire'),
  wireplumber: daemon('wireplumber'),
  pulseaudio: daemon('pulseaudio'),
  userManager: {
    SYSLOG_IDENTIFIER: 'systemd',
    _COMM: 'systemd',
    _EXE: '/usr/lib/systemd/systemd',
    _PID: '1270',
    _SYSTEMD_UNIT: 'user@1000.service',
    _SYSTEMD_USER_UNIT: 'init.scope',
    _SYSTEMD_CGROUP: `${USER_SLICE}/init.scope`,
    _UID: '1000',
    _TRANSPORT: 'journal',
  },
  kernel: { SYSLOG_IDENTIFIER: 'kernel', _TRANSPORT: 'kernel', SYSLOG_FACILITY: '0', PRIORITY: '3' },
};

const line = (writer: Record<string, string>, message: string, seconds = 0, fields: Record<string, string> = {}) =>
  journalEvent({ MESSAGE: message, _PID: '1277', __REALTIME_TIMESTAMP: at(seconds), ...writer, ...fields });

/** The user manager's line about one of its units, with the USER_UNIT= it sets on them. */
const manager = (unit: string, message: string, seconds = 0, fields: Record<string, string> = {}) =>
  line(WRITERS.userManager, message, seconds, { USER_UNIT: unit, ...fields });

/** What the detector reports for `events`, with what it held told once its wait is over. */
function verdicts(...events: WatchEvent[]): string[][] {
  const detector = new SoundUnavailableDetector(desktopWriters());
  const outputs = [...runDetector(detector, events), ...detector.expire(Infinity).map(({ output }) => output)];
  return reportsOf(outputs).map((r) => [r.subject, r.title]);
}

/** PipeWire failing to start, as its user manager tells it (nixpkgs#115492). */
const pipewireCrashLoop = [
  manager('pipewire.service', 'pipewire.service: Main process exited, code=exited, status=255/EXCEPTION', 0),
  manager('pipewire.service', "pipewire.service: Failed with result 'exit-code'.", 0),
  manager('pipewire.service', 'pipewire.service: Scheduled restart job, restart counter is at 5.', 1),
  manager('pipewire.service', 'pipewire.service: Start request repeated too quickly.', 1),
  manager('pipewire.service', "pipewire.service: Failed with result 'start-limit-hit'.", 1),
  manager('pipewire.service', 'Failed to start Multimedia Service.', 1),
];

describe('the sound-unavailable detector', () => {
  it('raises once for an audio unit that fails, naming the unit and how it ended', () => {
    expect(verdicts(...pipewireCrashLoop)).toEqual([
      ['pipewire.service', 'pipewire.service failed (exit code 255)'],
      ['pipewire.service', 'pipewire.service failed (restarted too often)'],
    ]);
  });

  it('reads the unit’s core dump and systemd’s D-Bus state of the unit, and resolves when it runs again', () => {
    const dumped = [
      manager('wireplumber.service', 'wireplumber.service: Main process exited, code=dumped, status=6/ABRT'),
      manager('wireplumber.service', "wireplumber.service: Failed with result 'core-dump'."),
    ];
    expect(verdicts(...dumped)).toEqual([['wireplumber.service', 'wireplumber.service failed (killed by SIGABRT)']]);
    const state = (activeState: string): WatchEvent => ({
      type: 'unit',
      at: new Date(0),
      state: { scope: 'user', unit: 'pipewire-pulse.service', activeState, result: 'exit-code', exitCode: 1 },
    });
    const outputs = runDetector(new SoundUnavailableDetector(desktopWriters()), [state('failed'), state('active')]);
    expect(reportsOf(outputs).map((r) => r.subject)).toEqual(['pipewire-pulse.service']);
    expect(resolutionsOf(outputs)).toEqual([
      { kind: SOUND_UNAVAILABLE, subject: 'pipewire-pulse.service', at: new Date(0) },
    ]);
  });

  it('reads the audio daemons’ socket units failing to listen as the sound server missing, and unit-failed leaves them', () => {
    const socket = [
      manager(
        'pipewire-pulse.socket',
        'pipewire-pulse.socket: Failed to create listening socket (/run/user/1000/pulse/native): Address already in use',
        0,
      ),
      manager('pipewire-pulse.socket', "pipewire-pulse.socket: Failed with result 'resources'.", 0),
      manager('pipewire-pulse.socket', 'Failed to listen on PipeWire PulseAudio.', 0),
    ];
    expect(verdicts(...socket).map(([subject]) => subject)).toContain('pipewire-pulse.socket');
    expect(reportsOf(runDetector(new UnitFailedDetector(), socket))).toEqual([]);
  });

  it('leaves other units’ failures to unit-failed', () => {
    expect(verdicts(manager('foo.service', "foo.service: Failed with result 'exit-code'."))).toEqual([]);
  });

  it('reads PipeWire’s and WirePlumber’s own device errors by their errno, naming the device', () => {
    const cases: [Record<string, string>, string, string][] = [
      [WRITERS.pipewire, "spa.alsa: 'hw:0,11': playback open failed: Device or resource busy", 'hw:0,11'],
      [
        WRITERS.pipewire,
        'pw.node: (alsa_output.pci-0000_01_00.1.pro-output-10-78) suspended -> error (Start error: Device or resource busy)',
        'alsa_output.pci-0000_01_00.1.pro-output-10-78',
      ],
      [WRITERS.pipewire, "mod.adapter: 0x5b856abf1c30: can't get format: No such device", 'pipewire.service'],
      [
        WRITERS.wireplumber,
        "spa.alsa: Error opening low-level control device 'hw:0': No such file or directory",
        'hw:0',
      ],
      [
        WRITERS.wireplumber,
        'wplua: [string "alsa.lua"]:182: attempt to concatenate a nil value (local \'node_name\')',
        'wireplumber.service',
      ],
      // PipeWire before 0.3.40 wrote its level and source position first.
      [
        WRITERS.pipewire,
        "[E][000000012.345678][alsa-pcm.c:612 spa_alsa_open()] 'hw:1,0': capture open failed: Device or resource busy",
        'hw:1,0',
      ],
    ];
    for (const [writer, message, subject] of cases) {
      const found = verdicts(line(writer, message));
      expect(found.length).withContext(message).toBe(1);
      expect(found[0]?.[0]).withContext(message).toBe(subject);
    }
  });

  it('reads ALSA’s own I/O errors on a device PipeWire plays on, whatever their level, and no other broken pipe', () => {
    expect(
      verdicts(
        line(
          WRITERS.pipewire,
          'spa.alsa: hw:sofsoundwire,2p: (7 suppressed) snd_pcm_avail after recover: Broken pipe',
          0,
          { PRIORITY: '4' },
        ),
      ),
    ).toEqual([['hw:sofsoundwire,2p', 'pipewire cannot use a sound device: Broken pipe']]);
    expect(verdicts(line(WRITERS.pipewire, 'spa.alsa: hw:0,0p: snd_pcm_start error: Input/output error'))).toEqual([
      ['hw:0,0p', 'pipewire cannot use a sound device: Input/output error'],
    ]);
    // A client of PipeWire's PulseAudio server that went away.
    expect(
      verdicts(
        line(WRITERS.pipewire, 'mod.protocol-pulse: client 0x55a1: error on connection: Broken pipe', 0, {
          PRIORITY: '4',
        }),
      ),
    ).toEqual([]);
  });

  it('reads the errors of ALSA’s calls on a device, by PipeWire’s ALSA topic or the ALSA device the line names', () => {
    const mediaSession = daemon('pipewire-media-session');
    expect(
      verdicts(line(WRITERS.pipewire, 'spa.alsa: Broken configuration: no configurations available: Invalid argument')),
    ).toEqual([['pipewire.service', 'pipewire cannot use a sound device: Invalid argument']]);
    // PipeWire 0.3's media session logged its SPA plugin's errors without a topic.
    expect(verdicts(line(mediaSession, "can't open control for card hw:1: No such file or directory"))).toEqual([
      ['hw:1', 'pipewire-media-session cannot use a sound device: No such file or directory'],
    ]);
    // The same errnos about anything but a sound device: real-time scheduling, a camera, a configuration fragment.
    expect(
      verdicts(
        line(WRITERS.pipewire, 'could not make thread realtime: No such file or directory'),
        line(mediaSession, "v4l2: Cannot open '/dev/video0': 13, Permission denied"),
        line(WRITERS.pipewire, 'mod.rt: could not set nice-level to -11: No such file or directory'),
      ),
    ).toEqual([]);
  });

  it('reads an error of PulseAudio’s ALSA sink or source as the device its thread drives failing, and no other file’s', () => {
    expect(
      verdicts(
        line(
          WRITERS.pulseaudio,
          'E: [alsa-sink-ALC256 Analog] alsa-sink.c: ALSA woke us up to write new data to the device, but there was actually nothing to write.',
        ),
      ),
    ).toEqual([
      [
        'ALC256 Analog',
        'PulseAudio’s sound device failed: ALSA woke us up to write new data to the device, but there was actually nothing to write.',
      ],
    ]);
    expect(
      verdicts(
        line(WRITERS.pulseaudio, 'W: [alsa-sink-ALC256 Analog] alsa-sink.c: Underrun!', 0, { PRIORITY: '4' }),
        line(WRITERS.pulseaudio, 'E: [pulseaudio] pid.c: Daemon already running.'),
      ),
    ).toEqual([]);
  });

  it('reads PulseAudio’s reports of an ALSA driver’s wrong answers whatever level a copied journal kept', () => {
    const reports = [
      '[alsa-sink-ALC892 Analog] alsa-sink.c: ALSA woke us up to write new data to the device, but there was actually nothing to write.',
      "[alsa-sink-ALC892 Analog] alsa-sink.c: Most likely this is a bug in the ALSA driver 'snd_hda_intel'. Please report this issue to the ALSA developers.",
    ];
    for (const message of reports)
      expect(verdicts(line(WRITERS.pulseaudio, message, 0, { PRIORITY: '6' })))
        .withContext(message)
        .toEqual([['ALC892 Analog', jasmine.stringMatching(/^PulseAudio’s sound device failed: /)]]);
    // The sink's own information lines stay below err, as PulseAudio logged them.
    expect(
      verdicts(
        line(WRITERS.pulseaudio, '[alsa-sink-ALC892 Analog] alsa-sink.c: Starting playback.', 0, { PRIORITY: '6' }),
      ),
    ).toEqual([]);
  });

  it('reads PulseAudio’s card that cannot be set up, with or without its level prefix', () => {
    const module =
      'Failed to load module "module-alsa-card" (argument: "device_id="0" name="pci-0000_22_00.4" ' +
      'card_name="alsa_card.pci-0000_22_00.4" namereg_fail=false tsched=yes"): initialization failed.';
    expect(verdicts(line(WRITERS.pulseaudio, `E: [pulseaudio] module.c: ${module}`))).toEqual([
      ['alsa_card.pci-0000_22_00.4', 'PulseAudio could not set up the sound card alsa_card.pci-0000_22_00.4'],
    ]);
    expect(verdicts(line(WRITERS.pulseaudio, 'Failed to find a working profile.'))).toEqual([
      ['pulseaudio.service', 'PulseAudio could not set up a sound card'],
    ]);
    // Probing a profile that does not open is how PulseAudio finds the ones that do.
    expect(
      verdicts(
        line(WRITERS.pulseaudio, 'I: [pulseaudio] alsa-util.c: Error opening PCM device hw:0,6: No such device'),
      ),
    ).toEqual([]);
    // A module other than a card's failing to load (JACK detection without a session bus) leaves the sound alone.
    expect(
      verdicts(
        line(
          WRITERS.pulseaudio,
          'Failed to load module "module-jackdbus-detect" (argument: "channels=2"): initialization failed.',
        ),
      ),
    ).toEqual([]);
  });

  it('reads the kernel’s sound drivers when a card does not come up, naming the device', () => {
    const cases: [string, string][] = [
      ['snd_hda_intel 0000:00:1f.3: no codecs found!', 'No sound card: snd_hda_intel found no codec on 0000:00:1f.3'],
      [
        'sof-audio-pci 0000:00:1f.3: error: request firmware intel/sof/sof-cfl.ri failed err: -2',
        'No sound card: the firmware file intel/sof/sof-cfl.ri is missing',
      ],
      [
        'sof-audio-pci-intel-lnl 0000:00:1f.3: SOF firmware and/or topology file not found.',
        'No sound card: the firmware for 0000:00:1f.3 is missing',
      ],
      [
        '[   15.884563] sof-audio-acpi-intel-byt 80860F28:00: error: no matching ASoC machine driver found - aborting probe',
        'No sound card: sof-audio-acpi-intel-byt could not set up 80860F28:00',
      ],
      [
        'bxt-pcm512x bxt-pcm512x: ASoC: failed to instantiate card -22',
        'No sound card: bxt-pcm512x could not set up bxt-pcm512x',
      ],
    ];
    for (const [message, title] of cases)
      expect(verdicts(line(WRITERS.kernel, message)))
        .withContext(message)
        .toEqual([[jasmine.any(String), title]]);
  });

  it('reads the codec probe, the codec identity check and ALSA’s own summary when no card comes up, at any level', () => {
    const cases: [string, string, string][] = [
      [
        'snd_hda_intel 0000:00:1f.3: no codecs initialized',
        '0000:00:1f.3',
        'No sound card: snd_hda_intel found no codec on 0000:00:1f.3',
      ],
      [
        'rt5645 i2c-10EC5645:00: Device with ID register 0xffff8d85 is not rt5645 or rt5650',
        'i2c-10EC5645:00',
        'No sound card: no rt5645 codec answered on i2c-10EC5645:00',
      ],
      ['No soundcards found.', 'ALSA', 'No sound card: the kernel found none'],
      [
        'snd_hda_codec_generic hdaudioC0D0: Unable to bind the codec',
        'hdaudioC0D0',
        'No sound: no driver took the sound card’s codec hdaudioC0D0',
      ],
    ];
    for (const [message, subject, title] of cases)
      expect(verdicts(line(WRITERS.kernel, message, 0, { PRIORITY: '6' })))
        .withContext(message)
        .toEqual([[subject, title]]);
    expect(verdicts(line(WRITERS.kernel, 'ALSA device list:', 0, { PRIORITY: '6' }))).toEqual([]);
  });

  it('knows the boards’ platform, machine and codec drivers by their names, and ASoC’s calls by theirs', () => {
    const cases: [string, string][] = [
      ['baytrail-pcm-audio baytrail-pcm-audio: error: invalid DMA engine 0', 'baytrail-pcm-audio'],
      ['sgtl5000 4-000a: Error reading chip id -5', '4-000a'],
      ['cs42xx8 1-0048: failed to get device ID, ret = -121', '1-0048'],
      ['imx-wm8731 sound: snd_soc_register_card failed (-5)', 'sound'],
    ];
    for (const [message, subject] of cases)
      expect(verdicts(line(WRITERS.kernel, message)))
        .withContext(message)
        .toEqual([[subject, jasmine.any(String)]]);
  });

  it('leaves a probe the driver core puts off until the codec registers (EPROBE_DEFER) to the lines that follow it', () => {
    expect(
      verdicts(
        line(WRITERS.kernel, 'audioinjector-stereo soc:sound: ASoC: failed to init link AudioInjector audio: -517'),
        line(WRITERS.kernel, 'audioinjector-stereo soc:sound: snd_soc_register_card failed (-517)'),
        line(WRITERS.kernel, 'bytcht_es8316 bytcht_es8316: snd_soc_register_card failed -517'),
        line(WRITERS.kernel, 'audioinjector-stereo soc:sound: wm8731-hifi <-> 3f203000.i2s mapping ok', 0, {
          PRIORITY: '6',
        }),
      ),
    ).toEqual([]);
    expect(verdicts(line(WRITERS.kernel, 'wm8731: probe of 1-001a failed with error -5'))).toEqual([
      ['wm8731', jasmine.any(String)],
    ]);
  });

  it('takes a driver’s error in a probe the driver core then puts off for that attempt’s, not the card failing', () => {
    // quarkscript/linux-armv7-xe303c12-only#15: the same lines "but the sound should work"; the card comes up later.
    const parsing = line(WRITERS.kernel, 'snow-audio sound: Failed parsing codec node', 0);
    expect(
      verdicts(parsing, line(WRITERS.kernel, 'snow-audio sound: ASoC: failed to instantiate card -517', 1)),
    ).toEqual([]);
    // The driver core's own note of the deferral, as kernels before dev_err_probe() print it.
    const notRegistered = line(WRITERS.kernel, 'imx-sgtl5000 sound: ASoC: CODEC DAI sgtl5000 not registered', 0);
    const requested = line(WRITERS.kernel, 'platform sound: Driver imx-sgtl5000 requests probe deferral', 1, {
      PRIORITY: '6',
    });
    expect(verdicts(notRegistered, requested)).toEqual([]);
  });

  it('leaves a stream refused at its opening because the device it plays to is not there (ENODEV) to its program', () => {
    // raspberrypi/linux#4575, from a system that plays: HDMI audio opened while no display takes it.
    const refused = 'hdmi-audio-codec hdmi-audio-codec.1.auto: ASoC: error at snd_soc_dai_startup on i2s-hifi: -19';
    expect(verdicts(line(WRITERS.kernel, refused))).toEqual([]);
    expect(new SoundUnavailableDetector(desktopWriters()).claims(line(WRITERS.kernel, refused))).toBeTrue();
    // The same opening refused because the device is busy, or a component's probe failing, is still the card's.
    const busy = 'SDW1-Playback: ASoC: error at __soc_pcm_open on SDW1-Playback: -16';
    expect(verdicts(line(WRITERS.kernel, busy))).toEqual([['SDW1-Playback', jasmine.any(String)]]);
    const probe = 'sof-audio-pci 0000:00:1f.3: ASoC: error at snd_soc_component_probe on 0000:00:1f.3: -19';
    expect(verdicts(line(WRITERS.kernel, probe))).toEqual([['0000:00:1f.3', jasmine.any(String)]]);
  });

  it('tells a driver’s error whose probe is not put off once its wait is over, at a later line or on the clock', () => {
    const parsing = line(WRITERS.kernel, 'snow-audio sound: Failed parsing codec node', 0);
    const failed = ['sound', 'snow-audio reported a failure: Failed parsing codec node'];
    // Another device's deferral leaves it held; a line the wait later tells it.
    const detector = new SoundUnavailableDetector(desktopWriters());
    const other = line(WRITERS.kernel, 'bytcht_es8316 bytcht_es8316: snd_soc_register_card failed -517', 1);
    expect(runDetector(detector, [parsing, other])).toEqual([]);
    expect(detector.heldUntil()).toBeGreaterThan(Date.now());
    const later = line(WRITERS.kernel, 'usb 1-2: new high-speed USB device number 3 using xhci_hcd', 6, {
      PRIORITY: '6',
    });
    expect(reportsOf(runDetector(detector, [later])).map((r) => [r.subject, r.title])).toEqual([failed]);
    expect(detector.heldUntil()).toBeUndefined();
    // Where the journal falls silent, the wait's deadline on this machine's clock tells it.
    const silent = new SoundUnavailableDetector(desktopWriters());
    expect(runDetector(silent, [parsing])).toEqual([]);
    expect(silent.expire(Date.now())).toEqual([]);
    const [expired] = silent.expire(Date.now() + PROBE_WAIT_MS);
    expect(expired?.event).toBe(parsing);
    expect(reportsOf(expired ? [expired.output] : []).map((r) => [r.subject, r.title])).toEqual([failed]);
  });

  it('reads the driver core’s word that a sound device’s probe was still put off once the boot’s probing ended', () => {
    // drivers/base/dd.c: the device under its bus (no driver holds it), the reason its driver last gave, at any level.
    expect(
      verdicts(
        line(
          WRITERS.kernel,
          'platform sof_sdw: deferred probe pending: sof_sdw: snd_soc_register_card failed -517',
          0,
          { PRIORITY: '6' },
        ),
      ),
    ).toEqual([
      [
        'sof_sdw',
        'No sound card: the kernel never finished setting up sof_sdw (sof_sdw: snd_soc_register_card failed -517)',
      ],
    ]);
    expect(
      verdicts(
        line(
          WRITERS.kernel,
          "pci 0000:00:1f.3: deferred probe pending: snd_hda_intel: couldn't bind with audio component",
          0,
          { PRIORITY: '4' },
        ),
      ),
    ).toEqual([
      [
        '0000:00:1f.3',
        "No sound card: the kernel never finished setting up 0000:00:1f.3 (snd_hda_intel: couldn't bind with audio component)",
      ],
    ]);
    // Another area's device, and one whose bus and name say nothing of sound, are not this kind's.
    expect(
      verdicts(
        line(WRITERS.kernel, 'platform 3f201000.serial: deferred probe pending: hci_uart_bcm: no reset GPIO', 0, {
          PRIORITY: '6',
        }),
        line(WRITERS.kernel, 'platform panel: deferred probe pending', 0, { PRIORITY: '6' }),
      ),
    ).toEqual([]);
  });

  it('reads the driver core’s word that a sound driver could not start its device, at whatever level it came', () => {
    // drivers/base/dd.c: really_probe's pr_warn before Linux 5.13, call_driver_probe's dev_err since.
    const probe = (message: string, priority: string) =>
      verdicts(line(WRITERS.kernel, message, 0, { PRIORITY: priority }));
    expect(probe('sgtl5000: probe of 4-000a failed with error -5', '4')).toEqual([
      ['sgtl5000', 'sgtl5000 reported an error: Input/output error (EIO)'],
    ]);
    expect(probe('tas2781-hda i2c-TIAS2781:00: probe with driver tas2781-hda failed with error -2', '3').length).toBe(
      1,
    );
    // Another part's driver is not sound's.
    expect(probe('i8042 i8042: probe with driver i8042 failed with error -5', '3')).toEqual([]);
  });

  it('leaves a front end opened with no route, and its error that follows, to the sound server’s state', () => {
    const kernel = (message: string) => line(WRITERS.kernel, message);
    expect(
      verdicts(
        kernel('fe.dai-link-0: ASoC: no backend DAIs enabled for fe.dai-link-0'),
        kernel('fe.dai-link-0: ASoC: error at dpcm_fe_dai_prepare on fe.dai-link-0: -22'),
        kernel(
          'sof-audio-pci-intel-tgl 0000:00:1f.3: ASoC: no backend DAIs enabled for HDMI1, possibly missing ALSA mixer-based routing or UCM profile',
        ),
      ),
    ).toEqual([]);
    // Another front end's error, and one the kernel said nothing of first: a device that did not open.
    expect(
      verdicts(
        kernel('fe.dai-link-0: ASoC: no backend DAIs enabled for fe.dai-link-0'),
        kernel('Speaker: ASoC: error at dpcm_fe_dai_startup on Speaker: -16'),
        kernel('fe.dai-link-1: ASoC: error at dpcm_fe_dai_prepare on fe.dai-link-1: -22'),
      ),
    ).toEqual([
      ['Speaker', jasmine.any(String)],
      ['fe.dai-link-1', jasmine.any(String)],
    ]);
  });

  it('reads PipeWire’s lines in the form it prints on standard error, by their level and topic', () => {
    expect(
      verdicts(
        line(
          WRITERS.pipewire,
          "[E][12125.973616] spa.alsa     | [      alsa-pcm.c:  618 spa_alsa_open()] 'hw:1,0': playback open failed: Device or resource busy",
        ),
      ),
    ).toEqual([['hw:1,0', 'The sound device hw:1,0 could not be opened: Device or resource busy']]);
    // Information: the ALSA plugin probing a control the device may not have.
    expect(
      verdicts(
        line(
          WRITERS.pipewire,
          '[I][12125.993003] spa.alsa     | [      alsa-pcm.c:  568 probe_pitch_ctl()] minifuse12_mono_in:M2,0,0 could not find ctl device: No such file or directory',
        ),
      ),
    ).toEqual([]);
  });

  it('reads PipeWire not starting: a mandatory module that did not load, the context not created', () => {
    const lines = [
      '[E][00063.506649] pw.conf      | [          conf.c:  595 load_module()] 0x558a4be270: could not load mandatory module "libpipewire-module-protocol-native": Resource temporarily unavailable',
      'pw.conf: 0x558a4be270: could not load mandatory module "libpipewire-module-filter-chain": No such file or directory',
      '[E][00063.506918] default      | [      pipewire.c:  125 main()] failed to create context: Resource temporarily unavailable',
    ];
    for (const message of lines)
      expect(verdicts(line(WRITERS.pipewire, message)))
        .withContext(message)
        .toEqual([['pipewire.service', jasmine.stringMatching(/^pipewire could not start: /)]]);
    expect(verdicts(line(WRITERS.wireplumber, 'Failed to connect to PipeWire'))).toEqual([
      ['wireplumber.service', 'wireplumber could not start: Failed to connect to PipeWire'],
    ]);
    expect(
      verdicts(
        line(
          WRITERS.pipewire,
          'pw.conf: 0x5580: could not load optional module "libpipewire-module-x11-bell": No such file or directory',
        ),
      ),
    ).toEqual([]);
  });

  it('reads the media session failing a stream it found no device for, not one waiting to reconnect', () => {
    const mediaSession = daemon('pipewire-media-session');
    expect(
      verdicts(line(mediaSession, 'ms.mod.policy-node: 0x5637d5e0e560: no node found for 41, stream error')),
    ).toEqual([['pipewire-media-session.service', 'No sound device was found for a stream']]);
    expect(
      verdicts(line(WRITERS.pipewire, '[W][000000045.395758][policy-node.c:549 rescan_node()] no node found for 41')),
    ).toEqual([['pipewire.service', 'No sound device was found for a stream']]);
    expect(
      verdicts(line(mediaSession, 'ms.mod.policy-node: 0x5637d5e0e560: no node found for 41, waiting reconnect')),
    ).toEqual([]);
  });

  it('reads PulseAudio’s lines with the thread and file its journal and syslog lines carry, and its daemon not starting', () => {
    expect(
      verdicts(line(WRITERS.pulseaudio, '[pulseaudio] module-alsa-card.c: Failed to find a working profile.')),
    ).toEqual([['pulseaudio.service', 'PulseAudio could not set up a sound card']]);
    expect(verdicts(line(WRITERS.pulseaudio, '[pulseaudio] main.c: Daemon startup failed.'))).toEqual([
      ['pulseaudio.service', 'PulseAudio did not start'],
    ]);
    expect(verdicts(line(WRITERS.pulseaudio, 'Failed to initialize daemon.'))).toEqual([
      ['pulseaudio.service', 'PulseAudio did not start'],
    ]);
    expect(
      verdicts(line(WRITERS.pulseaudio, 'Failed to create secure directory (/run/user/1000/pulse): Permission denied')),
    ).toEqual([['pulseaudio.service', 'PulseAudio did not start']]);
    // PulseAudio 0.9's words for the same end, on its standard error.
    for (const message of ['E: main.c: Module load failed.', 'E: main.c: failed to initialize daemon.'])
      expect(verdicts(line(WRITERS.pulseaudio, message, 0, { PRIORITY: '6' })))
        .withContext(message)
        .toEqual([['pulseaudio.service', 'PulseAudio did not start']]);
    // Started by hand or autospawned in the login session's scope, outside its unit: the daemon is the subject.
    const { _SYSTEMD_USER_UNIT: _ownUnit, ...pulseaudio } = WRITERS.pulseaudio;
    const byHand = { ...pulseaudio, _SYSTEMD_UNIT: 'session-2.scope', _SYSTEMD_CGROUP: '/user.slice/session-2.scope' };
    expect(verdicts(line(byHand, 'main.c: failed to initialize daemon.', 0, { PRIORITY: '6' }))).toEqual([
      ['pulseaudio', 'PulseAudio did not start'],
    ]);
    expect(
      verdicts(
        line(WRITERS.pulseaudio, 'E: pid.c: daemon already running.', 0, { PRIORITY: '6' }),
        line(WRITERS.pulseaudio, 'E: main.c: pa_pid_file_create() failed.', 0, { PRIORITY: '6' }),
      ),
    ).toEqual([]);
    // Below err, the sink's driver complaints are the level PulseAudio gave them; the daemon already running is no failure.
    expect(
      verdicts(
        line(WRITERS.pulseaudio, '[alsa-sink-ALC256 Analog] alsa-sink.c: Underrun!', 0, { PRIORITY: '4' }),
        line(WRITERS.pulseaudio, '[pulseaudio] pid.c: Daemon already running.', 0, { PRIORITY: '3' }),
      ),
    ).toEqual([]);
  });

  it('reads the HD-audio controller and codec not answering, whatever the kernel’s level', () => {
    const cases: [string, string][] = [
      ['snd_hda_intel 0000:00:1b.0: CORB reset timeout#2, CORBRP = 65535', '0000:00:1b.0'],
      ['hdaudio hdaudioC0D0: no AFG or MFG node found', 'hdaudioC0D0'],
      ['snd_hda_intel 0000:00:1f.3: No response from codec, resetting bus: last cmd=0x202f8100', '0000:00:1f.3'],
    ];
    for (const [message, device] of cases)
      expect(verdicts(line(WRITERS.kernel, message, 0, { PRIORITY: '4' })))
        .withContext(message)
        .toEqual([[device, `No sound: the sound card’s codec on ${device} does not answer`]]);
  });

  it('reads a WirePlumber script’s error with the stack traceback its Lua error handler logs in the same entry', () => {
    const traceback = [
      'wplua: [string "common-utils.lua"]:17: attempt to index a nil value (local \'param\')',
      'stack traceback:',
      '\t[string "common-utils.lua"]:17: in function \'common-utils.parseParam\'',
      '\t[string "linking-utils.lua"]:390: in function \'linking-utils.haveAvailableRoutes\'',
    ].join('\n');
    // wp_warning: its journal writer gives it a warning's priority, as it does WirePlumber's errors.
    expect(verdicts(line(WRITERS.wireplumber, traceback, 0, { PRIORITY: '4' }))).toEqual([
      ['wireplumber.service', 'WirePlumber’s script common-utils.lua failed'],
    ]);
  });

  it('reads WirePlumber not starting PipeWire’s ALSA devices, named by their SPA factory, and not a camera’s', () => {
    const title = (factory: string) =>
      `WirePlumber could not set up sound cards: PipeWire’s ALSA device ${factory} did not start`;
    const cases: [string, string, string][] = [
      // lib/wp/device.c, a notice; the monitor script's warning after it; 0.4's form without a topic.
      ["wp-device: SPA handle 'api.alsa.acp.device' could not be loaded; is it installed?", '5', 'api.alsa.acp.device'],
      ["s-monitors: Failed to create 'api.alsa.acp.device' device", '4', 'api.alsa.acp.device'],
      ["SPA handle 'api.alsa.enum.udev' could not be loaded; is it installed?", '5', 'api.alsa.enum.udev'],
      [
        "s-monitors: PipeWire's ALSA SPA plugin is missing or broken. Some sound cards may not be supported",
        '5',
        'api.alsa.enum.udev',
      ],
    ];
    for (const [message, priority, factory] of cases)
      expect(verdicts(line(WRITERS.wireplumber, message, 0, { PRIORITY: priority })))
        .withContext(message)
        .toEqual([[factory, title(factory)]]);
    for (const camera of [
      "wp-device: SPA handle 'api.libcamera.enum.manager' could not be loaded; is it installed?",
      "s-monitors: Failed to create 'api.v4l2.device' device",
    ])
      expect(verdicts(line(WRITERS.wireplumber, camera, 0, { PRIORITY: '4' })))
        .withContext(camera)
        .toEqual([]);
  });

  it('reads PipeWire’s ALSA card layer finding a card’s UCM profile at odds with the card, not its first try at debug', () => {
    const title = (device: string) =>
      `The ALSA UCM profile of ${device} does not match the card: some of its inputs or outputs are missing`;
    const cases: [string, string][] = [
      [
        'spa.alsa: Error in ALSA UCM profile for _ucm0007.hw:USB,0 (HiFi: Direct 2: source): CaptureChannels=20 > avail 18',
        '_ucm0007.hw:USB,0',
      ],
      ['spa.alsa: Errors in ALSA UCM profile for card Scarlett 18i20', 'Scarlett 18i20'],
    ];
    for (const [message, device] of cases)
      expect(verdicts(line(WRITERS.wireplumber, message, 0, { PRIORITY: '5' })))
        .withContext(message)
        .toEqual([[device, title(device)]]);
    expect(verdicts(line(WRITERS.wireplumber, cases[0]![0], 0, { PRIORITY: '7' }))).toEqual([]);
    expect(
      verdicts(line(WRITERS.wireplumber, 'mod.foo: Errors in ALSA UCM profile for card X', 0, { PRIORITY: '5' })),
    ).toEqual([]);
  });

  it('leaves a sound server’s call that the bus answered for a peer that is not there or did not answer', () => {
    // PulseAudio asking BlueZ at its start, at err: BlueZ's matter, and the session's sound plays.
    const noReply = line(
      WRITERS.pulseaudio,
      'E: [pulseaudio] bluez5-util.c: GetManagedObjects() failed: org.freedesktop.DBus.Error.NoReply: Did not receive a reply.',
      0,
      { PRIORITY: '3' },
    );
    expect(verdicts(noReply)).toEqual([]);
    expect(new SoundUnavailableDetector(desktopWriters()).claims(noReply)).toBeTrue();
    // A peer's own error, which it answered with, still names what failed.
    expect(
      verdicts(
        line(
          WRITERS.pulseaudio,
          'E: [pulseaudio] bluez5-util.c: Transport Acquire() failed for transport /org/bluez/hci0/dev_X/fd0 (org.bluez.Error.Failed)',
          0,
          { PRIORITY: '3' },
        ),
      ).length,
    ).toBe(1);
  });

  it('stays silent on the audio stack’s harmless lines', () => {
    expect(
      verdicts(
        line(WRITERS.pipewire, 'mod.rt: RTKit error: org.freedesktop.DBus.Error.ServiceUnknown'),
        line(WRITERS.pipewire, 'mod.rt: could not set nice-level to -11: No such file or directory'),
        line(WRITERS.pipewire, "spa.alsa: hw:0,0p: Channels doesn't match (requested 64, got 2)"),
        // An unplugged USB headset: the device is gone because it was taken away.
        line(WRITERS.pipewire, 'spa.alsa: hw:4c: snd_pcm_drop: No such device'),
        line(WRITERS.pipewire, 'spa.alsa: hw:4c: close failed: No such device'),
        line(WRITERS.wireplumber, 'spa.bluez5: BlueZ system service is not available'),
        line(WRITERS.wireplumber, 'Failed to set scheduler settings: Operation not permitted'),
        line(
          WRITERS.wireplumber,
          '<WpSiAudioAdapter:0x561ff817f080> failed to activate item: Object activation aborted: proxy destroyed',
        ),
        // At the levels the kernel logs them: SOF's fallback and the firmware loader's try are warnings, the
        // module loader's signature check a notice.
        line(WRITERS.kernel, 'sof-audio-pci 0000:00:1f.3: warning: No matching ASoC machine driver found', 0, {
          PRIORITY: '4',
        }),
        line(
          WRITERS.kernel,
          'sof-audio-pci 0000:00:1f.3: Direct firmware load for intel/sof/sof-cfl.ri failed with error -2',
          0,
          { PRIORITY: '4' },
        ),
        line(
          WRITERS.kernel,
          'snd_hda_codec_cirrus: module verification failed: signature and/or required key missing - tainting kernel',
          0,
          { PRIORITY: '5' },
        ),
        // Whatever its level, the firmware loader's try alone.
        line(
          WRITERS.kernel,
          'snd_hda_intel 0000:00:1f.3: Direct firmware load for hda-jack-retask.fw failed with error -2',
        ),
        manager('pipewire.service', 'Started PipeWire Multimedia Service.'),
      ),
    ).toEqual([]);
  });

  it('believes no other writer of the same words', () => {
    const forged = [
      // A user's program calling itself pipewire in an app's scope.
      { ...WRITERS.pipewire, _SYSTEMD_USER_UNIT: 'app-foo.scope', _EXE: '/home/user/pipewire' },
      // Another program inside the daemon's unit.
      { ...WRITERS.pipewire, _COMM: 'sh', _EXE: '/usr/bin/sh' },
      // logger -t kernel: not the kernel's ring buffer.
      { SYSLOG_IDENTIFIER: 'kernel', _COMM: 'logger', _EXE: '/usr/bin/logger', _UID: '1000', _TRANSPORT: 'syslog' },
    ];
    for (const writer of forged) {
      expect(verdicts(line(writer, "spa.alsa: 'hw:0,11': playback open failed: Device or resource busy"))).toEqual([]);
      expect(verdicts(line(writer, 'snd_hda_intel 0000:00:1f.3: no codecs found!'))).toEqual([]);
    }
    // A user's program writing systemd's words about pipewire.service.
    const claim = { ...WRITERS.pipewire, _COMM: 'bash', _EXE: '/usr/bin/bash', _SYSTEMD_USER_UNIT: 'app-term.scope' };
    expect(
      verdicts(line(claim, "pipewire.service: Failed with result 'exit-code'.", 0, { USER_UNIT: 'pipewire.service' })),
    ).toEqual([]);
  });

  it('is never another user’s: their manager’s failure of their PipeWire, or their PipeWire’s device error', () => {
    const otherSlice = '/user.slice/user-1001.slice/user@1001.service';
    const theirManager = {
      ...WRITERS.userManager,
      _UID: '1001',
      _SYSTEMD_UNIT: 'user@1001.service',
      _SYSTEMD_CGROUP: `${otherSlice}/init.scope`,
    };
    const failure = pipewireCrashLoop.map((event) =>
      event.type === 'journal'
        ? journalEvent({
            ...event.entry.fields,
            ...theirManager,
            MESSAGE: event.entry.message,
            __REALTIME_TIMESTAMP: at(0),
          })
        : event,
    );
    expect(verdicts(...failure)).toEqual([]);
    const theirPipewire = {
      ...WRITERS.pipewire,
      _UID: '1001',
      _SYSTEMD_UNIT: 'user@1001.service',
      _SYSTEMD_CGROUP: `${otherSlice}/session.slice/pipewire.service`,
    };
    expect(verdicts(line(theirPipewire, "spa.alsa: 'hw:0,11': playback open failed: Device or resource busy"))).toEqual(
      [],
    );
  });

  it('believes the session’s manager and daemons only where the distribution installed their programs', () => {
    const copy = { ...WRITERS.pipewire, _EXE: '/home/user/.local/bin/pipewire' };
    expect(verdicts(line(copy, "spa.alsa: 'hw:0,11': playback open failed: Device or resource busy"))).toEqual([]);
    const nothingInstalled = new SoundUnavailableDetector(new Writers(1000));
    expect(reportsOf(runDetector(nothingInstalled, pipewireCrashLoop))).toEqual([]);
  });
});

describe('the audio units in the other detectors', () => {
  const raised = (detector: Detector, events: WatchEvent[]) =>
    reportsOf(runDetector(detector, events)).map((r) => r.subject);

  it('are left to the sound kind by unit-failed, crash-loop and crash; other units are not', () => {
    const dumped = (unit: string) => [
      manager(unit, `${unit}: Main process exited, code=dumped, status=11/SEGV`, 0),
      manager(unit, `${unit}: Failed with result 'core-dump'.`, 0),
      ...[1, 2, 3].map((n) => manager(unit, `${unit}: Scheduled restart job, restart counter is at ${n}.`, n)),
    ];
    for (const detector of [new UnitFailedDetector(), new CrashLoopDetector(), new CrashDetector()]) {
      expect(raised(detector, dumped('wireplumber.service')))
        .withContext(detector.kinds[0] ?? '')
        .toEqual([]);
      expect(raised(detector, dumped('foo.service')).length)
        .withContext(detector.kinds[0] ?? '')
        .toBeGreaterThan(0);
    }
  });
});

describe('the sound-unavailable playbook', () => {
  it('shows the writer’s own lines for a device, changing nothing', async () => {
    const playbook = soundKind.playbooks[SOUND_UNAVAILABLE];
    expect(playbook).toBeDefined();
    const finding = findingWithEvidence(SOUND_UNAVAILABLE, 'hw:0,11', {
      title: 'The sound device hw:0,11 could not be opened: Device or resource busy',
      firstSeen: new Date(0),
      evidence: [{ kind: 'journal', text: 'x', cursor: 's=1', journal: 'user', at: new Date(0) }],
    });
    const draft = await playbook!(finding, {} as PlaybookTools);
    expect(draft?.actions).toEqual([
      { name: 'info.show_logs', params: { scope: 'user', cursor: 's=1', sameWriter: true } },
    ]);
  });
});
