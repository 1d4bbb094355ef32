// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the event sources see, in one shape per kind of event. Sources produce
// these; detectors (service/src/findings/detectors/) turn them into findings.
import type { DpkgState } from './dpkgState.js';
import type { JournalField } from './journalFields.js';
import type { UnitPaths } from './unitPaths.js';

export type JournalFields = Partial<Record<JournalField, string>>;

/** One journal entry, from `journalctl --output=json`, with the fields detectors use lifted out. */
export interface JournalEntry {
  /** __CURSOR: where to resume after a restart. */
  cursor: string;
  /** __REALTIME_TIMESTAMP, microseconds since the epoch. */
  realtimeUs: bigint;
  /** MESSAGE as text (byte-array messages decoded as UTF-8); '' when absent. */
  message: string;
  /** PRIORITY 0 (emerg) … 7 (debug); undefined when absent. */
  priority?: number;
  /** _SYSTEMD_UNIT, or UNIT for messages systemd writes about a unit. */
  unit?: string;
  /** _SYSTEMD_USER_UNIT, or USER_UNIT. */
  userUnit?: string;
  /** SYSLOG_IDENTIFIER, else _COMM. */
  identifier?: string;
  pid?: number;
  /** _TRANSPORT: 'kernel' for the kernel log. */
  transport?: string;
  /** Whether it came from the system journal (true) or the user's (false). */
  system: boolean;
  /** The fields Steward reads (JOURNAL_FIELDS) as text, for detectors that need more (COREDUMP_EXE, MESSAGE_ID…). */
  fields: JournalFields;
}

export interface MountUsage {
  /** The mount point, e.g. '/', '/home'. */
  mount: string;
  totalBytes: number;
  /** Bytes available to unprivileged users (statfs f_bavail). */
  availableBytes: number;
  totalInodes: number;
  freeInodes: number;
}

export interface UnitState {
  /** 'system' or 'user' manager. */
  scope: 'system' | 'user';
  unit: string;
  activeState: string;
  /** Result property: 'exit-code', 'signal', 'core-dump', 'timeout', … */
  result?: string;
  exitCode?: number;
  /** NRestarts, when the manager reports it. */
  restarts?: number;
  /** For a failed unit: the paths its unit file names, as its manager has them (what links a file to the failure). */
  paths?: UnitPaths;
}

export interface LinkState {
  name: string;
  up: boolean;
  /** Whether a default route exists (any interface). */
  hasDefaultRoute: boolean;
  /**
   * Whether it carries anything of the machine's: an address or a route beyond the link-local ones every link gets,
   * or a master (a bridge's or a bond's port carries its master's). A veth's spare end carries nothing.
   */
  carries?: boolean;
  /**
   * Its addresses ("10.0.0.2/24") and routes ("default via 10.0.0.1") as last read, for a link that went down: before;
   * and whether it carried anything then.
   */
  had?: { addresses: string[]; routes: string[]; carried?: boolean };
  /** The default routes last read, with their link ("default via 10.0.0.1 dev eth0"), once none is left. */
  lostDefaultRoutes?: string[];
}

/**
 * What the desktop's sources read, by the kind of state: the state as the desktop's own API gives it. Empty here: each
 * desktop kind adds its shape (kinds/desktopState.ts), so the events name no kind of their own.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DesktopStates {}

/** One desktop state, tagged by its kind: `{ kind: 'sound', sound: SoundState }`. */
export type DesktopState = {
  [K in keyof DesktopStates]: { kind: K } & { [P in K]: DesktopStates[K] };
}[keyof DesktopStates];

export type WatchEvent =
  | { type: 'journal'; at: Date; entry: JournalEntry }
  | { type: 'disk'; at: Date; usage: MountUsage }
  | {
      type: 'memoryPressure';
      at: Date;
      someAvg10: number;
      fullAvg10: number;
      /** The file read: /proc/pressure/memory, or a cgroup's memory.pressure. */
      path: string;
      /** The session's unit ("user@1000.service") where the file is its cgroup's; none for the whole machine. */
      unit?: string;
    }
  | { type: 'unit'; at: Date; state: UnitState }
  | { type: 'link'; at: Date; link: LinkState }
  | { type: 'connectivity'; at: Date; state: 'none' | 'portal' | 'limited' | 'full' | 'unknown' }
  | {
      type: 'fileChanged';
      at: Date;
      path: string;
      previousHash: string | null;
      hash: string | null;
      /** Units whose processes had the file open as it changed (those whose /proc this user may read). */
      openedBy?: string[];
    }
  /** The desktop session's state, read from its own D-Bus APIs by the desktop kinds' sources (service/src/kinds/). */
  | { type: 'desktop'; at: Date; desktop: DesktopState }
  /** What dpkg's own database leaves unfinished (watch/dpkg.ts). */
  | { type: 'dpkg'; at: Date; state: DpkgState };

/** An event source: started once, stopped on shutdown; reports events and its own health. */
export interface EventSource {
  readonly name: string;
  start(emit: (event: WatchEvent) => void): Promise<void>;
  stop(): Promise<void>;
}
