// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// flatpak.update and the crash report's Flatpak lines against the real Flatpak CLI, fully offline: a tiny runtime
// (a directory with one file, as flatpak's own tests/make-test-runtime.sh makes one) and an app are exported into a
// local OSTree repo, added as a remote without GPG to a user installation in a temp dir, and the app's 1.0
// installed; its 2.0 is exported and fetched without deploying (`flatpak update --no-deploy`, what GNOME Software's
// background download does), so the installation's own data has it waiting. Nothing here runs the app, so nothing
// needs bwrap to sandbox it; Flatpak's install triggers (update-desktop-database and the like, run through bwrap)
// are pointed at an empty directory (FLATPAK_TRIGGERSDIR), as they are not what is tested and bwrap may not be
// usable where the tests run.
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { ActionContext } from '../../service/src/fixes/action.js';
import { Playbooks, type PlaybookTools } from '../../service/src/fixes/playbooks.js';
import { crashedFlatpak, originLines } from '../../service/src/kinds/appCrash/origin.js';
import { coredumpAction } from '../../service/src/kinds/crash/coredumpAction.js';
import { flatpakUpdateAction } from '../../service/src/kinds/crash/flatpakUpdate.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { findingWithEvidence } from '../support/findingFixture.js';
import { appendToJournal, type ExportEntry } from '../support/journal.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const PLAYBOOKS = new Playbooks(KINDS);

const run = promisify(execFile);
const FLATPAK_TIMEOUT_MS = 180_000;
const APP = 'org.steward.Crashy';
const SCOPE = `/user.slice/user-0.slice/user@0.service/app.slice/app-flatpak-${APP}-4242.scope`;

const metainfo = (version: string) =>
  `<?xml version="1.0"?>\n<component type="desktop-application">\n  <id>${APP}</id>\n  <releases>\n    <release version="${version}" date="2026-01-01"/>\n  </releases>\n</component>\n`;

const crashRecord = (): ExportEntry => ({
  MESSAGE: `Process 4242 (crashy) of user 0 dumped core.\n\nStack trace of thread 4242:\n#0  0x00007f raise (libc.so.6 + 0x3c)`,
  MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
  SYSLOG_IDENTIFIER: 'systemd-coredump',
  _UID: '0',
  _COMM: 'systemd-coredum',
  COREDUMP_PID: '4242',
  COREDUMP_UID: '0',
  COREDUMP_SIGNAL: '11',
  COREDUMP_SIGNAL_NAME: 'SIGSEGV',
  COREDUMP_EXE: '/app/bin/crashy',
  COREDUMP_CGROUP: SCOPE,
});

