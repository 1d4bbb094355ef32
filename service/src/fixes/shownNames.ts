// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A name or path shown for approval must look like what it is: a combining grapheme joiner (U+034F) or a
// Cyrillic "о" in place of a Latin "o" would let a hostile name pass for a familiar one. As systemctl and ls do,
// every character outside printable ASCII is written as an escape. What an action says for approval is cleaned
// as any untrusted text is (untrustedText.ts), and the words on its button are its summary with each long name
// shortened: the catalog's words stay on the button, whatever a name says.
import { _, format } from '../i18n.js';
import { cleanLine, cleanText, shownName } from '../untrustedText.js';
import type { ActionDefinition, Preview, RunOutcome, UndoPlan, Verification } from './action.js';

/** The longest button label: the catalog's words and the shortened names fit in it in any language. */
export const MAX_LABEL_LENGTH = 120;

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/u;

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, '0');

/** `text` with each character outside printable ASCII as \xNN (below U+0100), \uNNNN or \UNNNNNNNN. */
export function escapeName(text: string): string {
  let result = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code < 0x7f) result += char;
    else if (code < 0x100) result += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) result += `\\u${hex(code, 4)}`;
    else result += `\\U${hex(code, 8)}`;
  }
  return result;
}

/** Every string among the parameters (in lists and objects too) that escaping would change, longest first. */
function namesToEscape(value: unknown, found = new Set<string>()): string[] {
  if (typeof value === 'string') {
    if (NOT_PRINTABLE_ASCII.test(value)) found.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) namesToEscape(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) namesToEscape(item, found);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with each of `names` replaced by its escaped form; the translated words around them stay as they are. */
function escapeNamesIn(text: string, names: readonly string[]): string {
  return names.reduce((result, name) => result.split(name).join(escapeName(name)), text);
}

/** A name of the parameters is written whole where it names a thing, and shortened on a button. */
function labelOf(summary: string, names: readonly string[]): string {
  const shortened = names.reduce((label, name) => label.split(name).join(shownName(name)), summary);
  return cleanLine(shortened, MAX_LABEL_LENGTH);
}

/** Every string among the parameters, escaped as shown, longest first. */
function shownParams(value: unknown, found = new Set<string>()): string[] {
  if (typeof value === 'string') found.add(escapeName(value));
  else if (Array.isArray(value)) for (const item of value) shownParams(item, found);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) shownParams(item, found);
  return [...found].sort((a, b) => b.length - a.length);
}

const cleanUndo = (plan: UndoPlan): UndoPlan =>
  'impossible' in plan ? { impossible: cleanLine(plan.impossible) } : { ...plan, summary: cleanLine(plan.summary) };

const cleanVerification = (verification: Verification): Verification => ({
  ...verification,
  observed: cleanLine(verification.observed),
});

/**
 * `action` whose preview, run summary and check show its parameters escaped wherever they appear, cleaned of what
 * would hide or reorder text, with the words for its button: every place that shows a proposal (notification,
 * menu, CLI, the D-Bus proposal) gets its text from these.
 */
export function withNamesShown<Params extends Record<string, unknown>>(
  action: ActionDefinition<Params>,
): ActionDefinition<Params> {
  return {
    ...action,
    async preview(params, context): Promise<Preview> {
      const preview = await action.preview(params, context);
      const names = namesToEscape(params);
      const summary = escapeNamesIn(preview.summary, names);
      return {
        ...preview,
        summary: cleanLine(summary),
        label: labelOf(summary, shownParams(params)),
        details: [
          ...preview.details.map((line) => cleanLine(escapeNamesIn(line, names))),
          // Escaped is not enough: a person reads past "\u0441at" unless told why it is there.
          ...names.map((name) =>
            format(_('This name contains characters that look like others, shown escaped: {name}'), {
              name: escapeName(name),
            }),
          ),
        ],
      };
    },
    async run(params, context, options): Promise<RunOutcome> {
      const outcome = await action.run(params, context, options);
      const names = namesToEscape(params);
      return { summary: cleanText(escapeNamesIn(outcome.summary, names)), undo: cleanUndo(outcome.undo) };
    },
    async verify(params, context): Promise<Verification> {
      return cleanVerification(await action.verify(params, context));
    },
  };
}
