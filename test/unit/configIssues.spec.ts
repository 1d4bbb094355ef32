// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { loadConfig } from '../../service/src/config.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('a configuration error', () => {
  let dir: TempDir;
  const problemOf = async (content: unknown) => {
    const file = join(dir.path, 'config.json');
    await writeFile(file, JSON.stringify(content));
    const load = await loadConfig(file);
    return load.status === 'invalid' ? load.problem.slice(file.length + 2) : '';
  };

  beforeAll(async () => (dir = await makeTempDir()));
  afterAll(() => dir.remove());

  it('says which type was expected and what was given, for a union too', async () => {
    expect(await problemOf({ inference: { threads: '4' } })).toBe(
      'inference.threads: expected "auto" or a number, not the text "4"',
    );
    expect(await problemOf({ inference: { sequences: '2' } })).toBe(
      'inference.sequences: expected a number, not the text "2"',
    );
    expect(await problemOf({ watch: { units: 'yes' } })).toBe('watch.units: expected a boolean, not the text "yes"');
    expect(await problemOf({ logLevel: 'verbose' })).toBe(
      'logLevel: expected one of "debug", "info", "warning", "error", not the text "verbose"',
    );
  });

  it('suggests the key that was meant, at any depth', async () => {
    expect(await problemOf({ inference: { treads: 2 } })).toBe(
      'inference.treads: no such setting; did you mean “inference.threads”?',
    );
    expect(await problemOf({ loglevel: 'info' })).toBe('loglevel: no such setting; did you mean “logLevel”?');
    expect(await problemOf({ watch: { disks: { mount: ['/'] } } })).toBe(
      'watch.disks.mount: no such setting; did you mean “watch.disks.mounts”?',
    );
    expect(await problemOf({ colour: 'blue' })).toBe('colour: no such setting');
  });

  it('keeps the checks of its own, with their words', async () => {
    expect(await problemOf({ inference: { sequences: 99 } })).toMatch(/^inference\.sequences: Too big: /);
  });
});
