// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward models import FILE`: a GGUF file the user already has, copied (or
// linked) into Steward's store and checked as a pull checks a download.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, symlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { StewardError } from '../dbus/errors.js';
import { _, format } from '../i18n.js';
import { hasGgufMagic } from '../models/gguf.js';

export interface ImportOptions {
  /** The store directory (the Models interface's StoreDirectory). */
  storeDirectory: string;
  /** Link the file in place instead of copying it: no second copy of gigabytes, but it must stay where it is. */
  link: boolean;
  /** Expected SHA-256 (hex), as `models pull --sha256` takes it. */
  sha256?: string;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Puts `file` into the store as the same file name and returns that name: only a GGUF file, with the
 * checksum given if any, and never over a model already there. The copy lands under a temporary name
 * and is renamed once whole, so the store only ever lists complete files.
 */
export async function importModel(file: string, options: ImportOptions): Promise<string> {
  const source = resolve(file.replace(/^file:\/\//, ''));
  const found = await stat(source).catch(() => undefined);
  if (!found?.isFile())
    throw new StewardError('NotFound', format(_('there is no model file {path}'), { path: source }));
  if (!(await hasGgufMagic(source)))
    throw new StewardError('InvalidArgs', format(_('{path} is not a GGUF model file'), { path: source }));
  const expected = options.sha256?.toLowerCase();
  if (expected !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(expected))
      throw new StewardError('InvalidArgs', format(_('“{sha256}” is not a SHA-256 checksum'), { sha256: expected }));
    const actual = await sha256Of(source);
    if (actual !== expected)
      throw new StewardError(
        'InvalidArgs',
        format(_('{path} has the SHA-256 {actual}, not {expected}; nothing was imported'), {
          path: source,
          actual,
          expected,
        }),
      );
  }
  const name = basename(source).endsWith('.gguf') ? basename(source) : `${basename(source)}.gguf`;
  const target = join(options.storeDirectory, name);
  if (await stat(target).catch(() => undefined))
    throw new StewardError(
      'Busy',
      format(_('the store already has a model named {name}; remove it first or rename the file'), { name }),
    );
  await mkdir(options.storeDirectory, { recursive: true });
  const staging = `${target}.import-${process.pid}`;
  try {
    if (options.link) await symlink(source, staging);
    else await copyFile(source, staging);
    await rename(staging, target);
  } finally {
    await rm(staging, { force: true });
  }
  return name;
}
