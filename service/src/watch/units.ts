// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The systemd units source: failed units of one manager (system or user), as
// they fail and as they recover, from the manager's D-Bus signals.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../dbus/client.js';
import { StewardError } from '../dbus/errors.js';
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

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
const UNIT = 'org.freedesktop.systemd1.Unit';
const SERVICE = 'org.freedesktop.systemd1.Service';
const PROPERTIES = 'org.freedesktop.DBus.Properties';
const UNIT_PATH_PREFIX = '/org/freedesktop/systemd1/unit/';
/** ExecMainCode for a main process that exited (as opposed to killed or dumped). */
const CLD_EXITED = 1;

/** ListUnits' row: (name, description, load, active, sub, followed, path, job id, job type, job path). */
type UnitRow = [string, string, string, string, string, string, string, number, string, string];

export class UnitSource implements EventSource {
  readonly name: string;
  readonly #options: UnitSourceOptions;
  readonly #router: SignalRouter;
  /** Units seen failed and not active since: a failure is reported once, a recovery only after one. */
  readonly #failed = new Set<string>();
  #emit: ((event: WatchEvent) => void) | null = null;
  #unsubscribe: (() => Promise<void>) | null = null;
  /** Changes are handled one after the other, so a recovery never overtakes its failure. */
  #queue: Promise<void> = Promise.resolve();

  constructor(options: UnitSourceOptions) {
    this.name = options.name;
    this.#options = options;
    this.#router = new SignalRouter(options.bus);
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
      { sender: SYSTEMD, interface: PROPERTIES, member: 'PropertiesChanged' },
      (body, message) => this.#propertiesChanged(message.path, body),
    );
    await this.#manager('Subscribe');
    // Listed after subscribing, so a unit failing meanwhile is not missed (#failed dedupes it).
    const [rows] = (await this.#manager('ListUnitsFiltered', 'as', [['failed']])) as [UnitRow[]];
    for (const [unit, , , , , , path] of rows) this.#enqueue(() => this.#changed(path, 'failed', unit));
    await this.#queue;
  }

  async stop(): Promise<void> {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    this.#emit = null;
    if (!unsubscribe) return;
    await unsubscribe();
    await this.#queue;
    // systemd also drops a subscriber whose connection closes, so a manager
    // that went away meanwhile is worth a note, not a failed shutdown.
    await this.#manager('Unsubscribe').catch((error: Error) =>
      this.#options.log.debug('systemd did not take Unsubscribe', { source: this.name, error: error.message }),
    );
  }

  async #systemdOnBus(): Promise<boolean> {
    const [owned] = await callMethod(this.#options.bus, {
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'NameHasOwner',
      signature: 's',
      body: [SYSTEMD],
    });
    return owned as boolean;
  }

  #manager(member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    // Never activate: the session bus may name a systemd1 service that cannot start.
    return callMethod(
      this.#options.bus,
      { destination: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member, signature, body },
      { autoStart: false },
    );
  }

  #propertiesChanged(path: string, body: unknown[]): void {
    const [iface, changed] = body as [string, Record<string, Variant>];
    const activeState = changed.ActiveState?.value as string | undefined;
    if (!path.startsWith(UNIT_PATH_PREFIX) || iface !== UNIT || activeState === undefined) return;
    this.#enqueue(() => this.#changed(path, activeState));
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch((error: Error) =>
      // Typically the unit was unloaded before its properties could be read.
      this.#options.log.warning('could not read a unit that changed state', {
        source: this.name,
        error: error.message,
      }),
    );
  }

  async #changed(path: string, activeState: string, knownName?: string): Promise<void> {
    if (activeState !== 'failed' && activeState !== 'active') return;
    const unit = knownName ?? ((await this.#property(path, UNIT, 'Id')) as string);
    if (activeState === 'failed') {
      if (this.#failed.has(unit)) return;
      this.#failed.add(unit);
    } else if (!this.#failed.delete(unit)) {
      return;
    }
    const state: UnitState = { scope: this.#options.scope, unit, activeState, ...(await this.#details(path, unit)) };
    // What its file names, for what a changed file has to do with the failure (causes/fileLink.ts).
    if (activeState === 'failed') {
      state.paths = await readUnitPaths(unit, this.#options.scope, (iface, name) => this.#property(path, iface, name));
    }
    this.#emit?.({ type: 'unit', at: new Date(), state });
  }

  /** Result and, for services, the main process's exit status and restart count, where the unit has them. */
  async #details(path: string, unit: string): Promise<Pick<UnitState, 'result' | 'exitCode' | 'restarts'>> {
    // Result lives on the unit type's interface (Service, Socket, Mount…), named after the suffix.
    const suffix = unit.slice(unit.lastIndexOf('.') + 1);
    const typeInterface = `${SYSTEMD}.${suffix.charAt(0).toUpperCase()}${suffix.slice(1)}`;
    const optional = (iface: string, name: string) => this.#property(path, iface, name).catch(() => undefined);
    const [result, code, status, restarts] = await Promise.all([
      optional(typeInterface, 'Result'),
      optional(SERVICE, 'ExecMainCode'),
      optional(SERVICE, 'ExecMainStatus'),
      optional(SERVICE, 'NRestarts'),
    ]);
    // For a killed main process ExecMainStatus is the signal number, not an exit code.
    const exited = status !== undefined && (code === undefined || code === CLD_EXITED);
    return {
      ...(typeof result === 'string' && { result }),
      ...(exited && { exitCode: Number(status) }),
      ...(restarts !== undefined && { restarts: Number(restarts) }),
    };
  }

  async #property(path: string, iface: string, name: string): Promise<unknown> {
    const [value] = (await callMethod(
      this.#options.bus,
      { destination: SYSTEMD, path, interface: PROPERTIES, member: 'Get', signature: 'ss', body: [iface, name] },
      { autoStart: false },
    )) as [Variant];
    return value.value;
  }
}
