// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, open, readdir, readFile, readlink, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { removeTree } from './mounts.js';
import { run } from './run.js';

/** Outside the repository so that CI can cache it; a build takes minutes and about 1.1 GB per suite. */
export const CACHE_DIR = process.env.STEWARD_E2E_CACHE_DIR ?? '/var/cache/steward-e2e';

/** The unprivileged user that runs the session inside the root filesystem. */
export const TEST_USER = { name: 'tester', uid: 1000, home: '/home/tester' } as const;

const MIRROR = 'http://deb.debian.org/debian';

/** What a root filesystem holds: the packages, and a name that keeps its cache entries apart from others'. */
export interface RootfsRecipe {
  /** Cache entries are named NAME-SUITE-HASH; the GNOME Shell suites' name is empty (SUITE-HASH). */
  name: string;
  packages: readonly string[];
  /** Commands run in the finished tree before the test user is made (mmdebstrap's customize hooks; $1 is the tree). */
  hooks?: readonly string[];
}

/** The locales of the translated runs, generated in the GNOME Shell suites' trees. */
const LOCALES = ['de_DE.UTF-8', 'fr_FR.UTF-8'];

const SHELL_RECIPE: RootfsRecipe = {
  name: '',
  packages: [
    'adwaita-icon-theme',
    // The accessibility bus, through which the specs read the screen as a screen reader does.
    'at-spi2-core',
    'dbus-bin',
    'dbus-daemon',
    'fonts-cantarell',
    'gjs',
    'gnome-shell',
    'libglib2.0-bin',
    'locales',
    // login(1), the text console's sign-in, whose failed password the desktop gym makes.
    'login',
    'passwd',
  ],
  hooks: [
    `printf '%s UTF-8\\n' ${LOCALES.join(' ')} >"$1/etc/locale.gen" && chroot "$1" locale-gen`,
    // systemd-coredump, whose records the desktop gym's crashes are: its postinst runs systemd-sysctl on its
    // 50-coredump.conf, which would set the host's kernel.core_pattern (global, not namespaced), so it is
    // installed with the tree's /proc/sys read-only and that write fails (the postinst lets it).
    'mount --bind "$1/proc/sys" "$1/proc/sys" && mount -o remount,bind,ro "$1/proc/sys" && ' +
      'chroot "$1" apt-get install -y -qq --no-install-recommends systemd-coredump >/dev/null; ' +
      'installed=$?; umount "$1/proc/sys"; exit $installed',
  ],
};

const mmdebstrapArgs = (suite: string, recipe: RootfsRecipe) => [
  '--mode=root',
  '--variant=apt',
  // Mirrors may serve testing and unstable some days behind their Valid-Until; the signatures still count.
  '--aptopt=Acquire::Check-Valid-Until "false"',
  `--include=${recipe.packages.join(',')}`,
  ...(recipe.hooks ?? []).map((hook) => `--customize-hook=${hook}`),
  `--customize-hook=chroot "$1" useradd -m -u ${TEST_USER.uid} -s /bin/sh ${TEST_USER.name}`,
  suite,
];

/**
 * The path of a complete root filesystem for `suite` made by `recipe` (by default, the GNOME Shell
 * session's), built on first use. Its name carries a hash of the recipe, so a changed package list
 * builds a new one; older ones of the same recipe name and suite are deleted, but for one in use: a checkout
 * with another package list (another branch beside this one) may have a system booted on it.
 */
export async function ensureRootfs(
  suite: string,
  recipe: RootfsRecipe = SHELL_RECIPE,
): Promise<{ path: string; built: boolean }> {
  const args = mmdebstrapArgs(suite, recipe);
  const hash = createHash('sha256')
    .update(JSON.stringify([args, MIRROR]))
    .digest('hex')
    .slice(0, 12);
  const stem = recipe.name ? `${recipe.name}-${suite}` : suite;
  const path = join(CACHE_DIR, `${stem}-${hash}`);
  // Only a finished build is renamed to this name, so its existence means it is complete.
  if (await isDirectory(path)) return { path, built: false };

  await mkdir(CACHE_DIR, { recursive: true });
  return withLock(join(CACHE_DIR, `.${stem}.lock`), async () => {
    if (await isDirectory(path)) return { path, built: false };
    await removeEntries((name) => name.startsWith(`.build-${stem}-`));
    await build(args, stem, path, join(CACHE_DIR, `.build-${stem}.log`));
    // A hash is hex: "trixie-" never matches "gym-trixie-…", nor "gym-trixie-" another name's entries.
    const older = (await readdir(CACHE_DIR)).filter(
      (name) =>
        name.startsWith(`${stem}-`) &&
        /^[0-9a-f]{12}$/.test(name.slice(stem.length + 1)) &&
        join(CACHE_DIR, name) !== path,
    );
    for (const name of older) {
      if (!(await inUse(join(CACHE_DIR, name)))) await removeEntries((entry) => entry === name);
    }
    return { path, built: true };
  });
}

async function build(args: string[], stem: string, path: string, logPath: string): Promise<void> {
  const building = await mkdtemp(join(CACHE_DIR, `.build-${stem}-`));
  // mkdtemp makes it 0700, which would lock the test user out of its own root directory.
  await chmod(building, 0o755);
  const log = await open(logPath, 'w');
  try {
    // Its own mount and PID namespaces take every mount and process of the build along if the
    // test run dies; the death signal makes it die with this process.
    await run(
      'setpriv',
      [
        '--pdeathsig=KILL',
        '--',
        ...['unshare', '--mount', '--pid', '--fork', '--kill-child', '--propagation=private'],
        ...['mmdebstrap', ...args, building, MIRROR],
      ],
      { stdio: ['ignore', log.fd, log.fd] },
    );
  } catch (error) {
    await removeTree(building);
    const tail = (await readFile(logPath, 'utf8')).split('\n').slice(-30).join('\n');
    throw new Error(`building the root filesystem failed; ${logPath} ends with:\n${tail}`, { cause: error });
  } finally {
    await log.close();
  }
  await rename(building, path);
}

/** Runs `task` holding an exclusive lock on `lockPath`, so that two test runs never build at once. */
async function withLock<T>(lockPath: string, task: () => Promise<T>): Promise<T> {
  const lockFile = await open(lockPath, 'a');
  try {
    // flock(1) locks the open file it gets as fd 3, which this process shares and keeps open: the
    // lock lasts until the close below, or until this process dies.
    await run('flock', ['--exclusive', '3'], { stdio: ['ignore', 'pipe', 'pipe', lockFile.fd] });
    return await task();
  } finally {
    await lockFile.close();
  }
}

/**
 * Whether a process runs in `tree` (its root) or sees a mount that names it (an overlay's lowerdir): a system
 * booted on it, in mount namespaces of its own, which the host's mount table does not show.
 */
async function inUse(tree: string): Promise<boolean> {
  const namespaces = new Set<string>();
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const root = await readlink(`/proc/${pid}/root`).catch(() => '');
    if (root === tree || root.startsWith(`${tree}/`)) return true;
    const namespace = await readlink(`/proc/${pid}/ns/mnt`).catch(() => '');
    if (!namespace || namespaces.has(namespace)) continue;
    namespaces.add(namespace);
    const mounts = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '');
    if (mounts.includes(tree)) return true;
  }
  return false;
}

async function removeEntries(matches: (name: string) => boolean): Promise<void> {
  for (const name of (await readdir(CACHE_DIR)).filter(matches)) {
    if (await isDirectory(join(CACHE_DIR, name))) await removeTree(join(CACHE_DIR, name));
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
