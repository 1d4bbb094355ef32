// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Notices the user's repair of a failed unit whose restart was held back: the files the unit is made of, runs
// or names (and the configuration file its error names), watched with inotify, and the units it requires or
// wants, through systemd's signals. On a change the proposal is drafted again (Proposer.redraft), which offers
// the restart and tells the user once something says it can now help.
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, sep } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { SignalRouter } from '../dbus/client.js';
import { MANAGER, MANAGER_PATH, SYSTEMD } from '../dbus/systemd.js';
import type { Logger } from '../logging.js';
import type { ActionContext } from './action.js';
import { UnitManager, type UnitScope } from './actions/systemdUnits.js';
import type { FixesStore, Proposal, ProposalState } from './store.js';

/** What starts a failed unit again: a restart, or (for a crash loop) a start after its failed state is cleared. */
export const STARTS: ReadonlySet<string> = new Set(['systemd.restart_unit', 'systemd.start_unit']);
/** The most proposals watched at once: the newest; each costs a few inotify watches and match rules. */
const MAX_WATCHED = 20;
/** A repair is often several writes (an editor's temporary file and rename, mkdir -p): the last one counts. */
const SETTLE_MS = 200;

export interface RepairWatchOptions {
  store: FixesStore;
  context: ActionContext;
  /** Drafts the proposal again as the machine now stands; emits ProposalChanged when it offers more. */
  redraft(proposal: Proposal): Promise<Proposal>;
  log: Logger;
  settleMs?: number;
}

/** What is watched for one proposal, and how to stop. */
interface Watched {
  /** The paths its steps named when it was armed (namedPaths). */
  named: string;
  watchers: FSWatcher[];
  stopUnits: (() => Promise<void>) | null;
  timer: NodeJS.Timeout | null;
  /** Whether what the settling timer waits on was the proposal's own file or unit, not any job of systemd's. */
  own: boolean;
  closed: boolean;
}

/**
 * Why a proposal is to be looked at again: its own file or unit changed ('own'), or systemd ended some job, which may
 * have been its repair too ('job': a backend it connects to started).
 */
type Due = 'own' | 'job';

/**
 * States of a proposal whose unit may still wait for its restart: waiting, or after a step of it was applied
 * (unmasking what the unit requires is "fixed", and the unit is still failed until it is restarted).
 */
export const WAITING_FOR_RESTART = ['open', 'fixed', 'not-fixed'] as const satisfies readonly ProposalState[];

/** Kinds about a failed unit whose playbook holds its restart back until something says it can help. */
const RESTART_WAITS_FOR_REPAIR = new Set(['unit-failed', 'crash-loop', 'config-changed-before-failure']);

/** A playbook proposal for a failed unit that offers no restart yet, and may still get one. */
export function restartHeldBack(proposal: Proposal): boolean {
  return (
    (WAITING_FOR_RESTART as readonly ProposalState[]).includes(proposal.state) &&
    RESTART_WAITS_FOR_REPAIR.has(proposal.kind) &&
    proposal.trust.origin === 'playbook' &&
    proposal.findingId !== null &&
    !proposal.actions.some((action) => STARTS.has(action.name))
  );
}

/** The absolute paths the proposal's steps name (the file a service was refused, a configuration file). */
function namedPaths(proposal: Proposal): string[] {
  return proposal.actions.flatMap(({ params }) => {
    const path = (params as { path?: unknown }).path;
    return typeof path === 'string' && isAbsolute(path) ? [path] : [];
  });
}

const namedKey = (proposal: Proposal) => JSON.stringify(namedPaths(proposal));

/** The deepest directory of `path` that exists, and the name in it that leads on to `path` ('' for `path` itself). */
async function nearestExisting(path: string): Promise<{ directory: string; entry: string }> {
  let child = path;
  for (let directory = dirname(path); ; directory = dirname(directory)) {
    const found = await stat(directory).catch(() => null);
    if (found?.isDirectory()) return { directory, entry: relative(directory, child).split(sep)[0] ?? '' };
    if (directory === dirname(directory)) return { directory, entry: '' };
    child = directory;
  }
}

export class RepairWatch {
  readonly #options: RepairWatchOptions;
  readonly #watched = new Map<number, Watched>();
  /** Syncs and re-arms run one at a time, in order. */
  #queue: Promise<void> = Promise.resolve();
  /**
   * The proposals waiting to be looked at again, and why: one look each, however many changes came meanwhile. Every
   * job systemd ends makes each watched proposal due, and on a busy day (twenty proposals watched, a job every few
   * seconds) a look per change grew a queue that held a proposal's own repair back for minutes.
   */
  readonly #due = new Map<number, Due>();
  /** Whether a look at the next proposal a job made due is queued. */
  #sweeping = false;
  /** The buses whose JobRemoved is heard (#hearJobs), and how to stop hearing them. */
  readonly #jobBuses = new Set<MessageBus>();
  readonly #unsubscribe: (() => Promise<void>)[] = [];
  #stopped = false;

