// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Reading and writing a small file of the service's own (its configuration, the
// chosen model, an Ollama manifest) without trusting what sits at its path, and
// without changing a byte the person did not ask to change.
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readlink, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { StewardError } from './dbus/errors.js';
import { makeDirectories } from './paths.js';

/**
 * The text of `path`, which must be a regular file of at most `maxBytes` holding UTF-8. A directory, a FIFO or a
 * link to /dev/zero is refused at once: reading one would fail late, wait for a writer for ever, or never end. A
 * byte that is not UTF-8 is refused with its line and column, so that nothing rewrites what it did not understand.
 * Fails with Node's error for a file that cannot be opened (ENOENT when missing).
 */
export async function readSmallFile(path: string, maxBytes: number): Promise<string> {
  return utf8Text(await readSmallBytes(path, maxBytes));
}

/** The bytes of `path`, as readSmallFile checks them, for files that are not text (/proc/PID/stat). */
export async function readSmallBytes(path: string, maxBytes: number): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer; it changes nothing for a regular file.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error('it is not a regular file');
    if (info.size > maxBytes) throw new Error(`it is larger than ${maxBytes} bytes`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `bytes` as text, or an error naming the line and column of the first byte that is not UTF-8. */
export function utf8Text(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = strictUtf8.decode(bytes.subarray(0, bad)).split('\n');
    const column = [...(before.at(-1) ?? '')].length + 1;
    throw new Error(
      `it is not UTF-8 text: line ${before.length}, column ${column} holds the byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')}`,
    );
  }
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence (Unicode's table 3-7). */
function firstInvalidUtf8(bytes: Buffer): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at] ?? 0;
    if (lead < 0x80) {
      at += 1;
      continue;
    }
    const [length, low, high] =
      lead >= 0xc2 && lead <= 0xdf
        ? [2, 0x80, 0xbf]
        : lead === 0xe0
          ? [3, 0xa0, 0xbf]
          : lead === 0xed
            ? [3, 0x80, 0x9f]
            : lead >= 0xe1 && lead <= 0xef
              ? [3, 0x80, 0xbf]
              : lead === 0xf0
                ? [4, 0x90, 0xbf]
                : lead === 0xf4
                  ? [4, 0x80, 0x8f]
                  : lead >= 0xf1 && lead <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : [0, 0, 0];
    if (length === 0 || at + length > bytes.length) return at;
    const second = bytes[at + 1] ?? 0;
    if (second < low || second > high) return at;
    for (let next = at + 2; next < at + length; next += 1) if (((bytes[next] ?? 0) & 0xc0) !== 0x80) return at;
    at += length;
  }
  return at;
}

/** Where writing to `path` replaces the file: the end of the chain of symbolic links it names. */
export async function linkTarget(path: string): Promise<string> {
  let current = resolve(path);
  // As many links as the kernel follows (MAXSYMLINKS); a loop fails as the kernel's would.
  for (let hops = 0; hops < 40; hops += 1) {
    const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (!info?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP' });
}

// Faults of the disk or of permissions: the documented Unavailable, with the path, never Internal.
const UNWRITABLE: Record<string, string> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission is denied',
  EPERM: 'the operation is not permitted',
  ELOOP: 'it is a loop of symbolic links',
};

/** A write error as the D-Bus caller sees it: Unavailable naming the path and the cause for a disk or permission fault. */
export function writeError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const cause = code === undefined ? undefined : UNWRITABLE[code];
  return cause ? new StewardError('Unavailable', `${path} cannot be written: ${cause} (${code})`) : error;
}

/**
 * Replaces `path` with `text` in one step, readers seeing the old file or the new one: a private temporary file
 * beside it, synced, then renamed over it. A symbolic link (a config kept in a dotfiles repository) stays a link:
 * its target is replaced. The temporary file is removed on every failure; disk and permission faults become
 * Unavailable with the path.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  let target = path;
  let temporary: string | null = null;
  try {
    target = await linkTarget(path);
    makeDirectories(dirname(target));
    temporary = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    if (temporary !== null) await rm(temporary, { force: true }).catch(() => undefined);
    throw writeError(target, error);
  }
}
