// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One update of the documentation index: the pages that changed, then the words'
// meaning, the task examples and the running system. The service runs it in a
// child process (indexerProcess.ts), the command line in its own.
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from '../logging.js';
import type { DocsStore } from './docsStore.js';
import { type DocsSources, type IndexProgress, type IndexUpdate, updateIndex } from './indexer.js';
import { readPackageOwners } from './packageOwners.js';
import { recordRunningSystem } from './runningSystem.js';
import { readTaskExamples } from './taskExamples.js';

export const SIGNATURE_KEY = 'sources-signature';
/** When the index was last brought up to date: absent while the first update is under way. */
export const UPDATED_KEY = 'updated-at';

export interface UpdateRequest {
  sources: DocsSources;
  /** The sources' signature when the update was decided (sourcesSignature), recorded once it is done. */
  signature: string;
  /** The units systemd has loaded ("NetworkManager.service"): their packages' pages are preferred. */
  units: string[];
  /** Of each slice of work, the share spent working; the rest the update sleeps. */
  dutyCycle: number;
}

export interface UpdateHooks {
  onProgress(progress: IndexProgress): void;
  log: Logger;
  /** Aborted when the service stops: the update ends at the next file, and what was written stays. */
  signal: AbortSignal;
}

export type UpdateOutcome =
  { status: 'updated'; update: IndexUpdate; learnedSeconds: number | null } | { status: 'stopped' };

/** Runs an update somewhere: in this process (updateDocs) or in a child process (indexerChild.ts). */
export type Updater = (request: UpdateRequest, hooks: UpdateHooks) => Promise<UpdateOutcome>;

/** What ends learning the word vectors when the update is stopped. */
const STOPPED = new Error('the documentation index was stopped');
/** Work this long before taking a breath. */
const SLICE_MS = 20;
const MAX_BREATH_MS = 200;

/** Yields after every file, and sleeps after each slice so that the work takes `duty` of a core. */
function breather(duty: number): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    const worked = performance.now() - sliceStart;
    if (worked >= SLICE_MS) {
      // Bounded, so that a slice the machine stretched (or a stop) never waits long.
      if (duty < 1) await sleep(Math.min((worked * (1 - duty)) / duty, MAX_BREATH_MS));
      else await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    } else await new Promise((resolve) => setImmediate(resolve));
  };
}

/** Brings `store` up to date with `request`'s sources in this process. */
export async function updateDocs(store: DocsStore, request: UpdateRequest, hooks: UpdateHooks): Promise<UpdateOutcome> {
  const { sources } = request;
  const stopped = () => hooks.signal.aborted;
  const breathe = breather(request.dutyCycle);
  const owners = await readPackageOwners(sources.packageDatabases);
  const update = await updateIndex(store, sources, { owners, onProgress: hooks.onProgress, pause: breathe, stopped });
  if (stopped()) return { status: 'stopped' };
  let learnedSeconds: number | null = null;
  // The words' meaning is learned from all the pages: again only when pages came or went.
  if (update.read > 0 || update.removed > 0 || !store.hasMeaning()) {
    const learning = performance.now();
    // Seconds of work: a stop ends it at the next slice, and the vectors, now of other pages, are forgotten so
    // that the next update learns them again.
    const learned = await store
      .learnMeaning(() => (stopped() ? Promise.reject(STOPPED) : breathe()))
      .then(
        () => true,
        (error: unknown) => {
          if (error !== STOPPED) throw error;
          store.forgetMeaning();
          return false;
        },
      );
    if (!learned) return { status: 'stopped' };
    learnedSeconds = Math.round((performance.now() - learning) / 1000);
  }
  await loadTaskExamples(store, sources, hooks.log);
  store.setRunningSystem(
    await recordRunningSystem({
      owners,
      commandDirs: sources.commandDirs ?? [],
      units: request.units,
      ...(sources.unitDirs && { unitDirs: sources.unitDirs }),
    }),
  );
  store.setMeta(SIGNATURE_KEY, request.signature);
  store.setMeta(UPDATED_KEY, new Date().toISOString());
  return { status: 'updated', update, learnedSeconds };
}

/** The bundled task examples, again when another snapshot is installed; the search goes on without them when missing. */
async function loadTaskExamples(store: DocsStore, sources: DocsSources, log: Logger): Promise<void> {
  if (!sources.taskExamples) return;
  const examples = await readTaskExamples(sources.taskExamples).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') log.warning('cannot read the task examples', { reason: error.message });
    return null;
  });
  if (examples && examples.version !== store.taskExamplesVersion()) store.replaceTaskExamples(examples);
}
