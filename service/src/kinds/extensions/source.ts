// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The GNOME Shell extensions source: every installed extension, read once through the shell's ListExtensions and
// then followed through its ExtensionStateChanged signal; a desktop event goes out whenever an extension's state,
// error, version or enabled setting changes. Without the shell on the bus (a session starting, X11's restart, no GNOME at
// all) the source waits quietly for its name and reads the list again when it comes. Only the shell's own answers of
// its interface's types count: anything else is an unexpected answer that changes no finding.

import { nameHasOwner } from '../../dbus/client.js';
import { type BusSignal, BusStateSource, type BusStateSourceOptions } from '../../watch/busStateSource.js';
import { EXTENSIONS, extensionStateOf, listExtensions, SHELL, SHELL_PATH, UNINSTALLED } from './shell.js';
import type { ExtensionState } from './state.js';

export class ShellExtensionsSource extends BusStateSource {
  /** Each extension's last reported state, by uuid. */
  readonly #extensions = new Map<string, ExtensionState>();
  /** The shell's signals so far, and the number of the last about each extension: what a list read may not undo. */
  #signals = 0;
  readonly #signalledAt = new Map<string, number>();

  /** `bus`: the session bus. The shell gone says nothing of its extensions; the list read when it is back does. */
  constructor(options: BusStateSourceOptions) {
    super(options, SHELL);
  }

  protected signals(): BusSignal[] {
    return [
      [
        { path: SHELL_PATH, interface: EXTENSIONS, member: 'ExtensionStateChanged', signature: 'sa{sv}' },
        ([uuid, info]) => {
          const extension = extensionStateOf(uuid, info, 'ExtensionStateChanged');
          this.#signalledAt.set(extension.uuid, ++this.#signals);
          this.#report(extension);
        },
      ],
    ];
  }

  protected async read(): Promise<void> {
    if (!(await nameHasOwner(this.bus, SHELL))) return;
    const asked = this.#signals;
    const listed = await listExtensions(this.bus);
    // The shell's signal about an extension after the list was asked for is newer than the list.
    const newer = (uuid: string) => (this.#signalledAt.get(uuid) ?? 0) > asked;
    const present = new Set(listed.map((extension) => extension.uuid));
    for (const extension of listed) if (!newer(extension.uuid)) this.#report(extension);
    // Removed while the shell was away, or while the list was read.
    for (const [uuid, previous] of [...this.#extensions])
      if (!present.has(uuid) && !newer(uuid)) this.#report({ ...previous, state: UNINSTALLED });
  }

  protected readFailed(error: Error): void {
    this.log.warning('could not read GNOME Shell’s extensions', { source: this.name, error: error.message });
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
    this.emit({ type: 'desktop', at: new Date(), desktop: { kind: 'extension', extension: next } });
  }
}
