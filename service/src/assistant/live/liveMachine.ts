// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The Machine the service's assistant reads: this computer, through the same
// system APIs the watchers and fixes use, and Steward's own stores.
import { homedir } from 'node:os';

import type { MessageBus } from '@jellybrick/dbus-next';

import { reportingUnexpected } from '../../dbus/unexpected.js';
import type { DocsIndex } from '../../docs/docsIndex.js';
import type { FindingsStore } from '../../findings/store.js';
import type { FixesStore } from '../../fixes/store.js';
import type { Logger } from '../../logging.js';
import type { NixosReader } from '../../nixos/nixosReader.js';
import type { Machine } from '../machine.js';
import { readMounts, scanLargestDirectories } from './disks.js';
import { readFileBounded, resolvePath } from './files.js';
import { type JournalSource, searchJournal } from './journal.js';
import { readNetworkStatus } from './network.js';
import { packageStatus, searchPackages } from './packages.js';
import { readProcesses } from './processes.js';
import { auditSummaries, findingSummaries, proposalSummaries } from './records.js';
import { readSystemSummary } from './system.js';
import { readUnit } from './units.js';

export interface LiveMachineOptions {
  sessionBus: MessageBus;
  /** Read when asked: the system bus connects after the service starts, and may be missing. */
  systemBus: () => MessageBus | null;
  journal: () => JournalSource;
  findings: FindingsStore;
  fixes: FixesStore;
  home?: string;
  /** The documentation index; without it the documentation tools say there is none. */
  docs?: DocsIndex;
  /** Only on NixOS: what the nixos_* tools read. */
  nixos?: NixosReader;
  /** Hears of another service's answers that its interface does not allow (rate-limited). */
  log?: Logger;
}

/** The index, or the reason the model is told when it cannot answer yet. */
function usableIndex(docs: DocsIndex | undefined): DocsIndex {
  if (!docs) throw new Error('there is no documentation index on this computer');
  const status = docs.status();
  if (status.passages === 0 && status.state === 'ready')
    throw new Error('no documentation is installed on this computer');
  if (status.passages === 0) {
    const progress = status.total > 0 ? ` (${Math.floor((status.done / status.total) * 100)}% done)` : '';
    throw new Error(`the documentation index is still being built${progress}: answer without it and say so`);
  }
  return docs;
}

export function liveMachine(options: LiveMachineOptions): Machine {
  const home = options.home ?? homedir();
  return {
    systemSummary: () => readSystemSummary(),
    mounts: () => readMounts(),
    largestDirectories: (root, limit, entryBudget) => scanLargestDirectories(root, limit, entryBudget),
    processes: () => readProcesses(),
    unit: async (name, scope) => {
      const bus = scope === 'user' ? options.sessionBus : options.systemBus();
      if (!bus) throw new Error('the system bus is not available, so system services cannot be read');
      return reportingUnexpected(options.log, readUnit(bus, name, scope));
    },
    journal: (query) => searchJournal(query, options.journal()),
    network: () => reportingUnexpected(options.log, readNetworkStatus(options.systemBus())),
    searchPackages: (query, limit) => searchPackages(options.systemBus(), query, limit),
    packageStatus: (name) => packageStatus(options.systemBus(), name),
    findings: async (includeResolved) => findingSummaries(options.findings, includeResolved),
    proposals: async (includeClosed) => proposalSummaries(options.fixes, includeClosed),
    auditHistory: async (limit) => auditSummaries(options.fixes, limit),
    home: () => home,
    realPath: (path) => resolvePath(path),
    readFile: (path, maxBytes) => readFileBounded(path, maxBytes),
    searchDocs: async (query, limit) => usableIndex(options.docs).search(query, limit),
    readDoc: async (ref) => usableIndex(options.docs).read(ref),
    docContents: async (title) => usableIndex(options.docs).contents(title),
    ...(options.nixos && { nixos: options.nixos }),
  };
}
