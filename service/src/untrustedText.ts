// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Text from logs, files, programs and models is untrusted: it is shown to people (in the extension, the CLI's
// terminal, the audit trail) and read by the model. The service's one sanitizer where such text meets a person:
// terminal escape sequences, control characters, bidi overrides and invisible format characters go, a pile of
// combining marks is cut down, and the length is bounded with an ellipsis. The extension has its own for what it
// shows (extension/src/shared/shownText.ts); the service's replies are cleaned here first.

// CSI, OSC (ended by BEL or ST, or by nothing), DCS/SOS/PM/APC strings, two-character escapes, 8-bit CSI.
const ESCAPE =
  // eslint-disable-next-line no-control-regex
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[ -~]?)|\u009b[0-?]*[ -/]*[@-~]?/g;
// Controls (C0, DEL, C1) and format characters: the bidi marks, embeddings, overrides and isolates, zero-width
// spaces, the word joiner, invisible operators, the byte order mark, interlinear annotations and tag characters.
// Only the zero-width joiner and non-joiner stay: scripts and emoji need them. Line breaks are each caller's.
const HIDDEN = /(?![\t\n\u200c\u200d])[\p{Cc}\p{Cf}]/gu;
// A surrogate without its other half, which no UTF-8 (D-Bus, a terminal) can carry.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// More combining marks on one letter than any script stacks: they would paint over the lines around them.
const MARK_PILE = /(\p{M}{4})\p{M}+/gu;
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /\r\n?|[\n\u000b\u000c\u0085\u2028\u2029]/g;

export const MAX_LINE_LENGTH = 500;
/** The longest text a reply shows in one piece: an explanation, a line of evidence, a subject. */
export const MAX_TEXT_LENGTH = 4000;
/** The longest name (a unit, an extension's, a device's) inside a sentence or on a button. */
export const MAX_NAME_LENGTH = 40;

// Most lines are printable ASCII and a tab at most: nothing to take out of them.
const PLAIN = /^[\t\x20-\x7e]*$/;

function withoutHidden(text: string): string {
  if (PLAIN.test(text)) return text;
  return text.replace(ESCAPE, '').replace(LONE_SURROGATE, '\ufffd').replace(HIDDEN, '').replace(MARK_PILE, '$1');
}

/** `text` cut to `max` UTF-16 units with "…", never between the halves of a surrogate pair. */
function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  return `${(/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut).trimEnd()}…`;
}

/**
 * One line of untrusted text made safe to show: no escapes, controls, bidi overrides or invisible format
 * characters, line breaks and tabs as spaces, at most `max` characters (the last "…" when cut).
 */
export function cleanLine(text: string, max = MAX_LINE_LENGTH): string {
  return bounded(withoutHidden(text.replace(LINE_BREAKS, ' ')).replace(/\t/g, ' '), max);
}

/**
 * Untrusted text of many lines (a model's answer, a command's output) made safe for a terminal and a label, by
 * the same rules as cleanLine but keeping its line breaks (as "\n") and tabs; bounded only when `max` is given.
 */
export function cleanText(text: string, { max = Number.POSITIVE_INFINITY }: { max?: number } = {}): string {
  return bounded(withoutHidden(text.replace(LINE_BREAKS, '\n')), max);
}

/**
 * A name from outside (an extension's, a sound device's, a unit's) as it is shown inside a sentence or on a
 * button: one line, its runs of blank space as one space, at most MAX_NAME_LENGTH characters. The words around
 * it stay the catalog's own, whatever the name says.
 */
export function shownName(text: string, max = MAX_NAME_LENGTH): string {
  return cleanLine(text.replace(/\s+/g, ' ').trim(), max);
}

// What JSON.stringify leaves as it is but a terminal acts on, reorders or hides: C1 controls, DEL, format
// characters (bidi controls, zero-width characters, tags) but the joiners, line and paragraph separators.
const TERMINAL_UNSAFE_JSON = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\u2028\u2029]/gu;

const escapedUnits = (char: string) =>
  [...Array(char.length).keys()].map((index) => `\\u${char.charCodeAt(index).toString(16).padStart(4, '0')}`).join('');

/** `value` as JSON for a terminal: the same JSON, with what a terminal would act on written as \u escapes. */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(TERMINAL_UNSAFE_JSON, escapedUnits);
}
