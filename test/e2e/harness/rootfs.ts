// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { removeTree } from './mounts.js';
import { run } from './run.js';

/** Outside the repository so that CI can cache it; a build takes minutes and about 1.1 GB per suite. */
export const CACHE_DIR = process.env.STEWARD_E2E_CACHE_DIR ?? '/var/cache/steward-e2e';

/** The unprivileged user that runs the session inside the root filesystem. */
export const TEST_USER = { name: 'tester', uid: 1000, home: '/home/tester' } as const;

const MIRROR = 'http://deb.debian.org/debian';

const PACKAGES = [
  'adwaita-icon-theme',
  // The accessibility bus, through which the specs read the screen as a screen reader does.
  'at-spi2-core',
  'dbus-bin',
  'dbus-daemon',
  'fonts-cantarell',
  'gjs',
  'gnome-shell',
  'libglib2.0-bin',
  // For the translated runs: the locales the specs and the screenshots use, generated below.
  'locales',
  'passwd',
];

const LOCALES = ['de_DE.UTF-8', 'fr_FR.UTF-8'];

const mmdebstrapArgs = (suite: string) => [
  '--mode=root',
  '--variant=apt',
  // Mirrors may serve testing and unstable some days behind their Valid-Until; the signatures still count.
  '--aptopt=Acquire::Check-Valid-Until "false"',
  `--include=${PACKAGES.join(',')}`,
  `--customize-hook=printf '%s UTF-8\\n' ${LOCALES.join(' ')} >"$1/etc/locale.gen" && chroot "$1" locale-gen`,
  `--customize-hook=chroot "$1" useradd -m -u ${TEST_USER.uid} -s /bin/sh ${TEST_USER.name}`,
  suite,
];

/**
 * The path of a complete root filesystem for `suite`, built on first use. Its name carries a hash
 * of the recipe, so a changed package list builds a new one; older ones for the suite are deleted.
 */
export async function ensureRootfs(suite: string): Promise<{ path: string; built: boolean }> {
  const recipe = mmdebstrapArgs(suite);
  const hash = createHash('sha256')
    .update(JSON.stringify([recipe, MIRROR]))
    .digest('hex')
    .slice(0, 12);
  const path = join(CACHE_DIR, `${suite}-${hash}`);
  // Only a finished build is renamed to this name, so its existence means it is complete.
  if (await isDirectory(path)) return { path, built: false };

  await mkdir(CACHE_DIR, { recursive: true });
  return withLock(join(CACHE_DIR, `.${suite}.lock`), async () => {
    if (await isDirectory(path)) return { path, built: false };
    await removeEntries((name) => name.startsWith(`.build-${suite}-`));
    await build(suite, path, join(CACHE_DIR, `.build-${suite}.log`));
    await removeEntries((name) => name.startsWith(`${suite}-`) && join(CACHE_DIR, name) !== path);
    return { path, built: true };
  });
}

async function build(suite: string, path: string, logPath: string): Promise<void> {
  const building = await mkdtemp(join(CACHE_DIR, `.build-${suite}-`));
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
        ...['mmdebstrap', ...mmdebstrapArgs(suite), building, MIRROR],
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

async function removeEntries(matches: (name: string) => boolean): Promise<void> {
  for (const name of (await readdir(CACHE_DIR)).filter(matches)) {
    if (await isDirectory(join(CACHE_DIR, name))) await removeTree(join(CACHE_DIR, name));
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
