// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// The offline Nix the Nix specs and the NixOS stand-in evaluate with: nixpkgs' lib from a snapshot, and a store
// of the test's own.

/**
 * The snapshot of nixpkgs' lib/ (nix-community/nixpkgs.lib) beside the checkout, as CI has it;
 * STEWARD_NIXPKGS_LIB names another copy (a checkout in a worktree has no ../shared).
 */
export function nixpkgsLib(): string {
  const snapshot = process.env.STEWARD_NIXPKGS_LIB ?? join(process.cwd(), '..', 'shared', 'vendor', 'nixpkgs-lib');
  const lib = join(snapshot, 'lib');
  if (!existsSync(join(lib, 'default.nix'))) {
    throw new Error(
      `nixpkgs' lib is missing: ${lib}/default.nix does not exist. These tests evaluate Nix with ` +
        `it: put a snapshot of github.com/nix-community/nixpkgs.lib at ../shared/vendor/nixpkgs-lib beside the ` +
        `checkout, or name one with STEWARD_NIXPKGS_LIB.`,
    );
  }
  return lib;
}

/** Nix with a store, state and settings of its own in `dir`: no daemon, no nixbld group. */
export async function nixEnvironment(dir: string): Promise<NodeJS.ProcessEnv> {
  await mkdir(join(dir, 'conf'), { recursive: true });
  await writeFile(join(dir, 'conf', 'nix.conf'), 'build-users-group =\nexperimental-features =\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NIX_STORE_DIR: join(dir, 'store'),
    NIX_STATE_DIR: join(dir, 'state'),
    NIX_LOG_DIR: join(dir, 'log'),
    NIX_CONF_DIR: join(dir, 'conf'),
    XDG_CACHE_HOME: join(dir, 'cache'),
  };
  delete env.NIX_REMOTE;
  delete env.NIX_PATH;
  return env;
}
