// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A desktop component's own unit failing (bluetooth.service, cups.service, systemd-timesyncd.service, the user's
// pipewire.service…) is a finding of the component's kind: the person meets "no Bluetooth", not "a unit failed".
// unit-failed and crash-loop leave these units to it (findings/writers.ts, areaOfUnit), so that one failure makes one
// finding. Believed from a service manager only (PID 1, or the session's user's own systemd as writers.ts proves
// it) and from systemd's D-Bus state; the finding resolves when systemd says the unit runs again.
import { shortSignalName } from '../causes/signals.js';
import {
  isJournal,
  isSystemManager,
  type JournalEvent,
  journalEvidence,
  unitOf,
} from '../findings/detectors/journal.js';
import { parseUnitFailure, type UnitFailure, unitFailureTitle } from '../findings/detectors/unitFailed.js';
import type { Detector, DetectorOutput } from '../findings/types.js';
import { areaOfUnit, type DesktopArea, type Writers } from '../findings/writers.js';
import type { WatchEvent } from '../watch/events.js';
import { reportedAtInfoOrGraver } from './componentLines.js';

// "pipewire.service: Main process exited, code=exited, status=255/EXCEPTION": how it ended, for the title.
const PROCESS_EXITED = /^(\S+): Main process exited, code=(exited|killed|dumped),? status=(\d+)(?:\/(\w+))?/i;
// The signals systemd takes for a clean end of any service (src/core/service.c, SUCCESS_EXIT_STATUS's defaults): its
// own SIGTERM at a stop, a hang-up, an interrupt, a closed pipe.
const CLEAN_SIGNALS = new Set(['HUP', 'INT', 'TERM', 'PIPE']);
// systemd's catalogued "A start job … has finished successfully" (JOB_RESULT=done): the unit runs again.
const MESSAGE_JOB_DONE = '39f53479d3a045ac8e11786248231fbf';
// The result line and the job's "Failed to start" come together: one report for both.
const SAME_FAILURE_MS = 2000;
/** Units remembered, bounded: a machine has a handful of each area's. */
const MAX_UNITS = 256;

export class ComponentUnitDetector implements Detector {
  readonly kinds: readonly string[];
  /** How each unit's main process last ended ("exit code 255", "signal ABRT"), for the title. */
  private readonly lastExit = new Map<string, string>();
  private readonly lastReport = new Map<string, number>();
  /** Units reported failed, so that a journal's "Started …" resolves only those and healthy logs stay silent. */
  private readonly failed = new Set<string>();
  /** Units reported from their main process's end, whose result line comes next. */
  private readonly exitReported = new Set<string>();

  constructor(
    private readonly area: DesktopArea,
    private readonly kind: string,
    private readonly writers: Writers,
    private readonly severity: 'warning' | 'error' = 'error',
  ) {
    this.kinds = [kind];
  }

  private owns(unit: string | undefined): unit is string {
    return unit !== undefined && areaOfUnit(unit) === this.area;
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type === 'unit') {
      if (!this.owns(event.state.unit)) return [];
      if (event.state.activeState === 'active') {
        this.failed.delete(event.state.unit);
        return [{ resolve: { kind: this.kind, subject: event.state.unit, at: event.at } }];
      }
      return this.unitFailure(event);
    }
    if (!isJournal(event)) return [];
    const { entry } = event;
    if (!isSystemManager(entry) && this.writers.provenWriter(entry)?.name !== 'user-manager') return [];
    const exited = PROCESS_EXITED.exec(entry.message);
    const exitedUnit = exited ? (unitOf(entry) ?? exited[1]) : undefined;
    if (exited && this.owns(exitedUnit)) {
      const ended = exited[2] === 'exited' ? `exit code ${exited[3]}` : `signal ${exited[4] ?? exited[3]}`;
      this.remember(this.lastExit, exitedUnit, ended);
      return this.mainProcessFailed(event, exitedUnit, exited);
    }
    const started = this.startedUnit(event);
    if (started && this.failed.delete(started))
      return [{ resolve: { kind: this.kind, subject: started, at: event.at } }];
    if (started) return [];
    return this.unitFailure(event);
  }

  /**
   * systemd's word that the unit's main process ended in failure (src/core/unit.c, unit_log_process_exit): a status
   * other than 0, a core dump, a signal systemd does not take for a clean end. systemd logs it at notice or warning
   * only where the unit failed by it (a clean end, or an exit its SuccessExitStatus= lists, is at debug); the result
   * line follows at once, and a report that quotes the journal may leave that out.
   */
  private mainProcessFailed(event: JournalEvent, unit: string, exited: RegExpExecArray): DetectorOutput[] {
    if (!reportedAtInfoOrGraver(event.entry)) return [];
    const [, , code, status = '', name] = exited;
    const signal = name ?? shortSignalName(Number(status)) ?? status;
    if (code === 'exited' ? status === '0' : code === 'killed' && CLEAN_SIGNALS.has(signal)) return [];
    const result = code === 'exited' ? 'exit-code' : code === 'dumped' ? 'core-dump' : 'signal';
    const exit = code === 'exited' ? `exit code ${status}` : `signal ${signal}`;
    const outputs = this.report(event, { unit, result, exit, evidence: journalEvidence(event), jobMessage: false });
    this.exitReported.add(unit);
    return outputs;
  }

  private unitFailure(event: WatchEvent): DetectorOutput[] {
    const failure = parseUnitFailure(event);
    if (!failure || !this.owns(failure.unit)) return [];
    const previous = this.lastReport.get(failure.unit);
    const repeat = previous !== undefined && event.at.getTime() - previous < SAME_FAILURE_MS;
    // The result line after the main process's failure already reported, the job's "Failed to start" and the D-Bus
    // state repeat the failure of the same moment.
    const afterExit = this.exitReported.delete(failure.unit);
    if (repeat && (afterExit || failure.jobMessage || failure.restates || failure.evidence.kind !== 'journal'))
      return [];
    return this.report(event, failure);
  }

  private report(event: WatchEvent, failure: UnitFailure): DetectorOutput[] {
    this.remember(this.lastReport, failure.unit, event.at.getTime());
    if (this.failed.size >= MAX_UNITS) this.failed.clear();
    this.failed.add(failure.unit);
    const exit = failure.exit ?? this.lastExit.get(failure.unit);
    return [
      {
        report: {
          kind: this.kind,
          severity: this.severity,
          subject: failure.unit,
          title: unitFailureTitle({ ...failure, exit }),
          evidence: [failure.evidence],
          at: event.at,
        },
      },
    ];
  }

  private remember<T>(map: Map<string, T>, unit: string, value: T): void {
    if (map.size >= MAX_UNITS && !map.has(unit)) map.clear();
    map.set(unit, value);
  }

  private startedUnit(event: JournalEvent): string | undefined {
    const { MESSAGE_ID: id, JOB_TYPE: type, JOB_RESULT: result } = event.entry.fields;
    if (id !== MESSAGE_JOB_DONE || type !== 'start' || result !== 'done') return undefined;
    const unit = unitOf(event.entry);
    return this.owns(unit) ? unit : undefined;
  }
}
