// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The model inspector process (dist/service/steward-model-inspector.js): reads
// the GGUF files it is given and answers once; see inspect.ts for why.
import { z } from 'zod';

import { architectureSupport } from './architectures.js';
import { readModelMetadata } from './gguf.js';
import type { Inspection } from './inspect.js';

if (!process.send) throw new Error('steward-model-inspector runs only as a child process of the Steward service');
const reply = process.send.bind(process);

process.once('message', (data) => {
  void inspectAll(z.array(z.string()).parse(data)).then((results) =>
    reply(results, undefined, {}, () => process.exit(0)),
  );
});

async function inspectAll(paths: string[]): Promise<Record<string, Inspection>> {
  const results: Record<string, Inspection> = {};
  for (const path of paths) {
    try {
      const metadata = await readModelMetadata(path);
      results[path] = { metadata, support: await architectureSupport(metadata.architecture) };
    } catch (error) {
      // One damaged file must not hide the others.
      results[path] = { error: (error as Error).message };
    }
  }
  return results;
}
