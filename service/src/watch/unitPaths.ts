// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The paths a unit's file names, read from its manager over D-Bus as `systemctl show` has them: what it runs and
// with which arguments, the files and folders it reads its settings from, and those it writes to. What ties a
// changed file, or a full file system, to a failing unit is here, not in the time they happened at.
import { homedir } from 'node:os';
import { join } from 'node:path';

import type { UnitPropertyName } from '../dbus/systemd.js';

/** Reads one property of the unit: (interface, name) → value; rejects where the unit type has none. */
export type PropertyReader = (iface: string, name: UnitPropertyName) => Promise<unknown>;

export interface UnitPaths {
  /** The unit file and its drop-ins. */
  files: string[];
  /** The programs its Exec*= lines run. */
  programs: string[];
  /** Every argument of those lines, as systemd passes them (a script's text of `sh -c` included). */
  arguments: string[];
  environmentFiles: string[];
  /** WorkingDirectory=, without its "-"/"!" flags; '' where unset. */
  workingDirectory: string;
  /** ConfigurationDirectory=, as the absolute folders systemd makes of them. */
  configuration: string[];
  /** Where it writes: StateDirectory=, CacheDirectory=, LogsDirectory=, RuntimeDirectory= (absolute), ReadWritePaths=. */
  written: string[];
}

const UNIT = 'org.freedesktop.systemd1.Unit';
const SERVICE = 'org.freedesktop.systemd1.Service';
const EXEC_SETTINGS = ['ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload'] as const;
/** An Exec*= property's rows start with the program and its argv (a(sasbttttuii)). */
type ExecRows = [string, string[], ...unknown[]][];

/** The folders systemd's *Directory= settings live under, for the system's manager and a user's (systemd.exec(5)). */
export function directoryRoots(scope: 'system' | 'user', env = process.env, home = homedir()) {
  if (scope === 'system') {
    return { configuration: '/etc', state: '/var/lib', cache: '/var/cache', logs: '/var/log', runtime: '/run' };
  }
  const state = env.XDG_STATE_HOME || join(home, '.local', 'state');
  return {
    configuration: env.XDG_CONFIG_HOME || join(home, '.config'),
    state,
    cache: env.XDG_CACHE_HOME || join(home, '.cache'),
    logs: join(state, 'log'),
    runtime: env.XDG_RUNTIME_DIR || `/run/user/${process.getuid?.() ?? 0}`,
  };
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
const execRows = (value: unknown): ExecRows =>
  Array.isArray(value)
    ? (value as unknown[]).filter(
        (row): row is ExecRows[number] => Array.isArray(row) && typeof row[0] === 'string' && Array.isArray(row[1]),
      )
    : [];

/** What the unit's file names, read with `get`; a property its type lacks (a socket has no ExecStart) is empty. */
export async function readUnitPaths(unit: string, scope: 'system' | 'user', get: PropertyReader): Promise<UnitPaths> {
  const optional = (iface: string, name: UnitPropertyName) => get(iface, name).catch(() => undefined);
  const service = unit.endsWith('.service');
  const serviceProperty = (name: UnitPropertyName) => (service ? optional(SERVICE, name) : Promise.resolve(undefined));
  const [fragment, dropIns, environmentFiles, workingDirectory, readWrite, ...rest] = await Promise.all([
    optional(UNIT, 'FragmentPath'),
    optional(UNIT, 'DropInPaths'),
    serviceProperty('EnvironmentFiles'),
    serviceProperty('WorkingDirectory'),
    serviceProperty('ReadWritePaths'),
    ...(
      ['ConfigurationDirectory', 'StateDirectory', 'CacheDirectory', 'LogsDirectory', 'RuntimeDirectory'] as const
    ).map(serviceProperty),
    ...EXEC_SETTINGS.map(serviceProperty),
  ]);
  const [configuration, state, cache, logs, runtime, ...execs] = rest;
  const roots = directoryRoots(scope);
  const under = (root: string, names: unknown) => strings(names).map((name) => join(root, name));
  const rows = execs.flatMap(execRows);
  const working = typeof workingDirectory === 'string' ? workingDirectory.replace(/^[-!+]+/, '') : '';
  return {
    files: [...(typeof fragment === 'string' && fragment ? [fragment] : []), ...strings(dropIns)],
    programs: [...new Set(rows.map(([program]) => program))],
    arguments: rows.flatMap(([, argv]) => argv.slice(1).filter((arg): arg is string => typeof arg === 'string')),
    environmentFiles: Array.isArray(environmentFiles)
      ? (environmentFiles as unknown[]).flatMap((row) =>
          Array.isArray(row) && typeof row[0] === 'string' ? [row[0]] : [],
        )
      : [],
    workingDirectory: working,
    configuration: under(roots.configuration, configuration),
    written: [
      ...under(roots.state, state),
      ...under(roots.cache, cache),
      ...under(roots.logs, logs),
      ...under(roots.runtime, runtime),
      ...strings(readWrite).map((path) => path.replace(/^[-+]+/, '')),
      ...(working && working !== '~' ? [working] : []),
    ],
  };
}
