// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The worker's side of the saved prefix: which tokens the system prompt and
// tools are, restoring them into a sequence when the model loads, evaluating
// them ahead of a question (Chat.Prepare), and saving a prefix the file does
// not hold yet.
import type { ChatModelFunctions, ChatWrapper, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';

import { PrefixCache, type Restored } from './prefixCache.js';
import type { PrefixState } from './protocol.js';

/**
 * The tokens every request with this system prompt and these functions starts
 * with: the rendered conversation up to where the user's words begin, found as
 * what two different questions have in common, so the chat template decides.
 */
export function sharedPrefixTokens(
  chatWrapper: ChatWrapper,
  model: LlamaModel,
  systemPrompt: string,
  functions: ChatModelFunctions | undefined,
): Token[] {
  const render = (question: string) =>
    chatWrapper
      .generateContextState({
        chatHistory: [
          ...(systemPrompt ? [{ type: 'system' as const, text: systemPrompt }] : []),
          { type: 'user', text: question },
          { type: 'model', response: [] },
        ],
        availableFunctions: functions,
      })
      .contextText.tokenize(model.tokenizer);
  const one = render('a');
  const other = render('b');
  let length = 0;
  while (length < one.length && one[length] === other[length]) length += 1;
  return one.slice(0, length);
}

export class PrefixKeeper {
  private last: { key: string; tokens: Token[] } | null = null;
  /** A prefix whose save failed is not tried again by this worker: each try would cost the request its time. */
  private failed: Token[] | null = null;

  constructor(
    private readonly cache: PrefixCache | null,
    private readonly chatWrapper: ChatWrapper,
    private readonly model: LlamaModel,
    private readonly warn: (message: string) => void,
  ) {}

  /** Restores the saved prefix into an empty sequence; what status reports of it. */
  async restore(sequence: LlamaContextSequence): Promise<PrefixState | null> {
    if (!this.cache) return null;
    let restored: Restored | null = null;
    let problem: string | null = null;
    try {
      restored = await this.cache.restore(sequence);
    } catch (error) {
      problem = (error as Error).message;
      this.warn(`the saved prompt state is not used, the prompt is evaluated instead: ${problem}`);
    }
    return {
      restoredTokens: restored?.tokens ?? 0,
      restoreMs: restored ? Math.round(restored.ms * 10) / 10 : 0,
      bytes: restored?.bytes ?? 0,
      problem,
    };
  }

  /**
   * Before a request with tools: saves its prefix when the file holds another.
   * With `evaluate` (a Prepare), also evaluates the prefix into the sequence
   * when it is not there yet. Returns the tokens it evaluated.
   */
  async ensure(
    sequence: LlamaContextSequence,
    systemPrompt: string,
    functions: ChatModelFunctions | undefined,
    evaluate: boolean,
  ): Promise<number> {
    const tokens = this.tokensOf(systemPrompt, functions);
    if (tokens.length === 0) return 0;
    const inSequence = sequence.compareContextTokens(tokens).firstDifferentIndex >= tokens.length;
    const save = this.cache !== null && !this.cache.holds(tokens) && this.failed !== tokens;
    if (!save && (inSequence || !evaluate)) return 0;
    // Only the prefix may be in the sequence when it is saved: what follows it is dropped.
    await sequence.adaptStateToTokens(tokens, false);
    const missing = tokens.slice(sequence.nextTokenIndex);
    if (missing.length > 0) await sequence.evaluateWithoutGeneratingNewTokens(missing);
    if (save && this.cache) {
      await this.cache.save(sequence).catch((error: Error) => {
        this.failed = tokens;
        this.warn(`cannot save the evaluated prompt for the next start: ${error.message}`);
      });
    }
    return missing.length;
  }

  private tokensOf(systemPrompt: string, functions: ChatModelFunctions | undefined): Token[] {
    const key = JSON.stringify([systemPrompt, functions]);
    if (this.last?.key !== key) {
      this.last = { key, tokens: sharedPrefixTokens(this.chatWrapper, this.model, systemPrompt, functions) };
    }
    return this.last.tokens;
  }
}
