// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// JavaScript's regular expressions backtrack: a pattern with an unbounded
// repetition retried at every position of a long run ("password" a hundred
// thousand times) takes time quadratic in the text. Every repetition bounded,
// each position costs at most a constant, and the whole pass is linear.

/**
 * `source` with each unbounded repetition (`*`, `+`, `{n,}`) given an upper bound of `max` more: `a*` becomes
 * `a{0,max}`. Character classes and escapes are kept as they are.
 */
export function boundQuantifiers(source: string, max: number): string {
  let result = '';
  let at = 0;
  while (at < source.length) {
    const char = source[at] ?? '';
    if (char === '\\') {
      result += source.slice(at, at + 2);
      at += 2;
    } else if (char === '[') {
      const end = classEnd(source, at);
      result += source.slice(at, end);
      at = end;
    } else if (char === '*' || char === '+') {
      result += `{${char === '*' ? 0 : 1},${max}}`;
      at += 1;
    } else {
      const open = /^\{(\d+),\}/.exec(source.slice(at, at + 12));
      if (open) {
        const least = Number(open[1]);
        result += `{${least},${least + max}}`;
        at += open[0].length;
      } else {
        result += char;
        at += 1;
      }
    }
  }
  return result;
}

/** The index just past the character class that opens at `start`. */
function classEnd(source: string, start: number): number {
  let at = start + 1;
  if (source[at] === '^') at += 1;
  if (source[at] === ']') at += 1;
  while (at < source.length && source[at] !== ']') at += source[at] === '\\' ? 2 : 1;
  return at + 1;
}

/** `pattern` with its repetitions bounded by `max`, same flags. */
export function bounded(pattern: RegExp, max = 256): RegExp {
  return new RegExp(boundQuantifiers(pattern.source, max), pattern.flags);
}
