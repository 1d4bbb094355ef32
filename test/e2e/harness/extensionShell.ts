// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What every end-to-end spec does around the shell: the built extension, the
// check for a machine that cannot run them, a shell session in a fresh
// artifacts folder, the shell log's problems, and the cleanup check.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { mountsUnder } from './mounts.js';
import type { RootfsOverlay } from './packages.js';
import { packArgs } from './packArgs.js';
import { unmetRequirement } from './requirements.js';
import { ensureRootfs } from './rootfs.js';
import { type SessionOptions, type ShellSession, startShellSession } from './session.js';

export const UUID = 'steward@steward.github.io';
export const EXTENSION_DIR = join(process.cwd(), 'dist', 'extension', UUID);
/** The extension's test hook, built apart from it (build/build.mjs): the session copies it in. */
export const TEST_HOOK_DIR = join(process.cwd(), 'dist', 'extension-test-hook');
export const SETUP_TIMEOUT_MS = 15 * 60_000;
export const SPEC_TIMEOUT_MS = 2 * 60_000;
export const TEARDOWN_TIMEOUT_MS = 60_000;

/** Why this machine cannot run the shell; undefined when it can. */
export const unmet = unmetRequirement();

/** A spec that skips, or in CI fails through beforeAll, on a machine that cannot run it. */
export const itInShell = (expectation: string, spec: () => Promise<void>, timeoutMs = SPEC_TIMEOUT_MS) =>
  it(
    expectation,
    async () => {
      if (unmet) pending(unmet);
      await spec();
    },
    timeoutMs,
  );

/** For beforeAll: true when the specs cannot run here (they skip); in CI that is an error. */
export function cannotRunShell(): boolean {
  if (unmet && process.env.CI === 'true') throw new Error(`${unmet}; CI must run them`);
  return unmet !== undefined;
}

export interface OpenedShell {
  rootfs: string;
  /** Whether the root filesystem had to be built (minutes) rather than found in the cache. */
  built: boolean;
  session: ShellSession;
}

/**
 * A shell session of the suite with the packed extension installed; `artifacts` starts empty.
 * With `activation`, the session bus can also start the service (see activation.ts).
 */
export async function openShell(
  suite: string,
  artifacts: string,
  activation?: SessionOptions['activation'],
  locale?: string,
  extraExtensions?: string[],
  journal?: boolean,
  overlay?: RootfsOverlay,
): Promise<OpenedShell> {
  for (const dir of [EXTENSION_DIR, TEST_HOOK_DIR])
    if (!existsSync(dir)) throw new Error(`${dir} is missing; run npm run build first`);
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  const { path: rootfs, built } = await ensureRootfs(suite);
  const session = await startShellSession({
    rootfs,
    extensionDir: EXTENSION_DIR,
    packArgs: await packArgs(EXTENSION_DIR),
    testHookDir: TEST_HOOK_DIR,
    logDir: artifacts,
    activation,
    locale,
    extraExtensions,
    journal,
    overlay,
  });
  return { rootfs, built, session };
}

/** Nothing the session mounted may stay mounted in the (shared, cached) root filesystem. */
export async function expectNoMountsLeft(rootfs: string | undefined): Promise<void> {
  if (rootfs)
    expect(await mountsUnder(rootfs))
      .withContext('mounts left in the root filesystem')
      .toEqual([]);
}

/** Lines of the shell log so far with a JavaScript error, or an error or warning from the extension. */
export async function shellLogProblems(shellLogPath: string): Promise<string[]> {
  return (await readFile(shellLogPath, 'utf8')).split('\n').filter(
    (line) =>
      line.includes('JS ERROR') ||
      // The extension logs its own failures with the prefix "Steward: ".
      ((line.includes(UUID) || line.includes('Steward: ')) && /error|exception|warning|critical/i.test(line)),
  );
}

/** JavaScript for the shell: presses and releases `keys` (Clutter key names) together on a virtual keyboard. */
export const pressKeys = (...keys: string[]) => `(() => {
  const { Clutter, GLib } = imports.gi;
  // Mutter 48 reaches the backend through the stage's context; 51 no longer has Clutter.get_default_backend().
  const backend = global.stage.context?.get_backend() ?? Clutter.get_default_backend();
  globalThis.stewardTestKeyboard ??= backend.get_default_seat()
    .create_virtual_device(Clutter.InputDeviceType.KEYBOARD_DEVICE);
  const keys = ${JSON.stringify(keys)}.map((name) => Clutter[name]);
  let time = GLib.get_monotonic_time();
  for (const key of keys) globalThis.stewardTestKeyboard.notify_keyval(time++, key, Clutter.KeyState.PRESSED);
  for (const key of keys.reverse()) globalThis.stewardTestKeyboard.notify_keyval(time++, key, Clutter.KeyState.RELEASED);
})()`;
