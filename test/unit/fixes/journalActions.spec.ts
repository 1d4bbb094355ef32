// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

import { showLogsAction } from '../../../service/src/fixes/actions/info.js';
import { journalVacuumAction } from '../../../service/src/fixes/actions/journal.js';
import { appendToJournal } from '../../support/journal.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

const MiB = 1024 * 1024;
const ARCHIVED = (prefix: string, n: number) =>
  `${prefix}@0123456789abcdef0123456789abcdef-000000000000000${n}-0005f0000000000${n}.journal`;

describe('journal actions', () => {
  let temp: TempDir;
  let directory: string;

  /** A real journal file (8 MiB allocated) written by systemd-journal-remote, under `name`. */
  async function journalFile(name: string): Promise<void> {
    const scratch = join(temp.path, `scratch-${name}`);
    await mkdir(scratch);
    await appendToJournal(scratch, [{ MESSAGE: `entry for ${name}`, _SYSTEMD_UNIT: 'x.service' }]);
    await rename(join(scratch, 'remote.journal'), join(directory, name));
  }

  beforeEach(async () => {
    temp = await makeTempDir();
    directory = join(temp.path, 'journal');
    await mkdir(directory);
  });
  afterEach(() => temp.remove());

  describe('journal.vacuum', () => {
    // The user's files alone: with --directory, journalctl 257 (Debian 13) counts every file of the directory as
    // --user's, where 252 counted only the user's.
    beforeEach(async () => {
      for (const name of [1, 2, 3].map((n) => ARCHIVED('user-0', n))) await journalFile(name);
      await journalFile('user-0.journal');
    });

    it('previews from journalctl --disk-usage and vacuums the archived files', async () => {
      const action = journalVacuumAction({ directory });
      const context = homeContext(temp.path);
      const params = action.params.parse({ scope: 'user', keepBytes: 16 * MiB });
      const preview = await action.preview(params, context);
      expect(preview.details[0]).toBe('your journal uses 34 MB on disk');
      expect(preview.bytes).toBe(16 * MiB);
      expect(preview.changesNothing).toBeFalse();
      expect(action.needsAuthorization).toEqual(jasmine.any(Function));
      await action.run(params, context, runOptions());
      expect((await readdir(directory)).sort()).toEqual(['user-0.journal', ARCHIVED('user-0', 3)]);
      const verification = await action.verify(params, context);
      expect(verification).toEqual({ ok: true, observed: `your journal uses 17 MB (${16 * MiB} bytes) on disk` });
      expect((await action.preview(params, context)).changesNothing).toBeTrue();
    });

    it('changes nothing when the journal is smaller than what is kept, and defaults to 500 MiB', async () => {
      await journalFile('system.journal');
      const action = journalVacuumAction({ directory });
      const params = action.params.parse({ scope: 'system' });
      expect(params.keepBytes).toBe(500 * MiB);
      expect(action.params.safeParse({ scope: 'system', keepBytes: MiB }).success).toBeFalse();
      const preview = await action.preview(params, homeContext(temp.path));
      expect(preview.details[0]).toBe('the system journal uses 8.4 MB on disk');
      expect(preview.changesNothing).toBeTrue();
    });
  });

  describe('info.show_logs', () => {
    beforeEach(async () => {
      await appendToJournal(directory, [
        { MESSAGE: 'Starting Bluetooth service', _SYSTEMD_UNIT: 'bluetooth.service', PRIORITY: '6' },
        {
          MESSAGE: 'title \u001b]0;pwned\u0007 and \u001b[2J clear \u001b[31mred\u001b[0m',
          _SYSTEMD_UNIT: 'bluetooth.service',
        },
        { MESSAGE: 'x'.repeat(2_000), _SYSTEMD_UNIT: 'bluetooth.service' },
        { MESSAGE: 'someone else', _SYSTEMD_UNIT: 'cups.service' },
      ]);
      await rename(join(directory, 'remote.journal'), join(directory, 'system.journal'));
    });

    it('shows the unit’s last lines with escape sequences stripped and long lines cut', async () => {
      const action = showLogsAction({ directory });
      const params = action.params.parse({ unit: 'bluetooth.service' });
      const preview = await action.preview(params, homeContext(temp.path));
      expect(preview.summary).toBe('Show the last 50 lines of bluetooth.service’s log');
      expect(preview.details.length).toBe(3);
      // The time as the session's clock writes it, never ISO: "9:26:59 PM" in English, "21:26:59" in German.
      expect(preview.details[0]).toMatch(/^\d\d?:\d\d:\d\d [AP]M Starting Bluetooth service$/);
      expect(preview.details[1]).toMatch(/ title {2}and {2}clear red$/);
      expect(preview.details.join('')).not.toMatch(/\p{Cc}/u);
      expect(preview.details[2]!.length).toBeLessThan(530);
      expect(action.readOnly).toBeTrue();
      const outcome = await action.run(params, homeContext(temp.path), runOptions());
      expect(outcome.summary.split('\n')).toEqual(['3 lines of bluetooth.service’s log', ...preview.details]);
      const two = await action.preview(
        action.params.parse({ unit: 'bluetooth.service', lines: 1 }),
        homeContext(temp.path),
      );
      expect(two.details.length).toBe(1);
    });

    it('refuses parameters outside its schema', () => {
      const action = showLogsAction({ directory });
      expect(action.params.safeParse({ unit: '-x.service' }).success).toBeFalse();
      expect(action.params.safeParse({ lines: 201 }).success).toBeFalse();
      expect(action.params.safeParse({ since: 'yesterday' }).success).toBeFalse();
    });
  });
});
