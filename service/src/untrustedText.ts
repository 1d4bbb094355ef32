// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Text from logs and files is untrusted: it is shown to people and read by the model, so terminal
// escape sequences, control and bidi-override characters go, and long lines are cut.

// CSI, OSC (ended by BEL or ST, or by nothing), DCS/SOS/PM/APC strings, two-character escapes, 8-bit CSI.
const ESCAPE =
  // eslint-disable-next-line no-control-regex
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[ -~]?)|\u009b[0-?]*[ -/]*[@-~]?/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export const MAX_LINE_LENGTH = 500;

/** One line of untrusted text made safe to show: no escapes or controls, tabs and newlines as spaces, at most `max` characters. */
export function cleanLine(text: string, max = MAX_LINE_LENGTH): string {
  const clean = text
    .replace(ESCAPE, '')
    .replace(/[\t\r\n]/g, ' ')
    .replace(CONTROL, '');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Untrusted text of many lines (a model's answer) made safe for a terminal, by the same rules as
 * cleanLine but keeping newlines and tabs, and without a length limit.
 */
export function cleanText(text: string): string {
  return text.replace(ESCAPE, '').replace(/\r/g, '').replace(CONTROL_BUT_LINES, '');
}
