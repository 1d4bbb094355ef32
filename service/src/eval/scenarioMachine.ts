// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The machine of an evaluation scenario: the tools read the recorded state
// instead of the live system, answering the way the live machine would.
import { isAbsolute, relative } from 'node:path';

import type {
  AuditSummary,
  DirectoryScan,
  FileRead,
  FindingSummary,
  JournalLine,
  JournalQuery,
  Machine,
  MountUsage,
  NetworkStatus,
  PackageInfo,
  ProcessInfo,
  ProposalSummary,
  SystemSummary,
  UnitScope,
  UnitStatus,
} from '../assistant/machine.js';
import { type DocHit, type DocSection, DocsStore } from '../docs/docsStore.js';
import { cleanLine } from '../untrustedText.js';
import type { RecordedMachine } from './scenario.js';

const OPEN_PROPOSAL_STATES = new Set(['open', 'applying']);

/** A file's lines made safe one by one, so that the file keeps its lines. */
const cleanText = (text: string) =>
  text
    .split('\n')
    .map((line) => cleanLine(line))
    .join('\n');

function within(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest !== '' && !rest.startsWith('..') && !isAbsolute(rest);
}

/** The recorded state with every time moved by `ms`. */
function shiftTimes(recorded: RecordedMachine, ms: number): RecordedMachine {
  const shift = (date: Date) => new Date(date.getTime() + ms);
  return {
    ...recorded,
    units: recorded.units?.map((unit) => ({ ...unit, since: unit.since && shift(unit.since) })),
    journal: recorded.journal?.map((line) => ({ ...line, time: shift(line.time) })),
    findings: recorded.findings?.map((finding) => ({ ...finding, lastSeen: shift(finding.lastSeen) })),
    audit: recorded.audit?.map((entry) => ({ ...entry, at: shift(entry.at) })),
  };
}

export class ScenarioMachine implements Machine {
  private readonly recorded: RecordedMachine;
  private docsStore: DocsStore | null = null;

  /**
   * `recordedAt` is the scenario's time: the recorded times move so that it
   * becomes now, because the tools read "the last 2 hours" against the clock.
   */
  constructor(recorded: RecordedMachine, recordedAt?: Date) {
    this.recorded = recordedAt ? shiftTimes(recorded, Date.now() - recordedAt.getTime()) : recorded;
  }

  /** The recorded part, or the error the model is told when the scenario left it out. */
  private part<Key extends keyof RecordedMachine>(key: Key, what: string): NonNullable<RecordedMachine[Key]> {
    const value = this.recorded[key];
    if (value === undefined) throw new Error(`${what}: not recorded in this scenario`);
    return value;
  }

  async systemSummary(): Promise<SystemSummary> {
    return this.part('summary', 'the system summary');
  }

  async mounts(): Promise<MountUsage[]> {
    return this.part('mounts', 'the mounted filesystems');
  }

