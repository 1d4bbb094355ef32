// The last version of each managed Nix file that a switch succeeded with: kept as
// a content-addressed copy beside the file watcher's, so that a revert or an Undo
// restores exactly that text. A file becomes known-good only after its switch.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keepCopy, readCopy } from '../watch/files.js';

const INDEX = 'nixos-known-good.json';

async function readIndex(directory: string): Promise<Record<string, string>> {
  const text = await readFile(join(directory, INDEX), 'utf8').catch(() => '{}');
  const data: unknown = JSON.parse(text);
  return data && typeof data === 'object' ? (data as Record<string, string>) : {};
}

/** Keeps `text` as a copy (without making it known-good); returns its hash, which an undo plan names. */
export async function keepNixCopy(directory: string, text: string): Promise<string> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  return keepCopy(directory, Buffer.from(text));
}

/** Records `text` as the known-good version of `path`, after a switch with it succeeded. */
export async function markKnownGood(directory: string, path: string, text: string): Promise<string> {
  const hash = await keepNixCopy(directory, text);
  const index = { ...(await readIndex(directory)), [path]: hash };
  const temporary = join(directory, `${INDEX}.${process.pid}.tmp`);
  await writeFile(temporary, JSON.stringify(index), { mode: 0o600 });
  await rename(temporary, join(directory, INDEX));
  return hash;
}

/** The known-good version's hash of `path`; null when no switch of Steward's recorded one. */
export async function knownGoodHash(directory: string, path: string): Promise<string | null> {
  return (await readIndex(directory))[path] ?? null;
}

/** The text of the copy `hash`; null when it is not kept (or does not match its hash). */
export async function nixCopy(directory: string, hash: string): Promise<string | null> {
  return (await readCopy(directory, hash))?.content.toString('utf8') ?? null;
}
