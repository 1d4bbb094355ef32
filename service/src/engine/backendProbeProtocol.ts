// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The messages between the service and a backend probe process.
import { z } from 'zod';

export const probedBackendSchema = z.enum(['cuda', 'vulkan', 'cpu']);
export type ProbedBackend = z.infer<typeof probedBackendSchema>;

export const probeRequestSchema = z.object({
  backend: probedBackendSchema,
  modelPath: z.string(),
  /** Always set: node-llama-cpp's default overcommits small machines and runs ~200× slower. */
  threads: z.number().int().positive(),
});
export type ProbeRequest = z.infer<typeof probeRequestSchema>;

export const probeReplySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('works'),
    devices: z.array(z.string()),
    vram: z.object({ total: z.number().nonnegative(), free: z.number().nonnegative() }),
  }),
  /** The backend's build did not load here (no driver, no device, no build): nothing ran on it. */
  z.object({ type: z.literal('unavailable'), message: z.string() }),
  /** The build loaded and then failed: loading the model or evaluating it threw. */
  z.object({ type: z.literal('failed'), message: z.string() }),
]);
export type ProbeReply = z.infer<typeof probeReplySchema>;
