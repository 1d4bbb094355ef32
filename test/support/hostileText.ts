// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Random Unicode for the property specs of what people are shown (the service's cleanLine, the extension's
// shownText): seeded, so that a failure replays, and weighted towards what hides, reorders or acts on text.
import { mulberry32 } from '../../service/src/seededRandom.js';

/** The attacks of the review, word for word: a printer's IPP state message, a name with a link, a label. */
export const ATTACKS = {
  ippStateMessage: 'Printer on fire\n\u202eeton\u202c \u001b[31mREPLACE TONER\u001b[0m\r\nnow',
  linkInName: 'Weather <b>Pro</b> &amp; https://evil.example/login www.evil.example evil.example/x',
  buttonWords: `Install the security update now ${'!'.repeat(300)}`,
};

const PIECES = [
  // Terminal escapes: colours, a title, a hyperlink, the 8-bit CSI, a cursor move, a lone ESC.
  '\u001b[31m',
  '\u001b[0m',
  '\u001b]0;owned\u0007',
  '\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\',
  '\u009b2J',
  '\u001b[2A',
  '\u001b',
  // Line and paragraph breaks of every kind.
  '\n',
  '\r',
  '\r\n',
  '\u000b',
  '\u000c',
  '\u0085',
  '\u2028',
  '\u2029',
  '\t',
  // Bidi marks, embeddings, overrides and isolates; the Arabic letter mark.
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  // Invisible: zero-width space, joiners, word joiner, BOM, soft hyphen, a tag, interlinear annotation.
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u{e0041}',
  '\ufff9',
  // Halves of surrogate pairs alone, an emoji, a flag, a pile of combining marks.
  '\ud800',
  '\udfff',
  '\u{1f600}',
  '\u{1f1e9}\u{1f1ea}',
  `e${'\u0301'.repeat(30)}`,
  // Markup and links as GNOME Shell reads them.
  '<b>',
  '</b>',
  '<span foreground="red">',
  '&amp;',
  '&',
  'https://evil.example/path',
  'http://evil.example',
  'ftp://evil.example/f',
  'www.evil.example',
  'www3.evil.example',
  'evil.example/x',
  'a.b.co/x',
  // Ordinary words, spaces and scripts.
  'backup.service',
  ' ',
  '   ',
  '\u00a0',
  '\u3000',
  'Grüße',
  'שלום',
  'مرحبا',
  '日本語',
  'नमस्ते',
];

/** A generator of hostile strings; the same seed gives the same strings. */
export class HostileText {
  private readonly next: () => number;

  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }

  private below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One code unit or code point anywhere in Unicode, surrogate halves included. */
  private anyCharacter(): string {
    const where = this.below(4);
    if (where === 0) return String.fromCharCode(this.below(0x100));
    if (where === 1) return String.fromCharCode(this.below(0x10000));
    return String.fromCodePoint(this.below(0x110000));
  }

  /** A string of up to `pieces` parts: hostile pieces, random characters and, now and then, a long run. */
  string(pieces = 24): string {
    let text = '';
    const count = this.below(pieces + 1);
    for (let index = 0; index < count; index += 1) {
      const kind = this.below(10);
      if (kind < 5) text += PIECES[this.below(PIECES.length)];
      else if (kind < 9) text += this.anyCharacter();
      else text += (PIECES[this.below(PIECES.length)] ?? 'x').repeat(this.below(200));
    }
    return text;
  }
}

/**
 * Characters no shown text may hold: controls (tab and newline are each caller's), format characters but the
 * joiners, line and paragraph separators, surrogate halves without their pair.
 */
const UNSAFE =
  /(?![\t\n\u200c\u200d])[\p{Cc}\p{Cf}\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/** The first character of `text` that would hide, reorder or act on text, as "U+202E", or null. */
export function unsafeCharacter(
  text: string,
  { lines = false, tabs = lines }: { lines?: boolean; tabs?: boolean } = {},
): string | null {
  const found =
    UNSAFE.exec(text)?.[0] ?? (!lines && text.includes('\n') ? '\n' : !tabs && text.includes('\t') ? '\t' : null);
  return found === null ? null : `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The seeds a property spec runs: CI runs these; STEWARD_PROPERTY_SEED replays one. */
export function propertySeeds(count = 200): number[] {
  const replay = process.env.STEWARD_PROPERTY_SEED;
  if (replay) return [Number(replay)];
  return Array.from({ length: count }, (_, index) => 1000 + index);
}
