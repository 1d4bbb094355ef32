// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Steward's own lines: what the service, its children (journalctl, the engine worker, the docs indexer, the speech
// workers, a step's program) and its unit wrote to the journal. They never reach a detector: an audit record, a
// warning quoting a log line or a step's answer read back as the machine's own words made a finding of Steward's
// words, then a proposal, a step, another record (issue 61). Decided by journald's trusted fields alone, whatever
// SYSLOG_IDENTIFIER a line claims: the unit its writer ran in, where this process runs in a unit of its own; else
// its _PID, where that is this process or a descendant, in this boot, under this _UID.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

import type { JournalEntry } from './events.js';
import { cgroup2Mount } from './sessionCgroup.js';

/** The unit this process is the whole of: its own service, with no process in it but this one's tree. */
export interface OwnUnit {
  name: string;
  /** Whose manager runs it: a user unit below user@UID.service, or a system unit. */
  scope: 'user' | 'system';
}

export interface OwnProcess {
  pid: number;
  uid: number;
  /** /proc/sys/kernel/random/boot_id without dashes, as journald writes _BOOT_ID; null where unreadable. */
  bootId: string | null;
}

/** The deepest a process's ancestry is followed before it counts as not this one's. */
const MAX_DEPTH = 64;
/** Decisions kept per process id; a process that is not ours now may be a child of ours later (ids are reused). */
const MAX_REMEMBERED = 4096;
const NOT_OURS_KEPT_MS = 10_000;

/** This process as journald names a writer. */
export function ownProcess(proc = '/proc'): OwnProcess {
  let bootId: string | null = null;
  try {
    bootId = readFileSync(join(proc, 'sys', 'kernel', 'random', 'boot_id'), 'utf8')
      .trim()
      .replaceAll('-', '');
  } catch {
    // No boot id: lines are ours by unit only.
  }
  return { pid: process.pid, uid: process.getuid?.() ?? -1, bootId };
}

/** The parent process id in /proc/PID/stat's text (the field after the state, after the command's last ')'). */
export function parentInStat(stat: string): number | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const parent = Number(fields[1]);
  return Number.isInteger(parent) && parent >= 0 ? parent : null;
}

/**
 * The unit this process is the whole of, from its cgroup: a service (a systemd unit's cgroup, "….service") whose
 * every process is this one or its descendant. Not a unit that holds others too: D-Bus activation without systemd
 * leaves the service in the bus daemon's dbus.service, a terminal in a session scope.
 */
export async function findOwnUnit(proc = '/proc', pid = process.pid): Promise<OwnUnit | null> {
  const read = (path: string) => readFile(path, 'utf8').catch(() => '');
  const path = /^0::(\/.*)$/m.exec(await read(join(proc, String(pid), 'cgroup')))?.[1];
  const mount = cgroup2Mount(await read(join(proc, String(pid), 'mountinfo')));
  const name = path?.split('/').at(-1) ?? '';
  if (!path || !mount || !name.endsWith('.service')) return null;
  const root = mount.root === '/' ? '' : mount.root;
  if (root && !path.startsWith(`${root}/`)) return null;
  const members = (await read(posix.join(mount.point, path.slice(root.length), 'cgroup.procs')))
    .split('\n')
    .filter(Boolean)
    .map(Number);
  const tree = new ProcessTree(pid, proc);
  if (members.length === 0 || !members.every((member) => tree.holds(member))) return null;
  return { name, scope: path.split('/').some((segment) => /^user@\d+\.service$/.test(segment)) ? 'user' : 'system' };
}

/** Which process ids are `root`'s or its descendants', read from /proc and remembered. */
class ProcessTree {
  /** Decisions by process id, oldest first; a "not ours" with the time it was made. */
  readonly #known = new Map<number, true | number>();

  constructor(
    readonly root: number,
    private readonly proc: string,
  ) {}

  holds(pid: number): boolean {
    if (pid === this.root) return true;
    const known = this.#known.get(pid);
    if (known === true) return true;
    if (known !== undefined && Date.now() - known < NOT_OURS_KEPT_MS) return false;
    const ours = this.#descends(pid);
    this.#known.delete(pid);
    this.#known.set(pid, ours || Date.now());
    for (const oldest of this.#known.keys()) {
      if (this.#known.size <= MAX_REMEMBERED) break;
      this.#known.delete(oldest);
    }
    return ours;
  }

  /** Whether `pid`'s ancestry reaches the root; a process that ended is not followed (its parent is not known). */
  #descends(pid: number): boolean {
    let current = pid;
    for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
      let stat: string;
      try {
        stat = readFileSync(join(this.proc, String(current), 'stat'), 'utf8');
      } catch {
        return false;
      }
      const parent = parentInStat(stat);
      if (parent === this.root) return true;
      if (parent === null || parent <= 1) return false;
      if (this.#known.get(parent) === true) return true;
      current = parent;
    }
    return false;
  }
}

/** Tells Steward's own journal lines from the machine's. */
export class OwnLines {
  readonly #process: OwnProcess;
  readonly #tree: ProcessTree;
  #unit: OwnUnit | null = null;
  readonly #uid: string;

  constructor(own: OwnProcess = ownProcess(), proc = '/proc') {
    this.#process = own;
    this.#tree = new ProcessTree(own.pid, proc);
    this.#uid = String(own.uid);
  }

  /** The unit that is this process's alone, found with findOwnUnit; lines from it are ours in any boot. */
  set unit(unit: OwnUnit | null) {
    this.#unit = unit;
  }

  get unit(): OwnUnit | null {
    return this.#unit;
  }

  /** Whether `entry` was written by this service, a process it started, or its unit. */
  isOwn(entry: JournalEntry): boolean {
    const fields = entry.fields;
    const unit = this.#unit;
    if (unit) {
      // A user unit's processes are below user@UID.service, which only that user (and root) may put processes in.
      const inUnit =
        unit.scope === 'user'
          ? fields._SYSTEMD_USER_UNIT === unit.name && fields._SYSTEMD_UNIT === `user@${this.#uid}.service`
          : fields._SYSTEMD_UNIT === unit.name;
      if (inUnit) return true;
    }
    // A process id names a process of one boot only; a writer of another user's is none of ours (nor can become
    // one: the unit runs with NoNewPrivileges).
    if (fields._UID !== this.#uid || fields._BOOT_ID !== this.#process.bootId || this.#process.bootId === null) {
      return false;
    }
    const pid = entry.pid;
    if (pid === undefined) return false;
    // In a unit of its own every descendant is in the unit: only this process's id is left to compare.
    return unit ? pid === this.#process.pid : this.#tree.holds(pid);
  }
}
