// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// build/build.mjs writes interfaces.js from the XML in dbus-interfaces/.

/** The revision of the D-Bus API this extension was built against. */
export const API_VERSION: number;

/** The project's public home (package.json "homepage"), where its source and install instructions are; '' until it has one. */
export const PROJECT_HOME: string;

import type { InterfaceName } from './generated.js';

/** One of the service's interfaces: its name, and its introspection XML for Gio.DBusProxy.makeProxyWrapper. */
export interface InterfaceInfo<N extends InterfaceName = InterfaceName> {
  readonly name: N;
  readonly xml: string;
}

/** The service's interfaces, read from dbus-interfaces/ at build time (names as generated.ts has them). */
export const INTERFACES: {
  readonly core: InterfaceInfo<'io.github.steward.Steward1'>;
  readonly chat: InterfaceInfo<'io.github.steward.Steward1.Chat'>;
  readonly findings: InterfaceInfo<'io.github.steward.Steward1.Findings'>;
  readonly proposals: InterfaceInfo<'io.github.steward.Steward1.Proposals'>;
  readonly models: InterfaceInfo<'io.github.steward.Steward1.Models'>;
  readonly settings: InterfaceInfo<'io.github.steward.Steward1.Settings'>;
  readonly voice: InterfaceInfo<'io.github.steward.Steward1.Voice'>;
};
