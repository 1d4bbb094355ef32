// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { testFilesIn } from './contents.mjs';

/** Files that only the modules' own development uses. */
const DEVELOPMENT_FILE = /^(\.eslintrc(\..+)?|\.npmignore|\.gitignore|\.gitattributes|\.travis\.yml|\.editorconfig)$/;

/**
 * Readies the runtime modules under `dir` for a Debian package: drops the modules' tests, fixtures and
 * development files, strips the binaries, removes the build machines' library paths that some prebuilt
 * ones carry, and sets each file's mode by what it is. Returns the ELF files it found.
 */
export function tidyModules(dir) {
  dropTestFiles(dir);
  const elf = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile()) continue;
    if (DEVELOPMENT_FILE.test(entry.name)) {
      rmSync(path);
      continue;
    }
    const head = firstBytes(path, 4);
    if (head.equals(Buffer.from('\x7fELF', 'latin1'))) {
      elf.push(path);
      execFileSync('strip', ['--strip-unneeded', '--remove-section=.comment', path]);
      // Paths of the machine that built it (e.g. /opt/vulkan-sdk) go; $ORIGIN's, to the libraries beside it, stay.
      const rpath = execFileSync('patchelf', ['--print-rpath', path], { encoding: 'utf8' }).trim().split(':');
      const own = rpath.filter((dir) => dir.startsWith('$ORIGIN'));
      if (own.length < rpath.filter(Boolean).length) execFileSync('patchelf', ['--set-rpath', own.join(':'), path]);
      chmodSync(path, 0o644);
    } else {
      chmodSync(path, head.subarray(0, 2).toString('latin1') === '#!' ? 0o755 : 0o644);
    }
  }
  return elf;
}

/** Removes what testFilesIn (contents.mjs) calls test code, the check the packages must pass; then the folders it emptied. */
function dropTestFiles(dir) {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  for (const git of entries.filter((entry) => entry.isDirectory() && entry.name === '.git')) {
    rmSync(join(git.parentPath, git.name), { recursive: true, force: true });
  }
  const files = entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => `node_modules/${relative(dir, join(entry.parentPath, entry.name))}`);
  const emptied = new Set();
  for (const file of testFilesIn(files)) {
    const path = join(dir, file.slice('node_modules/'.length));
    rmSync(path, { force: true });
    for (let folder = dirname(path); folder.startsWith(`${dir}/`); folder = dirname(folder)) emptied.add(folder);
  }
  for (const folder of [...emptied].sort((a, b) => b.length - a.length)) {
    if (existsSync(folder) && readdirSync(folder).length === 0) rmSync(folder, { recursive: true });
  }
}

/** The newest GLIBC_x.y symbol version that any of `files` needs: the package's libc6 dependency. */
export function glibcNeeded(files) {
  const versions = files.flatMap((file) =>
    [...execFileSync('objdump', ['-T', file], { encoding: 'utf8' }).matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]),
  );
  const [major, minor] = versions.reduce((a, b) => (a[0] * 1000 + a[1] >= b[0] * 1000 + b[1] ? a : b), [2, 0]);
  return `${major}.${minor}`;
}

function firstBytes(path, length) {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}
