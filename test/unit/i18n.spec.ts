// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import {
  _,
  format,
  formatClock,
  formatNumber,
  formatSize,
  intlLocale,
  loadTranslations,
  ngettext,
  preferredLanguages,
} from '../../service/src/i18n.js';

// The catalogs the build compiled from po/ beside the service.
const LOCALE_DIR = join(process.cwd(), 'dist', 'service', 'locale');

describe('preferredLanguages', () => {
  it('takes the language of LANG, then without its territory', () => {
    expect(preferredLanguages({ LANG: 'de_AT.UTF-8' })).toEqual(['de_AT', 'de']);
  });

  it('prefers LC_ALL to LC_MESSAGES, and LC_MESSAGES to LANG', () => {
    expect(preferredLanguages({ LC_ALL: 'fr_FR.UTF-8', LC_MESSAGES: 'de_DE.UTF-8', LANG: 'es_ES.UTF-8' })).toEqual([
      'fr_FR',
      'fr',
    ]);
    expect(preferredLanguages({ LC_MESSAGES: 'de_DE@euro', LANG: 'es_ES.UTF-8' })).toEqual(['de_DE', 'de']);
  });

  it("follows LANGUAGE's list when a locale is set", () => {
    expect(preferredLanguages({ LANGUAGE: 'fr_CA:de', LANG: 'de_DE.UTF-8' })).toEqual(['fr_CA', 'fr', 'de']);
  });

  it('is empty (English) for the C and POSIX locales or none, whatever LANGUAGE says', () => {
    for (const env of [
      { LANG: 'C' },
      { LANG: 'C.UTF-8', LANGUAGE: 'de' },
      { LC_ALL: 'POSIX', LANG: 'de_DE.UTF-8' },
      {},
    ])
      expect(preferredLanguages(env)).withContext(JSON.stringify(env)).toEqual([]);
  });
});

describe("the service's catalogs", () => {
  afterEach(() => loadTranslations(LOCALE_DIR, {}));

  it('load German for de_AT from the de catalog', () => {
    expect(loadTranslations(LOCALE_DIR, { LANG: 'de_AT.UTF-8' })).toBe('de');
    expect(_('No network connection')).toBe('Keine Netzwerkverbindung');
    expect(format(ngettext('Deleting {count} item', 'Deleting {count} items', 3), { count: 3 })).toBe(
      '3 Objekte werden gelöscht',
    );
  });

  it('load French, whose singular covers 0 too, with its typography: a narrow no-break space before a colon', () => {
    expect(loadTranslations(LOCALE_DIR, { LC_ALL: 'fr_FR.UTF-8' })).toBe('fr');
    expect(format(_('The model says: {explanation}'), { explanation: 'x' })).toBe('Le modèle dit\u202f: x');
    expect(format(_('{unit} failed to start'), { unit: 'backup.service' })).toBe('backup.service n’a pas pu démarrer');
    expect(format(ngettext('Deleting {count} item', 'Deleting {count} items', 0), { count: 0 })).toBe(
      'Suppression de 0 élément',
    );
  });

  it('fall back to the next language of LANGUAGE that has a catalog', () => {
    expect(loadTranslations(LOCALE_DIR, { LANGUAGE: 'es:fr', LANG: 'es_ES.UTF-8' })).toBe('fr');
    expect(_('the trash is empty')).toBe('la corbeille est vide');
  });

  it('stay English for C and for languages without a catalog', () => {
    for (const env of [{ LANG: 'C.UTF-8' }, { LANG: 'es_ES.UTF-8' }]) {
      expect(loadTranslations(LOCALE_DIR, env)).withContext(JSON.stringify(env)).toBeUndefined();
      expect(_('No network connection')).toBe('No network connection');
      expect(ngettext('Deleting {count} item', 'Deleting {count} items', 1)).toBe('Deleting {count} item');
    }
  });
});

describe('format', () => {
  it('fills named placeholders in the order the translation puts them', () => {
    expect(format('{b} vor {a}', { a: 1, b: 'zwei' })).toBe('zwei vor 1');
  });

  it('leaves a placeholder it has no value for', () => {
    expect(format('{known} {unknown}', { known: 'x' })).toBe('x {unknown}');
  });
});

describe("the session's numbers, sizes and times", () => {
  afterEach(() => loadTranslations(LOCALE_DIR, {}));

  it('takes the locale from LC_ALL, the category or LANG, and American English for C or a name Intl cannot read', () => {
    expect(intlLocale({ LANG: 'fr_FR.UTF-8' }, 'LC_NUMERIC')).toBe('fr-FR');
    expect(intlLocale({ LANG: 'fr_FR.UTF-8', LC_TIME: 'de_DE.UTF-8' }, 'LC_TIME')).toBe('de-DE');
    expect(intlLocale({ LC_ALL: 'C.UTF-8', LANG: 'de_DE.UTF-8' }, 'LC_TIME')).toBe('en-US');
    expect(intlLocale({ LANG: 'not a locale' }, 'LC_NUMERIC')).toBe('en-US');
  });

  it('writes sizes as GNOME does, in the session’s language: "2.1 MB", "2,1 Mo"', () => {
    loadTranslations(LOCALE_DIR, {});
    expect([999, 2_100_000, 12_400_000_000].map(formatSize)).toEqual(['999 bytes', '2.1 MB', '12 GB']);
    loadTranslations(LOCALE_DIR, { LANG: 'fr_FR.UTF-8' });
    // French puts a no-break space between a number and its unit, and a narrow one between thousands.
    expect(formatSize(2_100_000)).toBe('2,1\u00a0Mo');
    expect(formatNumber(32_768)).toBe('32\u202f768');
    loadTranslations(LOCALE_DIR, { LANG: 'de_DE.UTF-8' });
    expect(formatSize(2_100_000)).toBe('2,1 MB');
    expect(formatNumber(32_768)).toBe('32.768');
  });

  it('writes a time as the clock does, never ISO: the time alone today, with the date on another day', () => {
    const now = new Date(2026, 10, 25, 23, 50);
    loadTranslations(LOCALE_DIR, { LANG: 'de_DE.UTF-8' });
    expect(formatClock(new Date(2026, 10, 25, 21, 26, 59), now)).toBe('21:26:59');
    expect(formatClock(new Date(2026, 10, 24, 21, 26, 59), now)).toBe('24.11.2026, 21:26:59');
    loadTranslations(LOCALE_DIR, {});
    expect(formatClock(new Date(2026, 10, 25, 21, 26, 59), now)).toBe('9:26:59 PM');
    expect(formatClock(new Date(2026, 10, 25, 21, 26, 59), now)).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });
});
