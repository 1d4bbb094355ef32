// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// packages.update and the crash report's package lines against the real packagekitd, with its dummy backend, on a
// private system bus with the real polkitd (test/support/packagekit.ts). The dummy backend is a fixed set of fake
// packages: its GetUpdates lists powertop, kernel and gtkhtml2 until an UpdatePackages (which, being a fake,
// updates all three whatever it is asked), Resolve knows them as installed, and SearchFiles names vips-doc as the
// owner of any file. Each spec starts its own packagekitd, as an update changes the backend's state.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { ActionContext } from '../../service/src/fixes/action.js';
import { packageUpdateAction } from '../../service/src/fixes/actions/packageUpdate.js';
import { Playbooks, type PlaybookTools } from '../../service/src/fixes/playbooks.js';
import { coredumpAction } from '../../service/src/kinds/crash/coredumpAction.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { findingWithEvidence } from '../support/findingFixture.js';
import { appendToJournal, type ExportEntry } from '../support/journal.js';
import { type PackageKit, startPackageKit } from '../support/packagekit.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const PLAYBOOKS = new Playbooks(KINDS);

const UPDATE_TIMEOUT_MS = 90_000;

/** A crash record as systemd-coredump writes it, for the program at `exe`. */
const crashRecord = (exe: string, fields: Partial<ExportEntry> = {}): ExportEntry => ({
  MESSAGE: `Process 4242 (${exe.split('/').pop()?.slice(0, 15)}) of user 1000 dumped core.\n\nStack trace of thread 4242:\n#0  0x00007f raise (libc.so.6 + 0x3c)`,
  MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
  SYSLOG_IDENTIFIER: 'systemd-coredump',
  _UID: '0',
  _COMM: 'systemd-coredum',
  COREDUMP_PID: '4242',
  COREDUMP_UID: '1000',
  COREDUMP_SIGNAL: '11',
  COREDUMP_SIGNAL_NAME: 'SIGSEGV',
  COREDUMP_EXE: exe,
  COREDUMP_CGROUP: '/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-powertop-4242.scope',
  ...fields,
});

/** The cursors of the journal's entries, in order. */
async function cursorsIn(journal: string): Promise<string[]> {
  const child = spawn('journalctl', ['--directory', journal, '--output=json', '--output-fields=MESSAGE_ID']);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { __CURSOR: string }).__CURSOR);
}

