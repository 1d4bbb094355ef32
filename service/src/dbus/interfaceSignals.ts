// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { InterfaceName, PropertiesOf, SignalsOf } from './generated.js';
import type { ObjectServer } from './objectServer.js';

/**
 * One exported interface's signals, typed from the XML: a signal is given as an object
 * keyed by its arguments' names and sent in the XML's order, so no caller packs by position.
 */
export class InterfaceSignals<I extends InterfaceName> {
  constructor(
    private readonly server: ObjectServer,
    private readonly path: string,
    readonly interfaceName: I,
  ) {}

  /** Sends signal `name` to every peer, or to `destination`'s connection alone. */
  emit<S extends keyof SignalsOf<I> & string>(name: S, payload: SignalsOf<I>[S], destination?: string): void {
    this.server.emitNamedSignal(this.path, this.interfaceName, name, payload as Record<string, unknown>, destination);
  }

  propertiesChanged(names: (keyof PropertiesOf<I> & string)[]): void {
    this.server.emitPropertiesChanged(this.path, this.interfaceName, names);
  }
}
