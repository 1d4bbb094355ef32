// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// unit-failed: a systemd unit failed, seen in the journal (messages of PID 1 or
// the user manager) or as a unit state change from the systemd1 D-Bus API.
import { shortSignalName } from '../../causes/signals.js';
import { briefResult } from '../../causes/systemdResult.js';
import { systemErrorIn } from '../../causes/systemError.js';
import { _, format } from '../../i18n.js';
import type { JournalEntry, UnitState, WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput, Evidence, FindingReport } from '../types.js';
import { areaOfUnit } from '../writers.js';
import { isKernel, isServiceManager, type JournalEvent, journalEvidence, unitOf } from './journal.js';
import { UnitLog } from './unitLog.js';

export const UNIT_FAILED = 'unit-failed';

// Message IDs from systemd's catalog (catalog/systemd.catalog.in; src/systemd/sd-messages.h).
export const MESSAGE_UNIT_FAILURE_RESULT = 'd9b373ed55a64feb8242e02dbe79a49c'; // "Unit failed", UNIT_RESULT=
const MESSAGE_UNIT_PROCESS_EXIT = '98e322203f7a4ed290d09fe03c09fe15'; // "Unit process exited", EXIT_CODE= EXIT_STATUS=
const MESSAGE_JOB_FAILED = 'be02cf6855d2428ba40df7e9d022f03d'; // "A start job for unit @UNIT@ has failed", JOB_RESULT=
const MESSAGE_JOB_DONE = '39f53479d3a045ac8e11786248231fbf'; // "A start job … has finished successfully"

// "foo.service: Failed with result 'exit-code'." (systemd 233+: service.c, and the same for sockets, mounts…)
const FAILED_WITH_RESULT = /^(\S+): Failed with result '([\w-]+)'\.?$/;
// Before systemd 233: "Unit foo.service entered failed state." and "foo.service: Unit entered failed state."
const ENTERED_FAILED_STATE = /^(?:Unit (\S+) entered failed state|(\S+): Unit entered failed state)\.?$/;
// "foo.service: Main process exited, code=exited, status=1/FAILURE" ("main process" before systemd 233; systemd
// 219 of CentOS 7 also wrote "control process exited, code=exited status=1", no comma and no name)
const PROCESS_EXITED =
  /^(\S+): (?:Main|Control) process exited, code=(exited|killed|dumped),? status=(\d+)(?:\/(\w+))?/i;
// PID 1 gave up waiting for a start: "foo.service: start operation timed out. Terminating." (service.c; "Start"
// since v250; "start-pre", "start-post"; "Killing."/"Aborting." with TimeoutStartFailureMode=). The unit fails once
// it is stopped, up to its stop timeout later; a report cut short there never says so.
const START_TIMED_OUT =
  /^(\S+): start(?:-pre|-post)? operation timed out\. (?:Terminating|Killing|Aborting|Stopping)\.?$/i;
// How long after a start timeout the unit's failure still belongs to it: TimeoutStopSec= (90 s by default) and more.
const STOPPING_AFTER_TIMEOUT_MS = 10 * 60_000;
// "Failed to start foo.service - Foo Daemon." (253+) or "Failed to start Foo Daemon." (252 and before)
const FAILED_TO_START = /^Failed to start (.+?)\.?$/;
// The start job results that mean the unit itself did not start ("dependency" blames another unit, reported there).
const FAILED_JOB_RESULTS = new Set(['failed', 'timeout']);
// What /etc/fstab makes: a mount (or swap) whose device never came ("Dependency failed for srv-photos.mount") is the
// finding, about the line a person wrote; the device's own job ("Timed out waiting for device dev-disk-by\x2duuid-…",
// "unsupported" in a container) is nothing to fix by itself, and the unit that needed it says so.
const FSTAB_UNIT = /\.(?:mount|swap|automount)$/;

/** Whether a start job's result says `unit` failed, rather than a unit it needed (reported there). */
function jobFailed(unit: string, result: string): boolean {
  if (unit.endsWith('.device')) return false;
  return FAILED_JOB_RESULTS.has(result) || (result === 'dependency' && FSTAB_UNIT.test(unit));
}
// "Failed to locate executable /usr/bin/foo: No such file or directory" (252), "Unable to locate
// executable '/usr/bin/foo': …" (254+), "Failed at step EXEC spawning /usr/bin/foo: …" (older).
const MISSING_EXECUTABLE =
  /(?:Failed to locate executable|Unable to locate executable|Failed at step EXEC spawning) '?(\/[^\s':]+)'?: No such file or directory/;
