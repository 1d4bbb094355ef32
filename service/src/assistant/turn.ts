// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The types of one assistant turn: the model answers a message, calling tools
// along the way. The loop that runs it is in toolLoop.ts.
import type { ChatEngine } from '../engine/chatEngine.js';
import type { ChatTurn, Usage } from '../engine/protocol.js';
import type { AssistantTool, ToolContext } from './tool.js';

export type ToolStepStatus = 'running' | 'done' | 'failed';

/** What the UI hears while the model consults a tool. */
export interface ToolStepEvent {
  stepId: string;
  tool: string;
  /** The tool's progress text, e.g. "checking disk usage…". */
  description: string;
  status: ToolStepStatus;
}

/** A tool call the model made, with what it got back; kept in the conversation. */
export interface ToolCallRecord {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /** What the model was given: the tool's output, or why the call failed. */
  result: string;
  status: 'done' | 'failed';
}

export interface TurnCallbacks {
  onChunk?(text: string): void;
  onToolStep?(step: ToolStepEvent): void;
  onQueuePosition?(position: number): void;
}

export interface TurnRequest {
  engine: ChatEngine;
  tools: readonly AssistantTool[];
  /** The tools shown first (see toolSelection.ts); the rest wait until the model calls more_tools. All when absent. */
  offeredFirst?: readonly AssistantTool[];
  context: ToolContext;
  systemPrompt?: string;
  /** Earlier turns, fitted to the context by the caller (see context.ts). */
  history: ChatTurn[];
  prompt: string;
  maxTokens: number;
  /** After this many tool calls the model must answer with what it has. */
  maxToolCalls: number;
  /** 'required': the model must consult a tool before its first answer. */
  toolChoice?: 'auto' | 'required';
  temperature?: number;
  seed?: number;
  /** Applied to every tool result before the model sees it (secrets out). */
  redact?: (text: string) => string;
  callbacks?: TurnCallbacks;
}

export interface TurnOutcome {
  status: 'done' | 'cancelled';
  /** The answer; when cancelled, what was generated up to then. */
  text: string;
  toolCalls: ToolCallRecord[];
  /** Proposals made through propose_action, in order. */
  proposalIds: number[];
  /** Summed over the model's rounds. */
  usage: Usage;
  droppedTurns: number;
}

export interface TurnHandle {
  result: Promise<TurnOutcome>;
  cancel(): void;
}
