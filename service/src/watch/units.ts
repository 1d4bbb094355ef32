// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The systemd units source: failed units of one manager (system or user), as
// they fail and as they recover, from the manager's D-Bus signals, read through
// the types systemd gives them (dbus/systemd.ts); a manager that restarts is
// subscribed to again, and its failed units listed again.
import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { nameHasOwner, SignalRouter } from '../dbus/client.js';
import { remoteErrorName, StewardError } from '../dbus/errors.js';
import { listUnits, MANAGER, MANAGER_PATH, SYSTEMD, unitProperty, type UnitPropertyName } from '../dbus/systemd.js';
import { voidCall } from '../dbus/typedCalls.js';
import { checkedAnswer, reportUnexpected, UnexpectedAnswer } from '../dbus/unexpected.js';
import { boundedText, variantOf } from '../dbus/variants.js';
import type { Logger } from '../logging.js';
import type { EventSource, UnitState, WatchEvent } from './events.js';
import { readUnitPaths } from './unitPaths.js';

export interface UnitSourceOptions {
  name: string;
  /** The system bus for the system manager, the session bus for the user's. */
  bus: MessageBus;
  scope: 'system' | 'user';
  log: Logger;
}

const UNIT = 'org.freedesktop.systemd1.Unit';
const SERVICE = 'org.freedesktop.systemd1.Service';
const PROPERTIES = 'org.freedesktop.DBus.Properties';
const UNIT_PATH_PREFIX = '/org/freedesktop/systemd1/unit/';
/** ExecMainCode for a main process that exited (as opposed to killed or dumped). */
const CLD_EXITED = 1;
/** A unit's changed properties: ActiveState is what the source follows. */
const unitChange = z.object({ ActiveState: variantOf('s', boundedText(64)).optional() });

export class UnitSource implements EventSource {
  readonly name: string;
  readonly #options: UnitSourceOptions;
  readonly #router: SignalRouter;
  /**
   * The object paths of units seen failed and not active since, decided as each signal comes: a failure is reported
   * once, a recovery only after one. systemd sends a unit's PropertiesChanged, ActiveState included, whenever anything
   * of it changes (loading another unit that names it changes its dependencies): only a transition is queued, so what
   * waits is bounded by the units that fail, never by how often systemd repeats itself.
   */
  readonly #failed = new Set<string>();
  #emit: ((event: WatchEvent) => void) | null = null;
  #unsubscribe: (() => Promise<void>) | null = null;
  #stopWatching: (() => Promise<void>) | null = null;
  /** Changes are handled one after the other, so a recovery never overtakes its failure. */
  #queue: Promise<void> = Promise.resolve();

