// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { SANDBOX_STATEMENT, shellRunAction, showArgv } from '../../../service/src/fixes/actions/shell.js';
import { makeTempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

const action = shellRunAction();
const accepts = (params: unknown) => action.params.safeParse(params).success;

/** What bash reads back from `line`: one word per line of output. */
const bashWords = (line: string) =>
  JSON.parse(
    execFileSync('/bin/bash', ['-c', `node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- ${line}`], {
      encoding: 'utf8',
    }),
  ) as string[];

describe('shell.run', () => {
  describe('parameters', () => {
    it('takes an argument vector with a command name or an absolute path first', () => {
      expect(accepts({ argv: ['df', '-P', '/'] })).toBeTrue();
      expect(accepts({ argv: ['/usr/bin/ip', 'link'], cwd: '/var/log' })).toBeTrue();
      expect(accepts({ argv: ['ls'], cwd: '/' })).toBeTrue();
      expect(accepts({ argv: ['python3.12', '-c', 'print(1); import os'] })).toBeTrue();
    });

    it('refuses shell strings, relative commands and empty vectors', () => {
      for (const argv of [
        ['rm -rf / ; reboot'],
        ['df; reboot'],
        ['$(reboot)'],
        ['./script'],
        ['bin/ls'],
        ['/usr/../bin/ls'],
        ['`id`'],
        [],
        [''],
        ['ls', ''],
      ]) {
        expect(accepts({ argv })).withContext(JSON.stringify(argv)).toBeFalse();
      }
    });

    it('refuses NUL in any word, too many or too long words', () => {
      expect(accepts({ argv: ['ls\0', '/'] })).toBeFalse();
      expect(accepts({ argv: ['ls', '/etc\0/shadow'] })).toBeFalse();
      expect(accepts({ argv: ['echo', ...Array<string>(64).fill('x')] })).toBeFalse();
      expect(accepts({ argv: ['echo', ...Array<string>(63).fill('x')] })).toBeTrue();
      expect(accepts({ argv: ['echo', 'x'.repeat(4097)] })).toBeFalse();
    });

    it('refuses a relative cwd, a cwd with "..", a string argv and unknown parameters', () => {
      expect(accepts({ argv: ['ls'], cwd: 'tmp' })).toBeFalse();
      expect(accepts({ argv: ['ls'], cwd: '/home/../etc' })).toBeFalse();
      expect(accepts({ argv: 'df -P /' })).toBeFalse();
      expect(accepts({ argv: ['ls'], shell: true })).toBeFalse();
    });

    it('is high risk, read-only and needs no polkit prompt', () => {
      expect(action.risk).toBe('high');
      expect(action.readOnly).toBeTrue();
      expect(action.needsAuthorization).toBeFalse();
    });
  });

  describe('preview', () => {
    it('shows the command verbatim, where it runs, and that the sandbox changes nothing', async () => {
      const preview = await action.preview({ argv: ['df', '-P', '/'] }, homeContext('/home/ana'));
      expect(preview.summary).toBe('Run df -P /');
      expect(preview.details).toEqual(['Command: df -P /', 'In: /home/ana', SANDBOX_STATEMENT]);
      expect(SANDBOX_STATEMENT).toBe(
        'Runs in a read-only sandbox without network; it cannot change your files or the system.',
      );
      expect(preview.changesNothing).toBeFalse();
    });

    it('quotes words so that a shell would read back exactly the words that run', () => {
      const argv = ['grep', '-r', "it's a trap", 'a b', '$(reboot)', '"x"', 'tab\there', 'new\nline', 'rtl\u202eexe'];
      const shown = showArgv(argv);
      expect(shown).not.toContain('\n');
      expect(shown).not.toContain('\u202e');
      expect(shown).toContain("'a b'");
      expect(bashWords(shown)).toEqual(argv);
    });

    it('says so, and runs nothing, when bubblewrap is missing', async () => {
      const missing = shellRunAction({ bwrap: '/nonexistent/bwrap' });
      await expectAsync(missing.preview({ argv: ['id'] }, homeContext('/home/ana'))).toBeRejectedWith(
        jasmine.objectContaining({ errorName: 'Unavailable', message: jasmine.stringContaining('bubblewrap') }),
      );
    });
  });

  describe('time limit', () => {
    it('ends at its limit when the sandbox has exited but what it started still holds its output', async () => {
      const dir = await makeTempDir();
      // A stand-in for bwrap: it exits at once, and the child it leaves keeps its output open past the limit, so
      // that the limit falls between the exit and the output's end (the race a busy machine gives the real one). Long
      // past it: a worker whose loop a loaded machine holds for seconds must still see the limit come first.
      const bwrap = join(dir.path, 'bwrap');
      await writeFile(bwrap, '#!/bin/sh\nsleep 10 &\nexit 0\n');
      await chmod(bwrap, 0o755);
      try {
        const limited = shellRunAction({ bwrap, timeoutMs: 300 });
        await expectAsync(limited.run({ argv: ['id'] }, homeContext(dir.path), runOptions())).toBeRejectedWith(
          jasmine.objectContaining({ errorName: 'Timeout' }),
        );
      } finally {
        await dir.remove();
      }
    });
  });
});
