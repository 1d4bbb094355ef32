// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Fits a conversation to the model's context with an explicit budget: the
// system prompt, room for this turn's tool results and the answer, then as
// many recent exchanges as fit. Older exchanges are not dropped silently:
// they are summarised into the system prompt, and the caller tells the user.
import type { ChatTurn } from '../engine/protocol.js';
import type { ToolCallRecord } from './turn.js';

export interface ContextMessage {
  role: 'user' | 'assistant';
  text: string;
  toolCalls: ToolCallRecord[];
  proposalIds: number[];
}

export interface ContextBudget {
  /** The model's context, in tokens. */
  contextTokens: number;
  /** Kept free for the answer. */
  answerTokens: number;
}

export interface FittedContext {
  systemPrompt: string;
  history: ChatTurn[];
  /** How many of the oldest messages the model sees only as a summary. */
  summarizedMessages: number;
  /** That summary, also part of systemPrompt; null when everything fit. */
  summary: string | null;
}

// Logs, paths and JSON tokenize worse than prose; three characters per token errs on the safe side.
const CHARS_PER_TOKEN = 3;
/** The share of the context kept for this turn's tool specs and results. */
const TOOL_SHARE = 0.3;
/** The share of what is left for history that a summary may take. */
const SUMMARY_SHARE = 0.2;

export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

const turnTokens = (message: ContextMessage, withTools: boolean) =>
  estimateTokens(message.text) +
  (withTools ? message.toolCalls.reduce((sum, call) => sum + estimateTokens(call.result) + 20, 0) : 0);

function excerpt(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = /^.*?[.!?](?=\s|$)/.exec(flat)?.[0] ?? flat;
  return sentence.length <= length ? sentence : `${sentence.slice(0, length - 1)}…`;
}

/** One line per exchange: the question, the start of the answer, the tools used and the proposals made. */
function summaryLines(messages: readonly ContextMessage[]): string[] {
  return messages.map((message) => {
    if (message.role === 'user') return `- The user asked: “${excerpt(message.text, 160)}”`;
    const tools = [...new Set(message.toolCalls.map((call) => call.name))];
    const extras = [
      tools.length > 0 ? `after checking ${tools.join(', ')}` : '',
      message.proposalIds.length > 0 ? `proposing fix ${message.proposalIds.map((id) => `#${id}`).join(', ')}` : '',
    ].filter(Boolean);
    return `  You answered${extras.length > 0 ? ` (${extras.join('; ')})` : ''}: “${excerpt(message.text, 200)}”`;
  });
}

function summaryOf(messages: readonly ContextMessage[], budgetTokens: number): string {
  const lines = summaryLines(messages);
  const costs = lines.map((line) => estimateTokens(line) + 1);
  // The newest lines matter most: cut from the oldest, keeping a running count (long conversations have thousands).
  let tokens = costs.reduce((sum, cost) => sum + cost, 0);
  let first = 0;
  while (first < lines.length - 1 && tokens > budgetTokens) tokens -= costs[first++] ?? 0;
  const cut = first > 0 ? '(older parts left out)\n' : '';
  return `Earlier in this conversation (summarised to fit):\n${cut}${lines.slice(first).join('\n')}`;
}

function toTurn(message: ContextMessage, withTools: boolean): ChatTurn {
  if (message.role === 'user' || !withTools || message.toolCalls.length === 0) {
    return { role: message.role, text: message.text };
  }
  return {
    role: 'assistant',
    text: message.text,
    toolCalls: message.toolCalls.map(({ id, name, arguments: args, result }) => ({
      id,
      name,
      arguments: args,
      result,
    })),
  };
}

export function fitContext(input: {
  systemPrompt: string;
  messages: readonly ContextMessage[];
  prompt: string;
  budget: ContextBudget;
}): FittedContext {
  const { systemPrompt, messages, prompt, budget } = input;
  const forHistory =
    budget.contextTokens * (1 - TOOL_SHARE) -
    budget.answerTokens -
    estimateTokens(systemPrompt) -
    estimateTokens(prompt);
  const keptBudget = forHistory * (1 - SUMMARY_SHARE);
  let used = 0;
  let start = messages.length;
  // Whole exchanges from the newest back; only the latest keeps its tool results, which are large.
  while (start >= 2) {
    const exchange = messages.slice(start - 2, start);
    const withTools = start === messages.length;
    const cost = exchange.reduce((sum, message) => sum + turnTokens(message, withTools), 0);
    if (used + cost > keptBudget) break;
    used += cost;
    start -= 2;
  }
  const history = messages.slice(start).map((message, index, kept) => toTurn(message, index >= kept.length - 2));
  if (start === 0) return { systemPrompt, history, summarizedMessages: 0, summary: null };
  const summary = summaryOf(messages.slice(0, start), Math.max(50, forHistory * SUMMARY_SHARE));
  return {
    systemPrompt: systemPrompt ? `${systemPrompt}\n\n${summary}` : summary,
    history,
    summarizedMessages: start,
    summary,
  };
}
