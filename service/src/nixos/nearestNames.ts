// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The nearest real names to a wrong one, by the rule nixpkgs' module system uses for "Did you mean …?"
// (lib/modules.nix, checkUnmatched): among fewer than 100 candidates, the 3 with the smallest edit
// distance; among more, only those within distance 2, the 3 nearest of them.

/** The answer to "does this name exist here?": when not, the nearest real names (possibly none) and why. */
export type NameCheck = { ok: true } | { ok: false; why: string; suggestions: string[] };

/** Levenshtein distance (insertions, deletions, substitutions cost 1), as lib.strings.levenshtein. */
export function levenshtein(a: string, b: string): number {
  // Two rows of the distance table: `previous` for a's first i-1 characters, `current` for its first i.
  let previous = Array.from({ length: b.length + 1 }, (_unused, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const SMALL_SET = 100;
const LARGE_SET_DISTANCE = 2;
const SUGGESTIONS = 3;

/**
 * Up to three of `candidates` nearest to `wrong`, nearest first; ties keep the candidates' order, as
 * lib.sortOn is stable. A large set is first narrowed by length difference, which bounds the distance.
 */
export function nearestNames(wrong: string, candidates: readonly string[]): string[] {
  const scored =
    candidates.length < SMALL_SET
      ? candidates.map((name) => ({ name, distance: levenshtein(wrong, name) }))
      : candidates
          .filter((name) => Math.abs(name.length - wrong.length) <= LARGE_SET_DISTANCE)
          .map((name) => ({ name, distance: levenshtein(wrong, name) }))
          .filter(({ distance }) => distance <= LARGE_SET_DISTANCE);
  return scored
    .map((entry, index) => ({ ...entry, index }))
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, SUGGESTIONS)
    .map(({ name }) => name);
}
