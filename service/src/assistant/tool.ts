// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The contract of a tool the model may call. Tools read; the one exception,
// propose_action, only creates a proposal that waits for the user's Apply.
import type { z } from 'zod';

import type { Machine } from './machine.js';

/** What propose_action hands to the fixes; the proposal is validated and previewed like every other. */
export interface ChatProposalRequest {
  action: string;
  params: Record<string, unknown>;
  /** The model's reason, shown to the user with the proposal. */
  reason: string;
}

export interface ProposalSink {
  /** Resolves with the new proposal's id and its title; rejects with a message for the model when it is refused. */
  propose(request: ChatProposalRequest): Promise<{ id: number; title: string }>;
  /** The catalog's actions, so the model knows what it may propose: `params` as "unit, scope: user|system". */
  catalog(): { name: string; description: string; params: string; risk: string }[];
}

export interface ToolContext {
  machine: Machine;
  proposals: ProposalSink;
  /** Aborted when the user cancels the answer. */
  signal: AbortSignal;
  /** Where read_file may read: the home directory and the configured roots. */
  readableRoots: string[];
  /** Steward's own secrets (its state directory, the API key file): refused wherever they are. */
  stewardSecrets?: readonly string[];
}

export interface AssistantTool<Params extends z.ZodObject = z.ZodObject> {
  /** snake_case, as models expect function names. */
  name: string;
  /** One or two sentences for the model: what it returns and when to use it. */
  description: string;
  params: Params;
  /** What the UI shows while it runs, e.g. "checking disk usage…" (translatable, lower case, ends with an ellipsis). */
  progress: string;
  /**
   * What the output says it read from, e.g. "sshd_config(5), section AuthenticationMethods": shown to the
   * user as the finished step, so that the answer's sources are in view.
   */
  sources?(output: string): string[];
  /**
   * Plain text for the model, short and bounded (the loop cuts it at MAX_TOOL_OUTPUT anyway).
   * Throws an Error with a message for the model when the answer cannot be had.
   */
  run(params: z.infer<Params>, context: ToolContext): Promise<string>;
}

/** The most characters of one tool result the model sees. */
export const MAX_TOOL_OUTPUT = 4000;

/** Lets a registry list tools of different parameter types. */
export function defineTool<Params extends z.ZodObject>(tool: AssistantTool<Params>): AssistantTool {
  return tool;
}
