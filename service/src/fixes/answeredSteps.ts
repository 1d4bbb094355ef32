// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A step that only reads runs as its proposal is shown, and its answer stays with the proposal. A finding that
// repeats drafts its proposal again, and its steps' places in the log move with each repeat (the latest line's
// cursor): a unit failing twice a second re-ran its shown steps twice a second, 28 jobs in 10 s (issue 61). A step
// drafted again that asks the same question (the same action about the same thing, wherever in the log) keeps the
// answer it has, and is not run again for the repeat; the person may press it for the newest lines.
import type { ProposedAction } from './store.js';

/** Parameters that say where in the log a step looks: a repeat moves them, the question stays the same. */
const LOG_PLACE = new Set(['cursor', 'since']);

/** The action and what it asks about, without where in the log it looks. */
export function questionOf(action: Pick<ProposedAction, 'name' | 'params'>): string {
  const asked = Object.entries(action.params).filter(([key]) => !LOG_PLACE.has(key));
  return JSON.stringify([action.name, asked.sort(([a], [b]) => a.localeCompare(b))]);
}

/** The drafted steps, each that asks what an answered step of `before` asked being that step, answer and all. */
export function keepAnswered(before: readonly ProposedAction[], drafted: readonly ProposedAction[]): ProposedAction[] {
  return drafted.map(
    (step) => before.find((old) => old.answer !== undefined && questionOf(old) === questionOf(step)) ?? step,
  );
}
