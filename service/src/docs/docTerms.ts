// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the index's documents are, and the words inside their names: the store and the man pages' ranking read both.

export type DocKind = 'man' | 'help' | 'info' | 'doc' | 'nixos';

/**
 * The words inside names written in camel case: "PasswordAuthentication" holds "password authentication",
 * so that a question in words finds the option.
 */
export function nameWords(...names: (string | null)[]): string {
  return names
    .filter((name): name is string => name !== null)
    .map((name) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2'))
    .join(' ');
}
