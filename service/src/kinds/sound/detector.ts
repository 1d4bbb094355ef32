// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// sound-unavailable: the session has no sound. Three writers are believed, each by journald's trusted fields
// (findings/writers.ts: another user's manager or daemon never speaks for this session):
// - a service manager (the session's user's own systemd, or PID 1 for a system-wide PipeWire) saying an audio daemon's unit
//   (pipewire, pipewire-pulse, wireplumber, pulseaudio) failed, hit its start limit or dumped core, and systemd's
//   D-Bus state of those units; these failures are this kind's alone (unit-failed, crash-loop and crash leave them);
// - the audio daemons themselves, in their own units, saying a device could not be opened or is gone (lines.ts);
// - the kernel's sound drivers saying a card did not come up (no codec, SOF firmware or topology missing), and their
//   other errors unless the driver core puts off the probe they were logged in.
// A unit's finding resolves when systemd says the unit runs again.
import { componentFailure } from '../../desktop/componentFailure.js';
import { kernelComponentOf } from '../../desktop/componentLines.js';
import { ComponentUnitDetector } from '../../desktop/componentUnits.js';
import {
  isJournal,
  isKernel,
  isSystemManager,
  type JournalEvent,
  journalEvidence,
} from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput, Evidence, HeldOutput } from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { isCoredumpRecord } from '../crash/coredumpDetector.js';
import { daemonProblem, type DeviceProblem, kernelProblem } from './lines.js';
import { ProbeAttempts } from './probeAttempts.js';
import { AUDIO_DAEMONS, audioDaemonOf, daemonSubject } from './units.js';

export const SOUND_UNAVAILABLE = 'sound-unavailable';

// The device a sound daemon's line names: an ALSA device ("hw:0,3", "front:1"), a PipeWire node or card
// ("alsa_output.pci-0000_00_1f.3.analog-stereo", "bluez_card.AC_80_0A_2E_8E_1D").
const SOUND_DEVICE =
  /\b((?:hw|plughw|front|surround\d+|iec958|hdmi|sysdefault|dmix|dsnoop):[\w,]+|(?:alsa|bluez)_(?:output|input|card)\.[\w.:-]+)/;

// ASoC's dynamic PCM front end opened with no back end routed to it (sound/soc/soc-pcm.c, dpcm_fe_dai_prepare: "ASoC:
// no backend DAIs enabled for fe.dai-link-0, possibly missing ALSA mixer-based routing or UCM profile"), then its
// -EINVAL through soc_pcm_ret ("ASoC: error at dpcm_fe_dai_prepare on fe.dai-link-0: -22"): a program opened a PCM whose
// route the mixer has not set, as the sound servers do probing every PCM of a card. A route is the sound server's
// state to set (UCM), and whether the session's sound plays is its state to say (stateDetector.ts): the kernel's
// note raises nothing, nor the front end's error that follows it.
const NO_ROUTE = /^ASoC: no backend DAIs enabled for ([^,\s]+)/;
const FRONT_END_EINVAL = /^ASoC: error at dpcm_fe_dai_\w+ on (\S+): -22$/;
// A DAI refusing a stream at its opening with ENODEV, through soc_pcm_ret ("hdmi-audio-codec hdmi-audio-codec.1.auto:
// ASoC: error at snd_soc_dai_startup on i2s-hifi: -19"): the device it plays to is not there now, as HDMI and
// DisplayPort codecs answer while no display that takes audio is connected (hdmi-codec's audio_startup; vc4 "treats
// the codec dai as missing"). The program that opened it is told, and the card works (raspberrypi/linux#4575).
const OPENED_WITHOUT_SINK =
  /^ASoC: error at (?:snd_soc_dai_startup|__soc_pcm_open|soc_pcm_open|snd_soc_link_startup|dpcm_(?:fe|be)_dai_startup) on \S+: -19$/;

export class SoundUnavailableDetector implements Detector {
  readonly kinds = [SOUND_UNAVAILABLE];
  /** The front ends the kernel said had no back end routed, by their link's name. */
  private readonly unrouted = new Set<string>();
  /** The audio daemons' units failing, from their manager's lines and systemd's D-Bus state. */
  private readonly units: ComponentUnitDetector;
  /** The sound drivers' errors while their devices are probed, until each probe is seen not to be put off. */
  private readonly probes = new ProbeAttempts();

