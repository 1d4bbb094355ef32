// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.dpkg_audit: what dpkg's own database says a run left unfinished, as `dpkg --audit` tells it: each package,
// its version, the state it stopped in and what that state means, and the maintainer script that runs again when
// the run is finished. Read-only; finishing is packages.repair_system.
import { access } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { _, format, N_ } from '../../i18n.js';
import { type DpkgState, moreAndJournalLines, readDpkgState, type UnfinishedPackage } from '../../watch/dpkgState.js';
import type { ActionDefinition } from '../action.js';

const params = z.object({}).strict();
const MAX_LISTED = 20;

/** dpkg-query(1)'s package states, as `dpkg --audit` explains them, and the script each one runs next. */
const STATE_MEANINGS: Readonly<Record<string, { meaning: string; script?: string }>> = {
  'half-configured': {
    meaning: N_('its configuration script did not finish: it failed or was cut off'),
    script: 'postinst',
  },
  unpacked: { meaning: N_('unpacked but not yet configured'), script: 'postinst' },
  'half-installed': { meaning: N_('its installation or removal stopped half-way; it must be installed again') },
  'triggers-awaited': { meaning: N_('it waits for another package to process its triggers') },
  'triggers-pending': { meaning: N_('its triggers were activated but not yet processed'), script: 'postinst' },
};

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The package's maintainer script that finishing would run, where dpkg keeps it (multi-arch names first). */
async function scriptOf(root: string, entry: UnfinishedPackage, script: string): Promise<string | null> {
  const info = join(root, 'var/lib/dpkg/info');
  const names = [...(entry.architecture ? [`${entry.name}:${entry.architecture}`] : []), entry.name];
  for (const name of names) {
    const path = join(info, `${name}.${script}`);
    if (await exists(path)) return root === '/' ? path : `/${join('var/lib/dpkg/info', `${name}.${script}`)}`;
  }
  return null;
}

/** The audit as the lines a person reads. */
export async function describeAudit(state: DpkgState, root = '/'): Promise<string[]> {
  const lines = await Promise.all(
    state.unfinished.slice(0, MAX_LISTED).map(async (entry) => {
      const known = STATE_MEANINGS[entry.state];
      const script = known?.script ? await scriptOf(root, entry, known.script) : null;
      const facts = {
        package: entry.name,
        version: entry.version ?? '?',
        state: entry.state,
        meaning: known ? _(known.meaning) : entry.state,
        script: script ?? '',
      };
      if (entry.reinstallRequired) {
        return format(_('{package} {version} is {state} and must be reinstalled before dpkg can configure it'), facts);
      }
      return format(
        script
          ? _('{package} {version} is {state}: {meaning}; finishing runs {script} again')
          : _('{package} {version} is {state}: {meaning}'),
        facts,
      );
    }),
  );
  lines.push(...moreAndJournalLines(state, lines.length));
  return lines;
}

export interface DpkgAuditOptions {
  /** A directory standing for `/` where dpkg's database is read (the test hook); the machine's own by default. */
  root?: string;
}

export function dpkgAuditAction({ root = '/' }: DpkgAuditOptions = {}): ActionDefinition<z.infer<typeof params>> {
  const audit = async () => {
    const state = await readDpkgState(root);
    return state ? describeAudit(state, root) : [];
  };
  return {
    name: 'info.dpkg_audit',
    title: N_('Show what dpkg left unfinished'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // Nothing unfinished in dpkg's database: nothing to show.
    async preview() {
      const details = await audit();
      return {
        summary: _('Show what dpkg’s database says is unfinished, as dpkg --audit does'),
        details,
        changesNothing: details.length === 0,
      };
    },
    async run() {
      const details = await audit();
      return {
        summary: (details.length > 0
          ? [_('dpkg’s database says:'), ...details]
          : [_('dpkg has nothing unfinished now')]
        ).join('\n'),
        undo: { impossible: _('reading dpkg’s database changes nothing') },
      };
    },
    async verify() {
      return { ok: true, observed: _('read dpkg’s database') };
    },
  };
}