  /** The recording is a finished scan: no budget applies. */
  async largestDirectories(root: string, limit: number, _entryBudget: number): Promise<DirectoryScan> {
    const under = this.part('directories', 'directory sizes').filter(({ path }) => within(root, path));
    if (under.length === 0) throw new Error(`the directories under ${root}: not recorded in this scenario`);
    const largest = [...under].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path)).slice(0, limit);
    return { root, largest, partial: false };
  }

  async processes(): Promise<ProcessInfo[]> {
    return this.part('processes', 'the processes').map((process) => ({
      ...process,
      command: cleanLine(process.command),
    }));
  }

  async unit(name: string, scope: UnitScope): Promise<UnitStatus | null> {
    return this.part('units', 'the units').find((unit) => unit.name === name && unit.scope === scope) ?? null;
  }

  /** As journalctl filters: time range, priority and below, unit, case-insensitive text; the newest `limit`, oldest first. */
  async journal(query: JournalQuery): Promise<JournalLine[]> {
    const text = query.text?.toLowerCase();
    return this.part('journal', 'the journal')
      .filter(
        (line) =>
          (!query.since || line.time >= query.since) &&
          (!query.until || line.time <= query.until) &&
          (query.priority === undefined || line.priority <= query.priority) &&
          (!query.unit || line.unit === query.unit) &&
          (!text || line.message.toLowerCase().includes(text)),
      )
      .sort((a, b) => a.time.getTime() - b.time.getTime())
      .slice(-query.limit)
      .map((line) => ({ ...line, message: cleanLine(line.message) }));
  }

  async network(): Promise<NetworkStatus> {
    return this.part('network', 'the network state');
  }

  async searchPackages(query: string, limit: number): Promise<PackageInfo[]> {
    const words = query.toLowerCase();
    return this.part('packages', 'the package lists')
      .filter((info) => info.name.toLowerCase().includes(words) || info.summary.toLowerCase().includes(words))
      .slice(0, limit)
      .map((info) => ({ ...info, summary: cleanLine(info.summary) }));
  }

  async packageStatus(name: string): Promise<PackageInfo | null> {
    const info = this.part('packages', 'the package lists').find((candidate) => candidate.name === name);
    return info ? { ...info, summary: cleanLine(info.summary) } : null;
  }

  async findings(includeResolved: boolean): Promise<FindingSummary[]> {
    return this.part('findings', 'the findings').filter((finding) => includeResolved || finding.state !== 'resolved');
  }

  async proposals(includeClosed: boolean): Promise<ProposalSummary[]> {
    return this.part('proposals', 'the proposals').filter(
      (proposal) => includeClosed || OPEN_PROPOSAL_STATES.has(proposal.state),
    );
  }

  /** Newest first, as the audit log is read. */
  async auditHistory(limit: number): Promise<AuditSummary[]> {
    return [...this.part('audit', 'the audit history')].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  }

  home(): string {
    return this.recorded.home;
  }

  /** A recorded file, or a folder above one (the home included), is there as it is: recordings have no links. */
  async realPath(path: string): Promise<string | null> {
    const files = Object.keys(this.recorded.files ?? {});
    const folder = path.endsWith('/') ? path : `${path}/`;
    const there = path === this.recorded.home || files.some((file) => file === path || file.startsWith(folder));
    return there ? path : null;
  }

  async readFile(path: string, maxBytes: number): Promise<FileRead> {
    const content = this.part('files', 'files')[path];
    if (content === undefined) throw new Error(`${path}: not recorded in this scenario`);
    const whole = Buffer.from(content, 'utf8');
    const truncated = whole.length > maxBytes;
    // A cut inside a multi-byte character decodes to U+FFFD, as a live read of the first bytes would.
    const text = truncated ? whole.subarray(0, maxBytes).toString('utf8') : content;
    return { path, text: cleanText(text), sizeBytes: whole.length, truncated };
  }

  async searchDocs(query: string, limit: number): Promise<DocHit[]> {
    return this.docs().search(query, limit);
  }

  async readDoc(ref: string): Promise<DocSection | null> {
    return this.docs().read(ref);
  }

  async docContents(title: string): Promise<string[]> {
    return this.docs().contents(title);
  }

  /** The recorded passages in an index of their own, so that they are ranked as the service ranks them. */
  private docs(): DocsStore {
    if (this.docsStore) return this.docsStore;
    const store = DocsStore.inMemory();
    const byTitle = new Map<string, NonNullable<RecordedMachine['docs']>>();
    for (const passage of this.part('docs', 'the documentation index'))
      byTitle.set(passage.title, [...(byTitle.get(passage.title) ?? []), passage]);
    store.transaction(() => {
      for (const [title, passages] of byTitle) {
        const kind = /\(\w+\)$/.test(title) ? 'man' : 'doc';
        store.replaceFile(`recorded:${title}`, { mtimeMs: 0, size: 0 }, [
          {
            title,
            lang: passages[0]?.lang ?? '',
            kind,
            passages: passages.map((passage) => ({ ...passage, text: cleanText(passage.text) })),
          },
        ]);
      }
    });
    this.docsStore = store;
    return store;
  }
}
