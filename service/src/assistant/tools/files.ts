// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// read_file: the start of a text file in the user's home or another allowed root.
import { z } from 'zod';

import { absolutePath } from '../../fixes/params.js';
import { N_ } from '../../i18n.js';
import { holdsPrivateKey, isHardLinkToSecret, secretPlaceReason } from '../../secretPlaces.js';
import { defineTool } from '../tool.js';

// What this tool reads may be sent to a remote model, so places that hold
// secrets are refused even inside the allowed roots.
const isUnder = (path: string, root: string) =>
  path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);

/** Why `path` is a secret, or null. */
export const secretReason = secretPlaceReason;

export const readFileTool = defineTool({
  name: 'read_file',
  description: 'The start of a text file in home or another allowed folder; secrets are refused.',
  params: z.object({
    path: absolutePath.describe('Absolute path'),
    max_bytes: z.number().int().min(256).max(16384).default(8192),
  }),
  progress: N_('reading a file…'),
  async run({ path, max_bytes: maxBytes }, { machine, readableRoots, stewardSecrets = [] }) {
    const home = machine.home();
    const allowed = [home, ...readableRoots];
    const resolved = (candidate: string) => machine.realPath(candidate);
    const target = await resolved(path);
    if (!target) return `There is no file ${path}.`;
    // A symlink must not lead out of the roots nor into a secret; the roots and the home may be symlinks too.
    const [realHome, ...roots] = await Promise.all([home, ...allowed].map(resolved));
    if (!roots.some((root) => root !== null && isUnder(target, root)))
      return `Refused: ${path} is outside the folders you may read (${allowed.join(', ')}).`;
    // Steward's secrets are compared where they really are too: the key file may be a symlink.
    const realSecrets = (await Promise.all(stewardSecrets.map(resolved))).filter((real) => real !== null);
    const secrets = [...stewardSecrets, ...realSecrets];
    const secret = secretReason(path, home, secrets) ?? secretReason(target, realHome ?? home, secrets);
    if (secret) return `Refused: ${path} is not shown because ${secret}.`;
    if (await isHardLinkToSecret(target, realHome ?? home))
      return `Refused: ${path} is not shown because it is another name for a file that keeps passwords or keys.`;
    const read = await machine.readFile(target, maxBytes);
    if (holdsPrivateKey(read.text)) return `Refused: ${path} is not shown because it holds a private key.`;
    const shown = read.truncated ? `, first ${maxBytes} shown` : '';
    return `${read.path} (${read.sizeBytes} bytes${shown})\n${read.text}`;
  },
});
