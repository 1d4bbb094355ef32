// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { detectNixos } from '../../service/src/core/nixosPlatform.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import { nixPackageParams, previewPackageEdit, previewServiceEdit } from '../../service/src/nixos/nixosPreview.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'nixos', 'chaosdorf-laptops-configuration.nix');

describe('the preview of a NixOS declaration change', () => {
  let temp: TempDir;
  let root: string;
  let home: string;
  let configuration: string;
  beforeEach(async () => {
    temp = await makeTempDir('steward-nixos-');
    root = join(temp.path, 'root');
    home = join(temp.path, 'home');
    configuration = join(root, 'etc', 'nixos', 'configuration.nix');
    await mkdir(join(root, 'etc', 'nixos'), { recursive: true });
    await mkdir(home);
    await writeFile(join(root, 'etc', 'NIXOS'), '');
    await copyFile(FIXTURE, configuration);
  });
  afterEach(() => temp.remove());

  it('shows the diff of adding a package, and nothing to do once it is there', async () => {
    const platform = await detectNixos({ root, home });
    const params = nixPackageParams.parse({ package: 'blender' });
    const preview = await previewPackageEdit('add-package', params, platform);
    expect(preview.summary).toBe(`Add blender to environment.systemPackages in ${configuration}`);
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details.slice(0, 2)).toEqual([`--- a${configuration}`, `+++ b${configuration}`]);
    expect(preview.details.filter((line) => /^[-+][^-+]/.test(line))).toEqual(['+    blender']);
    const present = await previewPackageEdit('add-package', nixPackageParams.parse({ package: 'vlc' }), platform);
    expect(present).toEqual({
      summary: 'vlc is already in environment.systemPackages',
      details: [],
      changesNothing: true,
    });
  });

  it('shows the diff of enabling a service', async () => {
    const preview = await previewServiceEdit({ service: 'openssh', enable: true }, await detectNixos({ root, home }));
    expect(preview.details).toContain('+  services.openssh.enable = true;');
  });

  it('takes only attribute paths as package names', () => {
    expect(nixPackageParams.safeParse({ package: 'vim ]; x = [' }).success).toBeFalse();
    expect(nixPackageParams.safeParse({ package: 'python3Packages.pip' }).success).toBeTrue();
  });

  it('is unavailable off NixOS, and for Home Manager where there is no home.nix', async () => {
    const params = nixPackageParams.parse({ package: 'ripgrep', scope: 'home' });
    await expectAsync(previewPackageEdit('add-package', params, null)).toBeRejectedWith(
      new StewardError('Unavailable', 'this is not NixOS'),
    );
    await expectAsync(previewPackageEdit('add-package', params, await detectNixos({ root, home }))).toBeRejectedWith(
      new StewardError('Unavailable', 'there is no Home Manager home.nix'),
    );
  });
});
