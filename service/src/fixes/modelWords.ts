// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A model's explanation is its opinion, shown as the model's. Sentences in
// which it vouches for safety or urges the user on ("Verified safe. Apply
// now.") are dropped: whether an action is safe comes from the catalog, and
// when to apply it is the user's call. Log text can steer a model into saying
// exactly that.
const CLAIM =
  /\b(?:safe(?:ly)?|harmless|verified|approved|trusted|guaranteed|no risk|risk[- ]free|apply (?:it |this |the fix )?(?:now|immediately|right away|at once)|click apply|run (?:it|this) (?:now|immediately)|without (?:asking|review|hesitation)|steward (?:says|recommends|has verified|verified|approves))\b/i;

/** The explanation without its sentences that claim safety or urge the user to act. */
export function withoutSafetyClaims(text: string): string {
  const sentences = text.match(/[^.!?\n]+(?:[.!?]+|\n|$)\s*/g) ?? [];
  return sentences
    .filter((sentence) => !CLAIM.test(sentence))
    .join('')
    .trim();
}
