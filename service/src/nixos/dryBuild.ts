// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The dry build of an edited declaration: `nixos-rebuild dry-build` (or
// `home-manager build --dry-run`) on a copy of the configuration's directory with
// the edited file in it, so that relative imports resolve as they will after Apply.
// What it says would be built and fetched, and the download size, is the preview's.

import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { _, format } from '../i18n.js';

export interface DryBuild {
  ok: boolean;
  /** For the preview: what would be built and fetched, with sizes; or the last lines of why it failed. */
  lines: string[];
}

const MAX_LINES = 40;

// "these 3 derivations will be built:", "these 12 paths will be fetched (52.31 MiB download, 210.05 MiB unpacked):".
const HEADER = /^(these|this) .*(will be built|will be fetched)/;

/** The store paths' names without their hashes: /nix/store/abc…-blender-4.1.1 → blender-4.1.1. */
const storeName = (line: string) => line.trim().replace(/^\/nix\/store\/[0-9a-z]{32}-/, '');

export function summarizeDryBuild(output: string): string[] {
  const lines: string[] = [];
  for (const line of output.split('\n')) {
    if (HEADER.test(line.trim())) lines.push(line.trim());
    else if (/^\s+\/nix\/store\//.test(line)) lines.push(`  ${storeName(line)}`);
  }
  if (lines.length > MAX_LINES)
    return [
      ...lines.slice(0, MAX_LINES),
      format(_('… and {count} more lines'), { count: String(lines.length - MAX_LINES) }),
    ];
  return lines.length > 0 ? lines : [_('nothing would be built or fetched')];
}

const run = (command: string, args: string[], signal?: AbortSignal) =>
  new Promise<{ ok: boolean; output: string }>((resolve) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024, signal }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT')
        resolve({ ok: false, output: format(_('{command} is not installed'), { command }) });
      else resolve({ ok: !error, output: `${stdout}\n${stderr}` });
    });
  });

/**
 * Dry-builds `text` as the file `path` (the system's configuration.nix, or home.nix for `home`); with `flake`,
 * the copy's flake.nix (beside configuration.nix) is what is built, as nixos-rebuild switch will.
 */
export async function dryBuild(
  scope: 'system' | 'home',
  path: string,
  text: string,
  { flake = false, signal }: { flake?: boolean; signal?: AbortSignal } = {},
): Promise<DryBuild> {
  const copy = await mkdtemp(join(tmpdir(), 'steward-nixos-dry-'));
  try {
    await cp(dirname(path), copy, { recursive: true });
    const edited = join(copy, basename(path));
    await writeFile(edited, text);
    const { ok, output } =
      scope === 'system'
        ? await run(
            'nixos-rebuild',
            flake ? ['dry-build', '--flake', copy] : ['dry-build', '-I', `nixos-config=${edited}`],
            signal,
          )
        : await run('home-manager', ['-f', edited, 'build', '--dry-run'], signal);
    if (ok) return { ok, lines: summarizeDryBuild(output) };
    const tail = output.trim().split('\n').slice(-8);
    return { ok, lines: tail };
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}
