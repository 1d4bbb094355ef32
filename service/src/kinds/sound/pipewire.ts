// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// PipeWire's own tools, run as programs with argument arrays (never a shell): pw-dump for the state as JSON, and
// pw-metadata to set the configured default sink, as `wpctl set-default` does. They reach the user's PipeWire
// through the service's environment (XDG_RUNTIME_DIR, or PIPEWIRE_RUNTIME_DIR / PIPEWIRE_REMOTE where set).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { SoundGraph } from './graph.js';
import { JsonArrayStream } from './jsonStream.js';
import { watchDefaultMetadata } from './metadataWatch.js';
import type { SoundState } from './state.js';

const run = promisify(execFile);
const TIMEOUT_MS = 10_000;
const MAX_DUMP_BYTES = 32 * 1024 * 1024;
export const CONFIGURED_SINK_KEY = 'default.configured.audio.sink';
const JSON_TYPE = 'Spa:String:JSON';

/** The state and the `default` metadata's id, which pw-metadata and a watch of it need. */
export interface SoundSnapshot {
  state: SoundState;
  metadataId?: number;
}

/**
 * pw-dump's objects, all of them or the one `id` names, array by array: the first is whole, and pw-dump adds one
 * of the objects that changed while it was reading.
 */
export async function dumpObjects(env: NodeJS.ProcessEnv, id?: number): Promise<unknown[][]> {
  const args = ['--no-colors', ...(id === undefined ? [] : [String(id)])];
  const { stdout } = await run('pw-dump', args, { env, timeout: TIMEOUT_MS, maxBuffer: MAX_DUMP_BYTES });
  const arrays: unknown[][] = [[]];
  const stream = new JsonArrayStream(
    (element) => arrays.at(-1)?.push(JSON.parse(element)),
    () => arrays.push([]),
  );
  stream.push(stdout);
  return arrays.filter((array) => array.length > 0);
}

/** Applies pw-dump's arrays in order: the first whole, the others as updates. */
export function applyDump(graph: SoundGraph, arrays: unknown[][]): void {
  arrays.forEach((array, index) => {
    for (const object of array) graph.apply(object, index === 0);
  });
}

/** PipeWire's sound state now, from one pw-dump. */
export async function readSound(env: NodeJS.ProcessEnv = process.env): Promise<SoundSnapshot> {
  const graph = new SoundGraph();
  applyDump(graph, await dumpObjects(env));
  return { state: graph.state(), ...(graph.metadataId !== undefined && { metadataId: graph.metadataId }) };
}

/** The state as the `default` metadata object alone says it (the defaults, no nodes). */
async function readDefaults(env: NodeJS.ProcessEnv, metadataId: number): Promise<SoundState> {
  const graph = new SoundGraph();
  applyDump(graph, await dumpObjects(env, metadataId));
  return graph.state();
}

/**
 * Sets the configured default sink to the node `name`, and waits until WirePlumber makes it the default sink
 * (default.audio.sink), as the `default` metadata's own changes say; answers whether it did within `timeoutMs`.
 * WirePlumber does not follow a node that is not there: it takes it as the default once it comes back.
 */
export async function setConfiguredSink(
  metadataId: number,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 5000,
): Promise<boolean> {
  let check: () => void = () => undefined;
  // Watching from before the change, so that WirePlumber's answer cannot be missed.
  const watch = watchDefaultMetadata(env, () => check());
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([watch.ready, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    await run('pw-metadata', ['-n', 'default', '0', CONFIGURED_SINK_KEY, JSON.stringify({ name }), JSON_TYPE], {
      env,
      timeout: TIMEOUT_MS,
    });
    return await new Promise<boolean>((resolve) => {
      let reading = false;
      let again = false;
      check = () => {
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        readDefaults(env, metadataId).then(
          (state) => {
            reading = false;
            if (state.defaultSink === name) resolve(true);
            else if (again) {
              again = false;
              check();
            }
          },
          () => (reading = false),
        );
      };
      check();
      timer = setTimeout(() => resolve(false), timeoutMs);
      void watch.ended.then(() => resolve(false));
    });
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
}
