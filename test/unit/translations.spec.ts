import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const listed = readFileSync(join('po', 'POTFILES'), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);

describe('po/POTFILES', () => {
  it('lists every extension source with translatable strings', () => {
    const sources = readdirSync(join('extension', 'src'), { recursive: true })
      .map((file) => join('extension', 'src', String(file)))
      .filter((file) => file.endsWith('.ts') && /\b(_|ngettext|pgettext)\(/.test(readFileSync(file, 'utf8')));
    expect(sources.filter((file) => !listed.includes(file))).toEqual([]);
  });

  it('lists only files that exist', () => {
    for (const file of listed)
      expect(() => readFileSync(file))
        .withContext(file)
        .not.toThrow();
  });

  it('lists the settings schema, whose summaries are shown in the preferences', () => {
    expect(listed).toContain('schemas/org.gnome.shell.extensions.steward.gschema.xml');
  });
});
