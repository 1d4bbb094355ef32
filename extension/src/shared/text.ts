// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Text for people, shared by the shell and the preferences. Pure logic, no
// GNOME imports, so it runs under Node in the unit tests.

/**
 * Fills "{name}" placeholders, which translators may move around a sentence,
 * unlike positional ones. An unknown name stays as it is, visible in the text.
 */
export const format = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));

type Gettext = (text: string) => string;
type NGettext = (singular: string, plural: string, n: number) => string;

/** The translation functions pure logic is handed: the shell's, the preferences', or the tests' own. */
export interface Translations {
  _: Gettext;
  ngettext: NGettext;
}

const UNIT_COUNT = 5;

/** The template of a size in the unit 1000^power. */
function unitTemplate(power: number, _: Gettext): string {
  switch (power) {
    case 0:
      // Translators: sizes; {value} is a number such as "1.2" (French writes "1,2 Go").
      return _('{value} B');
    case 1:
      return _('{value} kB');
    case 2:
      return _('{value} MB');
    case 3:
      return _('{value} GB');
    default:
      return _('{value} TB');
  }
}

/** A size in bytes as people read it, in decimal units as GNOME shows them: "1.2 GB" ("1,2 Go" in French). */
export function formatBytes(bytes: number, _: Gettext): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNIT_COUNT - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  const number = value.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return format(unitTemplate(unit, _), { value: number });
}
