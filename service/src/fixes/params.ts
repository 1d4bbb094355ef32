// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Parameter schemas shared by the actions. Parameters can come from a model
// that read hostile logs, so each is as narrow as the thing it names.
import { z } from 'zod';

const UNIT_SUFFIXES = [
  'service',
  'socket',
  'target',
  'device',
  'mount',
  'automount',
  'swap',
  'timer',
  'path',
  'slice',
  'scope',
];

/**
 * A systemd unit name as systemd itself accepts it (unit_name_is_valid):
 * at most 255 characters of [A-Za-z0-9:_.\-@] (backslash only in \xNN
 * escapes), a known suffix, and no leading dash that could read as an option.
 */
export const unitName = z
  .string()
  .max(255)
  .regex(
    new RegExp(`^(?!-)(?:[A-Za-z0-9:_.@-]|\\\\x[0-9a-f]{2})+\\.(?:${UNIT_SUFFIXES.join('|')})$`),
    'not a systemd unit name',
  );

/** The instance of a template unit ("tmp" in "name@tmp.service"), or null for a unit that is no instance. */
function templateInstance(unit: string): string | null {
  const at = unit.indexOf('@');
  return at < 0 ? null : unit.slice(at + 1, unit.lastIndexOf('.'));
}

/**
 * A unit an action may start: a template instance that unescapes to a path ("name@\x2fhome\x2fme\x2f.ssh.service")
 * is refused, as the template would get a path the caller chose. A unit the session stands on is refused for every
 * change, by the catalog (Catalog.validate).
 */
export const startableUnitName = unitName.refine((unit) => !/\\x2f/i.test(templateInstance(unit) ?? ''), {
  message: 'a template instance that is a path (\\x2f) cannot be started by Steward',
});

/** The user's own manager (session bus, no polkit) or the system's (system bus, polkit). */
export const unitScope = z.enum(['user', 'system']);

/**
 * A package name as Debian, Fedora and Arch allow them: lower-case letters,
 * digits and + - . _, starting with a letter or digit.
 */
export const packageName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9+._-]*$/i, 'not a package name');

/** A single path component: a directory under ~/.cache, a file under the trash. */
export const pathComponent = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0'), {
    message: 'not a single file or directory name',
  });

/** An absolute path without '..' components or NUL; callers still confine it to their own roots. */
export const absolutePath = z
  .string()
  .min(2)
  .max(4096)
  .refine((path) => path.startsWith('/') && !path.split('/').includes('..') && !path.includes('\0'), {
    message: 'not an absolute path without ".."',
  });
