// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A name or path shown for approval must look like what it is: a combining grapheme joiner (U+034F) or a
// Cyrillic "о" in place of a Latin "o" would let a hostile name pass for a familiar one. As systemctl and ls do,
// every character outside printable ASCII is written as an escape.
import { _, format } from '../i18n.js';
import type { ActionDefinition, Preview, RunOutcome } from './action.js';

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

/**
 * `action` whose preview and run summary show its parameters escaped wherever they appear: every place that
 * shows a proposal (notification, menu, CLI, the D-Bus proposal) gets its text from these.
 */
export function withNamesShown<Params extends Record<string, unknown>>(
  action: ActionDefinition<Params>,
): ActionDefinition<Params> {
  return {
    ...action,
    async preview(params, context): Promise<Preview> {
      const preview = await action.preview(params, context);
      const names = namesToEscape(params);
      if (names.length === 0) return preview;
      return {
        ...preview,
        summary: escapeNamesIn(preview.summary, names),
        details: [
          ...preview.details.map((line) => escapeNamesIn(line, names)),
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
      return names.length === 0 ? outcome : { ...outcome, summary: escapeNamesIn(outcome.summary, names) };
    },
  };
}
