// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// crash: the kernel saw a program fault (segfault, general protection fault, invalid instruction, division by
// zero), or systemd saw a service's main process die of such a signal. Coredump's findings are systemd-coredump's:
// both can fire for one crash, on purpose (see the class comment). systemd-coredump's record of the process the
// kernel's line named (the same PID, moments later) is added to the crash's finding, with the program's file: what
// makes the two findings one problem (fixes/oneProblem.ts), of which the record with the core and its stack leads.
import { kernelFaultOf } from '../../causes/kernelFault.js';
import { FAULT_SIGNALS, shortSignalName } from '../../causes/signals.js';
import {
  bareProcessName,
  isJournal,
  isKernel,
  isServiceManager,
  type JournalEvent,
  journalEvidence,
  unitOf,
  withoutDmesgTime,
} from '../../findings/detectors/journal.js';
import { MESSAGE_UNIT_FAILURE_RESULT } from '../../findings/detectors/unitFailed.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { isAudioUnit } from '../sound/units.js';
import { crashedProcess } from './coredumpDetector.js';

export const CRASH = 'crash';

const MESSAGE_UNIT_PROCESS_EXIT = '98e322203f7a4ed290d09fe03c09fe15';

// systemd: "foo.service: Main process exited, code=dumped, status=11/SEGV" (code=killed when cores are off).
// systemd before 209 wrote "main process exited" in lower case.
const PROCESS_EXITED = /^(\S+): [Mm]ain process exited, code=(dumped|killed), status=\d+\/(\w+)\.?$/;
// systemd's word on how the unit ended (service.c, 233 and later): "foo.service: Failed with result 'core-dump'.", with
// UNIT_RESULT=core-dump among its fields: its main process dumped core. A report that kept only this line of the two
// still says the unit crashed, though not by which signal.
const CORE_DUMP_RESULT = /^(\S+): Failed with result 'core-dump'\.?$/;
// systemd sending a signal itself (unit_kill_context): "foo.service: Killing process 282 (sleep) with signal
// SIGABRT." It aborts a service whose watchdog expired, or whose start or stop timed out with
// TimeoutStartFailureMode=abort: the core that follows is systemd's doing, and unit-failed says why.
const MANAGER_KILLS = /^(\S+): Killing process \d+ \(.*\) with signal SIG(\w+)\.?$/;
// The manager's kill and the process's end come moments apart; a program's own abort later is its own.
const MANAGER_KILL_MS = 5000;
const MAX_UNITS = 1024;
/**
 * How long after the kernel's line systemd-coredump's record of the same process may come: it is written once the
 * core is, which for a large process takes a while. A PID is not used again so soon.
 */
const CORE_FOLLOWS_MS = 5 * 60_000;
const MAX_PROCESSES = 256;

/** "(resolved)" → "resolved": the name inside the parentheses systemd puts around a child not yet executed. */
export const programName = bareProcessName;

function trapReason(trap: string): string {
  switch (trap) {
    case 'general protection fault':
      return _('general protection fault');
    case 'trap invalid opcode':
      return _('invalid instruction');
    case 'trap divide error':
      return _('division by zero');
    default:
      return trap.replace(/^trap /, '');
  }
}

// Translators: {reason} says how, such as "segmentation fault"; {object} is the library or program it was in.
const crashTitle = (program: string, reason: string, object: string | undefined) =>
  object
    ? format(_('{program} crashed ({reason} in {object})'), { program, reason, object })
    : format(_('{program} crashed ({reason})'), { program, reason });

/**
 * Both this detector and coredump report one crash where systemd-coredump runs: the kernel's line comes first,
 * seconds before systemd-coredump has written the core and its stack trace, so waiting for it would need a timer
 * the detectors do not have. Each says something the other does not (where it faulted; that a core was kept),
 * and where systemd-coredump is absent or cores are off (apport, LimitCORE=0) this detector is the only word.
 */
