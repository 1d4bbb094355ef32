// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the machine runs, as the documentation search uses it: the commands in PATH and the loaded units,
// each with the package that owns its file. A question that names one ("ssh", "NetworkManager", "journald")
// is about that package's pages before another suite's that shares its words.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { ownerOf } from './packageOwners.js';

export interface RunningSystem {
  /** A command's or a unit's name as a question says it, lower case ("journalctl", "networkmanager"), and its package. */
  names: Record<string, string>;
}

export const NO_RUNNING_SYSTEM: RunningSystem = { names: {} };

/** Where systemd keeps the units' files, the administrator's first. */
export const UNIT_DIRS = [
  '/etc/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
  '/etc/systemd/user',
  '/usr/lib/systemd/user',
];

/**
 * The names a unit goes by in a question: "NetworkManager.service" is "networkmanager", "getty@tty1.service"
 * "getty", "systemd-journald.service" also "journald".
 */
export function unitNames(unit: string): string[] {
  const name = unit
    .replace(/\.[a-z]+$/, '')
    .replace(/@.*$/, '')
    .toLowerCase();
  return name.startsWith('systemd-') ? [name, name.slice('systemd-'.length)] : [name];
}

/** The file a unit was loaded from: its own, or its template's ("getty@tty1.service" from "getty@.service"). */
function unitFiles(unit: string, unitDirs: readonly string[]): string[] {
  const template = unit.replace(/@[^.]*(\.[a-z]+)$/, '@$1');
  return [...new Set([unit, template])].flatMap((name) => unitDirs.map((dir) => join(dir, name)));
}

/**
 * The running system from the commands in `commandDirs` (PATH) and the `units` systemd has loaded, each
 * named with its package by `owners` (packageOwners.ts); what no package owns is left out.
 */
export async function recordRunningSystem(options: {
  owners: ReadonlyMap<string, string>;
  commandDirs: readonly string[];
  units: readonly string[];
  unitDirs?: readonly string[];
}): Promise<RunningSystem> {
  const names = new Map<string, string>();
  const add = (name: string, pkg: string) => names.has(name) || names.set(name, pkg);
  for (const dir of options.commandDirs) {
    for (const command of (await readdir(dir).catch(() => [])).sort()) {
      const pkg = ownerOf(options.owners, join(dir, command));
      // PATH's first directory wins, as for the shell.
      if (pkg !== null) add(command.toLowerCase(), pkg);
    }
  }
  for (const unit of [...options.units].sort()) {
    const pkg = unitFiles(unit, options.unitDirs ?? UNIT_DIRS)
      .map((file) => ownerOf(options.owners, file))
      .find((owner) => owner !== null);
    if (pkg) for (const name of unitNames(unit)) add(name, pkg);
  }
  return { names: Object.fromEntries(names) };
}
