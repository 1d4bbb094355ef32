// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// better-sqlite3 for each Node.js ABI that Debian ships, compiled in a root filesystem of the
// suite that ships it, with that suite's nodejs, node-gyp and headers. better-sqlite3 speaks V8's
// own API (not Node-API), so a binary loads only in a Node.js of the ABI it was built for.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's nodejs depends on libnodeN, N being its NODE_MODULE_VERSION: trixie has Node.js 20 (115),
 * forky and sid Node.js 24 (137). A binary built in the older suite of an ABI also loads in the newer.
 */
export const DEBIAN_ABIS = [
  { abi: 115, suite: 'trixie' },
  { abi: 137, suite: 'forky' },
];

/**
 * Where the compiled binaries and the root filesystems they are built in are kept: STEWARD_PACKAGE_CACHE_DIR
 * (npm test points it at the e2e cache), else the person's cache directory, that of the user who ran sudo
 * when run through it, so that `npm run clean` finds it.
 */
export function packageCacheDir(env = process.env) {
  if (env.STEWARD_PACKAGE_CACHE_DIR) return env.STEWARD_PACKAGE_CACHE_DIR;
  if (env.SUDO_USER && process.getuid?.() === 0) {
    const home = execFileSync('getent', ['passwd', env.SUDO_USER], { encoding: 'utf8' }).split(':')[5];
    if (home) return join(home, '.cache', 'steward-package');
  }
  const cacheHome = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'steward-package');
}

const CACHE_DIR = packageCacheDir();
const MIRROR = 'http://deb.debian.org/debian';
const BUILD_PACKAGES = ['g++', 'libnode-dev', 'make', 'node-gyp', 'nodejs', 'python3'];
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const run = (command, args, options = {}) =>
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: SYSTEM_PATH }, ...options });

/**
 * The path of better_sqlite3.node for `abi`, built once per better-sqlite3 version and recipe, and
 * kept in the cache directory beside the e2e root filesystems.
 */
export function betterSqliteBinary(root, { abi, suite }) {
  const moduleDir = join(root, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(moduleDir, 'package.json'), 'utf8'));
  const recipe = [suite, BUILD_PACKAGES, MIRROR];
  const hash = createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
  const binary = join(CACHE_DIR, 'native', `better-sqlite3-${version}-node-v${abi}-${hash}`, 'better_sqlite3.node');
  if (existsSync(binary)) return binary;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the first run needs root, once: better-sqlite3 is compiled for Debian's Node.js ABI ${abi} in a ${suite} root filesystem (mmdebstrap --mode=root, chroot); run “sudo npm run package”, and later runs take it from ${CACHE_DIR} without root`,
    );
  }
  const rootfs = ensureBuildRootfs(suite, hash);
  console.log(`compiling better-sqlite3 ${version} for ${suite}'s Node.js (ABI ${abi}): minutes on a small machine`);
  const work = mkdtempSync(join(rootfs, 'tmp', 'better-sqlite3-'));
  try {
    for (const part of ['binding.gyp', 'src', 'deps', 'package.json']) {
      cpSync(join(moduleDir, part), join(work, part), { recursive: true });
    }
    const inside = work.slice(rootfs.length);
    // Debian's node-gyp takes the headers from libnode-dev: nothing is downloaded.
    run(
      'chroot',
      [
        rootfs,
        'sh',
        '-c',
        `cd ${inside} && node-gyp rebuild --release -j 2 >build.log 2>&1 || { tail -40 build.log; exit 1; }`,
      ],
      {
        stdio: 'inherit',
      },
    );
    const abiBuilt = run('chroot', [rootfs, 'node', '-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
    if (abiBuilt !== String(abi)) throw new Error(`${suite}'s Node.js has ABI ${abiBuilt}, not ${abi}`);
    mkdirSync(join(binary, '..'), { recursive: true });
    cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), `${binary}.new`);
    renameSync(`${binary}.new`, binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

/** A root filesystem of `suite` with the compiler and Node.js's headers, made by mmdebstrap on first use. */
function ensureBuildRootfs(suite, hash) {
  const path = join(CACHE_DIR, `node-build-${suite}-${hash}`);
  if (existsSync(path)) return path;
  mkdirSync(CACHE_DIR, { recursive: true });
  if (!hasProgram('mmdebstrap')) throw new Error('mmdebstrap is missing: sudo apt install mmdebstrap');
  const building = `${path}.building`;
  rmSync(building, { recursive: true, force: true });
  console.log(`building a ${suite} root filesystem to compile native modules in (about a minute)`);
  run('mmdebstrap', [
    '--mode=root',
    '--variant=apt',
    '--aptopt=Acquire::Check-Valid-Until "false"',
    `--include=${BUILD_PACKAGES.join(',')}`,
    suite,
    building,
    MIRROR,
  ]);
  renameSync(building, path);
  return path;
}

function hasProgram(name) {
  return SYSTEM_PATH.split(':').some((dir) => existsSync(join(dir, name)));
}
