// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The nixos.* actions check the names the model fills in against the system's own nixpkgs (the reader's
// search over the STAND-IN NixOS root of test/support/nixosStandIn.ts) before anything is proposed.
import { join } from 'node:path';

import { StewardError } from '../../service/src/dbus/errors.js';
import type { ActionContext, ActionDefinition } from '../../service/src/fixes/action.js';
import { ConfirmWindows } from '../../service/src/fixes/confirmWindow.js';
import { createLogger } from '../../service/src/logging.js';
import { nixosActions } from '../../service/src/nixos/actions.js';
import { NixosReader } from '../../service/src/nixos/nixosReader.js';
import { makeNixosStandIn, type NixosStandIn } from '../support/nixosStandIn.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// Evaluation runs nix-instantiate with this process's environment, as the service does: the stand-in's
// store and state for the while.
const NIX_VARIABLES = ['NIX_STORE_DIR', 'NIX_STATE_DIR', 'NIX_LOG_DIR', 'NIX_CONF_DIR', 'NIX_REMOTE', 'NIX_PATH'];

describe('NixOS names checked before a proposal', () => {
  let temp: TempDir;
  let standIn: NixosStandIn;
  let add: ActionDefinition<Record<string, unknown>>;
  let context: ActionContext;
  const saved = { ...process.env };

  beforeAll(async () => {
    temp = await makeTempDir('steward-nixos-names-');
    standIn = await makeNixosStandIn(temp.path);
    for (const name of NIX_VARIABLES) {
      const value = standIn.env[name];
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
    // No nixos-rebuild here: a name that passes the check goes on to the dry build, which says so.
    process.env.PATH = '/usr/bin:/bin';
    const home = join(temp.path, 'home');
    const reader = new NixosReader({ root: standIn.root, home, cacheDir: join(temp.path, 'cache') });
    const actions = nixosActions({
      root: standIn.root,
      confirmMs: () => 120_000,
      windows: new ConfirmWindows(),
      names: () => reader.nameChecker(),
    });
    add = actions.find(({ name }) => name === 'nixos.add_package')!;
    context = {
      sessionBus: null as never,
      systemBus: null,
      home,
      cacheHome: temp.path,
      dataHome: temp.path,
      knownGoodDirectory: join(temp.path, 'known-good'),
      log: createLogger({ level: 'error', journal: false, write: () => undefined }),
    };
  });

  afterAll(async () => {
    process.env = { ...saved };
    await temp.remove();
  });

  it('refuses a package nixpkgs does not have, naming the nearest real ones', async () => {
    await expectAsync(add.preview(add.params.parse({ package: 'blendr' }), context)).toBeRejectedWith(
      new StewardError('InvalidArgs', 'nixpkgs has no package “blendr” (did you mean blender?)'),
    );
  });

  it('lets a real name through to the dry build', async () => {
    await expectAsync(add.preview(add.params.parse({ package: 'blender' }), context)).toBeRejectedWith(
      new StewardError('Unavailable', 'the edited configuration does not build: nixos-rebuild is not installed'),
    );
  });
});
