// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { levenshtein, nearestNames } from '../../service/src/nixos/nearestNames.js';
import { sourceStorePath } from '../../service/src/nixos/storePath.js';

describe('levenshtein', () => {
  it('gives the distances lib.strings.levenshtein documents', () => {
    // The examples in nixpkgs' lib/strings.nix.
    expect(levenshtein('foo', 'foo')).toBe(0);
    expect(levenshtein('book', 'hook')).toBe(1);
    expect(levenshtein('hello', 'Heyo')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', '')).toBe(3);
  });
});

describe('nearestNames', () => {
  const many = Array.from({ length: 120 }, (_unused, index) => `package${index}`).concat(['blender', 'blender-hip']);

  it('among fewer than 100 names gives the three nearest, however far', () => {
    expect(nearestNames('enabel', ['ports', 'enable', 'settings', 'banner'])).toEqual(['enable', 'banner', 'ports']);
    expect(nearestNames('x', ['a'])).toEqual(['a']);
    expect(nearestNames('x', [])).toEqual([]);
  });

  it('among 100 or more gives only those within distance 2, nearest first', () => {
    expect(nearestNames('blendr', many)).toEqual(['blender']);
    expect(nearestNames('photoshop', many)).toEqual([]);
    expect(nearestNames('package1', many)).toEqual(['package1', 'package0', 'package2']);
  });

  it('keeps the candidates’ order among equal distances, as lib.sortOn is stable', () => {
    expect(nearestNames('ab', ['ax', 'xb', 'ay'])).toEqual(['ax', 'xb', 'ay']);
    expect(nearestNames('ab', ['ay', 'xb', 'ax'])).toEqual(['ay', 'xb', 'ax']);
  });
});

describe('sourceStorePath', () => {
  it('is the path `nix-store --print-fixed-path --recursive sha256 HASH source` prints', () => {
    // Printed by Nix 2.8.0 with NIX_STORE_DIR=/tmp/tmp.CfGOl66LGU/store.
    expect(
      sourceStorePath('sha256-0aZ8b6gpyQUxFwG5kE6PkB1+pGk9FcvzDO4FIwAGlFg=', 'source', '/tmp/tmp.CfGOl66LGU/store'),
    ).toBe('/tmp/tmp.CfGOl66LGU/store/aqwwfzrl266q34025bvamv4ck6zi7i4y-source');
  });

  it('refuses hashes that are not SRI sha256', () => {
    expect(sourceStorePath('sha512-abc')).toBeNull();
    expect(sourceStorePath('0aZ8b6gpyQUxFwG5kE6PkB1+pGk9FcvzDO4FIwAGlFg=')).toBeNull();
  });
});
