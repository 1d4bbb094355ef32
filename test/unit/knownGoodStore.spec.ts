// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The known-good store keeps no copy of a file the secret-places policy covers:
// a restore preview's diff, a tool or a backup of the state directory could show it.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { restore } from '../../service/src/fixes/actions/config.js';
import { createLogger } from '../../service/src/logging.js';
import { isSecretFile, readCopy, watchedHistory } from '../../service/src/storage/knownGoodStore.js';
import { FileWatchSource } from '../../service/src/watch/files.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { homeContext, runOptions } from './fixes/actionContext.js';

const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');

describe('the known-good store and secret files', () => {
  let temp: TempDir;
  let home: string;
  let knownGood: string;
  let source: FileWatchSource | undefined;
  const files: Record<string, string> = {};

  const plant = async (path: string, content: string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    files[path] = content;
  };
  const watch = async (paths: string[], stewardSecrets: string[] = []) => {
    source = new FileWatchSource({
      paths,
      knownGoodDirectory: knownGood,
      secrets: { home, stewardSecrets },
      debounceMs: 20,
      log: createLogger({ write: () => undefined }),
    });
    await source.start(() => undefined);
  };
  const copies = async () => (await readdir(knownGood)).filter((name) => /^[0-9a-f]{64}$/.test(name));

  beforeEach(async () => {
    temp = await makeTempDir();
    home = temp.path;
    knownGood = homeContext(home).knownGoodDirectory;
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await temp.remove();
  });

  it('records the hash of a .pgpass, a file holding a private key, a link into ~/.ssh, the API key file; copies none', async () => {
    const pgpass = join(home, '.pgpass');
    const tlsConf = join(home, '.config', 'app', 'tls.conf');
    const linked = join(home, '.config', 'app', 'deploy.conf');
    const apiKey = join(home, 'work', 'endpoint');
    const settings = join(home, '.config', 'app', 'settings.ini');
    await plant(pgpass, 'db.example.org:5432:*:ana:Pgp4ss-Line-99\n');
    await plant(
      tlsConf,
      '# the service key\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
    );
    await plant(join(home, '.ssh', 'id_ed25519'), 'ssh key stand-in\n');
    await symlink(join(home, '.ssh', 'id_ed25519'), linked);
    await plant(apiKey, 'sk-endpoint-token-0000\n');
    await plant(settings, 'volume=3\n');

    await watch([pgpass, tlsConf, linked, apiKey, settings], [apiKey]);

    for (const path of [pgpass, tlsConf, linked, apiKey]) {
      const content = path === linked ? 'ssh key stand-in\n' : (files[path] as string);
      expect(await watchedHistory(knownGood, path))
        .withContext(path)
        .toEqual([sha256(content)]);
      expect(await readCopy(knownGood, sha256(content)))
        .withContext(path)
        .toBeNull();
    }
    expect(await copies()).toEqual([sha256('volume=3\n')]);
  });

  it('leaves config.restore nothing to show or put back for a secret file that changed', async () => {
    const pgpass = join(home, '.pgpass');
    await plant(pgpass, 'db.example.org:5432:*:ana:Pgp4ss-Line-99\n');
    await watch([pgpass]);
    await writeFile(pgpass, 'db.example.org:5432:*:ana:Changed-Pass-42\n');
    await waitFor(async () => (await watchedHistory(knownGood, pgpass)).length === 2, 'the change to be recorded');

    const refusal = restore.preview({ path: pgpass }, homeContext(home));
    await expectAsync(refusal).toBeRejectedWith(
      jasmine.objectContaining({
        errorName: 'InvalidArgs',
        message: jasmine.stringContaining('keeps no earlier version'),
      }),
    );
    expect(await copies()).toEqual([]);
  });

  it('restores a file that now holds a private key without showing the key or keeping a copy of it', async () => {
    const tlsConf = join(home, '.config', 'app', 'tls.conf');
    await plant(tlsConf, 'certificate=/etc/ssl/app.pem\n');
    await watch([tlsConf]);
    const pasted =
      'certificate=/etc/ssl/app.pem\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBn\n';
    await writeFile(tlsConf, pasted);
    await waitFor(async () => (await watchedHistory(knownGood, tlsConf)).length === 2, 'the change to be recorded');
    expect(await copies()).toEqual([sha256('certificate=/etc/ssl/app.pem\n')]);

    const preview = await restore.preview({ path: tlsConf }, homeContext(home));
    expect(preview.details).toEqual(['(the file now holds a password or a key; its contents are not shown)']);
    const outcome = await restore.run({ path: tlsConf }, homeContext(home), runOptions());
    expect(outcome.undo).toEqual({ impossible: jasmine.stringContaining('Steward keeps no copies of those') });
    expect(await readFile(tlsConf, 'utf8')).toBe('certificate=/etc/ssl/app.pem\n');
    expect(await copies()).toEqual([sha256('certificate=/etc/ssl/app.pem\n')]);
  });

  it('judges a core dump a secret: it holds what the crashed program had in memory', async () => {
    const core = '/var/lib/systemd/coredump/core.firefox.1000.0a1b.4242.1700000000000000.zst';
    expect(await isSecretFile(core, Buffer.from('(a compressed core)'), { home })).toBeTrue();
    expect(await isSecretFile(join(home, '.config', 'app.conf'), Buffer.from('volume=3\n'), { home })).toBeFalse();
  });

  it('deletes the copies of secret files an older version kept, and keeps their hashes', async () => {
    const pgpass = join(home, '.pgpass');
    const keyFile = join(home, '.config', 'app', 'client.conf');
    const settings = join(home, '.config', 'app', 'settings.ini');
    await plant(pgpass, 'db.example.org:5432:*:ana:Pgp4ss-Line-99\n');
    await plant(keyFile, 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n');
    await plant(settings, 'volume=3\n');
    // The store as a version without the policy left it: a copy of each file.
    await mkdir(knownGood, { recursive: true });
    const index = { version: 1, files: {} as Record<string, string[]>, copies: {} as Record<string, object>, clock: 3 };
    for (const [used, path] of [pgpass, keyFile, settings].entries()) {
      const content = files[path] as string;
      index.files[path] = [sha256(content)];
      index.copies[sha256(content)] = { size: content.length, used };
      await writeFile(join(knownGood, sha256(content)), content, { mode: 0o600 });
    }
    await writeFile(join(knownGood, 'index.json'), JSON.stringify(index));

    await watch([pgpass, keyFile, settings]);

    expect(await copies()).toEqual([sha256('volume=3\n')]);
    expect(await watchedHistory(knownGood, pgpass)).toEqual([sha256(files[pgpass] as string)]);
    expect(await watchedHistory(knownGood, keyFile)).toEqual([sha256(files[keyFile] as string)]);
  });
});
