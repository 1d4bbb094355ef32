// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createCatalog } from '../../../service/src/fixes/catalog.js';
import { escapeName } from '../../../service/src/fixes/shownNames.js';
import { KINDS } from '../../../service/src/kinds/index.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

// "thumbnails" with a combining grapheme joiner, and "fontconfig" with a Cyrillic "о" (U+043E).
const JOINED = 'thumb\u034fnails';
const LOOK_ALIKE = 'f\u043entconfig';

describe('names and paths shown for approval', () => {
  it('escapes every character outside printable ASCII, as systemctl and ls do', () => {
    expect(escapeName('bluetooth.service')).toBe('bluetooth.service');
    expect(escapeName(JOINED)).toBe('thumb\\u034fnails');
    expect(escapeName(LOOK_ALIKE)).toBe('f\\u043entconfig');
    expect(escapeName('a\tb\u00e9\u007f')).toBe('a\\x09b\\xe9\\x7f');
    expect(escapeName('\u{1f600}')).toBe('\\U0001f600');
  });

  describe('in a proposal’s preview and result', () => {
    let temp: TempDir;
    beforeEach(async () => {
      temp = await makeTempDir();
    });
    afterEach(() => temp.remove());

    it('marks a look-alike folder name, while the translated words stay as they are', async () => {
      const context = homeContext(join(temp.path, 'home'));
      for (const name of [JOINED, LOOK_ALIKE]) {
        await mkdir(join(context.cacheHome, name), { recursive: true });
        await writeFile(join(context.cacheHome, name, 'x'), 'abc');
      }
      const action = createCatalog({ kinds: KINDS }).get('files.clear_cache');
      const one = await action?.preview({ directories: [JOINED] }, context);
      expect(one?.summary).toMatch(/^Free .* in ~\/\.cache\/thumb\\u034fnails$/);
      const both = await action?.preview({ directories: [JOINED, LOOK_ALIKE] }, context);
      expect(both?.details.join('\n')).toContain('~/.cache/f\\u043entconfig: ');
      expect(both?.details.join('\n')).toContain('~/.cache/thumb\\u034fnails: ');
      for (const text of [one?.summary ?? '', ...(both?.details ?? [])]) expect(text).toMatch(/^[\x20-\x7e]*$/);
      const outcome = await action?.run({ directories: [LOOK_ALIKE] }, context, runOptions());
      expect(outcome?.summary).toMatch(/^[\x20-\x7e]*$/);
    });
  });

  describe('in a command line for approval', () => {
    const shell = createCatalog({ kinds: KINDS, expertShell: () => true }).get('shell.run');
    // Four names the review used: a combining grapheme joiner inside a file name, a Cyrillic "с" (U+0441) in a
    // program's path, and two characters that show as blank space, a Hangul filler and a blank Braille cell.
    const cases = [
      { argv: ['/usr/bin/cat', '/etc/pass\u034fwd'], escaped: '/etc/pass\\u034fwd' },
      { argv: ['/usr/bin/\u0441at', '/etc/passwd'], escaped: '/usr/bin/\\u0441at' },
      { argv: ['/usr/bin/rm', '\u3164'], escaped: '\\u3164' },
      { argv: ['/usr/bin/rm', '\u2800'], escaped: '\\u2800' },
    ];

    for (const { argv, escaped } of cases)
      it(`shows ${escaped} escaped, and says it looks like something else`, async () => {
        const preview = await shell?.preview({ argv, cwd: '/' }, homeContext('/nonexistent'));
        for (const text of [preview?.summary ?? '', ...(preview?.details ?? [])])
          expect(text).toMatch(/^[\x20-\x7e]*$/);
        expect(preview?.summary).toContain(escaped);
        expect(preview?.details).toContain(
          `This name contains characters that look like others, shown escaped: ${escaped}`,
        );
      });

    it('flags nothing in a plain command line', async () => {
      const preview = await shell?.preview({ argv: ['/usr/bin/cat', '/etc/passwd'], cwd: '/' }, homeContext('/x'));
      expect(preview?.details.join('\n')).not.toContain('look like others');
    });
  });

  describe('template instances that are paths', () => {
    const catalog = createCatalog({ kinds: KINDS });
    const pathInstance = 'backup@\\x2fhome\\x2fme\\x2f.ssh\\x2fconfig.service';

    it('are refused with InvalidArgs for every action that starts a unit', () => {
      for (const name of ['systemd.start_unit', 'systemd.restart_unit', 'systemd.enable_unit']) {
        expect(() => catalog.validate(name, { unit: pathInstance, scope: 'user' }))
          .withContext(name)
          .toThrow(
            jasmine.objectContaining({
              errorName: 'InvalidArgs',
              message: jasmine.stringMatching(/template instance that is a path/),
            }),
          );
        expect(() => catalog.validate(name, { unit: 'backup@\\x2Fetc.service', scope: 'user' }))
          .withContext(name)
          .toThrow(jasmine.objectContaining({ errorName: 'InvalidArgs' }));
      }
    });

    it('pass where they start nothing, and ordinary instances pass everywhere', () => {
      for (const name of ['systemd.stop_unit', 'systemd.disable_unit', 'systemd.reset_failed'])
        expect(catalog.validate(name, { unit: pathInstance, scope: 'user' }).params)
          .withContext(name)
          .toBeDefined();
      for (const unit of ['getty@tty1.service', 'systemd-fsck@dev-disk-by\\x2duuid-0a1b.service', 'plain.service'])
        expect(catalog.validate('systemd.start_unit', { unit, scope: 'system' }).params.unit).toBe(unit);
    });
  });
});
