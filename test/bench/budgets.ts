// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The ceilings the benchmarks hold Steward to: a bench that measures more
// fails (exits non-zero), so growth is a decision taken here, not drift.

/**
 * The fixed prompt (the system prompt and the tools, before the person's first
 * word) of the quick chat's Prepare and of a question of one topic, in the
 * realistic-size bench model's tokens, per chat format (model family) as
 * node-llama-cpp renders it. It is
 * evaluated before every cold answer's first word and is what a small model's
 * context must hold besides the conversation.
 */
export const PROMPT_TOKEN_CEILINGS: Record<string, number> = {
  'own template (generic)': 1300,
  Qwen: 1950,
  'Llama 3.2': 1900,
  'Gemma 4': 1650,
};

/** The model advisor's request (system prompt and the finding with the actions it may suggest): it must fit 4,096. */
export const ADVISOR_REQUEST_TOKEN_CEILING = 1600;
