// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ContextMessage, estimateTokens, fitContext } from '../../service/src/assistant/context.js';

const exchange = (n: number, answerLength = 300): ContextMessage[] => [
  { role: 'user', text: `Question ${n}: why is thing ${n} slow?`, toolCalls: [], proposalIds: [] },
  {
    role: 'assistant',
    text: `Thing ${n} is slow because of the disk. ${'More detail. '.repeat(answerLength / 13)}`,
    toolCalls: [{ id: `c${n}`, name: 'disk_usage', arguments: {}, result: 'r'.repeat(600), status: 'done' }],
    proposalIds: n === 2 ? [7] : [],
  },
];

describe('fitting a conversation to the context', () => {
  it('keeps everything, with the latest tool results, when it fits', () => {
    const messages = [...exchange(1), ...exchange(2)];
    const fitted = fitContext({
      systemPrompt: 'S',
      messages,
      prompt: 'next',
      budget: { contextTokens: 8192, answerTokens: 512 },
    });
    expect(fitted.summarizedMessages).toBe(0);
    expect(fitted.summary).toBeNull();
    expect(fitted.systemPrompt).toBe('S');
    expect(fitted.history.length).toBe(4);
    expect(fitted.history[1]?.toolCalls).toBeUndefined();
    expect(fitted.history[3]?.toolCalls?.[0]?.name).toBe('disk_usage');
  });

  it('summarises the oldest exchanges into the system prompt when they do not fit, and stays within the budget', () => {
    const messages = Array.from({ length: 30 }, (_, n) => exchange(n + 1, 900)).flat();
    const budget = { contextTokens: 4096, answerTokens: 512 };
    const fitted = fitContext({ systemPrompt: 'You are Steward.', messages, prompt: 'and now?', budget });
    expect(fitted.summarizedMessages).toBeGreaterThan(0);
    expect(fitted.summarizedMessages % 2).toBe(0);
    expect(fitted.history.length).toBe(messages.length - fitted.summarizedMessages);
    expect(fitted.history[0]?.role).toBe('user');
    expect(fitted.systemPrompt).toMatch(/^You are Steward\.\n\nEarlier in this conversation \(summarised to fit\):/);
    // The newest summarised exchange is in the summary, with what it proposed where it did.
    const lastSummarised = fitted.summarizedMessages / 2;
    expect(fitted.summary).toContain(`Question ${lastSummarised}: why is thing ${lastSummarised} slow?`);
    const tokens =
      estimateTokens(fitted.systemPrompt) +
      fitted.history.reduce(
        (sum, turn) =>
          sum + estimateTokens(turn.text) + (turn.toolCalls ?? []).reduce((s, c) => s + estimateTokens(c.result), 0),
        0,
      );
    expect(tokens).toBeLessThan(budget.contextTokens - budget.answerTokens);
  });

  it('names the tools used and the proposals made in the summary', () => {
    const messages = Array.from({ length: 12 }, (_, n) => exchange(n + 1, 1500)).flat();
    const fitted = fitContext({
      systemPrompt: 'S',
      messages,
      prompt: 'q',
      budget: { contextTokens: 4096, answerTokens: 256 },
    });
    expect(fitted.summary).toContain('after checking disk_usage; proposing fix #7');
    expect(fitted.summary).toContain('“Thing 2 is slow because of the disk.”');
  });
});
