// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// oom-kill: the kernel's OOM killer or systemd-oomd killed something.
import {
  bareProcessName,
  isDaemon,
  isJournal,
  isKernel,
  isServiceManager,
  type JournalEvent,
  journalEvidence,
  kernelText,
  unitOf,
} from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const OOM_KILL = 'oom-kill';

// Kernel (mm/oom_kill.c): "Out of memory: Killed process 4242 (firefox) total-vm:…", "Memory cgroup out of
// memory: Killed process 4242 (node) …"; before 5.x the decision came first, "Out of memory: Kill process 4242
// (firefox) score 900 or sacrifice child", then "Killed process 4242 (firefox) total-vm:…" on its own. The name is
// the task's comm, which may itself be in parentheses: "((sd-pam))". RHEL 6's kernel adds the owner: "Killed process
// 11726, UID 498, (mysqld) total-vm:…".
const KILLED_PROCESS =
  /^(?:(?:Memory cgroup )?Out of memory(?: \([^)]*\))?: )?Kill(?:ed)? process (\d+),? (?:UID \d+, )?\((.+)\)(?= total-vm:| score |,|$)/i;
// Kernel, just before: "oom-kill:constraint=CONSTRAINT_NONE,…,task=firefox,pid=4242,uid=1000", since 4.19 with
// mem_cgroup_print_oom_context()'s ",oom_memcg=…,task_memcg=/system.slice/foo.service" before ",task=".
const OOM_KILL_LINE = /^oom-kill:constraint=(\w+),.*?(?:,task_memcg=([^,]*))?,task=(.+?),pid=(\d+),uid=\d+/;
// The service whose cgroup the killed task was in: the cgroup path's last part, as systemd names a service's cgroup
// ("/system.slice/foo.service", "/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service"), also
// under a container's or a host's prefix ("/docker/ID/system.slice/foo.service"). A scope's name (an app's, a
// session's) carries a PID and says less than the process's own name.
const SERVICE_CGROUP = /\/([\w:.@\\-]+\.service)$/;
// systemd-oomd: "Killed /user.slice/…/app-firefox-4242.scope due to memory pressure for … being 78.19% > 50.00% …"
// and "Killed … due to memory used (…) / total (…) and swap used (…) / total (…) being more than 90.00%".
const OOMD_KILLED = /^Killed (\/\S+) due to (memory pressure|memory used|swap used)/;
// The service manager about a unit (catalog/systemd.catalog.in): "A process of @UNIT@ unit has been killed by the
// OOM killer." ("foo.service: A process of this unit has been killed by the OOM killer.", systemd 248+) and
// "systemd-oomd killed one or more processes in unit @UNIT@" ("foo.scope: systemd-oomd killed 3 process(es) in
// this unit.", 252+).
const MESSAGE_UNIT_OUT_OF_MEMORY = 'fe6faa94e7774663a0da52717891d8ef';
const MESSAGE_UNIT_OOMD_KILL = 'd989611b15e44c9dbf31e3c81256e4ed';
const UNIT_OUT_OF_MEMORY = /^(\S+): A process of this unit has been killed by the OOM killer\.?$/;
const UNIT_OOMD_KILL = /^(\S+): systemd-oomd killed \d+ process\(es\) in this unit\.?$/;
// The kernel's or oomd's line and the manager's about the same kill come within moments of each other.
const SAME_KILL_MS = 2000;

// The kernel's oom_constraint names.
/** Why the kernel killed, from the oom-kill line's constraint. */
function outOf(constraint: string): string {
  switch (constraint) {
    case 'CONSTRAINT_MEMCG':
      return _('it reached its memory limit');
    case 'CONSTRAINT_CPUSET':
      return _('its CPU set ran out of memory');
    case 'CONSTRAINT_MEMORY_POLICY':
      return _('its memory policy ran out of memory');
    default:
      return _('the system ran out of memory');
  }
}

// Translators: {reason} says why, such as "the system ran out of memory".
const killedTitle = (name: string, reason: string) => format(_('{name} was killed: {reason}'), { name, reason });
// Translators: {name} is a process's name, {unit} the service it ran in; {reason} says why, such as "the system
// ran out of memory".
const killedInTitle = (name: string, unit: string, reason: string) =>
  format(_('{name} of {unit} was killed: {reason}'), { name, unit, reason });

