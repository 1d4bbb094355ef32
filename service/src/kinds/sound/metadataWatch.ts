// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// pw-dump --monitor (0.3.x) writes a metadata change only once something else in the graph changes: it asks for
// no round trip on a metadata property. `pw-metadata --monitor` prints each change as it comes: its lines are
// only a trigger to read the `default` metadata again as JSON (pw-dump of that object), never parsed for values.
// It follows the `default` metadata object that exists when it starts: a new one (WirePlumber restarted) needs a
// new watch.
import type { ChildProcess } from 'node:child_process';

import { forEachLine } from '../../watch/lines.js';
import { spawnTied } from '../../watch/tiedSpawn.js';

/** pw-metadata's lines for an entry set or removed: "update: id:0 key:'…' …", "remove: id:0 key:'…'". */
const CHANGE = /^(?:update|remove): /;
/** pw-metadata's line once the metadata exists: `Found "default" metadata 33`. */
const FOUND = /^Found "default" metadata \d+$/;

export interface MetadataWatch {
  /** Resolves once pw-metadata has said anything (it found the metadata), or ended. */
  ready: Promise<void>;
  /** Resolves when the watch has ended. */
  ended: Promise<void>;
  child: ChildProcess;
  stop(): void;
}

/**
 * Watches the `default` metadata; `onChange` is called for each entry set or removed, `onFound` once pw-metadata
 * finds the metadata (at once where it exists, or when a session manager makes it).
 */
export function watchDefaultMetadata(
  env: NodeJS.ProcessEnv,
  onChange: () => void,
  onFound?: () => void,
): MetadataWatch {
  const child = spawnTied('pw-metadata', ['--monitor', '--name', 'default'], env);
  let said: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (said = resolve));
  forEachLine(child.stdout, (line) => {
    said();
    if (CHANGE.test(line)) onChange();
    else if (FOUND.test(line)) onFound?.();
  });
  // "Found "default" metadata 33" goes to stderr on some versions.
  child.stderr.once('data', () => said());
  forEachLine(child.stderr, (line) => {
    if (FOUND.test(line)) onFound?.();
  });
  const ended = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  void ended.then(said);
  return { ready, ended, child, stop: () => child.kill('SIGTERM') };
}
