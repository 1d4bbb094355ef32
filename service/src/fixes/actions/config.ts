// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Puts back a known-good version of a watched configuration file, as the file watcher kept it.
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { _, format, N_ } from '../../i18n.js';
import { isSecretFile, keepCopy, knownGoodCopy, readCopy, watchedHistory } from '../../storage/knownGoodStore.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionContext, ActionDefinition } from '../action.js';
import { absolutePath } from '../params.js';
import { unifiedDiff } from '../unifiedDiff.js';
import { DirectoryHandle, unlessGone } from './dirHandle.js';

const restoreParams = z.object({
  path: absolutePath,
  /** A copy in the known-good store, by the sha256 it is named after; the last known-good one when absent. */
  copy: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'not a copy name (sha256)')
    .optional(),
});
type RestoreParams = z.infer<typeof restoreParams>;

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/** The copy to put back; InvalidArgs for a path the watcher keeps nothing for. */
async function copyToRestore({ path, copy }: RestoreParams, { knownGoodDirectory }: ActionContext) {
  const history = await watchedHistory(knownGoodDirectory, path);
  if (history.length === 0)
    throw new StewardError(
      'InvalidArgs',
      format(_('{path} is not a file Steward watches, so it has no known-good copy.'), { path }),
    );
  // The store holds copies of every watched file: only one of this file's own versions may replace it.
  if (copy && !history.includes(copy))
    throw new StewardError('InvalidArgs', format(_('The copy {copy} is not a version of {path}.'), { copy, path }));
  const restored = copy ? await readCopy(knownGoodDirectory, copy) : await knownGoodCopy(knownGoodDirectory, path);
  if (!restored)
    throw new StewardError(
      'InvalidArgs',
      copy
        ? format(_('Steward no longer keeps the copy {copy} of {path}.'), { copy, path })
        : format(_('Steward keeps no earlier version of {path}.'), { path }),
    );
  return restored;
}

/**
 * The file a restore reads and replaces: a symlinked config file is restored where it points, as
 * resolved once here. Its directory is then opened one component at a time without following a
 * link, and the file is reached only through that descriptor: nothing swapped meanwhile (a
 * directory on the way, the file itself) can send the write anywhere else.
 */
interface RestoreTarget {
  /** The resolved path, for messages. */
  target: string;
  /** Its directory, opened; null when that does not exist. */
  directory: DirectoryHandle | null;
  name: string;
  /** What it holds now, and its permissions; null when there is no such file. */
  content: Buffer | null;
  mode: number | null;
}

async function resolved(path: string): Promise<string> {
  const whole = await realpath(path).catch(unlessGone);
  if (whole !== null) return whole;
  const folder = await realpath(dirname(path)).catch(unlessGone);
  return folder === null ? path : join(folder, basename(path));
}

const changedMeanwhile = (path: string) =>
  new StewardError('Busy', format(_('{path} changed while Steward was restoring it; nothing was written.'), { path }));

/** Reads the file through the open directory: never through a symlink, never a FIFO or device. */
async function readTarget(directory: DirectoryHandle, name: string, target: string) {
  const file = await directory
    .openFile(name, constants.O_RDONLY | constants.O_NONBLOCK)
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ELOOP') throw changedMeanwhile(target);
      return unlessGone(error);
    });
  if (file === null) return { content: null, mode: null };
  try {
    const info = await file.stat();
    if (!info.isFile())
      throw new StewardError('InvalidArgs', format(_('{path} is not a regular file.'), { path: target }));
    return { content: await file.readFile(), mode: info.mode & 0o7777 };
  } finally {
    await file.close();
  }
}

/** Runs `use` with the file opened as RestoreTarget says, then closes its directory. */
async function withTarget<T>(path: string, use: (target: RestoreTarget) => Promise<T>): Promise<T> {
  const target = await resolved(path);
  const name = basename(target);
  const directory = await DirectoryHandle.openEachStep(dirname(target)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOTDIR' || error.code === 'ELOOP') throw changedMeanwhile(target);
    throw error;
  });
  try {
    const current = directory ? await readTarget(directory, name, target) : { content: null, mode: null };
    return await use({ target, directory, name, ...current });
  } finally {
    await directory?.close();
  }
}

