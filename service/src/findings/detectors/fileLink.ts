// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What ties a changed file to a failing unit, if anything does. Time alone is no link: another application's
// settings changed a minute before say nothing of why this unit failed. A link is one of: the unit's own lines name
// the file or its folder; the unit's file names it (ExecStart= and its arguments, EnvironmentFile=,
// ConfigurationDirectory=, WorkingDirectory=, a drop-in); the folder is the application's own (its XDG name is the
// unit's or its program's); or one of the unit's processes had the file open.
import { basename, dirname, join, sep } from 'node:path';

import { _, format } from '../../i18n.js';
import type { UnitPaths } from '../../watch/unitPaths.js';

export interface LinkFacts {
  /** The unit's own processes' last lines (not its manager's about it). */
  lines: readonly string[];
  /** The programs its processes ran as journald saw them (_EXE), and those its unit file names. */
  programs: readonly string[];
  /** What the unit's file names, where its manager said. */
  paths?: UnitPaths;
  /** Units whose processes had the file open when it changed. */
  openedBy?: readonly string[];
}

export interface LinkPlaces {
  home: string;
  /** $XDG_CONFIG_HOME. */
  configHome: string;
}

/** Folders that hold everyone's files: naming one ties no single file in it to a unit. */
function broadFolders({ home, configHome }: LinkPlaces): Set<string> {
  return new Set([
    '/',
    '/etc',
    '/usr',
    '/var',
    '/var/lib',
    '/opt',
    '/srv',
    '/run',
    '/tmp',
    '/home',
    home,
    configHome,
    join(home, '.local'),
    join(home, '.local', 'share'),
    join(home, '.local', 'state'),
    join(home, '.cache'),
  ]);
}

const inside = (folder: string, path: string) =>
  path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);

/** "gym-reader.service" → "gym-reader", "getty@tty1.service" → "getty", "/usr/bin/gym-reader" → "gym-reader". */
export function appName(name: string): string {
  return basename(name)
    .replace(/@.*$/, '')
    .replace(/\.(?:service|socket|timer|path|mount|scope)$/, '')
    .toLowerCase();
}

/**
 * The application a settings path belongs to by the XDG convention (and /etc's): the first folder under
 * $XDG_CONFIG_HOME or /etc, or the name of a file right there without its suffix ("redshift.conf" → "redshift").
 */
export function settingsOwner(path: string, { configHome }: LinkPlaces): string | null {
  for (const root of [configHome, '/etc']) {
    if (!inside(root, path) || path === root) continue;
    const [first = '', ...rest] = path.slice(root.length + 1).split(sep);
    const name = rest.length > 0 ? first : first.replace(/\.[^.]*$/, '');
    return name ? name.toLowerCase() : null;
  }
  return null;
}

/** A folder's name may be the program's with a suffix or prefix of its kind: "sshd" and "ssh", "nginx" and "nginx". */
function sameApplication(owner: string, name: string): boolean {
  if (!owner || !name) return false;
  return owner === name || owner === name.replace(/d$/, '') || name === owner.replace(/d$/, '');
}

/** The file or folder `text` names as a whole path: "/x/y" in "open /x/y: …", not "/x/yz". */
function names(text: string, path: string): boolean {
  let at = text.indexOf(path);
  while (at >= 0) {
    const after = text.charAt(at + path.length);
    if (!/[\w.-]/.test(after) || after === '') return true;
    at = text.indexOf(path, at + 1);
  }
  return false;
}

/**
 * Why `path` bears on `unit`'s failure, in words ("its own lines name /etc/x.conf"), or null where nothing links them.
 */
export function linkOf(path: string, unit: string, facts: LinkFacts, places: LinkPlaces): string | null {
  const broad = broadFolders(places);
  const folder = dirname(path);
  const tilde = inside(places.home, path) ? `~${path.slice(places.home.length)}` : null;
  const named = (text: string) =>
    names(text, path) || (tilde !== null && names(text, tilde)) || (!broad.has(folder) && names(text, folder));
  const line = facts.lines.find(named);
  if (line !== undefined) return format(_('{unit}’s own lines name it'), { unit });
  if (facts.openedBy?.includes(unit)) return format(_('{unit} had it open'), { unit });
  const paths = facts.paths;
  if (paths) {
    const files = [...paths.files, ...paths.environmentFiles];
    if (files.includes(path)) return format(_('it is part of {unit}’s unit file or its environment'), { unit });
    const folders = [...paths.configuration, paths.workingDirectory].filter((dir) => dir && !broad.has(dir));
    if (folders.some((dir) => inside(dir, path)))
      return format(_('it is in a folder {unit}’s unit file names'), { unit });
    if ([...paths.programs, ...paths.arguments].some(named))
      return format(_('{unit}’s command line names it'), { unit });
  }
  const owner = settingsOwner(path, places);
  if (owner !== null) {
    const programs = [...facts.programs, ...(paths?.programs ?? [])].map(appName);
    if ([appName(unit), ...programs].some((name) => sameApplication(owner, name)))
      return format(_('it is in {unit}’s own settings folder'), { unit });
  }
  return null;
}
