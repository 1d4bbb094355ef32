// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const entries = readFileSync(join('po', 'POTFILES'), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);
// A folder entry (ending in "/") stands for its TypeScript files, as the build reads it.
const listed = entries.flatMap((entry) =>
  entry.endsWith('/')
    ? readdirSync(entry, { recursive: true })
        .filter((file) => String(file).endsWith('.ts'))
        .map((file) => join(entry, String(file)))
    : [entry],
);

describe('po/POTFILES', () => {
  it('lists every extension source with translatable strings', () => {
    const sources = readdirSync(join('extension', 'src'), { recursive: true })
      .map((file) => join('extension', 'src', String(file)))
      .filter((file) => file.endsWith('.ts') && /\b(_|ngettext|pgettext)\(/.test(readFileSync(file, 'utf8')));
    expect(sources.filter((file) => !listed.includes(file))).toEqual([]);
  });

  it('lists every service source whose strings reach people', () => {
    const sources = readdirSync(join('service', 'src'), { recursive: true })
      .map((file) => join('service', 'src', String(file)))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('i18n.ts'))
      .filter((file) => /\b(_|N_|ngettext|pgettext)\(/.test(readFileSync(file, 'utf8')));
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((file) => !listed.includes(file))).toEqual([]);
  });

  it('lists only files and folders that exist', () => {
    for (const file of entries.filter((entry) => !entry.endsWith('/')))
      expect(() => readFileSync(file))
        .withContext(file)
        .not.toThrow();
  });

  it('lists each kind by its folder, so that a new kind needs no line of its own', () => {
    expect(entries).toContain('service/src/kinds/');
    expect(entries.filter((entry) => entry.startsWith('service/src/kinds/') && entry !== 'service/src/kinds/')).toEqual(
      [],
    );
  });

  it('lists the settings schema, whose summaries are shown in the preferences', () => {
    expect(listed).toContain('schemas/org.gnome.shell.extensions.steward.gschema.xml');
  });
});

// Every string of the template (built from the sources by `npm test`'s build)
// must be translated in every language, with the same placeholders.
const UUID = 'steward@steward.github.io';

interface Entry {
  msgid: string;
  msgidPlural?: string;
  msgstr: string[];
  fuzzy: boolean;
}

/** The entries of a .po/.pot file: msgid, msgid_plural, msgstr / msgstr[n], with their continuation lines. */
function parsePo(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let current = '';
    for (const line of block.split('\n')) {
      const start = /^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$/.exec(line);
      const more = /^"(.*)"$/.exec(line);
      if (start) {
        current = start[1]!;
        fields.set(current, start[2]!);
      } else if (more && current) {
        fields.set(current, fields.get(current)! + more[1]!);
      }
    }
    const msgid = fields.get('msgid');
    if (msgid === undefined || msgid === '') continue;
    const msgstr = [...fields].filter(([key]) => key.startsWith('msgstr')).map(([, value]) => value);
    entries.push({ msgid, msgidPlural: fields.get('msgid_plural'), msgstr, fuzzy: /^#,.*\bfuzzy\b/m.test(block) });
  }
  return entries;
}

const placeholders = (text: string) =>
  [...text.matchAll(/\{\w+\}|%[-+ #0]*\d*(?:\.\d+)?[sdifx%]/g)].map((m) => m[0]).sort();

const languages = readFileSync(join('po', 'LINGUAS'), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);
const template = parsePo(readFileSync(join('dist', 'po', `${UUID}.pot`), 'utf8'));

describe('the translations', () => {
  it('include German and French', () => {
    expect(languages).toEqual(jasmine.arrayContaining(['de', 'fr']));
  });

  for (const language of languages) {
    it(`translate every string of the extension into ${language}, keeping its placeholders`, () => {
      const translated = new Map(parsePo(readFileSync(join('po', `${language}.po`), 'utf8')).map((e) => [e.msgid, e]));
      expect(template.length).toBeGreaterThan(20);
      for (const { msgid, msgidPlural } of template) {
        const entry = translated.get(msgid);
        expect(entry).withContext(`${language}: "${msgid}" is missing`).toBeDefined();
        if (!entry) continue;
        expect(entry.fuzzy).withContext(`${language}: "${msgid}" is fuzzy`).toBeFalse();
        expect(entry.msgstr.length).withContext(`${language}: "${msgid}"`).toBeGreaterThan(0);
        for (const msgstr of entry.msgstr) {
          expect(msgstr).withContext(`${language}: "${msgid}" is untranslated`).not.toBe('');
        }
        const context = `${language}: placeholders of "${msgid}"`;
        if (msgidPlural === undefined) {
          for (const msgstr of entry.msgstr)
            expect(placeholders(msgstr)).withContext(context).toEqual(placeholders(msgid));
          continue;
        }
        // A language's forms need not match English's two: a form for exactly one
        // may spell out the number, but the last, general form must keep them all.
        const allowed = new Set([...placeholders(msgid), ...placeholders(msgidPlural)]);
        for (const msgstr of entry.msgstr) {
          expect(placeholders(msgstr).filter((p) => !allowed.has(p)))
            .withContext(context)
            .toEqual([]);
        }
        expect(placeholders(entry.msgstr.at(-1)!))
          .withContext(context)
          .toEqual(placeholders(msgidPlural));
      }
    });

    it(`hold in ${language} no entry the template no longer has`, () => {
      const text = readFileSync(join('po', `${language}.po`), 'utf8');
      const current = new Set(template.map((entry) => entry.msgid));
      const obsolete = parsePo(text)
        .map((entry) => entry.msgid)
        .filter((msgid) => msgid !== '' && !current.has(msgid));
      expect(obsolete).toEqual([]);
      expect(text).withContext('entries msgmerge kept as obsolete (#~)').not.toMatch(/^#~/m);
    });

    it(`are compiled into the built extension for ${language}`, () => {
      const mo = join('dist', 'extension', UUID, 'locale', language, 'LC_MESSAGES', `${UUID}.mo`);
      expect(existsSync(mo)).withContext(mo).toBeTrue();
    });
  }
});
