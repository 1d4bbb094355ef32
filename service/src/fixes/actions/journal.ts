// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Shrinks the journal to a size: journalctl deletes archived journal files, oldest first.
//
// What works unprivileged (systemd 252, checked with real journal files): nothing. journald keeps
// a user's journal as /var/log/journal/<machine-id>/user-UID@….journal in a directory only root
// can write; `journalctl --user --vacuum-size=N` run as the user prints "Failed to delete archived
// journal …: Permission denied" for each file, frees nothing, and still exits 0. Vacuuming also
// works per directory, not per user: with the rights to do it, `--user` deletes the system's
// archived files in that directory too. So the user scope runs only where the user can write the
// directories (otherwise its preview refuses and says why), and the system scope asks polkit.
import { access, constants, readFile } from 'node:fs/promises';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { formatBytes, MiB } from '../../findings/detectors/format.js';
import { _, format, N_ } from '../../i18n.js';
import type { ActionDefinition } from '../action.js';
import { directoryArgs, journalctl, type JournalOptions } from './journalctl.js';

const vacuumParams = z.object({
  scope: z.enum(['user', 'system']),
  keepBytes: z
    .number()
    .int()
    .min(16 * MiB)
    .default(500 * MiB),
});
type VacuumParams = z.infer<typeof vacuumParams>;

/** Vacuuming never deletes the files journald is writing (up to 128 MiB each by default). */
const ACTIVE_FILES_SLACK = 128 * MiB;

const UNITS = 'BKMGTPE';

/** "Archived and active journals take up 24.0M in the file system." → bytes (journalctl rounds to 0.1 unit). */
function parseDiskUsage(output: string): number {
  const match = /take up (\d+(?:\.\d+)?)([BKMGTPE]?)/.exec(output);
  if (!match) throw new StewardError('InvalidOutput', `journalctl --disk-usage said something unexpected: ${output}`);
  return Math.round(Number(match[1]) * 1024 ** Math.max(0, UNITS.indexOf(match[2] || 'B')));
}

const scopeArgs = (scope: VacuumParams['scope'], options: JournalOptions) => [
  ...directoryArgs(options),
  scope === 'user' ? '--user' : '--system',
];

async function usage(scope: VacuumParams['scope'], options: JournalOptions): Promise<number> {
  const { stdout, stderr } = await journalctl([...scopeArgs(scope, options), '--disk-usage']);
  return parseDiskUsage(`${stdout}${stderr}`);
}

/** Where journald keeps the user's journal files (persistent and volatile). */
async function userJournalDirectories(options: JournalOptions): Promise<string[]> {
  if (options.directory) return [options.directory];
  const machineId = (await readFile('/etc/machine-id', 'utf8')).trim();
  return [`/var/log/journal/${machineId}`, `/run/log/journal/${machineId}`];
}

const notYours = () =>
  _(
    'journald keeps your journal in a directory only the system can change, so it cannot be vacuumed ' +
      'on its own; vacuum the system journal instead (with authorization), which holds your entries too.',
  );

/** Unavailable unless the user can delete files where their journal is kept. */
async function ensureUserCanVacuum(options: JournalOptions): Promise<void> {
  for (const directory of await userJournalDirectories(options)) {
    const writable = await access(directory, constants.W_OK).then(
      () => true,
      (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
    );
    if (!writable) throw new StewardError('Unavailable', notYours());
  }
}

const describe = (scope: VacuumParams['scope']) => (scope === 'user' ? _('your journal') : _('the system journal'));

/** journal.vacuum; `options.directory` points it at a journal directory of the tests' own. */
export function journalVacuumAction(options: JournalOptions = {}): ActionDefinition<VacuumParams> {
  return {
    name: 'journal.vacuum',
    title: N_('Shrink the journal'),
    params: vacuumParams,
    risk: 'low',
    needsAuthorization: ({ scope }) => scope === 'system',
    readOnly: false,
    changes: 'files',
    async preview({ scope, keepBytes }) {
      const used = await usage(scope, options);
      const bytes = Math.max(0, used - keepBytes);
      if (bytes > 0 && scope === 'user') await ensureUserCanVacuum(options);
      return {
        // Translators: {journal} is "your journal" or "the system journal".
        summary: format(_('Free about {size} of {journal} (keeping {kept})'), {
          size: formatBytes(bytes),
          journal: describe(scope),
          kept: formatBytes(keepBytes),
        }),
        details: [
          format(_('{journal} uses {size} on disk'), { journal: describe(scope), size: formatBytes(used) }),
          format(_('the oldest archived journal files are deleted until {kept} remain; the files in use stay'), {
            kept: formatBytes(keepBytes),
          }),
        ],
        bytes,
        changesNothing: bytes === 0,
      };
    },
    async run({ scope, keepBytes }, _context, { progress }) {
      progress(null, format(_('Vacuuming {journal}'), { journal: describe(scope) }));
      const args = [...directoryArgs(options), `--vacuum-size=${keepBytes}`];
      if (scope === 'system') await journalctl(args, ['pkexec', 'journalctl']);
      else {
        await ensureUserCanVacuum(options);
        const { stderr } = await journalctl(['--user', ...args]);
        // journalctl exits 0 even when it could delete nothing.
        if (/Failed to delete/.test(stderr)) throw new StewardError('Unavailable', notYours());
      }
      progress(1, _('Done'));
      return {
        summary: format(_('Vacuumed {journal} to {size}'), {
          journal: describe(scope),
          size: formatBytes(await usage(scope, options)),
        }),
        undo: { impossible: _('deleted journal files cannot be restored') },
      };
    },
    async verify({ scope, keepBytes }) {
      const used = await usage(scope, options);
      return {
        ok: used <= keepBytes + ACTIVE_FILES_SLACK,
        observed: format(_('{journal} uses {size} ({bytes} bytes) on disk'), {
          journal: describe(scope),
          size: formatBytes(used),
          bytes: used,
        }),
      };
    },
  };
}

export const journalActions = [journalVacuumAction()];