  constructor(private readonly writers: Writers) {
    this.units = new ComponentUnitDetector('sound', SOUND_UNAVAILABLE, writers);
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return this.units.detect(event);
    return [...this.probes.due(event.at.getTime()), ...this.line(event)];
  }

  heldUntil(): number | undefined {
    return this.probes.heldUntil();
  }

  expire(now: number): HeldOutput[] {
    return this.probes.expire(now);
  }

  private line(event: JournalEvent): DetectorOutput[] {
    const { entry } = event;
    if (isSystemManager(entry) || this.writers.provenWriter(entry)?.name === 'user-manager')
      return this.units.detect(event);
    if (isKernel(entry)) return this.kernelLine(event);
    if (isCoredumpRecord(entry.fields)) return this.daemonCrash(event);
    const daemon = audioDaemonOf(entry, this.writers);
    const problem = daemon ? daemonProblem(daemon.program, entry) : null;
    return this.deviceLine(event, problem, daemon && daemonSubject(entry, daemon));
  }

  /**
   * systemd-coredump's record of an audio daemon of this session dumping core: its installed program, the session's
   * user's process. The coredump finding says where it crashed; this one that the session has no sound.
   */
  private daemonCrash(event: JournalEvent): DetectorOutput[] {
    const { COREDUMP_EXE: exe, COREDUMP_UID: uid } = event.entry.fields;
    if (uid !== String(this.writers.sessionUid)) return [];
    const daemon = AUDIO_DAEMONS.find((candidate) => this.writers.isProgramOf(candidate.program, exe));
    if (!daemon) return [];
    const title = format(_('{program} crashed: the session has no sound until it runs again'), {
      program: daemon.program,
    });
    return [this.report(daemon.unit, title, journalEvidence(event), event.at)];
  }

  /**
   * A sound driver's line: what it says of its card, or an error of its own words while the card is probed, which
   * waits to see whether the driver core puts that probe off (probeAttempts.ts).
   */
  private kernelLine(event: JournalEvent): DetectorOutput[] {
    const { entry } = event;
    if (this.unroutedFrontEnd(entry) || OPENED_WITHOUT_SINK.test(kernelComponentOf(entry)?.rest ?? '')) return [];
    this.probes.forgetDeferred(entry);
    const problem = kernelProblem(entry);
    const outputs = this.deviceLine(event, problem, undefined);
    if (problem || outputs.length === 0) return outputs;
    return this.probes.hold(event, outputs) ? [] : outputs;
  }

  /** Whether the kernel's line is a front end opened with no route, or its error that follows. */
  private unroutedFrontEnd(entry: JournalEvent['entry']): boolean {
    const rest = kernelComponentOf(entry)?.rest ?? '';
    const opened = NO_ROUTE.exec(rest)?.[1];
    if (opened !== undefined) this.unrouted.add(opened);
    const failed = FRONT_END_EINVAL.exec(rest)?.[1];
    return opened !== undefined || (failed !== undefined && this.unrouted.has(failed));
  }

  /** A component's error line that names no device problem of its own is still the sound kind's. */
  claims(event: WatchEvent): boolean {
    return isJournal(event) && componentFailure('sound', event.entry, this.writers) !== null;
  }

  private deviceLine(event: JournalEvent, problem: DeviceProblem | null, unit: string | undefined): DetectorOutput[] {
    if (problem) {
      const subject = problem.device ?? unit;
      if (subject) return [this.report(subject, problem.title, journalEvidence(event), event.at)];
    }
    const failure = componentFailure('sound', event.entry, this.writers);
    if (!failure?.raise) return [];
    const subject = failure.device ?? SOUND_DEVICE.exec(event.entry.message)?.[1] ?? unit ?? failure.component;
    return [this.report(subject, failure.title, journalEvidence(event), event.at, failure.severity)];
  }

  private report(
    subject: string,
    title: string,
    evidence: Evidence,
    at: Date,
    severity: 'warning' | 'error' = 'error',
  ): DetectorOutput {
    return { report: { kind: SOUND_UNAVAILABLE, severity, subject, title, evidence: [evidence], at } };
  }
}
