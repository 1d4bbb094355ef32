// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// dpkg's own record of an unfinished run: packages its status file leaves between states, and the journal of
// status changes (/var/lib/dpkg/updates) a run that was killed leaves behind, which apt reads as "dpkg was
// interrupted".
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { format, ngettext } from '../i18n.js';

/** Status words of a package that a dpkg run left part-way (dpkg-query(1), "Package states"). */
const UNFINISHED = new Set(['half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending']);
/** dpkg's journal entries are named by number; "tmp.i" is the one being written. */
const JOURNAL_ENTRY = /^\d+$/;

export interface UnfinishedPackage {
  name: string;
  /** dpkg's word for where it stopped: 'half-configured', 'unpacked'… */
  state: string;
  /** The flag 'reinstreq': dpkg needs the package reinstalled before it can configure it. */
  reinstallRequired: boolean;
  version?: string;
  architecture?: string;
}

export interface DpkgState {
  unfinished: UnfinishedPackage[];
  /** Entries in dpkg's journal not yet merged into its status file: a run that did not end. */
  pendingJournal: number;
}

/** The state of dpkg's database under `root`; null where there is none (not a dpkg system). */
export async function readDpkgState(root = '/'): Promise<DpkgState | null> {
  const admin = join(root, 'var/lib/dpkg');
  const status = await readFile(join(admin, 'status'), 'utf8').catch(() => null);
  if (status === null) return null;
  const entries = await readdir(join(admin, 'updates')).catch(() => []);
  const journal = entries.filter((name) => JOURNAL_ENTRY.test(name));
  // dpkg merges its journal into the status file when it reads it: until then the journal's word is the newest.
  const records = [status, ...(await Promise.all(journal.sort().map((name) => readJournal(admin, name))))];
  const states = new Map<string, UnfinishedPackage>();
  for (const record of records) {
    for (const stanza of record.split(/\n\s*\n/)) {
      const name = /^Package: *(\S+)/m.exec(stanza)?.[1];
      const word = /^Status: *(\S+) +(\S+) +(\S+)/m.exec(stanza);
      if (!name || !word) continue;
      const arch = /^Architecture: *(\S+)/m.exec(stanza)?.[1];
      const key = arch ? `${name}:${arch}` : name;
      const version = /^Version: *(\S+)/m.exec(stanza)?.[1];
      states.set(key, {
        name,
        state: word[3] ?? '',
        reinstallRequired: word[2] === 'reinstreq',
        ...(version && { version }),
        ...(arch && { architecture: arch }),
      });
    }
  }
  return {
    unfinished: [...states.values()].filter(
      (entry) => UNFINISHED.has(entry.state) || (entry.reinstallRequired && entry.state !== 'not-installed'),
    ),
    pendingJournal: journal.length,
  };
}

const readJournal = (admin: string, name: string) => readFile(join(admin, 'updates', name), 'utf8').catch(() => '');

/** Whether dpkg has something to finish. */
export const needsFinishing = (state: DpkgState | null): state is DpkgState =>
  state !== null && (state.unfinished.length > 0 || state.pendingJournal > 0);

/** What follows a list of `listed` unfinished packages: how many more there are, and the journal a killed run left. */
export function moreAndJournalLines(state: DpkgState, listed: number): string[] {
  const more = state.unfinished.length - listed;
  return [
    ...(more > 0
      ? [format(ngettext('and {count} more package', 'and {count} more packages', more), { count: more })]
      : []),
    ...(state.pendingJournal > 0
      ? [
          format(
            ngettext(
              'dpkg’s journal holds {count} change its interrupted run did not finish',
              'dpkg’s journal holds {count} changes its interrupted run did not finish',
              state.pendingJournal,
            ),
            { count: state.pendingJournal },
          ),
        ]
      : []),
  ];
}