/** Only files the user can change are restored: replacing one means writing its directory. */
async function ensureWritable({ target, directory, name, content }: RestoreTarget): Promise<DirectoryHandle> {
  const writable =
    directory !== null &&
    (await Promise.all([
      access(directory.itself(), constants.W_OK),
      content !== null ? access(directory.at(name), constants.W_OK) : undefined,
    ]).then(
      () => true,
      () => false,
    ));
  if (!writable)
    throw new StewardError(
      'Unavailable',
      format(_('{path} is a system file (you cannot write it); Steward does not restore system files yet.'), {
        path: target,
      }),
    );
  return directory;
}

const asText = (content: Buffer | null) => content?.toString('utf8') ?? '';

// A new temp file in the same directory, then rename: readers see the old file or the new, never half
// of one. Both are reached through the open directory, and the rename replaces whatever now has the
// name (a symlink as a link), never what a link points to.
async function writeAtomically(directory: DirectoryHandle, name: string, content: Buffer, mode: number) {
  const temporary = `.steward-restore.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await directory.openFile(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await file.writeFile(content);
    await file.chmod(mode);
    await file.sync();
  } finally {
    await file.close();
  }
  await directory.rename(temporary, name).catch(async (error: unknown) => {
    await directory.unlink(temporary);
    throw error;
  });
}

export const restore: ActionDefinition<RestoreParams> = {
  name: 'config.restore',
  title: N_('Restore a configuration file'),
  params: restoreParams,
  risk: 'medium',
  needsAuthorization: false,
  readOnly: false,
  changes: 'files',
  async preview(params, context) {
    const restored = await copyToRestore(params, context);
    const { content } = await withTarget(params.path, async (target) => {
      await ensureWritable(target);
      return target;
    });
    const binary = [restored.content, content].some((buffer) => buffer?.includes(0));
    // What the file holds now may have become a secret since its copy was kept: the diff would show it.
    const secret = content !== null && (await isSecretFile(params.path, content, { home: context.home }));
    const diff = secret
      ? [_('(the file now holds a password or a key; its contents are not shown)')]
      : binary
        ? ['(binary contents differ)']
        : unifiedDiff(asText(content), asText(restored.content), [`${params.path} (now)`, `${params.path} (restored)`]);
    const same = content !== null && sha256(content) === restored.hash;
    return {
      summary: format(_('Restore the known-good version of {path}'), params),
      details: same ? [] : diff.map((line) => cleanLine(line)),
      changesNothing: same,
    };
  },
  async run(params, context) {
    const restored = await copyToRestore(params, context);
    let secret = false;
    const saved = await withTarget(params.path, async (target) => {
      const directory = await ensureWritable(target);
      // What is replaced goes into the same store first, so that undo can bring it back; a secret is not kept.
      secret = target.content !== null && (await isSecretFile(params.path, target.content, { home: context.home }));
      const saved = target.content && !secret && (await keepCopy(context.knownGoodDirectory, target.content));
      await writeAtomically(directory, target.name, restored.content, target.mode ?? 0o644);
      return saved;
    });
    context.log.info('restored a configuration file', { path: params.path, hash: restored.hash });
    return {
      summary: format(_('Restored {path}'), params),
      undo: saved
        ? {
            action: 'config.restore',
            params: { path: params.path, copy: saved },
            summary: format(_('Put back the version of {path} from before the restore'), params),
          }
        : secret
          ? {
              impossible: format(
                _('{path} held a password or a key before the restore, and Steward keeps no copies of those'),
                params,
              ),
            }
          : { impossible: format(_('{path} did not exist before the restore; delete it to undo'), params) },
    };
  },
  async verify(params, { knownGoodDirectory }) {
    const { content } = await withTarget(params.path, async (target) => target);
    if (content === null) return { ok: false, observed: format(_('{path} does not exist'), params) };
    const hash = sha256(content);
    const history = await watchedHistory(knownGoodDirectory, params.path);
    // Without a named copy the restored one is the known-good version (history[1]) until the watcher
    // records the restore; then the history reads [restored, replaced, restored, …].
    const ok = params.copy ? hash === params.copy : hash === history[1] || (hash === history[0] && hash === history[2]);
    return ok
      ? { ok, observed: format(_('{path} holds the restored version'), params) }
      : {
          ok,
          observed: format(_('{path} holds other contents (sha256 {hash}…) than the restored version'), {
            path: params.path,
            hash: hash.slice(0, 12),
          }),
        };
  },
};

export const configActions = [restore];
