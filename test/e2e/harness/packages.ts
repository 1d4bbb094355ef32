// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Debian packages installed into an e2e root filesystem: apt runs in the suite's root filesystem on an
// overlay of its own, which the shell session then runs on (session.ts, `installed`).
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { CACHE_DIR } from './rootfs.js';
import { SYSTEM_PATH } from './run.js';

const HARNESS_DIR = join(process.cwd(), 'test', 'e2e', 'harness');
const exec = promisify(execFile);

/** The upper and work directories of an overlay on a root filesystem. */
export interface RootfsOverlay {
  rootfs: string;
  upper: string;
  work: string;
  /** The folder that holds both; remove() deletes the overlay. */
  dir: TempDir;
}

export async function createOverlay(rootfs: string): Promise<RootfsOverlay> {
  const dir = await makeTempDir('steward-e2e-overlay-');
  const overlay = { rootfs, upper: join(dir.path, 'upper'), work: join(dir.path, 'work'), dir };
  await mkdir(overlay.upper);
  await mkdir(overlay.work);
  return overlay;
}

/**
 * Runs `script` (sh) as root inside the overlaid root filesystem, with each of `debs` at /tmp/debs/.
 * The apt archives are kept in the cache directory, per suite, so a second run downloads nothing.
 */
export async function inOverlay(
  overlay: RootfsOverlay,
  suite: string,
  script: string,
  debs: string[] = [],
): Promise<string> {
  const archives = join(CACHE_DIR, 'apt-archives', suite);
  await mkdir(archives, { recursive: true });
  const { stdout } = await exec(
    'setpriv',
    [
      '--pdeathsig=KILL',
      '--',
      ...['unshare', '--mount', '--pid', '--fork', '--kill-child', '--propagation=private', '--'],
      ...['bash', join(HARNESS_DIR, 'packages.sh'), overlay.rootfs, overlay.upper, overlay.work, archives, script],
      ...debs,
    ],
    { env: { PATH: SYSTEM_PATH }, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

/** apt-get update and install of local .deb files, with what they depend on (not what they recommend). */
export const APT_INSTALL = `apt-get -o Acquire::Check-Valid-Until=false -qq update
apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb >/dev/null`;

/**
 * Runs `script` as root in the mount and PID namespaces of a running session (that of `pid`, a process
 * of it), chrooted into its root filesystem: what the package's scripts do reaches the session.
 */
export async function inSession(pid: number, rootfs: string, script: string, debs: string[] = []): Promise<string> {
  const { stdout } = await exec(
    'nsenter',
    [
      `--target=${pid}`,
      '--mount',
      '--pid',
      '--',
      'bash',
      '-euc',
      'rootfs=$1; shift; mkdir -p "$rootfs/tmp/debs"; for deb in "${@:2}"; do cp "$deb" "$rootfs/tmp/debs/"; done; ' +
        'chroot "$rootfs" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive sh -euc "$1"',
      'in-session',
      rootfs,
      script,
      ...debs,
    ],
    { env: { PATH: SYSTEM_PATH } },
  );
  return stdout;
}
