// oom-kill: the kernel's OOM killer or systemd-oomd killed something.
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { isJournal, isKernel, journalEvidence, type JournalEvent } from './journal.js';

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
const OUT_OF: Record<string, string> = {
  CONSTRAINT_NONE: 'the system ran out of memory',
  CONSTRAINT_MEMCG: 'it reached its memory limit',
  CONSTRAINT_CPUSET: 'its CPU set ran out of memory',
  CONSTRAINT_MEMORY_POLICY: 'its memory policy ran out of memory',
};

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
        return this.report(event, name, `${name} was killed: ${OUT_OF[constraint] ?? OUT_OF.CONSTRAINT_NONE}`);
      }
      const killed = KILLED_PROCESS.exec(entry.message);
      if (!killed) return [];
      const repeat = killed[1] === this.lastPid;
      this.lastPid = undefined;
      if (repeat) return [];
      const why = entry.message.startsWith('Memory cgroup') ? OUT_OF.CONSTRAINT_MEMCG : OUT_OF.CONSTRAINT_NONE;
      return this.report(event, killed[2] ?? '', `${killed[2]} was killed: ${why}`);
    }
    const oomd = entry.identifier === 'systemd-oomd' ? OOMD_KILLED.exec(entry.message) : null;
    if (!oomd) return [];
    const name = cgroupName(oomd[1] ?? '');
    const why = oomd[2] === 'memory pressure' ? 'under memory pressure' : 'memory and swap were nearly full';
    return this.report(event, name, `systemd-oomd killed ${name}: ${why}`);
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
