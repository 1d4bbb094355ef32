// Puts back a known-good version of a watched configuration file, as the file watcher kept it.
import { createHash } from 'node:crypto';
import { access, chmod, constants, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { StewardError } from '../../dbus/errors.js';
import { isSecretFile, keepCopy, knownGoodCopy, readCopy, watchedHistory } from '../../watch/files.js';
import type { ActionContext, ActionDefinition } from '../action.js';
import { absolutePath } from '../params.js';
import { unifiedDiff } from '../unifiedDiff.js';
import { cleanLine } from '../../untrustedText.js';
import { _, format, N_ } from '../../i18n.js';

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

const notFound = (error: NodeJS.ErrnoException) => {
  if (error.code === 'ENOENT') return null;
  throw error;
};

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

/** The file written to (a symlinked config file is restored where it points) and what it holds now. */
async function currentFile(path: string) {
  const target = (await realpath(path).catch(notFound)) ?? path;
  const content = await readFile(target).catch(notFound);
  return { target, content };
}

/** Only files the user can change are restored: replacing one means writing its directory. */
async function ensureWritable(target: string, exists: boolean): Promise<void> {
  const writable = await Promise.all([
    access(dirname(target), constants.W_OK),
    exists ? access(target, constants.W_OK) : undefined,
  ]).then(
    () => true,
    () => false,
  );
  if (!writable)
    throw new StewardError(
      'Unavailable',
      format(_('{path} is a system file (you cannot write it); Steward does not restore system files yet.'), {
        path: target,
      }),
    );
}

const asText = (content: Buffer | null) => content?.toString('utf8') ?? '';

// Temp file in the same directory, then rename: readers see the old file or the new, never half of one.
async function writeAtomically(target: string, content: Buffer, mode: number): Promise<void> {
  const temporary = join(dirname(target), `.${process.pid}.steward-restore.tmp`);
  await writeFile(temporary, content, { mode });
  await chmod(temporary, mode);
  await rename(temporary, target);
}

export const restore: ActionDefinition<RestoreParams> = {
  name: 'config.restore',
  title: N_('Restore a configuration file'),
  params: restoreParams,
  risk: 'medium',
  needsAuthorization: false,
  readOnly: false,
  async preview(params, context) {
    const restored = await copyToRestore(params, context);
    const { target, content } = await currentFile(params.path);
    await ensureWritable(target, content !== null);
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
    const { target, content } = await currentFile(params.path);
    await ensureWritable(target, content !== null);
    // What is replaced goes into the same store first, so that undo can bring it back; a secret is not kept.
    const secret = content !== null && (await isSecretFile(params.path, content, { home: context.home }));
    const saved = content && !secret && (await keepCopy(context.knownGoodDirectory, content));
    const mode = (await stat(target).catch(notFound))?.mode ?? 0o644;
    await writeAtomically(target, restored.content, mode & 0o7777);
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
    const { content } = await currentFile(params.path);
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
