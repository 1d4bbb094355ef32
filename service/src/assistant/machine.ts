// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the assistant's tools may read about the computer. The service answers
// from the live system (live/); `steward eval` answers from a scenario's
// recorded machine state, so the same tools and the same tool loop run in both.
import type { DocHit, DocSection } from '../docs/docsStore.js';
import type { Severity } from '../findings/types.js';
import type { NixosReader } from '../nixos/nixosReader.js';

export interface SystemSummary {
  os: string;
  kernel: string;
  hostname: string;
  uptimeSeconds: number;
  cpu: { model: string; cores: number; load: [number, number, number] };
  memory: { totalBytes: number; availableBytes: number; swapTotalBytes: number; swapFreeBytes: number };
  gpus: string[];
  /** null on a machine without a battery. */
  battery: { percent: number; state: string } | null;
}

export interface MountUsage {
  mount: string;
  device: string;
  fsType: string;
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
  /** null where the filesystem has no inode limit (btrfs). */
  inodesUsedPercent: number | null;
}

export interface DirectorySize {
  path: string;
  bytes: number;
}

export interface DirectoryScan {
  root: string;
  largest: DirectorySize[];
  /** The scan stopped at its entry budget: the sizes are lower bounds. */
  partial: boolean;
}

export interface ProcessInfo {
  pid: number;
  name: string;
  user: string;
  /** Since the process started, as ps reports it, or over a short sample. */
  cpuPercent: number;
  memoryBytes: number;
  command: string;
}

export type UnitScope = 'user' | 'system';

export interface UnitStatus {
  name: string;
  scope: UnitScope;
  description: string;
  loadState: string;
  activeState: string;
  subState: string;
  /** systemd's Result: "success", "exit-code", "core-dump"… */
  result: string;
  mainPid: number;
  /** When it entered its current state; null when systemd does not say. */
  since: Date | null;
}

export interface JournalQuery {
  since?: Date;
  until?: Date;
  /** The least important priority to include, 0 (emerg) … 7 (debug). */
  priority?: number;
  unit?: string;
  scope?: UnitScope;
  /** Case-insensitive text the message must contain. */
  text?: string;
  limit: number;
}

export interface JournalLine {
  time: Date;
  priority: number;
  unit: string;
  identifier: string;
  message: string;
}

export interface NetworkLink {
  name: string;
  state: string;
  addresses: string[];
}

export interface NetworkStatus {
  links: NetworkLink[];
  routes: { destination: string; gateway: string | null; device: string }[];
  dnsServers: string[];
  /** NetworkManager's word ("full", "limited", "portal", "none") or "unknown" without it. */
  connectivity: string;
}

export interface PackageInfo {
  name: string;
  version: string;
  arch: string;
  summary: string;
  installed: boolean;
}

export interface FindingSummary {
  id: number;
  kind: string;
  subject: string;
  severity: Severity;
  title: string;
  state: string;
  count: number;
  lastSeen: Date;
  explanation: string | null;
}

export interface ProposalSummary {
  id: number;
  title: string;
  state: string;
  findingId: number | null;
  actions: { name: string; risk: string; summary: string }[];
}

export interface AuditSummary {
  at: Date;
  event: string;
  proposalId: number | null;
  jobId: number | null;
  action: string | null;
  result: string;
}

export interface FileRead {
  path: string;
  text: string;
  sizeBytes: number;
  truncated: boolean;
}

/**
 * Every method is read-only. A method throws an Error whose message a person
 * (and the model) can act on when the answer cannot be had, e.g. "PackageKit is
 * not running"; the tool loop hands that message to the model as the result.
 */
export interface Machine {
  systemSummary(): Promise<SystemSummary>;
  mounts(): Promise<MountUsage[]>;
  /** Bounded: at most `entryBudget` directory entries are visited. */
  largestDirectories(root: string, limit: number, entryBudget: number): Promise<DirectoryScan>;
  processes(): Promise<ProcessInfo[]>;
  /** null when there is no such unit. */
  unit(name: string, scope: UnitScope): Promise<UnitStatus | null>;
  journal(query: JournalQuery): Promise<JournalLine[]>;
  network(): Promise<NetworkStatus>;
  searchPackages(query: string, limit: number): Promise<PackageInfo[]>;
  /** null when no package of that name is known to the package manager. */
  packageStatus(name: string): Promise<PackageInfo | null>;
  findings(includeResolved: boolean): Promise<FindingSummary[]>;
  proposals(includeClosed: boolean): Promise<ProposalSummary[]>;
  auditHistory(limit: number): Promise<AuditSummary[]>;
  /** The home directory, for "under $HOME" scans and the allowed roots of readFile. */
  home(): string;
  /** The path with symlinks resolved, or null where nothing is there. */
  realPath(path: string): Promise<string | null>;
  /** Reads at most `maxBytes` of a regular file; the caller has checked the path against the allowed roots. */
  readFile(path: string, maxBytes: number): Promise<FileRead>;
  /** The best passages of the installed documentation (man pages, GNOME help, info manuals, READMEs) for `query`, best first. */
  searchDocs(query: string, limit: number): Promise<DocHit[]>;
  /** One section of a page, e.g. "sshd_config(5)#AuthenticationMethods"; null when there is none. */
  readDoc(ref: string): Promise<DocSection | null>;
  /** The sections and entries of a page ("ls(1)"), in order; empty when the page is not indexed. */
  docContents(title: string): Promise<string[]>;
  /** On NixOS only: the declaration, the generations and the system's nixpkgs (the nixos_* tools). */
  nixos?: NixosReader;
}