const UNIT_NAME = /^[\w@:.\\-]+\.(?:service|socket|mount|automount|swap|target|path|timer|slice|scope|device)$/;
// PID 1 could not queue a unit's start because a unit it requires is masked (transaction.c): "foo.service: Cannot
// add dependency job, ignoring: Unit bar.service is masked." (v240+), "Cannot add dependency job for unit
// foo.service, ignoring: Unit bar.service is masked." (before).
const MASKED_REQUIREMENT =
  /^(?:([\w@:.\\-]+): Cannot add dependency job|Cannot add dependency job for unit ([\w@:.\\-]+)), ignoring: Unit ([\w@:.\\-]+) is masked\.?$/;
// PID 1 waiting for a forking daemon's PID file (service.c): "foo.service: Can't open PID file /run/foo.pid (yet?)
// after start: No such file or directory" (systemd 241+, the path quoted since 255), "PID file /run/foo.pid not
// readable (yet?) after start." before. Alone it is a harmless race; with a failed start it is the cause.
export const PID_FILE_MISSING =
  /(?:Can't open PID file|PID file) '?(\/[^\s']+?)'? (?:not readable )?\(yet\?\) after start/;
// PID 1's line giving a setup step's exit status ("status=203/EXEC"): why the unit failed, kept with its lines.
const SETUP_STATUS = /code=exited,? status=2[0-4]\d\b/;
// PID 1's word that a job for the unit was refused because a unit it needs is masked ("gym-app.service: Failed to
// schedule restart job: Unit gym-db.service is masked."): why it failed, kept with its lines too.
const MASKED_UNIT = /Unit [\w@:.\\-]+ is masked/;
// A unit's start job and its "Failed with result" line arrive together: count them once.
const SAME_FAILURE_MS = 2000;
// journald reads a program's stdout and syslog apart from PID 1's native socket, and Steward hears a unit's state over
// D-Bus before it reads the journal: the unit's own last lines may come just after its failure was reported.
const LATE_LINE_MS = 2000;
const MAX_UNITS = 4096;
const LOG_ERR = 3;
// What a unit logged an hour before it failed says nothing of why: a unit that ran quietly for days keeps its last lines.
const UNIT_LINES_MAX_AGE_MS = 10 * 60_000;

/**
 * The manager's own error about a unit, other than the lines that say it failed: why (log_unit_error(): "Failed to
 * load environment files: No such file or directory", "Failed to create listening socket ([::]:80): Address already
 * in use"). The job's own "Failed to start …" and "Failed to listen on …" carry JOB_RESULT.
 */
function isReason(entry: JournalEntry): boolean {
  return (
    entry.priority !== undefined &&
    entry.priority <= LOG_ERR &&
    entry.fields.JOB_RESULT === undefined &&
    entry.fields.MESSAGE_ID !== MESSAGE_JOB_FAILED &&
    !FAILED_TO_START.test(entry.message)
  );
}

/**
 * The unit a helper process of PID 1 speaks for: systemd forks one to bind a socket unit's address in the unit's
 * cgroup ("(sd-listen)": "Failed to create listening socket ([::]:80): Address already in use"); it runs as root in
 * init.scope, where only the manager's own processes run, and names the unit in UNIT=. Any other process's
 * line belongs to the unit it runs in (undefined: the UnitLog's own choice).
 */
function managerHelperUnit(entry: JournalEntry): string | undefined {
  const { _SYSTEMD_UNIT: unit, _UID: uid, UNIT: named } = entry.fields;
  return unit === 'init.scope' && uid === '0' && named !== undefined && UNIT_NAME.test(named) ? named : undefined;
}

/** The executable a unit could not start because it is missing, from systemd's line saying so. */
export function missingExecutableIn(text: string): string | null {
  return MISSING_EXECUTABLE.exec(text)?.[1] ?? null;
}

/** A unit whose start PID 1 could not queue because a unit it requires is masked. */
function maskedRequirement(event: JournalEvent): UnitFailure | null {
  const match = MASKED_REQUIREMENT.exec(event.entry.message);
  const unit = match?.[1] ?? match?.[2];
  if (!unit || !UNIT_NAME.test(unit)) return null;
  return { unit, result: 'masked-requirement', evidence: journalEvidence(event), jobMessage: false };
}

/** A unit failure read from one event: what unit-failed and config-changed-before-failure look for. */
export interface UnitFailure {
  unit: string;
  /** The unit's Result ('exit-code', 'signal', 'timeout'…) when the event says. */
  result?: string;
  /** "exit code 1", "signal SEGV": how the main process ended, when known. */
  exit?: string;
  evidence: Evidence;
  /** Whether the event is systemd's "Failed to start" job message (which repeats the result line). */
  jobMessage: boolean;
  /** Whether the line only restates a failure another line of the same moment tells (old "entered failed state"). */
  restates?: boolean;
  /** Whether the line is PID 1 giving up on a start: the unit's own failure follows once it is stopped. */
  startTimedOut?: boolean;
}

/** The unit failure an event reports, or null. Structure first: the catalogued message and its fields, then the words. */
export function parseUnitFailure(event: WatchEvent): UnitFailure | null {
  if (event.type === 'unit') return unitStateFailure(event.state, event.at);
  if (event.type !== 'journal' || !isServiceManager(event.entry)) return null;
  const entry = event.entry;
  const { MESSAGE_ID: id, UNIT_RESULT: unitResult, JOB_TYPE: jobType, JOB_RESULT: jobResult } = entry.fields;
  const result = id === MESSAGE_UNIT_FAILURE_RESULT ? null : FAILED_WITH_RESULT.exec(entry.message);
  if (id === MESSAGE_UNIT_FAILURE_RESULT || result) {
    const unit = unitOf(entry) ?? result?.[1];
    if (!unit) return null;
    return { unit, result: unitResult ?? result?.[2], evidence: journalEvidence(event), jobMessage: false };
  }
  const timedOut = START_TIMED_OUT.exec(entry.message);
  if (timedOut) {
    const unit = unitOf(entry) ?? timedOut[1];
    return unit && UNIT_NAME.test(unit)
      ? { unit, result: 'timeout', evidence: journalEvidence(event), jobMessage: false, startTimedOut: true }
      : null;
  }
  const entered = ENTERED_FAILED_STATE.exec(entry.message);
  if (entered) {
    const unit = unitOf(entry) ?? entered[1] ?? entered[2];
    // Old systemd wrote it with the job's "Failed to start": count the pair once, as for the result line.
    return unit ? { unit, evidence: journalEvidence(event), jobMessage: false, restates: true } : null;
  }
  if (id === MESSAGE_JOB_FAILED) {
    if (jobType !== undefined && jobType !== 'start') return null;
  } else if (id !== undefined) return null;
  const started = id === MESSAGE_JOB_FAILED ? null : FAILED_TO_START.exec(entry.message);
  if (id !== MESSAGE_JOB_FAILED && !started) return null;
  const unit = unitOf(entry) ?? (started?.[1] ?? '').replace(/ - .*/, '');
  if (!UNIT_NAME.test(unit)) return null;
  if (jobResult !== undefined && !jobFailed(unit, jobResult)) return null;
  return { unit, result: jobResult, evidence: journalEvidence(event), jobMessage: true };
}

function unitStateFailure(state: UnitState, at: Date): UnitFailure | null {
  if (state.activeState !== 'failed') return null;
  let exit: string | undefined;
  if (state.result === 'exit-code' && state.exitCode !== undefined) exit = `exit code ${state.exitCode}`;
  if ((state.result === 'signal' || state.result === 'core-dump') && state.exitCode !== undefined)
    exit = `signal ${bareSignalName(state.exitCode)}`;
  const detail = [state.result && `result ${state.result}`, exit].filter(Boolean).join(', ');
  return {
    unit: state.unit,
    result: state.result,
    exit,
    evidence: {
      kind: 'text',
      text: format(failedUnitTemplate(state.scope, detail !== ''), { unit: state.unit, detail }),
      at,
    },
    jobMessage: false,
  };
}

function failedUnitTemplate(scope: UnitState['scope'], withDetail: boolean): string {
  // Translators: {detail} is systemd's own words, such as "result exit-code, exit code 1".
  if (scope === 'user')
    return withDetail ? _('your service {unit} has failed ({detail})') : _('your service {unit} has failed');
  return withDetail ? _('system service {unit} has failed ({detail})') : _('system service {unit} has failed');
}

function signalOrStatus(code: string | undefined, status: string): string {
  return code === 'exited' || !/^\d+$/.test(status) ? status : bareSignalName(Number(status));
}

const bareSignalName = (signal: number) => shortSignalName(signal) ?? String(signal);

/** "(exit code 1)", "(timed out)": why, in the words a person would use. */
function reason(result: string | undefined, exit: string | undefined): string {
  switch (result) {
    case undefined:
    case 'failed':
      return exit ? describeExit(exit) : '';
    case 'masked-requirement':
      return _('a service it requires is masked');
    // These results say more than how the process ended.
    case 'timeout':
    case 'start-limit-hit':
    case 'oom-kill':
    case 'watchdog':
      return briefResult(result) ?? result;
    case 'signal':
    case 'core-dump':
      return exit ? describeExit(exit, true) : (briefResult(result) ?? result);
    default:
      return exit ? describeExit(exit) : (briefResult(result) ?? result);
  }
}

/** "exit code 1", "signal KILL" (kept in English in the evidence) in the user's words. */
function describeExit(exit: string, killed = false): string {
  const signal = /^signal (\S+)$/.exec(exit)?.[1];
  if (signal !== undefined) return format(killed ? _('killed by SIG{signal}') : _('signal {signal}'), { signal });
  const code = /^exit code (\S+)$/.exec(exit)?.[1];
  return code === undefined ? exit : format(_('exit code {code}'), { code });
}

export function unitFailureTitle(failure: Pick<UnitFailure, 'unit' | 'result' | 'exit'>): string {
  const why = reason(failure.result, failure.exit);
  // Translators: {reason} says how, such as "exit code 1" or "timed out".
  return why
    ? format(_('{unit} failed ({reason})'), { unit: failure.unit, reason: why })
    : format(_('{unit} failed'), { unit: failure.unit });
}

// systemd's words for a failure, written by a process that is not a service manager.
const CLAIMED_UNIT = String.raw`[\w@:.\\-]+\.(?:service|socket|mount|automount|swap|target|path|timer|slice|device)`;
const CLAIMS = [
  new RegExp(String.raw`^(${CLAIMED_UNIT}): Failed with result '[\w-]+'\.?$`),
  new RegExp(String.raw`^Failed to start (${CLAIMED_UNIT})(?: - .*)?\.?$`),
];

/**
 * A program other than systemd writing that a unit failed: its claim, not systemd's word. The pipeline
 * attributes the finding to that program, and the proposer asks systemd before proposing anything for it.
 */
function claimedFailure(event: JournalEvent): DetectorOutput[] {
  const { entry } = event;
  if (isKernel(entry) || !entry.message.includes('ailed')) return [];
  const unit = CLAIMS.map((claim) => claim.exec(entry.message)?.[1]).find(Boolean);
  if (!unit) return [];
  // Translators: a program other than systemd wrote that a unit failed; systemd has not confirmed it.
  const title = format(_('A program says {unit} failed'), { unit });
  return [
    {
      report: {
        kind: UNIT_FAILED,
        severity: 'warning',
        subject: unit,
        title,
        evidence: [journalEvidence(event)],
        at: event.at,
      },
    },
  ];
}

export class UnitFailedDetector implements Detector {
  readonly kinds = [UNIT_FAILED];
  /** How each unit's last process ended, from "Main process exited" lines, for the title. */
  private readonly lastExit = new Map<string, string>();
  private readonly lastReport = new Map<string, number>();
  /** Units whose start timed out, and when: their failure, once they are stopped, is that one's. */
  private readonly timedOut = new Map<string, number>();
  /** Units reported failed, so that "Started …" resolves only those and healthy logs stay silent. */
  private readonly failed = new Set<string>();
  /** Units the manager said are active, so that repeated state signals do not resolve again. */
  private readonly active = new Set<string>();
  private readonly unitLog = new UnitLog();
  /** Each unit's failure as last reported: its own lines that come just after it are that failure's. */
  private readonly lastFailure = new Map<string, FindingReport>();
  /**
   * Units whose last failure has its line with a system error already: the stack frames and fields after it say no
   * more, and a finding keeps only its first and latest lines (findings/store.ts), which they would push it out of.
   */
  private readonly errorTold = new Set<string>();

  /**
   * The service manager's error about a unit is the unit's: why it failed (kept for its report), or that its job failed
   * ("Failed to start …"), which counts on the unit's finding even where the unit's state or the line before reported
   * it already and this line reports nothing new. No other detector reads them as errors of the manager's own.
   */
  claims(event: WatchEvent): boolean {
    return (
      event.type === 'journal' &&
      isServiceManager(event.entry) &&
      event.entry.priority !== undefined &&
      event.entry.priority <= LOG_ERR &&
      unitOf(event.entry) !== undefined
    );
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type === 'unit') return this.unitState(event.state, event.at, event);
    if (event.type !== 'journal') return [];
    if (!isServiceManager(event.entry)) {
      const unit = this.unitLog.remember(event, managerHelperUnit(event.entry));
      return [...claimedFailure(event), ...(unit ? this.lateLine(unit, event.at) : [])];
    }
    // systemd's own word that the program is missing belongs with the unit's lines: it says what to install.
    const unit = unitOf(event.entry) ?? PROCESS_EXITED.exec(event.entry.message)?.[1];
    const message = event.entry.message;
    if (
      unit &&
      (missingExecutableIn(message) ||
        SETUP_STATUS.test(message) ||
        MASKED_UNIT.test(message) ||
        PID_FILE_MISSING.test(message) ||
        isReason(event.entry))
    )
      this.unitLog.remember(event, unit);
    const masked = maskedRequirement(event);
    if (masked) return this.report(masked, event.at);
    this.rememberExit(event.entry);
    const started = this.startedUnit(event.entry);
    if (started) this.timedOut.delete(started);
    if (started && this.failed.delete(started))
      return [{ resolve: { kind: UNIT_FAILED, subject: started, at: event.at } }];
    const failure = parseUnitFailure(event);
    return failure ? this.report(failure, event.at) : [];
  }

  private unitState(state: UnitState, at: Date, event: WatchEvent): DetectorOutput[] {
    if (state.activeState === 'active') {
      this.lastReport.delete(state.unit);
      this.timedOut.delete(state.unit);
      // Resolve once per recovery; a unit first seen active may have a finding left from before a restart.
      const known = this.active.has(state.unit) && !this.failed.has(state.unit);
      this.failed.delete(state.unit);
      if (this.active.size > MAX_UNITS) this.active.clear();
      this.active.add(state.unit);
      return known ? [] : [{ resolve: { kind: UNIT_FAILED, subject: state.unit, at } }];
    }
    const failure = parseUnitFailure(event);
    return failure ? this.report(failure, at) : [];
  }

  private report(failure: UnitFailure, at: Date): DetectorOutput[] {
    // A desktop component's unit failing is its kind's finding (no sound, no Bluetooth, the clock not set): one
    // failure, one finding (desktop/componentUnits.ts).
    if (areaOfUnit(failure.unit)) return [];
    const previous = this.lastReport.get(failure.unit);
    const repeat = previous !== undefined && at.getTime() - previous < SAME_FAILURE_MS;
    // The failure a start timeout ends in, once the unit is stopped (its state, result and job lines): the
    // timeout's line told it.
    const timedOut = this.timedOut.get(failure.unit);
    if (
      !failure.startTimedOut &&
      timedOut !== undefined &&
      (failure.jobMessage || failure.result === 'timeout') &&
      at.getTime() - timedOut < STOPPING_AFTER_TIMEOUT_MS
    )
      return [];
    // The result line comes first; the job message and the D-Bus state change repeat it.
    if (repeat && (failure.jobMessage || failure.restates || failure.evidence.kind !== 'journal')) return [];
    // Or the D-Bus state came first (journald late on a busy machine): the result line is that failure's.
    const stateFirst = repeat && this.lastFailure.get(failure.unit)?.evidence[0]?.kind !== 'journal';
    // Transient units (run-u123.service, app scopes) come and go: keep the memory bounded.
    if (this.lastReport.size > MAX_UNITS) this.lastReport.clear();
    this.lastReport.set(failure.unit, at.getTime());
    if (failure.startTimedOut) {
      if (this.timedOut.size > MAX_UNITS) this.timedOut.clear();
      this.timedOut.set(failure.unit, at.getTime());
    }
    if (this.failed.size > MAX_UNITS) this.failed.clear();
    this.failed.add(failure.unit);
    const exit = failure.exit ?? this.lastExit.get(failure.unit);
    this.lastExit.delete(failure.unit);
    const title =
      failure.jobMessage && !exit && failure.result !== 'timeout'
        ? format(_('{unit} failed to start'), { unit: failure.unit })
        : unitFailureTitle({ ...failure, exit });
    const report: FindingReport = {
      kind: UNIT_FAILED,
      severity: 'error',
      subject: failure.unit,
      title,
      evidence: [failure.evidence, ...this.recentLines(failure.unit, at)],
      at,
    };
    if (stateFirst) {
      this.noteError(failure.unit, report.evidence);
      return [{ report: { ...report, sameOccurrence: true } }];
    }
    if (this.lastFailure.size > MAX_UNITS) this.lastFailure.clear();
    this.lastFailure.set(failure.unit, report);
    this.errorTold.delete(failure.unit);
    this.noteError(failure.unit, report.evidence);
    return [{ report }];
  }

  /**
   * The failure of `unit` reported before its own line of `at` was read, again with that line: a line written before
   * the failure (read late on a busy machine), or at most LATE_LINE_MS after it.
   */
  private lateLine(unit: string, at: Date): DetectorOutput[] {
    const failure = this.lastFailure.get(unit);
    if (!failure || !this.failed.has(unit)) return [];
    const after = at.getTime() - failure.at.getTime();
    if (after > LATE_LINE_MS || -after > UNIT_LINES_MAX_AGE_MS) return [];
    // Taken either way: what the unit logged in this run is never the next failure's.
    const evidence = this.recentLines(unit, failure.at);
    if (this.errorTold.has(unit)) return [];
    this.noteError(unit, evidence);
    return [{ report: { ...failure, evidence, sameOccurrence: true } }];
  }

  private noteError(unit: string, evidence: readonly Evidence[]): void {
    if (!evidence.some((line) => line.kind === 'journal' && systemErrorIn(line.text))) return;
    if (this.errorTold.size > MAX_UNITS) this.errorTold.clear();
    this.errorTold.add(unit);
  }

  private recentLines(unit: string, at: Date): Evidence[] {
    return this.unitLog.take(unit).filter((line) => at.getTime() - line.at.getTime() <= UNIT_LINES_MAX_AGE_MS);
  }

  private rememberExit(entry: JournalEntry): void {
    const { MESSAGE_ID: id, EXIT_CODE: exitCode, EXIT_STATUS: exitStatus } = entry.fields;
    const exited =
      id === MESSAGE_UNIT_PROCESS_EXIT && exitCode && exitStatus ? null : PROCESS_EXITED.exec(entry.message);
    if (!exited && id !== MESSAGE_UNIT_PROCESS_EXIT) return;
    const unit = unitOf(entry) ?? exited?.[1];
    const code = exitCode ?? exited?.[2];
    // EXIT_STATUS is a number: the exit status, or the signal when killed; the text adds the signal's name.
    const status = exited
      ? code === 'exited'
        ? exited[3]
        : (exited[4] ?? signalOrStatus(code, exited[3] ?? ''))
      : exitStatus && signalOrStatus(code, exitStatus);
    if (this.lastExit.size > MAX_UNITS) this.lastExit.clear();
    if (unit && code && status) this.lastExit.set(unit, code === 'exited' ? `exit code ${status}` : `signal ${status}`);
  }

  private startedUnit(entry: JournalEntry): string | undefined {
    if (entry.fields.MESSAGE_ID !== MESSAGE_JOB_DONE || entry.fields.JOB_TYPE !== 'start') return undefined;
    return entry.fields.JOB_RESULT === 'done' ? unitOf(entry) : undefined;
  }
}
