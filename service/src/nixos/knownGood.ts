// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The last version of each managed Nix file that a switch succeeded with, and the versions a change
// replaced, kept as content-addressed copies beside the file watcher's: a revert or an Undo restores
// exactly one of those, and only one kept for that very file. A file becomes known-good only after its switch.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { keepCopy, readCopy } from '../storage/knownGoodStore.js';

const INDEX = 'nixos-known-good.json';
/** The replaced versions remembered per file: far more than Undo ever reaches back. */
const MAX_KEPT = 50;

interface Index {
  /** The known-good version's hash per file. */
  known: Record<string, string>;
  /** The hashes of the versions Steward's changes replaced, per file, oldest first. */
  kept: Record<string, string[]>;
}

async function readIndex(directory: string): Promise<Index> {
  const text = await readFile(join(directory, INDEX), 'utf8').catch(() => '{}');
  const data = JSON.parse(text) as Partial<Index>;
  return { known: data.known ?? {}, kept: data.kept ?? {} };
}

async function writeIndex(directory: string, index: Index): Promise<void> {
  const temporary = join(directory, `${INDEX}.${process.pid}.tmp`);
  await writeFile(temporary, JSON.stringify(index), { mode: 0o600 });
  await rename(temporary, join(directory, INDEX));
}

async function keep(directory: string, text: string): Promise<string> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  return keepCopy(directory, Buffer.from(text));
}

/** Keeps `text`, the version of `path` a change replaces; returns its hash, which the change's undo plan names. */
export async function keepReplaced(directory: string, path: string, text: string): Promise<string> {
  const hash = await keep(directory, text);
  const index = await readIndex(directory);
  index.kept[path] = [...(index.kept[path] ?? []).filter((kept) => kept !== hash), hash].slice(-MAX_KEPT);
  await writeIndex(directory, index);
  return hash;
}

/** Records `text` as the known-good version of `path`, after a switch with it succeeded. */
export async function markKnownGood(directory: string, path: string, text: string): Promise<string> {
  const hash = await keep(directory, text);
  const index = await readIndex(directory);
  index.known[path] = hash;
  await writeIndex(directory, index);
  return hash;
}

/** The text of the copy `hash` if Steward kept it as a replaced version of `path`; null otherwise. */
export async function replacedCopy(directory: string, path: string, hash: string): Promise<string | null> {
  if (!(await readIndex(directory)).kept[path]?.includes(hash)) return null;
  return (await readCopy(directory, hash))?.content.toString('utf8') ?? null;
}
