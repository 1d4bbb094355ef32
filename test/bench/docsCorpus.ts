// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The man pages and GNOME's help that the retrieval benchmark searches, the same on every machine: Debian packages fetched with
// `apt-get download` and unpacked with `dpkg-deb` (no maintainer scripts run, nothing is installed) into
// a cache, so that the figures do not depend on what this host has installed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { DocsSources } from '../../service/src/docs/indexer.js';

const run = promisify(execFile);
const LIST_OPTIONS = { maxBuffer: 64 * 1024 * 1024 };

/** Where dpkg keeps each installed package's file list, in the unpacked tree as on a system. */
export const DPKG_INFO = 'var/lib/dpkg/info';
/** Raised when what the cache holds changes: 2 added the packages' file lists. */
const LAYOUT = 'layout 2';

/** The packages whose pages answer a desktop's questions: services, logs, network, disks, packages, GNOME. */
export const DESKTOP_PACKAGES = [
  'systemd',
  'systemd-resolved',
  'systemd-timesyncd',
  'systemd-coredump',
  'systemd-oomd',
  'udev',
  'openssh-client',
  'openssh-server',
  'network-manager',
  'sudo',
  'cron',
  'apt',
  'dpkg',
  'util-linux',
  'mount',
  'fdisk',
  'e2fsprogs',
  'iproute2',
  'procps',
  'coreutils',
  'man-db',
  'passwd',
  'login',
  'adduser',
  'libglib2.0-bin',
  'dconf-cli',
  'udisks2',
  'smartmontools',
  'flatpak',
  'packagekit-tools',
  'ufw',
  'bluez',
  'pulseaudio-utils',
  'fwupd',
  'logrotate',
  'pkexec',
  'polkitd',
  'gnome-shell',
  'rsync',
  'findutils',
  'grep',
  'tar',
  'xdg-utils',
  'libpam-modules',
  'manpages',
];

/**
 * Pages that share the questions' words and answer none of them: a database's SQL commands (VACUUM,
 * ANALYZE, CLUSTER), container and VCS command suites of hundreds of pages each, Perl's, OpenSSL's, X11's and
 * Erlang's library pages, the C library's calls, FreeBSD's kernel pages, TeX's commands, another shell.
 */
export const NOISE_PACKAGES = [
  'postgresql-client-15',
  'perl-doc',
  'libssl-doc',
  'manpages-dev',
  'podman',
  'docker.io',
  'git-man',
  'libx11-doc',
  'tcl8.6-doc',
  'erlang-manpages',
  'freebsd-manpages',
  'texlive-binaries',
  'mariadb-client',
  'zsh-common',
  'nmap',
];

export interface Corpus {
  sources: DocsSources;
  /** The packages as fetched: "systemd_252.39-1~deb12u2_amd64". */
  packages: string[];
  root: string;
}

const cacheRoot = () => join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'steward-bench');

/** Folders of the unpacked tree that hold man sections (manN), wherever a package put them. */
async function manRoots(folder: string, depth = 0): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  if (entries.some((entry) => entry.isDirectory() && /^man\d\w*$/.test(entry.name))) return [folder];
  if (depth >= 5) return [];
  const found: string[] = [];
  for (const entry of entries.filter((entry) => entry.isDirectory()).sort((a, b) => a.name.localeCompare(b.name)))
    found.push(...(await manRoots(join(folder, entry.name), depth + 1)));
  return found;
}

/**
 * GNOME's help (Mallard pages, read by the index as GNOME Help's pages), which a GNOME desktop has installed:
 * fetched after the man pages, into the same tree, with a list of its own, so that a cache made before it keeps
 * its man pages.
 */
export const HELP_PACKAGES = ['gnome-user-docs'];

/**
 * `packages` fetched with apt-get and their files matching `wanted` (a tar wildcard) unpacked into `root`, each
 * package's file list written where dpkg keeps it; the packages as fetched ("systemd_252.39-1~deb12u2_amd64").
 */
async function fetchInto(root: string, debs: string, packages: readonly string[], wanted: string): Promise<string[]> {
  await rm(debs, { recursive: true, force: true });
  await mkdir(debs, { recursive: true });
  await run('apt-get', ['download', ...packages], { cwd: debs, maxBuffer: 64 * 1024 * 1024 });
  const files = (await readdir(debs)).filter((name) => name.endsWith('.deb')).sort();
  const lists = join(root, DPKG_INFO);
  await mkdir(lists, { recursive: true });
  for (const file of files) {
    // Only the documentation: the rest of a package is not read.
    await run('sh', [
      '-c',
      'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "$3" 2>/dev/null || true',
      'sh',
      join(debs, file),
      root,
      wanted,
    ]);
    // The package's files as dpkg lists them once installed (/var/lib/dpkg/info/NAME.list): the index
    // reads each page's package from them.
    const { stdout } = await run(
      'sh',
      ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -t', 'sh', join(debs, file)],
      LIST_OPTIONS,
    );
    const paths = stdout
      .split('\n')
      .map((line) => line.replace(/^\.\/?/, '/').replace(/\/$/, ''))
      .filter((path) => path !== '' && path !== '/');
    await writeFile(join(lists, `${file.split('_')[0]}.list`), `${paths.join('\n')}\n`);
  }
  await rm(debs, { recursive: true, force: true });
  return files.map((file) => file.replace(/\.deb$/, ''));
}

/**
 * The corpus, fetched and unpacked once into ~/.cache/steward-bench (kept by the list of packages).
 * Needs apt-get with this release's package lists (apt-get update) and dpkg-deb.
 */
export async function debianManCorpus(log: (line: string) => void): Promise<Corpus> {
  const packages = [...DESKTOP_PACKAGES, ...NOISE_PACKAGES];
  // The layout is part of the key: a cache made before the file lists were written is fetched again.
  const key = createHash('sha256')
    .update([LAYOUT, ...packages].join('\n'))
    .digest('hex')
    .slice(0, 12);
  const dir = join(cacheRoot(), `docs-corpus-${key}`);
  const root = join(dir, 'root');
  const stamp = join(dir, 'packages.txt');
  let fetched = await readFile(stamp, 'utf8').catch(() => null);
  if (fetched === null) {
    log(`fetching ${packages.length} Debian packages into ${dir}…\n`);
    await rm(dir, { recursive: true, force: true });
    fetched = (await fetchInto(root, join(dir, 'debs'), packages, '*/man/*')).join('\n');
    await writeFile(stamp, `${fetched}\n`);
  }
  const helpStamp = join(dir, 'help-packages.txt');
  let help = await readFile(helpStamp, 'utf8').catch(() => null);
  if (help?.trim().split('\n').length !== HELP_PACKAGES.length) {
    log(`fetching ${HELP_PACKAGES.join(', ')} into ${dir}…\n`);
    help = (await fetchInto(root, join(dir, 'debs'), HELP_PACKAGES, '*/share/help/C/*')).join('\n');
    await writeFile(helpStamp, `${help}\n`);
  }
  return {
    root,
    packages: [...fetched.trim().split('\n'), ...help.trim().split('\n')],
    sources: {
      manRoots: await manRoots(root),
      infoRoots: [],
      docRoots: [],
      nixosOptions: [],
      helpRoots: [join(root, 'usr', 'share', 'help')],
      languages: [],
      packageDatabases: [join(root, DPKG_INFO)],
      // The examples the service bundles (build/task-examples.mjs), as the build copies them beside it.
      taskExamples: join(process.cwd(), 'service', 'data', 'task-examples.json.gz'),
    },
  };
}
