// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The documentation indexer process (dist/service/steward-docs-indexer.js): runs
// one update of the index for the service (docsUpdate.ts) and ends. What an
// update holds while it works (the pages read, SQLite's cache of what it wrote,
// the words' vectors being learned) is given back with the process: in the
// service's own heap, malloc kept most of it for good.
import type { LogFields, Logger, LogLevel } from '../logging.js';
import { DocsStore } from './docsStore.js';
import { updateDocs } from './docsUpdate.js';
import { type IndexerReply, indexerRequestSchema } from './indexerMessages.js';

if (!process.send) throw new Error('steward-docs-indexer runs only as a child process of the Steward service');
const send = process.send.bind(process);
/** Sends `message` to the service, then calls `then`; with the service gone, calls `then` alone. */
const reply = (message: IndexerReply, then?: () => void) => {
  if (process.connected) send(message, undefined, {}, then);
  else then?.();
};

/** Progress at most this often: the service reads it for its status. */
const PROGRESS_MS = 250;

const stop = new AbortController();
// The service stopping, or gone.
process.once('SIGTERM', () => stop.abort());
process.once('disconnect', () => stop.abort());

const forward =
  (level: LogLevel) =>
  (message: string, fields: LogFields = {}) =>
    reply({ type: 'log', level, message, fields });
const log: Logger = {
  debug: forward('debug'),
  info: forward('info'),
  warning: forward('warning'),
  error: forward('error'),
  setLevel: () => undefined,
};

process.once('message', (data) => {
  void update(data).then((outcome) => reply(outcome, () => process.exit(0)));
});

async function update(data: unknown): Promise<IndexerReply> {
  let store: DocsStore | null = null;
  try {
    const { file, request } = indexerRequestSchema.parse(data);
    store = DocsStore.openForUpdate(file);
    let sentAt = 0;
    const outcome = await updateDocs(store, request, {
      onProgress: ({ done, total }) => {
        if (done < total && performance.now() - sentAt < PROGRESS_MS) return;
        sentAt = performance.now();
        reply({ type: 'progress', done, total });
      },
      log,
      signal: stop.signal,
    });
    return outcome.status === 'stopped'
      ? { type: 'stopped' }
      : { type: 'updated', update: outcome.update, learnedSeconds: outcome.learnedSeconds };
  } catch (error) {
    return { type: 'failed', reason: (error as Error).message };
  } finally {
    store?.close();
  }
}
