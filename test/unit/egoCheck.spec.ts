// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { appendFile, cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { parseJsonObject } from '../support/json.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// build/ego-check.mjs on zips of the built extension: the real one passes, and each kind of breach of
// the review rules is named. `npm test` builds before it runs the specs.
const exec = promisify(execFile);
const UUID = 'steward@steward.github.io';
const BUILT = join('dist', 'extension', UUID);

describe('the extensions.gnome.org check (build/ego-check.mjs)', () => {
  let temp: TempDir;
  let extension: string;

  /** Zips `extension` as npm run package does and checks it; resolves with the exit status and output. */
  const check = async () => {
    const zip = join(temp.path, `${UUID}.shell-extension.zip`);
    await rm(zip, { force: true });
    await exec('zip', ['-q', '-r', '-X', zip, '.'], { cwd: extension });
    return exec('node', ['build/ego-check.mjs', zip]).then(
      ({ stdout }) => ({ status: 0, output: stdout }),
      (error: { code: number; stdout: string }) => ({ status: error.code, output: error.stdout }),
    );
  };

  beforeEach(async () => {
    temp = await makeTempDir('steward-ego-');
    extension = join(temp.path, UUID);
    await cp(BUILT, extension, { recursive: true });
  });

  afterEach(() => temp.remove());

  it('passes the built extension', async () => {
    expect(await check()).toEqual({ status: 0, output: jasmine.stringContaining('passes') });
  });

  it('refuses binaries, bundled and minified code', async () => {
    await writeFile(join(extension, 'helper.so'), Buffer.from('\x7fELF\x02\x01\x01', 'latin1'));
    await writeFile(join(extension, 'vendor.js'), 'var __defProp = Object.defineProperty;\nexport {};\n');
    await writeFile(join(extension, 'packed.js'), `export const a = [${'1,'.repeat(300)}];\n`);
    const { status, output } = await check();
    expect(status).toBe(1);
    expect(output).toContain('binary: helper.so');
    expect(output).toContain('bundled: vendor.js');
    expect(output).toContain('minified: packed.js: line 1');
  });

  it('refuses synchronous I/O and subprocesses in the shell, not in the preferences', async () => {
    await appendFile(join(extension, 'extension.js'), "\nGLib.spawn_command_line_sync('true');\n");
    await appendFile(join(extension, 'indicator.js'), '\nfile.load_contents(null);\n');
    await appendFile(join(extension, 'prefs.js'), '\nfile.load_contents(null);\n');
    const { status, output } = await check();
    expect(status).toBe(1);
    expect(output).toMatch(/^blocking: extension\.js: line \d+ .*spawn_command_line_sync/m);
    expect(output).toMatch(/^blocking: indicator\.js: line \d+ .*load_contents/m);
    expect(output).not.toContain('prefs.js');
  });

  it('asks for the metadata fields, the compiled schema and every translation', async () => {
    const metadata = parseJsonObject(await readFile(join(extension, 'metadata.json'), 'utf8'));
    delete metadata.description;
    await writeFile(join(extension, 'metadata.json'), JSON.stringify({ ...metadata, version: 3 }));
    await rm(join(extension, 'schemas', 'gschemas.compiled'));
    await rm(join(extension, 'locale', 'fr'), { recursive: true });
    const { status, output } = await check();
    expect(status).toBe(1);
    expect(output.trim().split('\n').sort()).toEqual([
      'metadata: metadata.json: has "version", which extensions.gnome.org sets',
      'metadata: metadata.json: lacks "description"',
      'schema: schemas/gschemas.compiled: missing',
      `translations: locale/fr/LC_MESSAGES/${UUID}.mo: missing`,
    ]);
  });
});
