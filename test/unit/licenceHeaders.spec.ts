// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Every source file says its licence in its first lines, REUSE-style. Third-party files kept as
// test input (the NixOS configurations, the corpus's log excerpts, GNOME Help's pages) keep their own terms and are
// not ours to mark.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SOURCE = /\.(?:ts|mjs|js|sh|nix|css|py|xml|policy)$|^\.ci\/run$|\/steward-nixos-helper$/;
const NOT_OURS = /^test\/fixtures\/nixos\/|^test\/fixtures\/docs\/help\/|^test\/corpus\/cases\/|^po\//;

describe('licence headers', () => {
  it('are in every source file of the repository', () => {
    const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' })
      .split('\n')
      .filter((file) => SOURCE.test(file) && !NOT_OURS.test(file));
    expect(files.length).toBeGreaterThan(500);
    const missing = files.filter((file) => {
      const head = readFileSync(file, 'utf8').slice(0, 600);
      return !head.includes('SPDX-License-Identifier: GPL-2.0-or-later') || !head.includes('SPDX-FileCopyrightText:');
    });
    expect(missing).toEqual([]);
  });
});
