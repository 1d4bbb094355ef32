// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's user-facing strings (finding titles, fix summaries, chat notices,
// error messages people read) in the session's language. The extension and the
// service share the translations in po/; the build compiles them beside the service.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { mo } from 'gettext-parser';
import Gettext from 'node-gettext';

export const TEXT_DOMAIN = 'steward';

/** Where the build puts the compiled catalogs: beside the bundled service. */
const BUILT_LOCALE_DIR = fileURLToPath(new URL('locale', import.meta.url));

let catalog: Gettext | undefined;

/**
 * The languages to try, best first, chosen from the environment as gettext does:
 * LANGUAGE's list unless the locale (LC_ALL, LC_MESSAGES, LANG) is C or POSIX, and
 * each name both as given and as its bare language ("de_AT.UTF-8" → "de_AT", "de").
 */
export function preferredLanguages(env: NodeJS.ProcessEnv): string[] {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || 'C';
  if (/^(C|POSIX)([.@]|$)/.test(locale)) return [];
  const names = (env.LANGUAGE || locale).split(':');
  const candidates = names.flatMap((name) => {
    const withTerritory = name.replace(/[.@].*/, '');
    return [withTerritory, withTerritory.replace(/_.*/, '')];
  });
  return [...new Set(candidates.filter(Boolean))];
}

/**
 * Loads the catalog of the first preferred language that `localeDir` has
 * (<language>/LC_MESSAGES/steward.mo) and returns that language, or undefined for English.
 */
export function loadTranslations(localeDir: string, env: NodeJS.ProcessEnv): string | undefined {
  catalog = catalogFor(localeDir, preferredLanguages(env));
  return catalog.locale || undefined;
}

function catalogFor(localeDir: string, languages: string[]): Gettext {
  // Not in production mode, node-gettext warns about every untranslated string.
  const gettext = new Gettext({ debug: false });
  const language = languages.find((lang) => existsSync(moPath(localeDir, lang)));
  if (language === undefined) return gettext;
  gettext.addTranslations(language, TEXT_DOMAIN, mo.parse(readFileSync(moPath(localeDir, language))));
  gettext.setTextDomain(TEXT_DOMAIN);
  gettext.setLocale(language);
  return gettext;
}

const moPath = (localeDir: string, language: string) => join(localeDir, language, 'LC_MESSAGES', `${TEXT_DOMAIN}.mo`);

function current(): Gettext {
  catalog ??= catalogFor(BUILT_LOCALE_DIR, preferredLanguages(process.env));
  return catalog;
}

// In English there is nothing to look up: node-gettext would build a warning text for every string it does
// not find, and finding titles are made for every report of a journal flood.

/** `msgid` in the user's language. */
export function _(msgid: string): string {
  const gettext = current();
  return gettext.locale ? gettext.gettext(msgid) : msgid;
}

/** The form of `msgid`/`msgidPlural` for `n` in the user's language. */
export function ngettext(msgid: string, msgidPlural: string, n: number): string {
  const gettext = current();
  if (!gettext.locale) return n === 1 ? msgid : msgidPlural;
  return gettext.ngettext(msgid, msgidPlural, n);
}

/** Fills `{name}` placeholders, which translators may reorder. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));
}

/**
 * Marks `msgid` for translation where the English must stay (a catalog title the
 * model also reads): translate it with `_()` where it reaches people.
 */
export function N_(msgid: string): string {
  return msgid;
}
