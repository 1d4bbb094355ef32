// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// sound-unavailable: the session has no sound. Three writers are believed, each by journald's trusted fields
// (findings/writers.ts: another user's manager or daemon never speaks for this session):
// - a service manager (the session's user's own systemd, or PID 1 for a system-wide PipeWire) saying an audio daemon's unit
//   (pipewire, pipewire-pulse, wireplumber, pulseaudio) failed, hit its start limit or dumped core, and systemd's
//   D-Bus state of those units; these failures are this kind's alone (unit-failed, crash-loop and crash leave them);
// - the audio daemons themselves, in their own units, saying a device could not be opened or is gone (lines.ts);
// - the kernel's sound drivers saying a card did not come up (no codec, SOF firmware or topology missing).
// A unit's finding resolves when systemd says the unit runs again.
import {
  isJournal,
  isKernel,
  isSystemManager,
  type JournalEvent,
  journalEvidence,
  unitOf,
} from '../../findings/detectors/journal.js';
import { parseUnitFailure, unitFailureTitle } from '../../findings/detectors/unitFailed.js';
import type { Detector, DetectorOutput, Evidence } from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import type { WatchEvent } from '../../watch/events.js';
import { daemonProblem, type DeviceProblem, kernelProblem } from './lines.js';
import { audioDaemonOf, isAudioUnit } from './units.js';

export const SOUND_UNAVAILABLE = 'sound-unavailable';

// "pipewire.service: Main process exited, code=exited, status=255/EXCEPTION": how it ended, for the title.
const PROCESS_EXITED = /^(\S+): Main process exited, code=(exited|killed|dumped),? status=(\d+)(?:\/(\w+))?/i;
// systemd's catalogued "A start job … has finished successfully" (JOB_RESULT=done): the unit runs again.
const MESSAGE_JOB_DONE = '39f53479d3a045ac8e11786248231fbf';
// The result line and the job's "Failed to start" come together: one report for both.
const SAME_FAILURE_MS = 2000;

export class SoundUnavailableDetector implements Detector {
  readonly kinds = [SOUND_UNAVAILABLE];
  /** How each audio unit's main process last ended ("exit code 255", "signal ABRT"), for the title. */
  private readonly lastExit = new Map<string, string>();
  private readonly lastReport = new Map<string, number>();
  /** Units reported failed, so that a journal's "Started …" resolves only those and healthy logs stay silent. */
  private readonly failed = new Set<string>();

  constructor(private readonly writers: Writers) {}

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type === 'unit') {
      if (!isAudioUnit(event.state.unit)) return [];
      if (event.state.activeState === 'active') {
        this.failed.delete(event.state.unit);
        return [{ resolve: { kind: SOUND_UNAVAILABLE, subject: event.state.unit, at: event.at } }];
      }
      return this.unitFailure(event);
    }
    if (!isJournal(event)) return [];
    const { entry } = event;
    if (isSystemManager(entry) || this.writers.provenWriter(entry)?.name === 'user-manager')
      return this.managerLine(event);
    if (isKernel(entry)) return this.deviceLine(event, kernelProblem(entry), undefined);
    const daemon = audioDaemonOf(entry, this.writers);
    return daemon ? this.deviceLine(event, daemonProblem(daemon.program, entry), daemon.unit) : [];
  }

  private managerLine(event: JournalEvent): DetectorOutput[] {
    const { entry } = event;
    const exited = PROCESS_EXITED.exec(entry.message);
    const exitedUnit = exited ? (unitOf(entry) ?? exited[1]) : undefined;
    if (exited && exitedUnit && isAudioUnit(exitedUnit)) {
      const ended = exited[2] === 'exited' ? `exit code ${exited[3]}` : `signal ${exited[4] ?? exited[3]}`;
      this.lastExit.set(exitedUnit, ended);
      return [];
    }
    const started = this.startedUnit(event);
    if (started && this.failed.delete(started))
      return [{ resolve: { kind: SOUND_UNAVAILABLE, subject: started, at: event.at } }];
    if (started) return [];
    return this.unitFailure(event);
  }

  private unitFailure(event: WatchEvent): DetectorOutput[] {
    const failure = parseUnitFailure(event);
    if (!failure || !isAudioUnit(failure.unit)) return [];
    const previous = this.lastReport.get(failure.unit);
    const repeat = previous !== undefined && event.at.getTime() - previous < SAME_FAILURE_MS;
    // The job's "Failed to start" and the D-Bus state repeat the result line of the same moment.
    if (repeat && (failure.jobMessage || failure.restates || failure.evidence.kind !== 'journal')) return [];
    this.lastReport.set(failure.unit, event.at.getTime());
    this.failed.add(failure.unit);
    const exit = failure.exit ?? this.lastExit.get(failure.unit);
    return [this.report(failure.unit, unitFailureTitle({ ...failure, exit }), failure.evidence, event.at)];
  }

  private deviceLine(event: JournalEvent, problem: DeviceProblem | null, unit: string | undefined): DetectorOutput[] {
    if (!problem) return [];
    const subject = problem.device ?? unit;
    return subject ? [this.report(subject, problem.title, journalEvidence(event), event.at)] : [];
  }

  private report(subject: string, title: string, evidence: Evidence, at: Date): DetectorOutput {
    return { report: { kind: SOUND_UNAVAILABLE, severity: 'error', subject, title, evidence: [evidence], at } };
  }

  private startedUnit(event: JournalEvent): string | undefined {
    const { MESSAGE_ID: id, JOB_TYPE: type, JOB_RESULT: result } = event.entry.fields;
    if (id !== MESSAGE_JOB_DONE || type !== 'start' || result !== 'done') return undefined;
    const unit = unitOf(event.entry);
    return unit && isAudioUnit(unit) ? unit : undefined;
  }
}
