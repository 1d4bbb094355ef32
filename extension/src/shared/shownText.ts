// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Text from outside (a log line, a program's or a device's name, the model's words) where it meets a person: the
// extension's one sanitizer, used wherever such text enters a label, a button or a notification. Pure logic, no
// GNOME imports, so it runs under Node in the unit tests.
//
// Markup is left as it is: St labels take plain text, and GNOME Shell escapes a notification's title and body
// itself (the body's markup stays off), so escaping it here would show "&amp;" for "&".

// Terminal escapes, in the order they are tried.
const ESCAPE = new RegExp(
  [
    '\\u001b\\[[0-?]*[ -/]*[@-~]?', // CSI
    '\\u001b\\][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)?', // OSC, to BEL or ST
    '\\u001b[PX^_][^\\u001b]*(?:\\u001b\\\\)?', // DCS, SOS, PM and APC strings
    '\\u001b[ -~]?', // two-character escapes
    '\\u009b[0-?]*[ -/]*[@-~]?', // the 8-bit CSI
  ].join('|'),
  'g',
);
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /\r\n?|[\n\u000b\u000c\u0085\u2028\u2029]/g;
// Controls and format characters (bidi marks, overrides and isolates, zero-width characters, tags), but the
// joiners that scripts and emoji need.
const HIDDEN = /(?![\t\n\u200c\u200d])[\p{Cc}\p{Cf}]/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// More combining marks on one letter than any script stacks paint over the lines around them.
const MARK_PILE = /(\p{M}{4})\p{M}+/gu;

// What GNOME Shell underlines in a notification's body and opens when clicked (findUrls in misc/util.js): a
// scheme's "://", "www." and "name.tld/". A word joiner, which shows nothing, is put inside each.
const WORD_JOINER = '\u2060';
const LINK_STARTS = [/(?<=\b[a-z][a-z0-9+.-]*:)(?=\/\/)/gi, /(?<=\bwww\d{0,3})(?=\.)/gi, /(?<=\.)(?=[a-z]{2,4}\/)/gi];

/** The most characters of one text shown whole: an answer, the details of a proposal. */
export const MAX_TEXT = 20_000;

export interface ShownTextOptions {
  /** At most this many characters (default MAX_TEXT); longer text ends in "…". */
  maxChars?: number;
  /** Keeps line breaks (a paragraph, an answer, details); otherwise lines are joined with spaces. */
  multiline?: boolean;
  /** No part of it becomes a link where GNOME Shell would make one (a notification's body). */
  unlinked?: boolean;
}

function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  return `${(/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut).trimEnd()}…`;
}

/**
 * `text` as a person may be shown it: no terminal escapes, control characters, bidi overrides or invisible
 * characters, one line unless `multiline`, bounded with an ellipsis, and with no link in it when `unlinked`.
 */
export function shownText(
  text: string,
  { maxChars = MAX_TEXT, multiline = false, unlinked = false }: ShownTextOptions = {},
): string {
  const clean = text
    .replace(LINE_BREAKS, multiline ? '\n' : ' ')
    .replace(ESCAPE, '')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(HIDDEN, '')
    .replace(MARK_PILE, '$1');
  const oneLine = multiline ? clean : clean.replace(/\t/g, ' ');
  return bounded(
    unlinked ? LINK_STARTS.reduce((result, start) => result.replace(start, WORD_JOINER), oneLine) : oneLine,
    maxChars,
  );
}
