// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { BUS_NAME, nameHasOwner, waitFor } from '../support/service.js';
import {
  enabledExtensions,
  listing,
  makeSandbox,
  mustRun,
  outsideServiceState,
  ownerPid,
  removeSandbox,
  type Sandbox,
} from './install/sandbox.js';

describe('build/uninstall.sh', () => {
  let sandbox: Sandbox;
  let before: string[];
  let after: string[];
  let output: string;
  let pid: number;
  let stillRunning: boolean;
  let extensionsAfter: string;

  beforeAll(async () => {
    sandbox = await makeSandbox();
    before = await listing(sandbox);
    await mustRun(sandbox, 'install.sh');
    pid = await ownerPid(sandbox.client);
    // `steward uninstall`, as the install's closing lines tell the user: it runs the uninstaller the install
    // left beside the service, so it needs no clone.
    output = await mustRun(sandbox, join(sandbox.home, '.local', 'bin', 'steward'), 'uninstall');
    after = await listing(sandbox);
    stillRunning = await nameHasOwner(sandbox.client, BUS_NAME);
    extensionsAfter = await enabledExtensions(sandbox);
  });

  afterAll(() => removeSandbox(sandbox));

  it('stops the service', async () => {
    expect(stillRunning).toBeFalse();
    await waitFor(() => !existsSync(`/proc/${pid}`), 'the service process to exit');
  });

  it('removes every file and directory the install wrote, keeping the configuration and state', () => {
    // What the service itself wrote, in its state directory, is all that may be new.
    expect(outsideServiceState(after.filter((path) => !before.includes(path)))).toEqual([]);
    expect(after).toContain(join('xdg', 'state', 'steward'));
    expect(before.filter((path) => !after.includes(path))).toEqual([]);
    expect(output).toContain(`Kept ${join(sandbox.configHome, 'steward')}`);
    expect(output).toContain(`Kept ${join(sandbox.stateHome, 'steward')}`);
  });

  it('disables the extension and leaves the other extensions enabled', () => {
    expect(extensionsAfter).toBe("['other@example.com']");
  });

  describe('with --purge', () => {
    let purged: string[];

    beforeAll(async () => {
      await mustRun(sandbox, 'uninstall.sh', '--purge');
      purged = await listing(sandbox);
    });

    it('also deletes the configuration and state, leaving the home as it was before the install', () => {
      const config = join('xdg', 'config', 'steward');
      expect(purged).toEqual(before.filter((path) => path !== config && !path.startsWith(`${config}/`)));
    });
  });
});