export class CrashDetector implements Detector {
  readonly kinds = [CRASH];
  /** The signal systemd last sent each unit's processes itself, and when. */
  private readonly managerKills = new Map<string, { signal: string; at: number }>();
  /** The crashes the kernel's lines reported, by PID, until systemd-coredump's record of each comes. */
  private readonly kernelCrashes = new Map<string, { subject: string; title: string; at: number }>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const crashed = crashedProcess(event.entry);
    if (crashed !== undefined) return this.coreOf(event, crashed);
    if (isKernel(event.entry)) return this.kernelCrash(event);
    if (isServiceManager(event.entry)) return this.unitCrash(event);
    return [];
  }

  private kernelCrash(event: JournalEvent): DetectorOutput[] {
    const fault = kernelFaultOf(withoutDmesgTime(event.entry.message));
    if (!fault) return [];
    const { pid } = fault;
    const program = programName(fault.comm);
    if (!program) return [];
    const reason = fault.trap !== undefined ? trapReason(fault.trap) : _('segmentation fault');
    const title = crashTitle(program, reason, fault.object);
    if (this.kernelCrashes.size >= MAX_PROCESSES) this.kernelCrashes.clear();
    this.kernelCrashes.set(pid, { subject: program, title, at: event.at.getTime() });
    return report(event, program, title);
  }

  /** systemd-coredump's record of a process the kernel's line reported: more of the same crash, with its file. */
  private coreOf(event: JournalEvent, pid: string): DetectorOutput[] {
    const crash = this.kernelCrashes.get(pid);
    const since = event.at.getTime() - (crash?.at ?? 0);
    if (!crash || since < 0 || since > CORE_FOLLOWS_MS) return [];
    this.kernelCrashes.delete(pid);
    const exe = event.entry.fields.COREDUMP_EXE;
    const evidence = { ...journalEvidence(event), ...(exe ? { path: exe } : {}) };
    return [
      {
        report: {
          kind: CRASH,
          severity: 'error',
          subject: crash.subject,
          title: crash.title,
          evidence: [evidence],
          at: event.at,
          sameOccurrence: true,
        },
      },
    ];
  }

  private unitCrash(event: JournalEvent): DetectorOutput[] {
    const { entry } = event;
    const kill = MANAGER_KILLS.exec(entry.message);
    if (kill) {
      if (this.managerKills.size > MAX_UNITS) this.managerKills.clear();
      this.managerKills.set(unitOf(entry) ?? kill[1] ?? '', { signal: kill[2] ?? '', at: event.at.getTime() });
      return [];
    }
    const exited = PROCESS_EXITED.exec(entry.message);
    if (!exited && entry.fields.MESSAGE_ID !== MESSAGE_UNIT_PROCESS_EXIT) return this.coreDumpResult(event);
    const code = entry.fields.EXIT_CODE ?? exited?.[2];
    const status = entry.fields.EXIT_STATUS;
    // EXIT_STATUS=11 → "SEGV".
    const signal = exited?.[3] ?? (status && /^[1-9]\d*$/.test(status) ? shortSignalName(Number(status)) : undefined);
    const unit = unitOf(entry) ?? exited?.[1];
    if (!unit || (code !== 'dumped' && code !== 'killed') || !signal || !FAULT_SIGNALS.has(`SIG${signal}`)) return [];
    // An audio daemon's unit ending so is the sound kind's finding (the session has no sound).
    if (isAudioUnit(unit)) return [];
    const sent = this.managerKills.get(unit);
    if (sent?.signal === signal && event.at.getTime() - sent.at < MANAGER_KILL_MS) return [];
    return report(event, unit, format(_('{name} crashed ({signal})'), { name: unit, signal: `SIG${signal}` }));
  }

  /** systemd's "Failed with result 'core-dump'": a crash, where systemd did not send the signal itself. */
  private coreDumpResult(event: JournalEvent): DetectorOutput[] {
    const { entry } = event;
    const structured = entry.fields.MESSAGE_ID === MESSAGE_UNIT_FAILURE_RESULT;
    const said = CORE_DUMP_RESULT.exec(entry.message);
    if (structured ? entry.fields.UNIT_RESULT !== 'core-dump' : !said) return [];
    const unit = unitOf(entry) ?? said?.[1];
    if (!unit || isAudioUnit(unit)) return [];
    const sent = this.managerKills.get(unit);
    if (sent && event.at.getTime() - sent.at < MANAGER_KILL_MS) return [];
    return report(event, unit, format(_('{name} crashed and dumped core'), { name: unit }));
  }
}

function report(event: JournalEvent, subject: string, title: string): DetectorOutput[] {
  return [
    {
      report: { kind: CRASH, severity: 'error', subject, title, evidence: [journalEvidence(event)], at: event.at },
    },
  ];
}
