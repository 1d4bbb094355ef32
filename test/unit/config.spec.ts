// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { defaultConfig, loadConfig } from '../../service/src/config.js';
import { ensurePrivateDirectory, resolvePaths } from '../../service/src/paths.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('loadConfig', () => {
  let dir: TempDir;
  let file: string;

  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir.path, 'config.json');
  });
  afterEach(() => dir.remove());

  it('gives the defaults when there is no file', async () => {
    expect(await loadConfig(file)).toEqual({ status: 'missing', config: defaultConfig });
  });

  it('reads a valid file', async () => {
    await writeFile(file, JSON.stringify({ logLevel: 'debug' }));
    expect(await loadConfig(file)).toEqual({ status: 'loaded', config: { ...defaultConfig, logLevel: 'debug' } });
  });

  it('fills the inference defaults and keeps what the file sets', async () => {
    await writeFile(file, JSON.stringify({ inference: { gpu: 'off', threads: 3 } }));
    const load = await loadConfig(file);
    expect(load.config.inference).toEqual({
      engine: 'local',
      gpu: 'off',
      threads: 3,
      sequences: 2,
      contextSize: 'auto',
      idleUnloadSeconds: 300,
      maxAnswerTokens: 1024,
    });
  });

  it('gives disk thresholds in percent and GB, and refuses critical ones above the low ones', async () => {
    expect(defaultConfig.watch.disks).toEqual(
      jasmine.objectContaining({ lowPercent: 10, lowGB: 5, criticalPercent: 3, criticalGB: 1 }),
    );
    await writeFile(file, JSON.stringify({ watch: { disks: { lowPercent: 5, criticalPercent: 8 } } }));
    const load = await loadConfig(file);
    expect(load.status).toBe('invalid');
    expect(load.status === 'invalid' && load.problem).toContain('the critical thresholds must be below the low ones');
  });

  it('refuses a remote engine without an endpoint, and an endpoint that is not http(s)', async () => {
    await writeFile(file, JSON.stringify({ inference: { engine: 'remote' } }));
    const missing = await loadConfig(file);
    expect(missing.status === 'invalid' && missing.problem).toContain('inference.remote: engine "remote" needs');
    await writeFile(
      file,
      JSON.stringify({ inference: { engine: 'remote', remote: { url: 'file:///etc', model: 'm' } } }),
    );
    const wrongScheme = await loadConfig(file);
    expect(wrongScheme.status === 'invalid' && wrongScheme.problem).toContain('inference.remote.url');
  });

  it('falls back to the defaults on broken JSON, says where, and leaves the file alone', async () => {
    await writeFile(file, '{ "logLevel": ');
    const load = await loadConfig(file);
    expect(load.status).toBe('invalid');
    expect(load.config).toEqual(defaultConfig);
    expect(load.status === 'invalid' && load.problem).toContain(`${file} is not valid JSON: line 1, column 15: `);
    expect(await readFile(file, 'utf8')).toBe('{ "logLevel": ');
    await writeFile(file, '{\n  "logLevel": "info"\n  "watch": {}\n}\n');
    const second = await loadConfig(file);
    expect(second.status === 'invalid' && second.problem).toMatch(/ is not valid JSON: line 3, column 3: /);
    expect(second.status === 'invalid' && second.problem).not.toContain('position');
  });

  it('names the offending key of a file that does not match the schema', async () => {
    await writeFile(file, JSON.stringify({ logLevel: 'loud', colour: true }));
    const load = await loadConfig(file);
    expect(load.status).toBe('invalid');
    expect(load.status === 'invalid' && load.problem).toMatch(/logLevel: .*"debug"/);
    expect(load.status === 'invalid' && load.problem).toContain('colour');
  });

  it('reports a file it cannot read', async () => {
    await mkdir(file);
    const load = await loadConfig(file);
    expect(load.status === 'invalid' && load.problem).toContain(`cannot read ${file}`);
  });

  it('refuses a link to a device that never ends, rather than reading it', async () => {
    await symlink('/dev/zero', file);
    const load = await loadConfig(file);
    expect(load.status === 'invalid' && load.problem).toBe(`cannot read ${file}: it is not a regular file`);
  });
});

describe('resolvePaths', () => {
  it('follows the XDG variables', () => {
    expect(
      resolvePaths({
        HOME: '/home/a',
        XDG_CONFIG_HOME: '/cfg',
        XDG_STATE_HOME: '/st',
        XDG_CACHE_HOME: '/cache',
        XDG_DATA_HOME: '/data',
      }),
    ).toEqual({
      home: '/home/a',
      cacheHome: '/cache',
      dataHome: '/data',
      configHome: '/cfg',
      configFile: '/cfg/steward/config.json',
      stateDirectory: '/st/steward',
    });
  });

  it('uses the defaults under HOME, ignoring relative XDG values as the spec says', () => {
    expect(resolvePaths({ HOME: '/home/a', XDG_CONFIG_HOME: 'relative' })).toEqual({
      home: '/home/a',
      cacheHome: '/home/a/.cache',
      dataHome: '/home/a/.local/share',
      configHome: '/home/a/.config',
      configFile: '/home/a/.config/steward/config.json',
      stateDirectory: '/home/a/.local/state/steward',
    });
  });
});

describe('ensurePrivateDirectory', () => {
  it('creates the directory with mode 0700 and tightens an existing one', async () => {
    const dir = await makeTempDir();
    const target = join(dir.path, 'a', 'steward');
    await ensurePrivateDirectory(target);
    expect((await stat(target)).mode & 0o777).toBe(0o700);
    await chmod(target, 0o755);
    await ensurePrivateDirectory(target);
    expect((await stat(target)).mode & 0o777).toBe(0o700);
    await dir.remove();
  });
});