export class OomKillDetector implements Detector {
  readonly kinds = [OOM_KILL];
  /** The pid from the last "oom-kill:" line: the "Killed process" line that follows is the same kill. */
  private lastPid: string | undefined;
  /** When the kernel last killed, and when oomd last killed each unit: the manager's line repeats them. */
  private lastKernelKill = -Infinity;
  private readonly lastOomdKill = new Map<string, number>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const { entry } = event;
    if (isKernel(entry)) return this.kernel(event);
    if (isServiceManager(entry)) return this.manager(event);
    const oomd = isDaemon(entry, 'systemd-oomd') ? OOMD_KILLED.exec(entry.message) : null;
    if (!oomd) return [];
    const name = cgroupName(oomd[1] ?? '');
    if (name === 'init.scope') return [];
    this.rememberOomd(name, event.at);
    const title =
      oomd[2] === 'memory pressure'
        ? _('systemd-oomd killed {name}: under memory pressure')
        : _('systemd-oomd killed {name}: memory and swap were nearly full');
    return this.report(event, name, format(title, { name }));
  }

  private kernel(event: JournalEvent): DetectorOutput[] {
    const message = kernelText(event.entry);
    const line = OOM_KILL_LINE.exec(message);
    if (line) {
      const [, constraint = '', memcg = '', task = '', pid] = line;
      this.lastPid = pid;
      this.lastKernelKill = event.at.getTime();
      const name = bareProcessName(task);
      // The cgroup the kernel names is where its manager put the process; the task name is the program's own.
      const unit = SERVICE_CGROUP.exec(memcg)?.[1];
      if (unit) return this.report(event, unit, killedInTitle(name, unit, outOf(constraint)));
      return this.report(event, name, killedTitle(name, outOf(constraint)));
    }
    const killed = KILLED_PROCESS.exec(message);
    if (!killed) return [];
    const repeat = killed[1] === this.lastPid;
    // Before 5.x "Kill process" comes first and "Killed process" repeats it.
    this.lastPid = /Kill process/i.test(message) ? killed[1] : undefined;
    if (repeat) return [];
    this.lastKernelKill = event.at.getTime();
    const name = bareProcessName(killed[2] ?? '');
    const constraint = /^Memory cgroup/i.test(message) ? 'CONSTRAINT_MEMCG' : 'CONSTRAINT_NONE';
    return this.report(event, name, killedTitle(name, outOf(constraint)));
  }

  /** The manager's word on a unit's kill: reported only when the kernel's or oomd's line did not come with it. */
  private manager(event: JournalEvent): DetectorOutput[] {
    const { fields, message } = event.entry;
    const oom = fields.MESSAGE_ID === MESSAGE_UNIT_OUT_OF_MEMORY ? null : UNIT_OUT_OF_MEMORY.exec(message);
    const oomd = fields.MESSAGE_ID === MESSAGE_UNIT_OOMD_KILL ? null : UNIT_OOMD_KILL.exec(message);
    const byKernel = fields.MESSAGE_ID === MESSAGE_UNIT_OUT_OF_MEMORY || oom !== null;
    if (!byKernel && fields.MESSAGE_ID !== MESSAGE_UNIT_OOMD_KILL && !oomd) return [];
    const unit = unitOf(event.entry) ?? oom?.[1] ?? oomd?.[1];
    if (!unit) return [];
    const now = event.at.getTime();
    if (byKernel) {
      if (now - this.lastKernelKill < SAME_KILL_MS) return [];
      return this.report(event, unit, killedTitle(unit, _('the system ran out of memory')));
    }
    const told = this.lastOomdKill.get(unit);
    this.rememberOomd(unit, event.at);
    if (told !== undefined && now - told < SAME_KILL_MS) return [];
    // The manager's line does not say whether pressure or swap decided it.
    return this.report(event, unit, format(_('systemd-oomd killed {name} to free memory'), { name: unit }));
  }

  private rememberOomd(unit: string, at: Date): void {
    if (this.lastOomdKill.size > 1024) this.lastOomdKill.clear();
    this.lastOomdKill.set(unit, at.getTime());
  }

  private report(event: JournalEvent, subject: string, title: string): DetectorOutput[] {
    return [
      {
        report: { kind: OOM_KILL, severity: 'error', subject, title, evidence: [journalEvidence(event)], at: event.at },
      },
    ];
  }
}

/** "/user.slice/…/app-gnome-firefox-4242.scope" → "app-gnome-firefox-4242.scope": the unit that was killed. */
function cgroupName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1) || path;
}
