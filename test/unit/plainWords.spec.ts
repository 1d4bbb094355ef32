// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import { plainMeaning } from '../../service/src/causes/plainWords.js';
import { plainResult } from '../../service/src/causes/systemdResult.js';
import { loadTranslations } from '../../service/src/i18n.js';

const LOCALE_DIR = join(process.cwd(), 'dist', 'service', 'locale');

describe("systemd's and the system's words in plain language", () => {
  afterEach(() => loadTranslations(LOCALE_DIR, {}));

  it("says what systemd's lines about a unit's end mean, without its terms", () => {
    expect(plainMeaning("backup.service: Failed with result 'exit-code'.")).toBe('its program ended with an error');
    expect(plainMeaning("backup.service: Failed with result 'oom-kill'.")).toBe('it ran out of memory');
    expect(plainMeaning("x.service: Failed with result 'something-new'.")).toBe('it failed');
    expect(plainMeaning('x.service: Main process exited, code=exited, status=3/NOTIMPLEMENTED')).toBe(
      'its program ended with status 3',
    );
    expect(plainMeaning('x.service: Main process exited, code=dumped, status=11/SEGV')).toBe('its program crashed');
    expect(plainMeaning('x.service: Start request repeated too quickly.')).toBe(
      'it was restarted too often in a short time',
    );
  });

  it("says what a system error means, in any program's words", () => {
    expect(plainMeaning('write /var/lib/app/db: No space left on device')).toBe('the disk is full');
    expect(plainMeaning('OSError: [Errno 98] Address already in use')).toBe(
      'another program already uses its network port',
    );
    // A device's errors, in the words the Bluetooth kind gives them too.
    expect(plainMeaning('cupsd: Unable to open USB device "usb://HP/LaserJet": No such device')).toBe(
      'the device is gone',
    );
    expect(plainMeaning('Starting Backup...')).toBeNull();
  });

  it('speaks the session’s language', () => {
    loadTranslations(LOCALE_DIR, { LANG: 'de_DE.UTF-8' });
    expect(plainResult('exit-code')).toBe('sein Programm endete mit einem Fehler');
    loadTranslations(LOCALE_DIR, { LANG: 'fr_FR.UTF-8' });
    expect(plainMeaning('No space left on device')).toBe('le disque est plein');
  });
});
