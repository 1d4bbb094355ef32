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
/** The environment the session's language was read from: numbers and times follow the same one. */
let sessionEnv: NodeJS.ProcessEnv = process.env;
const numberFormats = new Map<number, Intl.NumberFormat>();

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
  sessionEnv = env;
  numberFormats.clear();
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
 * The session's locale as Intl names it ("de-DE"), for `category`'s numbers or times: LC_ALL, then the category's own
 * variable, then LANG, as setlocale(3) reads them; American English for C, POSIX or a name Intl does not take.
 */
export function intlLocale(env: NodeJS.ProcessEnv, category: 'LC_NUMERIC' | 'LC_TIME'): string {
  const locale = env.LC_ALL || env[category] || env.LANG || 'C';
  if (/^(C|POSIX)([.@]|$)/.test(locale)) return 'en-US';
  const tag = locale.replace(/[.@].*/, '').replace('_', '-');
  // A name Intl cannot read would throw: the environment's word, not ours.
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag)) return 'en-US';
  return Intl.NumberFormat.supportedLocalesOf(tag)[0] ?? 'en-US';
}

/** The session's locale, as Intl names it, for `category`. */
export const sessionLocale = (category: 'LC_NUMERIC' | 'LC_TIME') => intlLocale(sessionEnv, category);

/** `value` in the session's way of writing numbers, with `decimals` digits: "32,768" in English, "32 768" in French. */
export function formatNumber(value: number, decimals = 0): string {
  let numbers = numberFormats.get(decimals);
  if (!numbers) {
    numbers = new Intl.NumberFormat(sessionLocale('LC_NUMERIC'), {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    numberFormats.set(decimals, numbers);
  }
  return numbers.format(value);
}

/** A size in the unit 1000^power, translated: "{value} MB" is "{value} Mo" in French. */
function sizeTemplate(power: number, value: number): string {
  switch (power) {
    case 0:
      // Translators: a size below a kilobyte, as GNOME writes it ("999 bytes").
      return ngettext('{value} byte', '{value} bytes', value);
    case 1:
      // Translators: sizes; {value} is a number such as "1.2" (French writes "1,2 Go").
      return _('{value} kB');
    case 2:
      return _('{value} MB');
    case 3:
      return _('{value} GB');
    default:
      return _('{value} TB');
  }
}

/**
 * A size in bytes as GNOME shows it (g_format_size: Files, Disk Usage Analyzer): bytes below a kilobyte, then
 * decimal units, one decimal below 10 and none above, in the session's language: "2.1 MB", "2,1 Mo".
 */
export function formatSize(bytes: number): string {
  let value = bytes;
  let power = 0;
  while (value >= 1000 && power < 4) {
    value /= 1000;
    power += 1;
  }
  const number = formatNumber(value, power === 0 || value >= 10 ? 0 : 1);
  return format(sizeTemplate(power, value), { value: number });
}

/** A size in binary units, as memory is counted: "19.5 GiB". */
export function formatGibibytes(bytes: number): string {
  // Translators: a size in gibibytes, such as "19.5 GiB" (French writes "19,5 Gio").
  return format(_('{value} GiB'), { value: formatNumber(bytes / 1024 ** 3, 1) });
}

/**
 * When something happened, as GNOME's clock and message list write it: the time alone today ("21:26:59",
 * "9:26:59 PM"), with the date before it on another day. Never ISO: people read it.
 */
export function formatClock(at: Date, now: Date = new Date()): string {
  const locale = sessionLocale('LC_TIME');
  const sameDay = at.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(
    locale,
    sameDay ? { timeStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'medium' },
  ).format(at);
}

/**
 * Marks `msgid` for translation where the English must stay (a catalog title the
 * model also reads): translate it with `_()` where it reaches people.
 */
export function N_(msgid: string): string {
  return msgid;
}
