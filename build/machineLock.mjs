#!/usr/bin/env node
// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Writes a copy of package-lock.json without the llama.cpp builds that this machine cannot run: those for
// another processor or system, and the CUDA or Vulkan ones when the caller says there is no such device.
// npm ci then never downloads them (npm's own filter keeps every build whose "cpu" names this processor,
// so on x64 it would fetch the ARM builds and, whatever the machine, over 600 MB of CUDA and Vulkan).
//   node build/machineLock.mjs LOCK_IN LOCK_OUT [--no-cuda] [--no-vulkan]
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output, ...flags] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: machineLock.mjs LOCK_IN LOCK_OUT [--no-cuda] [--no-vulkan]');
const platform = { linux: 'linux', darwin: 'mac', win32: 'win' }[process.platform] ?? process.platform;
const own = `${platform}-${process.arch}`;
const SCOPE = '@node-llama-cpp/';

/** Whether a prebuilt llama.cpp package is for this machine and a device it has. */
function wanted(name) {
  const build = name.slice(SCOPE.length);
  if (build !== own && !build.startsWith(`${own}-`)) return false;
  if (flags.includes('--no-cuda') && /-cuda/.test(build)) return false;
  if (flags.includes('--no-vulkan') && /-vulkan/.test(build)) return false;
  return true;
}

const lock = JSON.parse(readFileSync(input, 'utf8'));
const nameOf = (path) => path.replace(/^.*node_modules\//, '');
const unwanted = (name) => name.startsWith(SCOPE) && !wanted(name);
const left = Object.keys(lock.packages).map(nameOf).filter(unwanted);
lock.packages = Object.fromEntries(
  Object.entries(lock.packages)
    .filter(([path]) => !unwanted(nameOf(path)))
    .map(([path, entry]) => [
      path,
      entry.optionalDependencies
        ? {
            ...entry,
            optionalDependencies: Object.fromEntries(
              Object.entries(entry.optionalDependencies).filter(([name]) => !unwanted(name)),
            ),
          }
        : entry,
    ]),
);
writeFileSync(output, `${JSON.stringify(lock, null, 2)}\n`);
console.log(left.length > 0 ? left.join(' ') : '');
