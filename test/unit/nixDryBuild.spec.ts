// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { summarizeDryBuild } from '../../service/src/nixos/dryBuild.js';

// A dry run in Nix's own wording (src/libmain/shared.cc, printMissing) as nixos-rebuild dry-build prints it;
// the store paths are shaped as Nix makes them, not copied from a real machine.
const OUTPUT = `building the system configuration...
these 2 derivations will be built:
  /nix/store/6j0p2kq4w2l9d9fyx8k1n0c3l5jq2z8a-system-path.drv
  /nix/store/1m1w4rvm7c3j3gq0p4h0y3b6jv3k3c9x-nixos-system-nixos-24.05.20240612.abcdef.drv
these 3 paths will be fetched (112.40 MiB download, 401.75 MiB unpacked):
  /nix/store/0b0v3x5l9k2y3q6m1b8f4z7c2d9n5h1r-blender-4.1.1
  /nix/store/2c9y1x8z7w6v5u4t3s2r1q0p9o8n7m6l-openimageio-2.5.10.1
  /nix/store/3d8x2w7v6u5t4s3r2q1p0o9n8m7l6k5j-embree-4.3.1
`;

describe('the dry build in the preview', () => {
  it('keeps what would be built and fetched, with the sizes, and store names without their hashes', () => {
    expect(summarizeDryBuild(OUTPUT)).toEqual([
      'these 2 derivations will be built:',
      '  system-path.drv',
      '  nixos-system-nixos-24.05.20240612.abcdef.drv',
      'these 3 paths will be fetched (112.40 MiB download, 401.75 MiB unpacked):',
      '  blender-4.1.1',
      '  openimageio-2.5.10.1',
      '  embree-4.3.1',
    ]);
  });

  it('says so when nothing would change, and cuts a long list', () => {
    expect(summarizeDryBuild('building the system configuration...\n')).toEqual(['nothing would be built or fetched']);
    const many = `this derivation will be built:\n${'  /nix/store/0b0v3x5l9k2y3q6m1b8f4z7c2d9n5h1r-x\n'.repeat(60)}`;
    const lines = summarizeDryBuild(many);
    expect(lines.length).toBe(41);
    expect(lines.at(-1)).toBe('… and 21 more lines');
  });
});
