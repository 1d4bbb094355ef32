// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The GNOME Shell extensions source: every installed extension, read once through the shell's ListExtensions and
// then followed through its ExtensionStateChanged signal; a desktop event goes out whenever an extension's state,
// error, version or enabled setting changes. Without the shell on the bus (a session starting, X11's restart, no GNOME at
// all) the source waits quietly for its name (NameOwnerChanged) and reads the list again when it comes.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { nameHasOwner, SignalRouter } from '../../dbus/client.js';
import type { Logger } from '../../logging.js';
import type { EventSource, WatchEvent } from '../../watch/events.js';
import { EXTENSIONS, extensionStateOf, listExtensions, SHELL, SHELL_PATH, UNINSTALLED } from './shell.js';
import type { ExtensionState } from './state.js';

const DBUS = 'org.freedesktop.DBus';

export interface ShellExtensionsSourceOptions {
  name: string;
  /** The session bus. */
  bus: MessageBus;
  log: Logger;
}

export class ShellExtensionsSource implements EventSource {
  readonly name: string;
  readonly #options: ShellExtensionsSourceOptions;
  readonly #router: SignalRouter;
  #emit: ((event: WatchEvent) => void) | null = null;
  #unsubscribes: (() => Promise<void>)[] = [];
  #queue: Promise<void> = Promise.resolve();
  /** Each extension's last reported state, by uuid. */
  readonly #extensions = new Map<string, ExtensionState>();
  /** The shell's signals so far, and the number of the last about each extension: what a list read may not undo. */
  #signals = 0;
  readonly #signalledAt = new Map<string, number>();

  constructor(options: ShellExtensionsSourceOptions) {
    this.name = options.name;
    this.#options = options;
    this.#router = new SignalRouter(options.bus);
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    // Subscribed before the first read, so a change meanwhile is not missed.
    this.#unsubscribes = await Promise.all([
      this.#router.subscribe(
        { sender: SHELL, path: SHELL_PATH, interface: EXTENSIONS, member: 'ExtensionStateChanged' },
        ([uuid, info]) => {
          if (typeof uuid !== 'string') return;
          this.#signalledAt.set(uuid, ++this.#signals);
          this.#report(extensionStateOf(uuid, info as Record<string, Variant>));
        },
      ),
      this.#router.subscribe({ sender: DBUS, interface: DBUS, member: 'NameOwnerChanged' }, ([name, , owner]) => {
        // The shell gone says nothing of its extensions; the list read when it is back does.
        if (name === SHELL && owner !== '') this.#enqueueRead();
      }),
    ]);
    this.#enqueueRead();
    await this.#queue;
  }

  async stop(): Promise<void> {
    const unsubscribes = this.#unsubscribes;
    this.#unsubscribes = [];
    this.#emit = null;
    await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
    await this.#queue;
  }

  #enqueueRead(): void {
    this.#queue = this.#queue
      .then(() => this.#read())
      .catch((error: Error) =>
        this.#options.log.warning('could not read GNOME Shell’s extensions', {
          source: this.name,
          error: error.message,
        }),
      );
  }

  async #read(): Promise<void> {
    if (!(await nameHasOwner(this.#options.bus, SHELL))) return;
    const asked = this.#signals;
    const listed = await listExtensions(this.#options.bus);
    // The shell's signal about an extension after the list was asked for is newer than the list.
    const newer = (uuid: string) => (this.#signalledAt.get(uuid) ?? 0) > asked;
    const present = new Set(listed.map((extension) => extension.uuid));
    for (const extension of listed) if (!newer(extension.uuid)) this.#report(extension);
    // Removed while the shell was away, or while the list was read.
    for (const [uuid, previous] of [...this.#extensions])
      if (!present.has(uuid) && !newer(uuid)) this.#report({ ...previous, state: UNINSTALLED });
  }

  #report(next: ExtensionState): void {
    const previous = this.#extensions.get(next.uuid);
    if (next.state === UNINSTALLED) this.#extensions.delete(next.uuid);
    else this.#extensions.set(next.uuid, next);
    if (
      previous &&
      previous.state === next.state &&
      previous.error === next.error &&
      previous.enabled === next.enabled &&
      previous.version === next.version
    )
      return;
    // An extension never seen and already gone is no news.
    if (!previous && next.state === UNINSTALLED) return;
    this.#emit?.({ type: 'desktop', at: new Date(), desktop: { kind: 'extension', extension: next } });
  }
}
