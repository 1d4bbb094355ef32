// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A proposal about what is no longer there is withdrawn (issue 61): the unit it is about was removed (its file
// deleted, a daemon-reload, a transient unit gone), or the configuration file it is about was deleted. Seen as it
// happens: systemd's own signals (UnitRemoved, Reloading) on each manager's bus, and inotify on the folders of the
// files the waiting proposals are about; then each waiting proposal is looked at once more.
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { SignalRouter } from '../dbus/client.js';
import type { Logger } from '../logging.js';
import type { ActionContext } from './action.js';
import { UnitManager, type UnitScope } from './actions/systemdUnits.js';
import { isActionableUnit } from './playbookSteps.js';
import type { FixesStore, Proposal } from './store.js';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER = `${SYSTEMD}.Manager`;
const MANAGER_PATH = '/org/freedesktop/systemd1';
/** A daemon-reload or an editor's rename is several events: looked at once they settle. */
const SETTLE_MS = 200;
/** Folders watched at most: those of the newest waiting proposals' files. */
const MAX_FOLDERS = 32;
const WAITING = ['open', 'not-fixed'] as const;

export interface GoneWatchOptions {
  store: FixesStore;
  context: ActionContext;
  /** Withdraws a waiting proposal (the proposer's, which also considers anew what it stood for). */
  withdraw(proposal: Proposal, why: string): void;
  log: Logger;
  settleMs?: number;
  /** A directory that stands for `/` where the files are looked for (the corpus's, testHooks.ts's configRoot). */
  root?: string;
}

/**
 * The file a proposal is about: the configuration file its error names. A failed unit's proposal that shows a file
 * is about the unit, which stays failed whatever became of the file.
 */
export function filesOf(proposal: Proposal): string[] {
  return proposal.kind === 'config-error' && isAbsolute(proposal.subject) ? [proposal.subject] : [];
}

export class GoneWatch {
  readonly #options: GoneWatchOptions;
  readonly #unsubscribe: (() => Promise<void>)[] = [];
  readonly #folders = new Map<string, FSWatcher>();
  /** The subjects of the waiting proposals, as of the last sync. */
  #units = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: GoneWatchOptions) {
    this.#options = options;
  }

  /** Hears `bus`'s service manager remove units and reload, and looks at the waiting proposals once now. */
  async watchBus(bus: MessageBus): Promise<void> {
    const router = new SignalRouter(bus);
    // systemd unloads units all the time (an inactive unit once nothing reads it): only the removal of a unit a
    // waiting proposal is about is worth a look.
    const handlers: Record<'UnitRemoved' | 'Reloading', (body: unknown[]) => void> = {
      UnitRemoved: ([unit]) => {
        if (this.#units.has(String(unit))) this.#soon();
      },
      Reloading: () => this.#soon(),
    };
    for (const [member, handler] of Object.entries(handlers)) {
      const unsubscribe = await router.subscribe(
        { sender: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member },
        handler,
      );
      if (this.#stopped) await unsubscribe();
      else this.#unsubscribe.push(unsubscribe);
    }
    this.#soon();
  }

  /** Watches the folders of the files the waiting proposals are about (a proposal came or went). */
  sync(): void {
    if (this.#stopped) return;
    const folders = new Map<string, Set<string>>();
    const waiting = this.#options.store.proposals(WAITING);
    this.#units = new Set(waiting.map((proposal) => proposal.subject));
    for (const proposal of waiting) {
      for (const file of filesOf(proposal).map((named) => this.#placeOf(named))) {
        if (folders.size >= MAX_FOLDERS && !folders.has(dirname(file))) continue;
        folders.set(dirname(file), (folders.get(dirname(file)) ?? new Set()).add(basename(file)));
      }
    }
    for (const [folder, watcher] of this.#folders) {
      if (folders.has(folder)) continue;
      watcher.close();
      this.#folders.delete(folder);
    }
    for (const [folder, names] of folders) {
      if (this.#folders.has(folder)) continue;
      try {
        const watcher = watch(folder, { persistent: false }, (_event, name) => {
          if (name === null || names.has(String(name))) this.#soon();
        });
        watcher.on('error', () => watcher.close());
        this.#folders.set(folder, watcher);
      } catch {
        // A folder that is gone already: the next look finds its file gone.
        this.#soon();
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const watcher of this.#folders.values()) watcher.close();
    this.#folders.clear();
    await Promise.all(this.#unsubscribe.splice(0).map((unsubscribe) => unsubscribe().catch(() => undefined)));
    await this.#queue;
  }

  #soon(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#queue = this.#queue.then(() =>
        this.#look().catch((error: Error) =>
          this.#options.log.warning('could not look for proposals about what is gone', { error: error.message }),
        ),
      );
    }, this.#options.settleMs ?? SETTLE_MS);
    this.#timer.unref();
  }

  /** Withdraws each waiting proposal whose unit or file is gone. */
  async #look(): Promise<void> {
    for (const proposal of this.#options.store.proposals(WAITING)) {
      if (this.#stopped) return;
      if (proposal.findingId === null) continue;
      const gone = await this.goneOf(proposal);
      if (gone) this.#options.withdraw(proposal, gone);
    }
    this.sync();
  }

  /** What of the proposal's is gone, in words; null while everything it is about is there. */
  async goneOf(proposal: Proposal): Promise<string | null> {
    for (const file of filesOf(proposal)) {
      const missing = await stat(this.#placeOf(file)).then(
        () => false,
        (error: NodeJS.ErrnoException) => error.code === 'ENOENT' || error.code === 'ENOTDIR',
      );
      if (missing) return `${file} no longer exists`;
    }
    const unit = proposal.subject;
    if (!isActionableUnit(unit)) return null;
    const scopes = this.#scopesOf(proposal);
    const known = await Promise.all(scopes.map((scope) => this.#knows(scope, unit)));
    // Unknown (no system bus yet, a manager that does not answer) is not gone.
    return known.length > 0 && known.every((answer) => answer === false) ? `${unit} no longer exists` : null;
  }

  /** Where the file a proposal names is on this machine. */
  #placeOf(file: string): string {
    return this.#options.root ? join(this.#options.root, file) : file;
  }

  /** The managers that may know the proposal's unit: the scope its steps name, else both there are. */
  #scopesOf(proposal: Proposal): UnitScope[] {
    const named = proposal.actions
      .map(({ params }) => params as { unit?: unknown; scope?: unknown })
      .find((params) => params.unit === proposal.subject && (params.scope === 'user' || params.scope === 'system'));
    if (named) return [named.scope as UnitScope];
    return this.#options.context.systemBus ? ['user', 'system'] : ['user'];
  }

  /** Whether the manager of `scope` knows `unit`; null when it cannot be asked. */
  async #knows(scope: UnitScope, unit: string): Promise<boolean | null> {
    if (scope === 'system' && !this.#options.context.systemBus) return null;
    try {
      return await new UnitManager(this.#options.context, scope).known(unit);
    } catch {
      return null;
    }
  }
}
