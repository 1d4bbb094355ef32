#!/usr/bin/env node
// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Adds lock entries for node-llama-cpp's prebuilt binaries of other platforms
// when npm left them out. npm does that when its registry does not serve them
// (as on mirrors with a partial copy of npm), and `npm ci` then refuses the
// lock file as out of sync. Run it after `npm install` changed package-lock.json:
//   node build/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const path = join(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(path, 'utf8'));
const llama = lock.packages['node_modules/node-llama-cpp'];

// Platforms by package name; npm skips entries whose os or cpu does not match.
const platformOf = (name) => ({
  os: [name.startsWith('win-') ? 'win32' : name.startsWith('mac-') ? 'darwin' : 'linux'],
  cpu: [/arm64/.test(name) ? 'arm64' : /armv7l/.test(name) ? 'arm' : /riscv64/.test(name) ? 'riscv64' : 'x64'],
});

let added = 0;
for (const [name, version] of Object.entries(llama.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const file = name.split('/')[1];
  lock.packages[key] = {
    version,
    resolved: `https://registry.npmjs.org/${name}/-/${file}-${version}.tgz`,
    ...platformOf(file),
    optional: true,
    engines: llama.engines,
  };
  added += 1;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added > 0 ? `added ${added} lock entries` : 'the lock file was complete');