describe('updating a crashed program’s package through PackageKit', () => {
  let packageKit: PackageKit;
  let temp: TempDir;
  let context: ActionContext;
  const never = new AbortController().signal;

  beforeEach(async () => {
    packageKit = await startPackageKit();
    temp = await makeTempDir();
    context = {
      sessionBus: packageKit.client,
      systemBus: packageKit.client,
      home: temp.path,
      cacheHome: join(temp.path, '.cache'),
      dataHome: join(temp.path, '.local/share'),
      knownGoodDirectory: temp.path,
      log: createLogger({ level: 'error', journal: false, write: () => undefined }),
    };
  });

  afterEach(async () => {
    await packageKit.stop();
    await temp.remove();
  });

  it(
    'previews the waiting update, runs it, verifies by PackageKit’s state, and then offers nothing',
    async () => {
      const preview = await packageUpdateAction.preview({ name: 'powertop' }, context);
      expect(preview).toEqual({
        summary: 'Update powertop from 1.8-1.fc8 to 1.8-1.fc8',
        details: [
          'update powertop 1.8-1.fc8 → 1.8-1.fc8',
          'Only this package is updated, from a trusted repository; other waiting updates are left for later.',
        ],
        changesNothing: false,
      });
      // Before the update, the check reads the update still waiting.
      expect(await packageUpdateAction.verify({ name: 'powertop' }, context)).toEqual({
        ok: false,
        observed: 'powertop 1.8-1.fc8 is installed; the update to 1.8-1.fc8 is still waiting',
      });
      const progress: string[] = [];
      const outcome = await packageUpdateAction.run({ name: 'powertop' }, context, {
        progress: (_fraction, text) => progress.push(text),
        signal: never,
      });
      expect(outcome.summary).toBe('Updated powertop 1.8-1.fc8 → 1.8-1.fc8');
      expect(outcome.undo).toEqual({
        impossible: jasmine.stringMatching(/^PackageKit cannot go back to powertop 1\.8-1\.fc8/),
      });
      expect(progress).toContain('Downloading powertop');
      expect(await packageUpdateAction.verify({ name: 'powertop' }, context)).toEqual({
        ok: true,
        observed: 'powertop 1.8-1.fc8 is installed, and no update for it is waiting',
      });
      await expectAsync(packageUpdateAction.preview({ name: 'powertop' }, context)).toBeRejectedWith(
        jasmine.objectContaining({
          errorName: 'NotFound',
          message: 'PackageKit offers no update for powertop 1.8-1.fc8',
        }),
      );
    },
    UPDATE_TIMEOUT_MS,
  );

  it('names a package with no update, one not installed, and refuses what is not a package name', async () => {
    await expectAsync(packageUpdateAction.preview({ name: 'glib2' }, context)).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'NotFound', message: 'PackageKit offers no update for glib2 2.14.0' }),
    );
    await expectAsync(packageUpdateAction.preview({ name: 'foobar' }, context)).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'NotFound', message: 'foobar is not installed' }),
    );
    for (const name of ['', '../etc', 'powertop;1.8-1.fc8;i386;fedora', 'a b', '-rf'])
      expect(packageUpdateAction.params.safeParse({ name }).success).withContext(name).toBeFalse();
  });

  it(
    'shows in the crash report the package and the waiting update, and the playbook proposes the update',
    async () => {
      const journal = join(temp.path, 'journal');
      await mkdir(journal);
      await appendToJournal(journal, [
        // systemd-coredump names the package where the program's ELF note does (Fedora's builds).
        crashRecord('/usr/sbin/powertop', { COREDUMP_PACKAGE_NAME: 'powertop', COREDUMP_PACKAGE_VERSION: '1.8-1.fc8' }),
        // Without the note, PackageKit's SearchFiles names the installed package that owns the file.
        crashRecord('/usr/bin/vips'),
      ]);
      const [powertop, vips] = await cursorsIn(journal);
      const action = coredumpAction({ systemJournal: journal });
      const report = async (cursor: string) => (await action.preview(action.params.parse({ cursor }), context)).details;
      expect(await report(powertop!)).toEqual(
        jasmine.arrayContaining([
          'Package: powertop',
          'Version: 1.8-1.fc8',
          'Update waiting: powertop 1.8-1.fc8 → 1.8-1.fc8',
        ]),
      );
      expect(await report(vips!)).toEqual(
        jasmine.arrayContaining(['Package (PackageKit): vips-doc 7.12.4-2.fc8', 'No update for vips-doc is waiting']),
      );

      const tools: PlaybookTools = {
        context,
        preview: (candidate) =>
          candidate.name === 'packages.update'
            ? packageUpdateAction.preview(packageUpdateAction.params.parse(candidate.params), context)
            : Promise.resolve({ summary: '', details: [], changesNothing: false }),
      };
      const crashAt = (cursor: string, subject: string) =>
        findingWithEvidence('coredump', subject, {
          evidence: [{ kind: 'journal', text: 'dumped core', cursor, journal, at: new Date() }],
        });
      const steps = async (cursor: string, subject: string) =>
        (await PLAYBOOKS.draftFor(crashAt(cursor, subject), tools))?.actions.map(({ name, params }) => ({
          name,
          params,
        }));
      expect(await steps(powertop!, '/usr/sbin/powertop')).toEqual([
        { name: 'info.coredump', params: { cursor: powertop, scope: 'system', directory: journal } },
        { name: 'packages.update', params: { name: 'powertop' } },
        jasmine.objectContaining({ name: 'info.show_logs' }),
      ]);
      expect((await steps(vips!, '/usr/bin/vips'))?.map(({ name }) => name)).toEqual([
        'info.coredump',
        'info.show_logs',
      ]);
    },
    UPDATE_TIMEOUT_MS,
  );
});
