// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describeNixos, detectNixos } from '../../service/src/core/nixosPlatform.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('NixOS detection', () => {
  let temp: TempDir;
  let root: string;
  let home: string;
  beforeEach(async () => {
    temp = await makeTempDir('steward-nixos-');
    root = join(temp.path, 'root');
    home = join(temp.path, 'home');
    await mkdir(join(root, 'etc', 'nixos'), { recursive: true });
    await mkdir(join(home, '.config', 'home-manager'), { recursive: true });
  });
  afterEach(() => temp.remove());

  const write = (path: string) => writeFile(path, '{ ... }: { }\n');

  it('finds nothing where neither /etc/NIXOS nor /run/current-system exists, whatever /etc/nixos holds', async () => {
    await write(join(root, 'etc', 'nixos', 'configuration.nix'));
    expect(await detectNixos({ root, home })).toBeNull();
  });

  it('names configuration.nix on a channel-based system, and home.nix where Home Manager has one', async () => {
    await write(join(root, 'etc', 'NIXOS'));
    await write(join(root, 'etc', 'nixos', 'configuration.nix'));
    await write(join(home, '.config', 'home-manager', 'home.nix'));
    const platform = await detectNixos({ root, home });
    expect(platform).toEqual({
      system: { path: join(root, 'etc', 'nixos', 'configuration.nix'), writable: true, flake: false, module: null },
      home: { path: join(home, '.config', 'home-manager', 'home.nix'), writable: true },
    });
    expect(describeNixos(platform!)).toBe(
      `system: ${join(root, 'etc/nixos/configuration.nix')} (writable by you); ` +
        `Home Manager: ${join(home, '.config/home-manager/home.nix')} (writable by you)`,
    );
  });

  it('names the flake and the configuration.nix beside it that edits go to', async () => {
    await mkdir(join(root, 'run'));
    await symlink('/nix/store/0000-nixos-system', join(root, 'run', 'current-system'));
    await write(join(root, 'etc', 'nixos', 'flake.nix'));
    await write(join(root, 'etc', 'nixos', 'configuration.nix'));
    const platform = await detectNixos({ root, home });
    expect(platform?.system).toEqual(
      jasmine.objectContaining({ path: join(root, 'etc', 'nixos', 'flake.nix'), flake: true }),
    );
    expect(platform?.system?.module?.path).toBe(join(root, 'etc', 'nixos', 'configuration.nix'));
    expect(platform?.home).toBeNull();
  });

  it('says so where NixOS has no configuration file Steward knows', async () => {
    await write(join(root, 'etc', 'NIXOS'));
    const platform = await detectNixos({ root, home });
    expect(platform).toEqual({ system: null, home: null });
    expect(describeNixos(platform!)).toBe('system: no /etc/nixos/configuration.nix or flake.nix');
  });
});
