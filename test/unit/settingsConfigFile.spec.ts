// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parseValue, patchFor } from '../../service/src/cli/config.js';
import { defaultConfig } from '../../service/src/config.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import { mergePatch, parsePatch, readOwnSettings, updateConfigFile } from '../../service/src/settings/configFile.js';
import { writeFileAtomically } from '../../service/src/smallFile.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

async function refusal(promise: Promise<unknown>): Promise<StewardError> {
  try {
    await promise;
  } catch (error) {
    return error as StewardError;
  }
  throw new Error('it succeeded');
}

describe('mergePatch (RFC 7386)', () => {
  it('merges nested objects and leaves the keys the patch does not name', () => {
    const target = { logLevel: 'debug', inference: { threads: 4, gpu: 'off' } };
    expect(mergePatch(target, { inference: { threads: 2 } })).toEqual({
      logLevel: 'debug',
      inference: { threads: 2, gpu: 'off' },
    });
    expect(target.inference.threads).withContext('the target is not changed').toBe(4);
  });

  it('removes a key given null, nested ones too, and ignores null for a key that is not there', () => {
    const target = { logLevel: 'debug', inference: { threads: 4, gpu: 'off' } };
    expect(mergePatch(target, { logLevel: null, inference: { gpu: null }, findings: null })).toEqual({
      inference: { threads: 4 },
    });
  });

  it('replaces arrays and values whole, and an object where there was none', () => {
    expect(mergePatch({ mounts: ['/', '/home'], n: 1 }, { mounts: ['/var'], n: { a: 1 } })).toEqual({
      mounts: ['/var'],
      n: { a: 1 },
    });
    expect(mergePatch({ fixes: 'x' }, { fixes: { policy: { 'files.clear_cache': 'auto' } } })).toEqual({
      fixes: { policy: { 'files.clear_cache': 'auto' } },
    });
  });

  it('keeps "__proto__" a plain key instead of changing the prototype', () => {
    const merged = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect((merged as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('parsePatch', () => {
  it('accepts a JSON object and refuses other JSON or text', () => {
    expect(parsePatch('{"logLevel":"debug"}')).toEqual({ logLevel: 'debug' });
    for (const text of ['[1]', 'null', '"text"', '{']) {
      expect(() => parsePatch(text))
        .withContext(text)
        .toThrowMatching((error: unknown) => (error as StewardError).errorName === 'InvalidArgs');
    }
  });

  it('refuses a patch nested deeper than any setting, which overflowed the stack while merging', () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    expect(() => parsePatch(deep)).toThrowMatching(
      (error: unknown) =>
        (error as StewardError).errorName === 'InvalidArgs' &&
        (error as StewardError).message === 'the patch nests deeper than 32 levels',
    );
    expect(parsePatch('{"fixes":{"policy":{"rules":[{"action":"x"}]}}}')).toEqual({
      fixes: { policy: { rules: [{ action: 'x' }] } },
    });
  });
});

describe('the configuration file', () => {
  let dir: TempDir;
  let file: string;

  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir.path, 'config', 'steward', 'config.json');
  });

  afterEach(() => dir.remove());

  it('is written whole, private, in a directory created private, with no temporary file left', async () => {
    await writeFileAtomically(file, '{"a": 1}\n');
    expect(await readFile(file, 'utf8')).toBe('{"a": 1}\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir.path, 'config', 'steward'))).mode & 0o777).toBe(0o700);
    await writeFileAtomically(file, '{"a": 2}\n');
    expect(await readFile(file, 'utf8')).toBe('{"a": 2}\n');
    expect(await readdir(join(dir.path, 'config', 'steward'))).toEqual(['config.json']);
  });

  it('is patched from what the user set, not from the defaults', async () => {
    const config = await updateConfigFile(file, { inference: { threads: 2 } });
    expect(config.inference.threads).toBe(2);
    expect(config.logLevel).toBe(defaultConfig.logLevel);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ inference: { threads: 2 } });

    await updateConfigFile(file, { findings: { attentionSeverity: 'error' }, inference: { threads: null } });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      inference: {},
      findings: { attentionSeverity: 'error' },
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('is left byte for byte as it was when the result is invalid, and the error names each bad setting', async () => {
    const original = '{ "logLevel": "debug" }';
    await mkdir(join(dir.path, 'config', 'steward'), { recursive: true });
    await writeFile(file, original);
    const error = await refusal(
      updateConfigFile(file, {
        inference: { engine: 'remote', remote: { url: 'ftp://example.org', model: 'm' }, threads: 0 },
      }),
    );
    expect(error.errorName).toBe('InvalidArgs');
    expect(error.message).toContain('inference.remote.url: Invalid URL');
    expect(error.message).toContain('inference.threads: ');
    expect(await readFile(file, 'utf8')).toBe(original);
  });

  it('is never overwritten when it holds no JSON object', async () => {
    await mkdir(join(dir.path, 'config', 'steward'), { recursive: true });
    for (const broken of ['{ "logLevel": ', '[]']) {
      await writeFile(file, broken);
      const error = await refusal(updateConfigFile(file, { logLevel: 'debug' }));
      expect(error.errorName).withContext(broken).toBe('InvalidArgs');
      expect(error.message).toContain('fix or remove it');
      expect(await readFile(file, 'utf8')).toBe(broken);
    }
  });

  it('counts as empty when it does not exist', async () => {
    expect(await readOwnSettings(file)).toEqual({});
  });

  it('refuses a directory or a link to /dev/zero in its place as InvalidArgs, leaving it there', async () => {
    await mkdir(file, { recursive: true });
    const directory = await refusal(readOwnSettings(file));
    expect(directory.errorName).toBe('InvalidArgs');
    expect(directory.message).toContain('it is not a regular file');
    expect((await stat(file)).isDirectory()).toBe(true);
    const link = join(dir.path, 'zero.json');
    await symlink('/dev/zero', link);
    const zero = await refusal(updateConfigFile(link, { logLevel: 'debug' }));
    expect(zero.errorName).toBe('InvalidArgs');
    expect(zero.message).toContain('it is not a regular file');
  });
});

describe('the configuration file kept exactly', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('stays a link into a dotfiles repository when it is one: the file it points to is updated', async () => {
    const repository = join(dir.path, 'dotfiles', 'steward');
    await mkdir(repository, { recursive: true });
    await writeFile(join(repository, 'config.json'), '{"logLevel": "info"}\n');
    const configDirectory = join(dir.path, 'config', 'steward');
    await mkdir(configDirectory, { recursive: true });
    const file = join(configDirectory, 'config.json');
    await symlink('../../dotfiles/steward/config.json', file);
    // A chain of two links, the second relative to where the first lies.
    const outer = join(dir.path, 'outer.json');
    await symlink(file, outer);

    await updateConfigFile(outer, { logLevel: 'debug' });
    expect((await lstat(file)).isSymbolicLink()).toBe(true);
    expect((await lstat(outer)).isSymbolicLink()).toBe(true);
    expect(await readlink(file)).toBe('../../dotfiles/steward/config.json');
    expect(JSON.parse(await readFile(join(repository, 'config.json'), 'utf8'))).toEqual({ logLevel: 'debug' });
    expect(await readdir(repository)).toEqual(['config.json']);
    expect(await readdir(configDirectory)).toEqual(['config.json']);
  });

  it('is refused, untouched, with the line and column, when it holds a byte that is not UTF-8', async () => {
    const file = join(dir.path, 'config.json');
    const original = Buffer.concat([
      Buffer.from('{\n  "assistant": {"redactPatterns": ["caf\u00e9", "'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      Buffer.from('"]}\n}\n'),
    ]);
    await writeFile(file, original);
    const error = await refusal(updateConfigFile(file, { logLevel: 'debug' }));
    expect(error.errorName).toBe('InvalidArgs');
    expect(error.message).toContain('not UTF-8');
    expect(error.message).toContain('line 2, column 48');
    expect(error.message).toContain('0xe9');
    expect(Buffer.compare(await readFile(file), original)).toBe(0);
  });
});

describe('the patch of "steward config set" and "unset"', () => {
  it('nests the value under each name of the dotted path', () => {
    expect(patchFor('inference.threads', 2)).toEqual({ inference: { threads: 2 } });
    expect(patchFor('logLevel', null)).toEqual({ logLevel: null });
    expect(patchFor('fixes.policy', { 'files.clear_cache': 'auto' })).toEqual({
      fixes: { policy: { 'files.clear_cache': 'auto' } },
    });
  });

  it('refuses a path with an empty name', () => {
    expect(patchFor('inference..threads', 2)).toBeNull();
    expect(patchFor('', 2)).toBeNull();
  });

  it('reads the value as JSON when it is JSON, else as text', () => {
    expect(parseValue('2')).toBe(2);
    expect(parseValue('false')).toBeFalse();
    expect(parseValue('["/", "/home"]')).toEqual(['/', '/home']);
    expect(parseValue('debug')).toBe('debug');
    expect(parseValue('http://127.0.0.1:8080/v1')).toBe('http://127.0.0.1:8080/v1');
  });
});
