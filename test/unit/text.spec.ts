// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { format, formatBytes } from '../../extension/src/shared/text.js';

const _ = (text: string) => text;

describe('text for people', () => {
  it('fills named placeholders, in whatever order a translation puts them', () => {
    expect(format('{done} of {total}', { done: 3, total: 'ten' })).toBe('3 of ten');
    expect(format('{total}: {done} fertig', { done: 3, total: 10 })).toBe('10: 3 fertig');
    expect(format('{missing} stays', {})).toBe('{missing} stays');
  });

  it('gives sizes in decimal units, as GNOME does', () => {
    expect(formatBytes(512, _)).toBe('512 B');
    expect(formatBytes(1_100_000_000, _)).toBe('1.1 GB');
    expect(formatBytes(5_368_709_120, _)).toBe('5.4 GB');
    const french = (text: string) => text.replace('GB', 'Go');
    expect(formatBytes(1_100_000_000, french)).toBe('1.1 Go');
  });

  it("writes a size's number the way the user's language does", () => {
    // The module as the extension ships it.
    const module = join(process.cwd(), 'dist', 'extension', 'steward@steward.github.io', 'shared', 'text.js');
    const inGerman = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { formatBytes } from ${JSON.stringify(module)}; console.log(formatBytes(1_100_000_000, (text) => text));`,
      ],
      { env: { PATH: process.env.PATH, LANG: 'de_DE.UTF-8' }, encoding: 'utf8' },
    );
    expect(inGerman.trim()).toBe('1,1 GB');
  });
});
