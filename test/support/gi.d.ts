// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The tests type-check under Node's types, where GJS's modules do not exist: this stands in for the one
// type the extension's generated D-Bus types take from GLib (test/unit/dbusTypes.spec.ts imports them).
declare module 'gi://GLib' {
  namespace GLib {
    interface Variant {
      recursiveUnpack(): unknown;
    }
  }
  export default GLib;
}
