// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which of a request's tools a local model is shown, counted in its own
// tokens: a small model's context may hold the system prompt and only a few
// tools' descriptions. The tools are fitted to a share of the context that does
// not depend on the question (the rest is kept for the question, the
// conversation and the answer), so every question, and the Prepare before it,
// starts with the same evaluated prefix; only a question too long for its
// share takes tools away for itself.

/** The share of the context kept for the answer (as the worker caps an answer's room). */
export const ANSWER_SHARE = 1 / 4;
/** The share kept for the question and the conversation before the tools take the rest. */
const QUESTION_SHARE = 1 / 8;

export const answerRoomFor = (contextSize: number, maxTokens: number) =>
  Math.min(maxTokens, Math.floor(contextSize * ANSWER_SHARE));

/** The most tokens the system prompt and the tools may take, whatever the question. */
export const prefixBudget = (contextSize: number) =>
  contextSize - Math.floor(contextSize * ANSWER_SHARE) - Math.floor(contextSize * QUESTION_SHARE);

interface Named {
  name: string;
}

/** `tools` ranked: the named ones in that order, then the others in theirs. */
function ranked<T extends Named>(tools: readonly T[], importance: readonly string[] | undefined): T[] {
  const named = (importance ?? []).flatMap((name) => tools.filter((tool) => tool.name === name));
  return [...new Set([...named, ...tools])];
}

/**
 * The most important tools that fit, in their prompt order: each in turn of
 * importance joins when the prompt with it still fits, so a large description
 * that does not fit leaves room for smaller ones after it.
 */
export function fitTools<T extends Named>(
  tools: readonly T[],
  importance: readonly string[] | undefined,
  fits: (tools: readonly T[]) => boolean,
): T[] {
  if (fits(tools)) return [...tools];
  const kept = new Set<T>();
  for (const tool of ranked(tools, importance)) {
    const tried = tools.filter((candidate) => kept.has(candidate) || candidate === tool);
    if (fits(tried)) kept.add(tool);
  }
  return tools.filter((tool) => kept.has(tool));
}

/** `tools` without the least important one; the question needs its room. */
export function withoutLeastImportant<T extends Named>(
  tools: readonly T[],
  importance: readonly string[] | undefined,
): T[] {
  const least = ranked(tools, importance).at(-1);
  return tools.filter((tool) => tool !== least);
}

export interface Overflow {
  contextSize: number;
  answerRoom: number;
  /** The system prompt (with no tool) as rendered for this model. */
  instructionTokens: number;
  /** The person's message (and what this turn's tool calls added to it). */
  messageTokens: number;
}

/** Says which part does not fit, and what the person can do about it. */
export function overflowMessage({ contextSize, answerRoom, instructionTokens, messageTokens }: Overflow): string {
  const room = contextSize - answerRoom;
  const context = `this model's context of ${contextSize} tokens, ${answerRoom} of them kept for the answer`;
  const larger = 'choose a model with a larger context, or raise inference.contextSize if the model allows it';
  if (instructionTokens >= room) {
    return `Steward's instructions alone take ${instructionTokens} tokens, more than fit ${context}: ${larger}`;
  }
  return (
    `the message is too long for this model: it takes ${messageTokens} tokens, and beside Steward's instructions ` +
    `(${instructionTokens} tokens, without any tool) at most ${room - instructionTokens} fit ${context}: ` +
    `shorten it, or ${larger}`
  );
}
