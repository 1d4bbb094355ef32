// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Reading a small file of the service's own (its configuration, the chosen
// model, an Ollama manifest) without trusting what sits at its path.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The text of `path`, which must be a regular file of at most `maxBytes`. A
 * directory, a FIFO or a link to /dev/zero is refused at once: reading one
 * would fail late, wait for a writer for ever, or never end. Fails with Node's
 * error for a file that cannot be opened (ENOENT when missing).
 */
export async function readSmallFile(path: string, maxBytes: number): Promise<string> {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer; it changes nothing for a regular file.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error('it is not a regular file');
    if (info.size > maxBytes) throw new Error(`it is larger than ${maxBytes} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
