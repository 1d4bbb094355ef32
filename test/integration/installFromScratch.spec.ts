// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, stat, symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';

import {
  exec,
  FROM_SCRATCH_INSTALL_TIMEOUT_MS,
  getStatus,
  makeSandbox,
  mustRun,
  packageVersion,
  removeSandbox,
  ROOT,
  type Sandbox,
} from './install/sandbox.js';

/**
 * A copy of the checkout's sources, for an install that builds: its build goes to the copy's dist/, never to the
 * checkout's, which the other specs run. The node_modules is the checkout's own, shared and never reinstalled: the
 * copy's lock file is dated older than it, so install.sh sees nothing to npm ci.
 */
async function copyOfCheckout(into: string): Promise<string> {
  // Without it install.sh would npm ci into the copy's node_modules, emptying the checkout's through the link.
  if (!existsSync(join(ROOT, 'node_modules', '.package-lock.json')))
    throw new Error('the checkout’s node_modules were not installed by npm ci (no node_modules/.package-lock.json)');
  const checkout = join(into, 'checkout');
  await mkdir(checkout);
  for (const entry of await readdir(ROOT)) {
    if (['node_modules', 'dist', '.git', 'test-results'].includes(entry)) continue;
    await cp(join(ROOT, entry), join(checkout, entry), { recursive: true });
  }
  await symlink(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
  await utimes(join(checkout, 'package-lock.json'), 0, 0);
  return checkout;
}

// The one install as a user runs it: it builds, and npm ci runs better-sqlite3's install script (which compiles it
// where no prebuilt binary can be fetched). Every other install here takes what the checkout built.
describe('build/install.sh from scratch', () => {
  let sandbox: Sandbox;
  let checkout: string;
  let output: string;
  let builtBefore: number;

  const checkoutBuild = () => join(ROOT, 'dist', 'service', 'steward-service.js');

  beforeAll(async () => {
    sandbox = await makeSandbox();
    delete sandbox.env.STEWARD_REUSE_BUILD;
    checkout = await copyOfCheckout(sandbox.root.path);
    builtBefore = (await stat(checkoutBuild())).mtimeMs;
    output = await mustRun(sandbox, join(checkout, 'build', 'install.sh'));
  }, FROM_SCRATCH_INSTALL_TIMEOUT_MS);

  afterAll(() => removeSandbox(sandbox));

  it('builds, installs native modules that load, and starts the service, leaving the checkout’s build alone', async () => {
    expect(output).toContain('==> Building');
    expect(existsSync(join(checkout, 'dist', 'service', 'steward-service.js'))).toBeTrue();
    expect((await stat(checkoutBuild())).mtimeMs).toBe(builtBefore);

    const { stdout } = await exec(
      'node',
      [
        '-e',
        'const Database = require("better-sqlite3"); console.log(new Database(":memory:").pragma("user_version", { simple: true }))',
      ],
      { cwd: sandbox.libDir, env: sandbox.env },
    );
    expect(stdout).toBe('0\n');
    expect(output).toContain('Steward is running');
    const status = await getStatus(sandbox.client);
    expect(status.version?.value).toBe(await packageVersion());
  });
});
