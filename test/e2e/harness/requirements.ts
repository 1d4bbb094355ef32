// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

import { SYSTEM_PATH } from './run.js';

const TOOLS = ['mmdebstrap', 'unshare', 'setpriv', 'flock', 'chroot'];

function onSystemPath(command: string): boolean {
  return SYSTEM_PATH.split(':').some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why this machine cannot run the GNOME Shell tests, or undefined when it can. */
export function unmetRequirement(): string | undefined {
  if (process.getuid?.() !== 0) return 'the GNOME Shell end-to-end tests need root (for mounts and chroot)';
  const missing = TOOLS.filter((tool) => !onSystemPath(tool));
  if (missing.length > 0) {
    return `the GNOME Shell end-to-end tests need ${missing.join(', ')} (apt-get install mmdebstrap util-linux)`;
  }
  return undefined;
}
