// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What is stored comes in part from outside (a package's version, a unit's name, a program's line): each text is
// cut to a bound in characters and in UTF-8 bytes before it is stored or shown, so that no answer from another
// service can make a row megabytes long (a package id with a 1 MB version once made a 4 MB proposal row).
import { _, format } from '../i18n.js';

/** `text` within `maxCharacters` and `maxBytes` (UTF-8), cut at a character, saying how much was left out. */
export function boundedText(text: string, maxCharacters: number, maxBytes = maxCharacters * 3): string {
  if (text.length <= maxCharacters && Buffer.byteLength(text) <= maxBytes) return text;
  const marker = (left: number) => format(_('… ({count} more characters)'), { count: left });
  let keep = Math.min(text.length, maxCharacters);
  // Room for the marker, then as much as fits in the bytes; a surrogate pair is not split.
  keep = Math.max(0, keep - marker(text.length).length);
  while (keep > 0 && Buffer.byteLength(text.slice(0, keep)) + marker(text.length).length * 3 > maxBytes)
    keep = Math.floor(keep * 0.9);
  if (keep > 0 && /[\uD800-\uDBFF]/.test(text[keep - 1] ?? '')) keep -= 1;
  return text.slice(0, keep) + marker(text.length - keep);
}

/** At most `maxLines` lines, each within `maxCharacters`; the lines left out are counted in a last line. */
export function boundedLines(lines: readonly string[], maxLines: number, maxCharacters: number): string[] {
  const kept = lines.slice(0, maxLines).map((line) => boundedText(line, maxCharacters));
  if (lines.length > maxLines) kept.push(format(_('… ({count} more lines)'), { count: lines.length - maxLines }));
  return kept;
}
