// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A bounded read of one text file, for the assistant's read_file.
import { lstat, open, realpath } from 'node:fs/promises';

import { cleanLine } from '../../untrustedText.js';
import type { FileRead } from '../machine.js';

/** A NUL byte in the first 8 KB marks a file as binary, as git and grep decide it. */
const BINARY_SNIFF_BYTES = 8192;

/** The path with symlinks resolved, or null where nothing is there. */
export async function resolvePath(path: string): Promise<string | null> {
  return realpath(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw error;
  });
}

/** At most `maxBytes` of the regular file at `path` (symlinks already resolved), as cleaned UTF-8 text. */
export async function readFileBounded(path: string, maxBytes: number): Promise<FileRead> {
  const info = await lstat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(maxBytes, info.size));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) throw new Error(`${path} is a binary file, not text`);
    // Invalid UTF-8 (and a character cut at the end) becomes U+FFFD.
    const text = new TextDecoder('utf-8').decode(bytes);
    return {
      path,
      text: text
        .split('\n')
        .map((line) => cleanLine(line))
        .join('\n'),
      sizeBytes: info.size,
      truncated: info.size > bytesRead,
    };
  } finally {
    await file.close();
  }
}
