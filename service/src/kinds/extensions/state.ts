// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later

/** One extension as org.gnome.Shell.Extensions' GetExtensionInfo tells it. */
export interface ExtensionState {
  uuid: string;
  name: string;
  version: string;
  /** The shell's ExtensionState number (js/misc/extensionUtils.js). */
  state: number;
  /** The exception text the shell kept, '' when none. */
  error: string;
  path: string;
  /** Whether org.gnome.shell's enabled-extensions holds it (GNOME 45 and later; absent before). */
  enabled?: boolean;
}