describe('updating a crashed Flatpak app with the real flatpak', () => {
  let temp: TempDir;
  let context: ActionContext;
  let env: NodeJS.ProcessEnv;
  let savedTriggers: string | undefined;
  /** The machine's own arch, as flatpak names it (x86_64, aarch64). */
  let arch: string;
  const never = new AbortController().signal;

  /** The flatpak CLI on the temp installation, with a fixed argv. */
  const flatpak = (...args: string[]) => run('flatpak', args, { env, cwd: temp.path, maxBuffer: 4 * 1024 * 1024 });
  const appDir = () => join(temp.path, 'build/app');
  const repo = () => join(temp.path, 'repo');

  beforeEach(async () => {
    temp = await makeTempDir();
    const dataHome = join(temp.path, '.local/share');
    const triggers = join(temp.path, 'no-triggers');
    await mkdir(triggers);
    // The action's own flatpak inherits the service's environment: the triggers' directory goes there too.
    savedTriggers = process.env.FLATPAK_TRIGGERSDIR;
    process.env.FLATPAK_TRIGGERSDIR = triggers;
    env = {
      ...process.env,
      HOME: temp.path,
      XDG_DATA_HOME: dataHome,
      XDG_CACHE_HOME: join(temp.path, '.cache'),
      FLATPAK_USER_DIR: join(dataHome, 'flatpak'),
      FLATPAK_TRIGGERSDIR: triggers,
    };
    context = {
      sessionBus: undefined as unknown as ActionContext['sessionBus'],
      systemBus: null,
      home: temp.path,
      cacheHome: join(temp.path, '.cache'),
      dataHome,
      knownGoodDirectory: temp.path,
      log: createLogger({ level: 'error', journal: false, write: () => undefined }),
    };

    arch = (await flatpak('--default-arch')).stdout.trim();
    // The runtime: metadata and a usr/ tree, exported as a runtime.
    const runtime = join(temp.path, 'build/runtime');
    await mkdir(join(runtime, 'usr/share/steward-test'), { recursive: true });
    await mkdir(join(runtime, 'files'));
    await writeFile(
      join(runtime, 'metadata'),
      `[Runtime]\nname=org.test.Platform\nruntime=org.test.Platform/${arch}/stable\nsdk=org.test.Platform/${arch}/stable\n`,
    );
    await writeFile(join(runtime, 'usr/share/steward-test/README'), 'a runtime of one file\n');
    await flatpak('build-export', `--arch=${arch}`, '--runtime', repo(), runtime, 'stable');
    await flatpak('--user', 'remote-add', '--no-gpg-verify', 'test-repo', `file://${repo()}`);
    await flatpak(
      '--user',
      'install',
      '--noninteractive',
      '-y',
      'test-repo',
      `runtime/org.test.Platform/${arch}/stable`,
    );

    // The app, 1.0: build-init against the installed runtime, a program and its metainfo, build-finish, export.
    await flatpak('build-init', `--arch=${arch}`, appDir(), APP, 'org.test.Platform', 'org.test.Platform', 'stable');
    await mkdir(join(appDir(), 'files/bin'), { recursive: true });
    await mkdir(join(appDir(), 'files/share/metainfo'), { recursive: true });
    await writeFile(join(appDir(), 'files/bin/crashy'), '#!/bin/sh\nkill -SEGV $$\n');
    await chmod(join(appDir(), 'files/bin/crashy'), 0o755);
    await writeFile(join(appDir(), `files/share/metainfo/${APP}.metainfo.xml`), metainfo('1.0'));
    await flatpak('build-finish', '--command=crashy', appDir());
    await flatpak('build-export', `--arch=${arch}`, repo(), appDir(), 'stable');
    await flatpak('--user', 'install', '--noninteractive', '-y', 'test-repo', `app/${APP}/${arch}/stable`);
  }, FLATPAK_TIMEOUT_MS);

  afterEach(async () => {
    if (savedTriggers === undefined) delete process.env.FLATPAK_TRIGGERSDIR;
    else process.env.FLATPAK_TRIGGERSDIR = savedTriggers;
    await temp.remove();
  });

  /** The app's 2.0 exported to the remote and fetched into the installation, not deployed. */
  async function fetchVersion2(): Promise<string> {
    await writeFile(join(appDir(), `files/share/metainfo/${APP}.metainfo.xml`), metainfo('2.0'));
    await flatpak('build-export', `--arch=${arch}`, repo(), appDir(), 'stable');
    await flatpak('--user', 'update', '--no-deploy', '--noninteractive', '-y', `app/${APP}/${arch}/stable`);
    return (
      await readFile(join(context.dataHome, 'flatpak/repo/refs/remotes/test-repo/app', APP, `${arch}/stable`), 'utf8')
    ).trim();
  }

  const active = async () => (await flatpak('--user', 'info', '--show-commit', APP)).stdout.trim();

  it(
    'sees the fetched 2.0 waiting, previews it, updates to it and verifies it deployed with nothing waiting',
    async () => {
      const action = flatpakUpdateAction();
      const params = action.params.parse({ app: APP, installation: 'user' });
      const v1 = await active();

      // Installed and nothing fetched since: nothing waits, and the action is not offered.
      const before = await crashedFlatpak({ COREDUMP_CGROUP: SCOPE }, { dataHome: context.dataHome });
      expect(before?.deployment).toEqual(
        jasmine.objectContaining({ appId: APP, commit: v1, version: '1.0', origin: 'test-repo', branch: 'stable' }),
      );
      expect(before?.update).toBeNull();
      await expectAsync(action.preview(params, context)).toBeRejectedWith(
        jasmine.objectContaining({ errorName: 'NotFound' }),
      );

      const v2 = await fetchVersion2();
      expect(v2).not.toBe(v1);
      expect(await active()).toBe(v1);
      const waiting = await crashedFlatpak({ COREDUMP_CGROUP: SCOPE }, { dataHome: context.dataHome });
      expect(waiting?.update).toEqual({ remote: 'test-repo', commit: v2 });
      expect(await originLines(context, { COREDUMP_CGROUP: SCOPE }, { dataHome: context.dataHome })).toEqual(
        jasmine.arrayContaining([
          `Flatpak app: ${APP} (user installation, ${join(context.dataHome, 'flatpak')})`,
          'Version: 1.0',
          `Deployed commit: ${v1}`,
          `Update waiting: commit ${v2}, fetched from test-repo`,
        ]),
      );

      const preview = await action.preview(params, context);
      expect(preview.summary).toBe(
        `Update the Flatpak app ${APP} from 1.0 (commit ${v1.slice(0, 12)}) to commit ${v2.slice(0, 12)}`,
      );
      expect(preview.details).toEqual(
        jasmine.arrayContaining([`deployed: commit ${v1}`, `waiting: commit ${v2}, fetched from test-repo`]),
      );
      expect(await action.verify(params, context)).toEqual(jasmine.objectContaining({ ok: false }));

      const progress: string[] = [];
      const outcome = await action.run(params, context, {
        progress: (_fraction, text) => progress.push(text),
        signal: never,
      });
      expect(outcome.summary).toBe(`Updated the Flatpak app ${APP} to commit ${v2.slice(0, 12)}`);
      expect('impossible' in outcome.undo).toBeTrue();
      expect(progress).toEqual([`Updating app/${APP}/${arch}/stable`]);

      // flatpak itself says 2.0's commit is deployed, and Steward's check reads the same from the installation.
      expect(await active()).toBe(v2);
      expect(await action.verify(params, context)).toEqual({
        ok: true,
        observed: `${APP} 2.0 (commit ${v2.slice(0, 12)}) is deployed, the commit its remote last offered; none is waiting`,
      });
      await expectAsync(action.preview(params, context)).toBeRejectedWith(
        jasmine.objectContaining({ errorName: 'NotFound' }),
      );
      // The system installation has no such app.
      await expectAsync(
        action.preview(action.params.parse({ app: APP, installation: 'system' }), context),
      ).toBeRejectedWith(jasmine.objectContaining({ errorName: 'NotFound' }));
    },
    FLATPAK_TIMEOUT_MS,
  );

  it(
    'is what the crash playbook proposes after the crash report when the crashed app has an update waiting',
    async () => {
      const journal = join(temp.path, 'journal');
      await mkdir(journal);
      await appendToJournal(journal, [crashRecord()]);
      const { stdout } = await run('journalctl', [
        '--directory',
        journal,
        '--output=json',
        '--output-fields=MESSAGE_ID',
      ]);
      const cursor = (JSON.parse(stdout.split('\n')[0]!) as { __CURSOR: string }).__CURSOR;
      const tools: PlaybookTools = {
        context,
        preview: () => Promise.resolve({ summary: '', details: [], changesNothing: false }),
      };
      const finding = findingWithEvidence('coredump', '/app/bin/crashy', {
        evidence: [{ kind: 'journal', text: 'dumped core', cursor, journal, at: new Date() }],
      });
      const steps = async () =>
        (await PLAYBOOKS.draftFor(finding, tools))?.actions.map(({ name, params }) => ({ name, params }));

      // Nothing fetched: the report, then the logs.
      expect((await steps())?.map(({ name }) => name)).toEqual(['info.coredump', 'info.show_logs']);

      const v2 = await fetchVersion2();
      expect(await steps()).toEqual([
        { name: 'info.coredump', params: { cursor, scope: 'system', directory: journal } },
        { name: 'flatpak.update', params: { app: APP, installation: 'user' } },
        jasmine.objectContaining({ name: 'info.show_logs' }),
      ]);
      const report = coredumpAction({ systemJournal: journal });
      expect((await report.preview(report.params.parse({ cursor }), context)).details).toEqual(
        jasmine.arrayContaining([`Update waiting: commit ${v2}, fetched from test-repo`]),
      );
    },
    FLATPAK_TIMEOUT_MS,
  );
});
