// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.path_mount: the mount that holds a path a program could not write ("Read-only file system"): its mount
// point, what is mounted there and whether it is read-only now, read from /proc/self/mountinfo as findmnt -T would.
import { readFile } from 'node:fs/promises';

import { z } from 'zod';

import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';
import { absolutePath } from '../params.js';
import { type HoldingMount, mountHolding } from './blockDevice.js';

const params = z.object({ path: absolutePath });
type PathMountParams = z.infer<typeof params>;

export interface PathMountOptions {
  /** The mountinfo file to read (tests: a file shaped like it). */
  mountinfo?: string;
}

/** The mount that holds `path` now, or null where mountinfo cannot be read. */
export async function mountOfPath(path: string, mountinfo = '/proc/self/mountinfo'): Promise<HoldingMount | null> {
  return mountHolding(path, await readFile(mountinfo, 'utf8').catch(() => ''));
}

export function describeMount(path: string, mount: HoldingMount): string {
  return format(
    mount.readOnly
      ? _('{path} is on {point} ({type}, from {source}), mounted read-only: nothing can be written there.')
      : _('{path} is on {point} ({type}, from {source}), mounted read-write.'),
    {
      path: cleanLine(path, 300),
      point: cleanLine(mount.point, 300),
      type: cleanLine(mount.type, 40),
      source: cleanLine(mount.source, 120),
    },
  );
}

export function pathMountAction({ mountinfo }: PathMountOptions = {}): ActionDefinition<PathMountParams> {
  return {
    name: 'info.path_mount',
    title: N_('Show the mount that holds a path, and whether it is read-only'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview({ path }) {
      const mount = await mountOfPath(path, mountinfo);
      return {
        summary: format(_('Show how the file system holding {path} is mounted'), { path }),
        details: mount ? [describeMount(path, mount)] : [],
        changesNothing: mount === null,
      };
    },
    async run({ path }) {
      const mount = await mountOfPath(path, mountinfo);
      return {
        summary: mount ? describeMount(path, mount) : format(_('No mount holding {path} was found.'), { path }),
        undo: { impossible: _('showing a mount changes nothing') },
      };
    },
    async verify({ path }) {
      return { ok: true, observed: format(_('read the mount of {path}'), { path }) };
    },
  };
}