  constructor(options: UnitSourceOptions) {
    this.name = options.name;
    this.#options = options;
    this.#router = new SignalRouter(options.bus, {
      dropped: (filter, message) =>
        this.#unexpected(
          new UnexpectedAnswer(SYSTEMD, filter.member ?? filter.interface, `a signal of type "${message.signature}"`),
        ),
    });
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    if (!(await this.#systemdOnBus())) {
      throw new StewardError('Unavailable', `systemd's ${this.#options.scope} manager (${SYSTEMD}) is not on the bus`);
    }
    // A unit that fails by itself (its process dies) runs no job, so JobRemoved
    // misses it; PropertiesChanged on the Unit interface carries every
    // ActiveState change. systemd sends neither until someone calls Subscribe.
    // The router cannot filter by path namespace, so the rule takes every
    // PropertiesChanged systemd sends and the handler keeps the units'.
    this.#unsubscribe = await this.#router.subscribe(
      { sender: SYSTEMD, interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
      (body, message) => this.#propertiesChanged(message.path, body),
    );
    // A manager that comes back (re-executed, or the user's restarted) knows no subscriber and says nothing of the
    // units that failed meanwhile.
    const watch = await this.#router.watchOwner(SYSTEMD, (owner) => {
      if (owner !== null) this.#enqueue(() => this.#follow());
    });
    this.#stopWatching = watch.stop;
    await this.#follow();
    await this.#queue;
  }

  /** Subscribes to the manager now on the bus and reports its failed units. */
  async #follow(): Promise<void> {
    // A re-executed manager keeps its subscribers, and says so.
    await this.#manager('Subscribe').catch((error: unknown) => {
      if (remoteErrorName(error) !== `${SYSTEMD}.AlreadySubscribed`) throw error;
    });
    // Listed after subscribing, so a unit failing meanwhile is not missed (#failed dedupes it).
    const rows = await listUnits(this.#options.bus, ['failed'], { autoStart: false });
    for (const [unit, , , , , , path] of rows) this.#transition(path, 'failed', unit);
  }

  async stop(): Promise<void> {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    this.#emit = null;
    if (!unsubscribe) return;
    await this.#stopWatching?.();
    this.#stopWatching = null;
    await unsubscribe();
    await this.#queue;
    // systemd also drops a subscriber whose connection closes, so a manager
    // that went away meanwhile is worth a note, not a failed shutdown.
    await this.#manager('Unsubscribe').catch((error: Error) =>
      this.#options.log.debug('systemd did not take Unsubscribe', { source: this.name, error: error.message }),
    );
  }

  #systemdOnBus(): Promise<boolean> {
    return nameHasOwner(this.#options.bus, SYSTEMD);
  }

  #manager(member: 'Subscribe' | 'Unsubscribe'): Promise<void> {
    // Never activate: the session bus may name a systemd1 service that cannot start.
    return voidCall(
      this.#options.bus,
      { destination: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member },
      { autoStart: false },
    );
  }

  #propertiesChanged(path: string, body: unknown[]): void {
    const [iface, changed] = body;
    if (!path.startsWith(UNIT_PATH_PREFIX) || iface !== UNIT) return;
    let activeState: string | undefined;
    try {
      activeState = checkedAnswer(unitChange, changed, SYSTEMD, 'PropertiesChanged').ActiveState;
    } catch (error) {
      if (!(error instanceof UnexpectedAnswer)) throw error;
      return this.#unexpected(error);
    }
    if (activeState === 'failed' || activeState === 'active') this.#transition(path, activeState);
  }

  /** Queues the report of a unit that failed or recovered; the same state again, or a recovery without a failure, is none. */
  #transition(path: string, activeState: 'failed' | 'active', knownName?: string): void {
    if (activeState === 'failed') {
      if (this.#failed.has(path)) return;
      this.#failed.add(path);
    } else if (!this.#failed.delete(path)) {
      return;
    }
    this.#enqueue(() => this.#changed(path, activeState, knownName));
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch((error: Error) => {
      if (error instanceof UnexpectedAnswer) return this.#unexpected(error);
      // Typically the unit was unloaded before its properties could be read.
      this.#options.log.warning('could not read a unit that changed state', {
        source: this.name,
        error: error.message,
      });
    });
  }

  #unexpected(answer: UnexpectedAnswer): void {
    reportUnexpected(this.#options.log, answer);
  }

  async #changed(path: string, activeState: 'failed' | 'active', knownName?: string): Promise<void> {
    const unit = knownName ?? (await this.#property(path, UNIT, 'Id'));
    const [details, changedAt] = await Promise.all([this.#details(path, unit), this.#stateChangedAt(path)]);
    const state: UnitState = { scope: this.#options.scope, unit, activeState, ...details };
    // What its file names, for what a changed file has to do with the failure (findings/detectors/fileLink.ts).
    if (activeState === 'failed') {
      state.paths = await readUnitPaths(unit, this.#options.scope, (iface, name) => this.#property(path, iface, name));
    }
    this.#emit?.({ type: 'unit', at: changedAt ?? new Date(), state });
  }

  /**
   * When the manager says the unit changed state (StateChangeTimestamp), the time its journal lines are read against:
   * on a busy machine the properties are read seconds after the change, and the unit's own last lines, written just
   * before it, would seem to come from long before its failure.
   */
  async #stateChangedAt(path: string): Promise<Date | undefined> {
    const micros = await this.#optionalProperty(path, UNIT, 'StateChangeTimestamp');
    // 0 where the manager has no time for it.
    return micros ? new Date(Number(micros / 1000n)) : undefined;
  }

  /** Result and, for services, the main process's exit status and restart count, where the unit has them. */
  async #details(path: string, unit: string): Promise<Pick<UnitState, 'result' | 'exitCode' | 'restarts'>> {
    // Result lives on the unit type's interface (Service, Socket, Mount…), named after the suffix.
    const suffix = unit.slice(unit.lastIndexOf('.') + 1);
    const typeInterface = `${SYSTEMD}.${suffix.charAt(0).toUpperCase()}${suffix.slice(1)}`;
    const optional = <Name extends UnitPropertyName>(iface: string, name: Name) =>
      this.#optionalProperty(path, iface, name);
    const [result, code, status, restarts] = await Promise.all([
      optional(typeInterface, 'Result'),
      optional(SERVICE, 'ExecMainCode'),
      optional(SERVICE, 'ExecMainStatus'),
      optional(SERVICE, 'NRestarts'),
    ]);
    // For a killed main process ExecMainStatus is the signal number, not an exit code.
    const exited = status !== undefined && (code === undefined || code === CLD_EXITED);
    return {
      ...(result !== undefined && { result }),
      ...(exited && { exitCode: status }),
      ...(restarts !== undefined && { restarts }),
    };
  }

  /** A property the unit's type lacks is no answer; one of another type is an unexpected one. */
  #optionalProperty<Name extends UnitPropertyName>(path: string, iface: string, name: Name) {
    return this.#property(path, iface, name).catch((error: unknown) => {
      if (error instanceof UnexpectedAnswer) this.#unexpected(error);
      return undefined;
    });
  }

  #property<Name extends UnitPropertyName>(path: string, iface: string, name: Name) {
    return unitProperty(this.#options.bus, path, iface, name, { autoStart: false });
  }
}