  constructor(options: RepairWatchOptions) {
    this.#options = options;
  }

  /** Watches the proposals that wait with a restart held back, and stops watching the others. */
  sync(): void {
    this.#hearJobs();
    this.#enqueue(async () => {
      const wanted = this.#options.store
        .proposals(WAITING_FOR_RESTART)
        .filter(restartHeldBack)
        .sort((a, b) => b.id - a.id)
        .slice(0, MAX_WATCHED);
      const ids = new Set(wanted.map((proposal) => proposal.id));
      for (const id of [...this.#watched.keys()].filter((watchedId) => !ids.has(watchedId))) await this.#close(id);
      // Drafted again once watched: a repair between its drafting and the watches is seen too. A proposal drafted
      // again since with steps that name other paths (its program's line came after systemd's) is watched anew.
      for (const proposal of wanted.filter((p) => this.#watched.get(p.id)?.named !== namedKey(p))) {
        await this.#close(proposal.id);
        await this.#arm(proposal);
        await this.#redraft(proposal);
      }
    });
  }

  /** How many proposals are watched now (tests). */
  get watchedCount(): number {
    return this.#watched.size;
  }

  /**
   * A repair is not always a file or a unit the failed one names: a backend it connects to started, a device came.
   * Each job systemd ends well (a unit started or stopped) so looks at the watched proposals again, once per bus.
   * Looking at them starts no job, so it cannot hear itself.
   */
  #hearJobs(): void {
    const { sessionBus, systemBus } = this.#options.context;
    for (const bus of [sessionBus, systemBus]) {
      if (!bus || this.#jobBuses.has(bus) || this.#stopped) continue;
      this.#jobBuses.add(bus);
      void new SignalRouter(bus, { autoStart: false })
        .subscribe(
          { sender: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member: 'JobRemoved', signature: 'uoss' },
          ([, , , result]) => {
            if (result !== 'done') return;
            for (const id of this.#watched.keys()) this.#changed(id, 'job');
          },
        )
        .then(
          (unsubscribe) => this.#unsubscribe.push(unsubscribe),
          (error: Error) => this.#options.log.debug('cannot hear systemd end jobs', { error: error.message }),
        );
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#due.clear();
    await Promise.all(this.#unsubscribe.splice(0).map((unsubscribe) => unsubscribe().catch(() => undefined)));
    await this.#queue;
    for (const id of [...this.#watched.keys()]) await this.#close(id);
  }

  #enqueue(work: () => Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#stopped) return;
      await work().catch((error: Error) =>
        this.#options.log.warning('could not watch for the repair of a failed unit', { error: error.message }),
      );
    });
  }

  /** Watches for the proposal's repair; one that cannot be watched now (no system bus yet) is tried at the next sync. */
  async #arm(proposal: Proposal): Promise<void> {
    const watched: Watched = {
      named: namedKey(proposal),
      watchers: [],
      stopUnits: null,
      timer: null,
      own: false,
      closed: false,
    };
    this.#watched.set(proposal.id, watched);
    try {
      await this.#watch(proposal, watched);
    } catch (error) {
      await this.#close(proposal.id);
      throw error;
    }
  }

  async #watch(proposal: Proposal, watched: Watched): Promise<void> {
    const scope = await this.#scopeOf(proposal);
    if (!scope || watched.closed) return;
    const manager = new UnitManager(this.#options.context, scope);
    const context = await manager.failureContext(proposal.subject);
    const named = namedPaths(proposal);
    const changed = () => this.#changed(proposal.id, 'own');
    // The parent directory is watched, not the file: an editor replaces a file by renaming another over it, and
    // what does not exist yet (a directory the unit needs) is watched for from its nearest existing parent.
    const byDirectory = new Map<string, Set<string>>();
    const paths = new Set([...context.paths, ...named]);
    for (const path of paths) {
      const { directory, entry } = await nearestExisting(path);
      const entries = byDirectory.get(directory) ?? new Set<string>();
      byDirectory.set(directory, entries.add(entry));
    }
    for (const [directory, entries] of byDirectory) {
      try {
        // An event on the watched directory itself (its mode or owner changed: what a path missing in it needs)
        // comes with the directory's own name (libuv's inotify backend names it so).
        const own = basename(directory);
        const watcher = watch(directory, { persistent: false }, (_event, name) => {
          if (name !== null && (entries.has(String(name)) || String(name) === own)) changed();
        });
        watcher.on('error', () => watcher.close());
        watched.watchers.push(watcher);
      } catch (error) {
        this.#options.log.debug('cannot watch a directory for a repair', {
          directory,
          error: (error as Error).message,
        });
      }
    }
    // A directory made between the look above and its watch is seen by none of them, nor what is then written in
    // it: looked at again now that the watches are set, such a path counts as a change.
    for (const path of paths) {
      const { directory, entry } = await nearestExisting(path);
      if (!byDirectory.get(directory)?.has(entry)) {
        changed();
        break;
      }
    }
    if (context.dependencies.length > 0 && !watched.closed) {
      watched.stopUnits = await manager.watchUnits(context.dependencies, changed);
    }
    if (watched.closed) await this.#release(watched);
  }

