// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which installed package a file belongs to, and its version, from dpkg's own
// database (dpkg-query -S, -W): what a bug report about a crash needs.
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { promisify } from 'node:util';

import { cleanLine } from '../untrustedText.js';

const run = promisify(execFile);

export interface PackageOwner {
  package: string;
  version: string;
}

/**
 * The packages `dpkg-query --search PATH` names for `path`: "dash: /bin/sh", "libc6:amd64, libc6:i386: /lib/x.so";
 * dpkg's diversion lines say who diverted, not who owns.
 */
export function ownersIn(searchOutput: string, path: string): string[] {
  const line = searchOutput.split('\n').find((text) => text.endsWith(`: ${path}`) && !text.startsWith('diversion by '));
  if (!line) return [];
  return line
    .slice(0, line.length - path.length - 2)
    .split(', ')
    .filter((name) => /^[a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?$/.test(name));
}

async function query(args: string[]): Promise<string> {
  const { stdout } = await run('dpkg-query', args, { timeout: 20_000, maxBuffer: 1024 * 1024 });
  return stdout;
}

/**
 * The package that installed `path` (or the file it links to: usr-merged systems list /bin/sh under either
 * name) and its version; null where dpkg knows none, or there is no dpkg.
 */
export async function packageOwning(path: string): Promise<PackageOwner | null> {
  const real = await realpath(path).catch(() => path);
  for (const candidate of [...new Set([path, real])]) {
    const [name] = ownersIn(await query(['--search', candidate]).catch(() => ''), candidate);
    if (!name) continue;
    const version = await query(['--show', '--showformat=${Version}', name]).catch(() => '');
    return { package: name, version: cleanLine(version.trim(), 100) };
  }
  return null;
}
