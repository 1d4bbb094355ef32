// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Model files are read in a short-lived child process: node-llama-cpp's GGUF
// reader would keep about 35 MB of code in the service for good, while in a
// child it leaves with the process.
import { fork } from 'node:child_process';

import { z } from 'zod';

const supportSchema = z.discriminatedUnion('supported', [
  z.object({ supported: z.literal(true) }),
  z.object({ supported: z.literal(false), reason: z.string() }),
]);

const metadataSchema = z.object({
  name: z.string().optional(),
  architecture: z.string(),
  parameterCount: z.number().optional(),
  sizeLabel: z.string().optional(),
  quantization: z.string().optional(),
  contextLength: z.number().optional(),
  hasChatTemplate: z.boolean(),
  kvCacheBytesPerToken: z.number().optional(),
});

export const inspectionSchema = z.union([
  z.object({ metadata: metadataSchema, support: supportSchema }),
  z.object({ error: z.string() }),
]);
export type Inspection = z.infer<typeof inspectionSchema>;

export const inspectionsSchema = z.record(z.string(), inspectionSchema);

/** Reads the metadata of each file, and whether the bundled llama.cpp can load it, in one child process. */
export function inspectModels(
  script: string,
  paths: string[],
  timeoutMs = 60_000,
): Promise<Record<string, Inspection>> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('message', (data) => {
      const parsed = inspectionsSchema.safeParse(data);
      if (parsed.success) resolve(parsed.data);
      else reject(new Error(`the model inspector sent an invalid answer: ${parsed.error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // After a good answer this changes nothing: a promise settles once.
      reject(new Error(`the model inspector stopped (${signal ?? `exit code ${code}`}) ${stderr.trim()}`.trim()));
    });
    child.send(paths);
  });
}