  /** The manager that knows the proposal's unit: the scope its steps name, else the one that loads it. */
  async #scopeOf(proposal: Proposal): Promise<UnitScope | null> {
    const named = proposal.actions
      .map(({ params }) => params as { unit?: unknown; scope?: unknown })
      .find((params) => params.unit === proposal.subject && (params.scope === 'user' || params.scope === 'system'));
    if (named) return named.scope as UnitScope;
    for (const scope of ['user', 'system'] as const) {
      const known = await new UnitManager(this.#options.context, scope).status(proposal.subject).catch(() => null);
      if (known) return scope;
    }
    return null;
  }

  #changed(id: number, why: Due): void {
    const watched = this.#watched.get(id);
    if (!watched || watched.closed) return;
    if (watched.timer) clearTimeout(watched.timer);
    watched.own ||= why === 'own';
    watched.timer = setTimeout(() => {
      watched.timer = null;
      this.#makeDue(id, watched.own ? 'own' : 'job');
      watched.own = false;
    }, this.#options.settleMs ?? SETTLE_MS);
  }

  /**
   * Queues one look at the proposal, unless one waits already. A look for its own change is queued as it comes; those
   * any job made due are taken one at a time, each behind what was queued meanwhile (a new proposal to watch, a file
   * that appeared), so that twenty proposals due after every job never hold those back.
   */
  #makeDue(id: number, why: Due): void {
    const waiting = this.#due.get(id);
    if (waiting === 'own' || waiting === why) return;
    this.#due.set(id, why);
    if (why === 'own') this.#enqueue(() => this.#lookAgain('own'));
    else this.#sweepSoon();
  }

  #sweepSoon(): void {
    if (this.#sweeping) return;
    this.#sweeping = true;
    this.#enqueue(() => this.#lookAgain('job'));
  }

  /** Looks at the first proposal due for `why`, in the order they became due. */
  async #lookAgain(why: Due): Promise<void> {
    if (why === 'job') this.#sweeping = false;
    const id = [...this.#due].find(([, reason]) => reason === why)?.[0];
    if (id === undefined) return;
    this.#due.delete(id);
    // Closed since it was due: no longer waiting for its restart, or no longer among the proposals watched.
    if (this.#watched.has(id)) await this.#recheck(id);
    if (why === 'job' && [...this.#due.values()].includes('job')) this.#sweepSoon();
  }

  /**
   * Watches again from where the paths now lead (a directory made since is watched itself), then drafts the
   * proposal again: what changed before the new watches is seen by the redraft, what changes after by them.
   */
  async #recheck(id: number): Promise<void> {
    await this.#close(id);
    const proposal = this.#options.store.proposal(id);
    if (!proposal || !restartHeldBack(proposal)) return;
    await this.#arm(proposal);
    await this.#redraft(proposal);
  }

  async #redraft(proposal: Proposal): Promise<void> {
    const redrafted = await this.#options.redraft(proposal);
    if (restartHeldBack(redrafted)) return;
    await this.#close(proposal.id);
    this.#options.log.info('a repair allows a restart now', { proposal: proposal.id, unit: proposal.subject });
  }

  async #close(id: number): Promise<void> {
    const watched = this.#watched.get(id);
    if (!watched) return;
    this.#watched.delete(id);
    watched.closed = true;
    await this.#release(watched);
  }

  async #release(watched: Watched): Promise<void> {
    if (watched.timer) clearTimeout(watched.timer);
    watched.timer = null;
    for (const watcher of watched.watchers) watcher.close();
    watched.watchers = [];
    const stopUnits = watched.stopUnits;
    watched.stopUnits = null;
    await stopUnits?.().catch(() => undefined);
  }
}
