// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { fitTools, overflowMessage, prefixBudget, withoutLeastImportant } from '../../service/src/engine/promptFit.js';

const tool = (name: string, tokens: number) => ({ name, tokens });
type Tool = ReturnType<typeof tool>;
const names = (tools: readonly Tool[]) => tools.map((each) => each.name);
/** A prompt of 100 tokens of instructions and each tool's own. */
const fitsIn = (budget: number) => (tools: readonly Tool[]) =>
  100 + tools.reduce((sum, each) => sum + each.tokens, 0) <= budget;

describe('fitting the tools to a small context', () => {
  const tools = [
    tool('more_tools', 10),
    tool('system_summary', 20),
    tool('propose_action', 300),
    tool('disk_usage', 40),
  ];
  const importance = ['more_tools', 'disk_usage', 'system_summary', 'propose_action'];

  it('keeps every tool where they all fit, and the most important that fit where not, in the prompt order', () => {
    expect(names(fitTools(tools, importance, fitsIn(1000)))).toEqual(names(tools));
    expect(names(fitTools(tools, importance, fitsIn(170)))).toEqual(['more_tools', 'system_summary', 'disk_usage']);
    // disk_usage matters more than system_summary: with room for one of them it is the one kept.
    expect(names(fitTools(tools, importance, fitsIn(150)))).toEqual(['more_tools', 'disk_usage']);
    expect(names(fitTools(tools, importance, fitsIn(99)))).toEqual([]);
  });

  it('passes over a tool too large for what is left and keeps smaller ones after it', () => {
    expect(names(fitTools(tools, ['propose_action', 'system_summary'], fitsIn(135)))).toEqual([
      'more_tools',
      'system_summary',
    ]);
  });

  it('takes the least important tool away when the question needs its room', () => {
    expect(names(withoutLeastImportant(tools, importance))).toEqual(['more_tools', 'system_summary', 'disk_usage']);
    // Without an order, the prompt's.
    expect(names(withoutLeastImportant(tools, undefined))).toEqual(['more_tools', 'system_summary', 'propose_action']);
  });

  it('gives the tools the same share of the context whatever the question', () => {
    expect(prefixBudget(2048)).toBe(1280);
    expect(prefixBudget(8192)).toBe(5120);
  });

  it('names the part that does not fit and what to do about it', () => {
    const message = overflowMessage({
      contextSize: 2048,
      answerRoom: 512,
      instructionTokens: 700,
      messageTokens: 5000,
    });
    expect(message).toBe(
      "the message is too long for this model: it takes 5000 tokens, and beside Steward's instructions (700 tokens, " +
        "without any tool) at most 836 fit this model's context of 2048 tokens, 512 of them kept for the answer: " +
        'shorten it, or choose a model with a larger context, or raise inference.contextSize if the model allows it',
    );
    const instructions = overflowMessage({
      contextSize: 256,
      answerRoom: 64,
      instructionTokens: 700,
      messageTokens: 1,
    });
    expect(instructions).toMatch(/^Steward's instructions alone take 700 tokens, more than fit this model's context/);
    expect(instructions).toContain('choose a model with a larger context');
  });
});
