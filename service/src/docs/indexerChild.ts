// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's updates of the documentation index, each run by a child
// process (indexerProcess.ts) that ends with it: the memory an update needs
// is given back when it is done, and the desktop's own work comes first.
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';

import type { UpdateOutcome, Updater } from './docsUpdate.js';
import { indexerReplySchema, type IndexerRequest } from './indexerMessages.js';

/** The indexer's niceness (setpriority(2)): below what the person is doing, above nothing at all. */
const NICENESS = 10;

/** An updater that runs each update of the index in `file` in a process of `script` (steward-docs-indexer.js). */
export function updateInChildProcess(options: { script: string; file: string }): Updater {
  return (request, hooks) =>
    new Promise<UpdateOutcome>((resolve, reject) => {
      if (hooks.signal.aborted) return resolve({ status: 'stopped' });
      const child = fork(options.script, [], {
        serialization: 'advanced',
        // The service's own Node flags (--inspect, say) are not meant for the indexer.
        execArgv: [],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      let outcome: UpdateOutcome | null = null;
      let failure: string | null = null;
      const stop = () => child.kill('SIGTERM');
      hooks.signal.addEventListener('abort', stop, { once: true });
      child.on('spawn', () => {
        if (child.pid !== undefined) setPriority(child.pid, NICENESS);
      });
      child.on('message', (data) => {
        const parsed = indexerReplySchema.safeParse(data);
        if (!parsed.success) return;
        const message = parsed.data;
        if (message.type === 'progress') hooks.onProgress({ done: message.done, total: message.total });
        else if (message.type === 'log') hooks.log[message.level](message.message, message.fields);
        else if (message.type === 'failed') failure = message.reason;
        else if (message.type === 'stopped') outcome = { status: 'stopped' };
        else outcome = { status: 'updated', update: message.update, learnedSeconds: message.learnedSeconds };
      });
      child.on('error', (error) => {
        // Not started: no 'exit' follows. Otherwise only 'exit' settles, when the index is not written any more.
        if (child.pid === undefined) reject(error);
        else failure ??= error.message;
      });
      child.on('exit', (code, signal) => {
        hooks.signal.removeEventListener('abort', stop);
        if (outcome) resolve(outcome);
        else if (hooks.signal.aborted) resolve({ status: 'stopped' });
        else
          reject(
            new Error(
              failure ?? `the indexer ${signal ? `stopped with signal ${signal}` : `exited with code ${code}`}`,
            ),
          );
      });
      const message: IndexerRequest = { file: options.file, request };
      child.send(message);
    });
}
