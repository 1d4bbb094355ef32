// Reading the configuration file without trusting what sits at its path.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Far larger than any configuration. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * The text of the configuration file, which must be a regular file of at most
 * MAX_CONFIG_BYTES. A directory, a FIFO or a link to /dev/zero is refused at
 * once: reading one would fail late, wait for a writer, or never end. Fails
 * with Node's error for a file that cannot be opened (ENOENT when missing).
 */
export async function readConfigText(file: string): Promise<string> {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer; it changes nothing for a regular file.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error('it is not a regular file');
    if (info.size > MAX_CONFIG_BYTES) throw new Error(`it is larger than ${MAX_CONFIG_BYTES} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
