// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the service and its documentation indexer process (indexerProcess.ts) say to each other.
import { z } from 'zod';

const paths = z.array(z.string());

export const indexerRequestSchema = z.object({
  /** The index's file, which the service opened and set up already. */
  file: z.string(),
  request: z.object({
    sources: z.object({
      manRoots: paths,
      helpRoots: paths,
      infoRoots: paths,
      docRoots: paths,
      nixosOptions: paths,
      languages: paths,
      packageDatabases: paths,
      commandDirs: paths.optional(),
      unitDirs: paths.optional(),
      taskExamples: z.string().optional(),
    }),
    signature: z.string(),
    units: paths,
    dutyCycle: z.number().positive().max(1),
  }),
});
export type IndexerRequest = z.infer<typeof indexerRequestSchema>;

const count = z.number().int().nonnegative();

export const indexerReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), done: count, total: count }),
  z.object({
    type: z.literal('log'),
    level: z.enum(['debug', 'info', 'warning', 'error']),
    message: z.string(),
    fields: z.record(z.string(), z.unknown()),
  }),
  z.object({
    type: z.literal('updated'),
    update: z.object({ read: count, removed: count, failed: count, duplicates: count, unchanged: count }),
    learnedSeconds: count.nullable(),
  }),
  z.object({ type: z.literal('stopped') }),
  z.object({ type: z.literal('failed'), reason: z.string() }),
]);
export type IndexerReply = z.infer<typeof indexerReplySchema>;
