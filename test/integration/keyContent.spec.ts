// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { readFileBounded, resolvePath } from '../../service/src/assistant/live/files.js';
import type { Machine } from '../../service/src/assistant/machine.js';
import type { ProposalSink } from '../../service/src/assistant/tool.js';
import { readFileTool } from '../../service/src/assistant/tools/files.js';
import { redactSecrets } from '../../service/src/engine/redact.js';
import type { ActionDefinition } from '../../service/src/fixes/action.js';
import { configCheckActions } from '../../service/src/kinds/configError/actions.js';
import { holdsPrivateKey } from '../../service/src/secretPlaces.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { homeContext } from '../unit/fixes/actionContext.js';

const run = promisify(execFile);

/** The hex runs of an S-expression (#…#, wrapped over lines), without their line breaks: a key's numbers. */
const hexRuns = (text: string) =>
  [...text.matchAll(/#([0-9A-Fa-f\s]+)#/g)]
    .map((match) => match[1]!.replace(/\s/g, ''))
    .filter((hex) => hex.length >= 32);

describe('private keys recognised by their content', () => {
  let temp: TempDir;
  let home: string;
  const keys: Record<string, Buffer> = {};

  beforeAll(async () => {
    temp = await makeTempDir();
    home = join(temp.path, 'home');
    const gnupg = join(temp.path, 'gnupg');
    await mkdir(home);
    await mkdir(gnupg, { mode: 0o700 });
    const env = { ...process.env, GNUPGHOME: gnupg };
    // Real keys from GnuPG's agent, in libgcrypt's extended format: one without a passphrase, one protected.
    await run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Plain <plain@example.org>', 'ed25519'], {
      env,
    });
    const plain = await readdir(join(gnupg, 'private-keys-v1.d'));
    await run(
      'gpg',
      [
        '--batch',
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        'correct horse',
        '--quick-gen-key',
        'P <p@example.org>',
        'rsa2048',
      ],
      { env },
    );
    const both = await readdir(join(gnupg, 'private-keys-v1.d'));
    await run('gpgconf', ['--kill', 'gpg-agent'], { env });
    const protectedName = both.find((name) => !plain.includes(name))!;
    keys['extended, no passphrase'] = await readFile(join(gnupg, 'private-keys-v1.d', plain[0]!));
    keys['extended, protected'] = await readFile(join(gnupg, 'private-keys-v1.d', protectedName));
    // The same kind of key in the advanced and canonical transports libgcrypt also writes (gpg-protect-tool, older
    // GnuPG): made here from the real key's numbers, as GnuPG has no command that writes them.
    const text = keys['extended, no passphrase'].toString('utf8');
    const [q, d] = hexRuns(text);
    keys.advanced = Buffer.from(`(private-key\n (ecc\n  (curve Ed25519)\n  (q #${q}#)\n  (d #${d}#)\n  )\n )\n`);
    const binary = Buffer.from(d!, 'hex');
    keys.canonical = Buffer.concat([
      Buffer.from(`(11:private-key(3:ecc(5:curve7:Ed25519)(1:d${binary.length}:`),
      binary,
      Buffer.from(')))'),
    ]);
  });

  afterAll(() => temp.remove());

  it('read_file refuses a libgcrypt key whatever its name', async () => {
    expect(Object.keys(keys).length).toBe(4);
    for (const [form, content] of Object.entries(keys)) {
      const path = join(home, 'notes', `${form.replace(/\W+/g, '-')}.txt`);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, content);
      expect(holdsPrivateKey(content.toString('utf8')))
        .withContext(form)
        .toBeTrue();
      const shown = await readFileTool
        .run(readFileTool.params.parse({ path }), {
          machine: { home: () => home, realPath: resolvePath, readFile: readFileBounded } as unknown as Machine,
          proposals: {} as ProposalSink,
          signal: new AbortController().signal,
          readableRoots: [],
        })
        .catch((error: unknown) => (error as Error).message);
      const refusal = `Refused: ${path} is not shown because it holds a private key.`;
      // The canonical form's binary numbers may hold a NUL byte: read_file then refuses the file as binary first.
      if (form === 'canonical') expect([refusal, `${path} is a binary file, not text`]).toContain(shown);
      else expect(shown).withContext(form).toBe(refusal);
    }
  });

  it('redaction leaves none of its numbers, quoted in a log or whole', () => {
    for (const [form, content] of Object.entries(keys)) {
      const text = content.toString('utf8');
      // The canonical form's number is binary: it is looked for as it is, the others without their line breaks.
      const canonical = form === 'canonical';
      const numbers = canonical ? [text.slice(text.indexOf('(1:d') + 7, text.lastIndexOf(')))'))] : hexRuns(text);
      expect(numbers.length).withContext(form).toBeGreaterThan(0);
      for (const quoted of [text, `gpg-agent: bad key file: ${text}\nnext line`]) {
        const redacted = redactSecrets(quoted).text;
        const flat = canonical ? redacted : redacted.replace(/\s/g, '');
        for (const number of numbers) expect(flat.includes(number)).withContext(`${form}: ${redacted}`).toBeFalse();
        expect(redacted).withContext(form).toContain('private-key');
      }
    }
    // A secret number quoted alone, wrapped as GnuPG wraps it.
    const [, d] = hexRuns(keys.advanced!.toString('utf8'));
    const alone = `the parameter was (d #${d!.slice(0, 40)}\n  ${d!.slice(40)}#) here`;
    expect(redactSecrets(alone).text.replace(/\s/g, '')).not.toContain(d!.slice(0, 40));
  });

  it('config.show_error refuses a file that holds a key anywhere, not only in the lines it would show', async () => {
    const [showError] = configCheckActions as unknown as ActionDefinition[];
    const folder = join(home, '.config', 'systemd', 'user');
    await mkdir(folder, { recursive: true });
    const settings = Array.from({ length: 40 }, (_, index) => `Setting${index}=${index}`).join('\n');
    for (const [form, key] of Object.entries(keys)) {
      const path = join(folder, `${form.replace(/\W+/g, '-')}.conf`);
      await writeFile(path, Buffer.concat([Buffer.from(`${settings}\n`), key]));
      await expectAsync(showError!.preview({ path, line: 2 }, homeContext(home)))
        .withContext(form)
        .toBeRejectedWith(
          jasmine.objectContaining({ errorName: 'InvalidArgs', message: jasmine.stringContaining('private key') }),
        );
    }
    const plain = join(folder, 'plain.conf');
    await writeFile(plain, `${settings}\n`);
    expect((await showError!.preview({ path: plain, line: 2 }, homeContext(home))).details.length).toBe(6);
  });
});
