// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Colour, only where a person watches: on a terminal, unless
// NO_COLOR (https://no-color.org) or --no-color says otherwise.
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

let allowed = true;

/** --no-color turns colour off for the whole run. */
export function setColour(on: boolean): void {
  allowed = on;
}

/** Whether text written to `stream` may carry colour. */
export function colourOn(stream: NodeJS.WriteStream = process.stdout): boolean {
  return allowed && stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

const sgr = (on: number, off: number) => (text: string) => `\u001b[${on}m${text}\u001b[${off}m`;

export const COLOURED: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
};

const same = (text: string) => text;
export const PLAIN: Style = { bold: same, dim: same, red: same, green: same, yellow: same };

/** The style for text written to `stream`. */
export function styleFor(stream: NodeJS.WriteStream = process.stdout): Style {
  return colourOn(stream) ? COLOURED : PLAIN;
}
