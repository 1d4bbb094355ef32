// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { quietWatch, type RunningService, startConfiguredService, waitFor } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';
import {
  cannotRunShell,
  expectNoMountsLeft,
  itInShell,
  openShell,
  pressKeys,
  SETUP_TIMEOUT_MS,
  TEARDOWN_TIMEOUT_MS,
  UUID,
} from './harness/extensionShell.js';
import type { ShellSession } from './harness/session.js';
import { shellEval } from './harness/shell.js';
import { selectedSuites } from './harness/suites.js';

const SPEC_TIMEOUT_MS = 3 * 60_000;

const WINDOW_TITLES = `global.display.list_all_windows().map((window) => window.get_title() ?? '')`;

/** Lines of a log that tell of a problem in JavaScript, GTK or libadwaita. */
const problems = (log: string) =>
  log
    .split('\n')
    .filter((line) => /JS ERROR|JS WARNING|Gjs-(WARNING|CRITICAL)|Gtk-(WARNING|CRITICAL)|Adwaita-/.test(line))
    // The test session has no accessibility bus.
    .filter((line) => !line.includes('accessibility bus'))
    // GNOME 49+'s Extensions app itself warns so for every extension (a GObject-introspection false positive).
    .filter((line) => !line.includes('Adw.PreferencesWindow::visible-page does not match'));

for (const suite of selectedSuites()) {
  describe(`the preferences in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name})`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', suite.name, 'prefs');
    let rootfs: string | undefined;

    beforeAll(async () => {
      if (cannotRunShell()) return;
      await rm(artifacts, { recursive: true, force: true });
    }, SETUP_TIMEOUT_MS);

    afterAll(() => expectNoMountsLeft(rootfs), TEARDOWN_TIMEOUT_MS);

    /**
     * Starts a shell session, runs `prepare` (which may start the service), opens the
     * preferences, saves a screenshot as `name`.png and checks the logs of the shell and of
     * the preferences process, which the session bus starts.
     */
    const openPreferences = async (name: string, prepare: (session: ShellSession) => Promise<() => Promise<void>>) => {
      const logDir = join(artifacts, name);
      const opened = await openShell(suite.name, logDir);
      rootfs = opened.rootfs;
      const session = opened.session;
      let cleanUp = async () => {};
      try {
        cleanUp = await prepare(session);
        await shellEval(session.bus, `Main.extensionManager.openExtensionPrefs(${JSON.stringify(UUID)}, '', {})`);
        await waitFor(
          async () => ((await shellEval(session.bus, WINDOW_TITLES)) as string[]).some((t) => t.includes('Steward')),
          'the preferences window',
          60_000,
        );
        // Time for the window to lay out and for the service's answers to fill it.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        await session.screenshot(join(artifacts, `${name}.png`));
        for (const [key, page] of [
          ['KEY_h', 'shortcut'],
          ['KEY_w', 'watching'],
          ['KEY_s', 'safety'],
        ] as const) {
          await shellEval(session.bus, pressKeys('KEY_Alt_L', key));
          await new Promise((resolve) => setTimeout(resolve, 1000));
          await session.screenshot(join(artifacts, `${name}-${page}.png`));
        }
      } finally {
        await cleanUp();
        await session.stop();
      }
      const sessionLog = await readFile(join(logDir, 'session.log'), 'utf8');
      const shellLog = await readFile(join(logDir, 'shell.log'), 'utf8');
      expect(problems(sessionLog)).withContext('the preferences process').toEqual([]);
      expect(problems(shellLog).filter((line) => line.includes(UUID) || line.includes('JS ERROR')))
        .withContext('the shell')
        .toEqual([]);
    };

    itInShell(
      'open without errors when the service is not running',
      () => openPreferences('prefs-not-running', async () => async () => {}),
      SPEC_TIMEOUT_MS,
    );

    itInShell(
      "open without errors with the service's configuration and models",
      async () => {
        const home = await makeTempDir('steward-e2e-prefs-');
        let service: RunningService | undefined;
        await openPreferences('prefs-running', async (session) => {
          await mkdir(join(home.path, 'data', 'steward', 'models'), { recursive: true });
          await writeTinyModel(join(home.path, 'data', 'steward', 'models', 'tiny.gguf'));
          service = await startConfiguredService({ address: session.busAddress }, session.bus, home.path, {
            watch: quietWatch({ units: true, disks: { mounts: ['/', '/home'] } }),
            fixes: { policy: { 'journal.vacuum': 'auto' } },
          });
          const configFile = join(home.path, 'config', 'steward', 'config.json');
          const written = await readFile(configFile, 'utf8');
          return async () => {
            expect(await readFile(configFile, 'utf8'))
              .withContext('showing the configuration changes nothing')
              .toBe(written);
            await service?.stop();
            await writeFile(join(artifacts, 'prefs-running', 'service.log'), service?.log() ?? '');
            await home.remove();
          };
        });
        expect(service?.log() ?? '').not.toMatch(/\b(error|warn)\b/i);
      },
      SPEC_TIMEOUT_MS,
    );
  });
}
