// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { basename } from 'node:path';

import type { Config, ConfigLoad } from '../config.js';
import type { ServiceState } from '../core/serviceState.js';
import type { PeerWaits } from '../dbus/peerWaits.js';
import type { FindingsStore } from '../findings/store.js';
import { _, format, ngettext } from '../i18n.js';
import type { Logger } from '../logging.js';
import type { Salvage } from '../storage/salvage.js';

/** What the status says needs attention: the findings at or above the configured severity. */
export function attentionReason(store: FindingsStore, config: Config): string | null {
  const count = store.count({ minSeverity: config.findings.attentionSeverity });
  if (count === 0) return null;
  return format(ngettext('A problem needs attention.', '{count} problems need attention.', count), { count });
}

/** Puts a loaded configuration's log level in effect, and says in the status when the file was invalid. */
export function applyConfig(load: ConfigLoad, state: ServiceState, logger: Logger): void {
  logger.setLevel(load.config.logLevel);
  if (load.status === 'invalid') {
    logger.warning('configuration ignored, using defaults', { problem: load.problem });
    state.setProblem(
      'config',
      format(_('The configuration file is invalid, so defaults are in use: {problem}'), { problem: load.problem }),
    );
  } else {
    state.setProblem('config', null);
  }
}

/** The table whose rows a person counts in each store, and its words. */
const COUNTED: Record<string, { table: string; words: (kept: number, total: number | null) => string }> = {
  'findings.db': {
    table: 'findings',
    words: (kept, total) =>
      total === null
        ? format(
            ngettext(
              'It recovered {kept} finding; the rest could not be read.',
              'It recovered {kept} findings; the rest could not be read.',
              kept,
            ),
            { kept },
          )
        : format(
            ngettext(
              'It recovered {kept} of its {total} finding.',
              'It recovered {kept} of its {total} findings.',
              total,
            ),
            { kept, total },
          ),
  },
  'fixes.db': {
    table: 'proposals',
    words: (kept, total) =>
      total === null
        ? format(
            ngettext(
              'It recovered {kept} proposal; the rest could not be read.',
              'It recovered {kept} proposals; the rest could not be read.',
              kept,
            ),
            { kept },
          )
        : format(
            ngettext(
              'It recovered {kept} of its {total} proposal.',
              'It recovered {kept} of its {total} proposals.',
              total,
            ),
            { kept, total },
          ),
  },
  'chat.db': {
    table: 'sessions',
    words: (kept, total) =>
      total === null
        ? format(
            ngettext(
              'It recovered {kept} conversation; the rest could not be read.',
              'It recovered {kept} conversations; the rest could not be read.',
              kept,
            ),
            { kept },
          )
        : format(
            ngettext(
              'It recovered {kept} of its {total} conversation.',
              'It recovered {kept} of its {total} conversations.',
              total,
            ),
            { kept, total },
          ),
  },
};

/** A store that had to start afresh says so in the status, with where its old file was kept and what was recovered. */
export function reportSetAside(
  stores: { file: string; setAside: string | null; salvaged?: Salvage | null }[],
  state: ServiceState,
  log: Logger,
): void {
  for (const { file, setAside, salvaged } of stores) {
    if (setAside === null) continue;
    const name = basename(file);
    const counted = COUNTED[name];
    const saved = counted && salvaged?.[counted.table];
    log.warning('a damaged database was set aside; a new one was started', {
      file,
      kept: setAside,
      recovered: salvaged ? JSON.stringify(salvaged) : 'nothing readable',
    });
    const recovered = !salvaged
      ? _('Nothing in it could be read.')
      : counted
        ? counted.words(saved?.kept ?? 0, saved ? saved.total : 0)
        : '';
    state.setProblem(
      `storage:${name}`,
      [
        format(_('{file} was damaged. Steward kept it as {copy} and started a new one.'), {
          file: name,
          copy: setAside,
        }),
        recovered,
      ]
        .filter(Boolean)
        .join(' '),
    );
  }
}

/** A service that left Steward waiting past a deadline makes it degraded, named in the status, until it answers again. */
export function reportStuckPeers(peers: PeerWaits, state: ServiceState, log: Logger): void {
  const update = () => {
    const stuck = Object.entries(peers.stuckPeers);
    if (stuck.length > 0) log.warning('a service left Steward waiting', { stuck: stuck.map(([peer]) => peer) });
    state.setProblem(
      'peers',
      stuck.length === 0
        ? null
        : format(
            ngettext(
              '{services} did not answer in time; what needs it waits until it does.',
              '{services} did not answer in time; what needs them waits until they do.',
              stuck.length,
            ),
            { services: stuck.map(([peer, what]) => `${peer} (${what})`).join(', ') },
          ),
    );
  };
  update();
  peers.on('changed', update);
}
