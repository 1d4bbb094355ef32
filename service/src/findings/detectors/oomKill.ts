// oom-kill: the kernel's OOM killer or systemd-oomd killed something.
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { isJournal, isKernel, journalEvidence, type JournalEvent } from './journal.js';
import { _, format } from '../../i18n.js';

export const OOM_KILL = 'oom-kill';

// Kernel (mm/oom_kill.c): "Out of memory: Killed process 4242 (firefox) total-vm:…",
// "Memory cgroup out of memory: Killed process 4242 (node) …".
const KILLED_PROCESS = /^(?:Memory cgroup )?Out of memory(?: \([^)]*\))?: Killed process (\d+) \((.+?)\)/i;
// Kernel, just before: "oom-kill:constraint=CONSTRAINT_NONE,…,task=firefox,pid=4242,uid=1000"
const OOM_KILL_LINE = /^oom-kill:constraint=(\w+),.*,task=(.+?),pid=(\d+),uid=\d+/;
// systemd-oomd: "Killed /user.slice/…/app-firefox-4242.scope due to memory pressure for … being 78.19% > 50.00% …"
// and "Killed … due to memory used (…) / total (…) and swap used (…) / total (…) being more than 90.00%".
const OOMD_KILLED = /^Killed (\/\S+) due to (memory pressure|memory used|swap used)/;

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

export class OomKillDetector implements Detector {
  readonly kinds = [OOM_KILL];
  /** The pid from the last "oom-kill:" line: the "Killed process" line that follows is the same kill. */
  private lastPid: string | undefined;

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const { entry } = event;
    if (isKernel(entry)) {
      const line = OOM_KILL_LINE.exec(entry.message);
      if (line) {
        const [, constraint = '', name = '', pid] = line;
        this.lastPid = pid;
        return this.report(event, name, killedTitle(name, outOf(constraint)));
      }
      const killed = KILLED_PROCESS.exec(entry.message);
      if (!killed) return [];
      const repeat = killed[1] === this.lastPid;
      this.lastPid = undefined;
      if (repeat) return [];
      const constraint = entry.message.startsWith('Memory cgroup') ? 'CONSTRAINT_MEMCG' : 'CONSTRAINT_NONE';
      return this.report(event, killed[2] ?? '', killedTitle(killed[2] ?? '', outOf(constraint)));
    }
    const oomd = entry.identifier === 'systemd-oomd' ? OOMD_KILLED.exec(entry.message) : null;
    if (!oomd) return [];
    const name = cgroupName(oomd[1] ?? '');
    const title =
      oomd[2] === 'memory pressure'
        ? _('systemd-oomd killed {name}: under memory pressure')
        : _('systemd-oomd killed {name}: memory and swap were nearly full');
    return this.report(event, name, format(title, { name }));
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
