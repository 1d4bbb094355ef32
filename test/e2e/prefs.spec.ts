import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quietWatch, startConfiguredService, waitFor, type RunningService } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';
import { mountsUnder } from './harness/mounts.js';
import { packArgs } from './harness/packArgs.js';
import { unmetRequirement } from './harness/requirements.js';
import { ensureRootfs } from './harness/rootfs.js';
import { startShellSession, type ShellSession } from './harness/session.js';
import { shellEval } from './harness/shell.js';
import { selectedSuites } from './harness/suites.js';

const UUID = 'steward@steward.github.io';
const EXTENSION_DIR = join(process.cwd(), 'dist', 'extension', UUID);

const SETUP_TIMEOUT_MS = 15 * 60_000;
const SPEC_TIMEOUT_MS = 3 * 60_000;
const TEARDOWN_TIMEOUT_MS = 60_000;

const unmet = unmetRequirement();

const WINDOW_TITLES = `global.display.list_all_windows().map((window) => window.get_title() ?? '')`;

/** Presses and releases `keys` (Clutter key names) together on a virtual keyboard. */
const pressKeys = (...keys: string[]) => `(() => {
  const { Clutter, GLib } = imports.gi;
  const backend = global.stage.context?.get_backend() ?? Clutter.get_default_backend();
  globalThis.stewardTestKeyboard ??= backend.get_default_seat()
    .create_virtual_device(Clutter.InputDeviceType.KEYBOARD_DEVICE);
  const keys = ${JSON.stringify(keys)}.map((name) => Clutter[name]);
  let time = GLib.get_monotonic_time();
  for (const key of keys) globalThis.stewardTestKeyboard.notify_keyval(time++, key, Clutter.KeyState.PRESSED);
  for (const key of keys.reverse()) globalThis.stewardTestKeyboard.notify_keyval(time++, key, Clutter.KeyState.RELEASED);
})()`;

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
    let rootfs: string;

    beforeAll(async () => {
      if (unmet) {
        if (process.env.CI === 'true') throw new Error(`${unmet}; CI must run them`);
        return;
      }
      if (!existsSync(EXTENSION_DIR)) throw new Error(`${EXTENSION_DIR} is missing; run npm run build first`);
      await rm(artifacts, { recursive: true, force: true });
      rootfs = (await ensureRootfs(suite.name)).path;
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      if (rootfs)
        expect(await mountsUnder(rootfs))
          .withContext('mounts left behind')
          .toEqual([]);
    }, TEARDOWN_TIMEOUT_MS);

    /**
     * Starts a shell session, runs `prepare` (which may start the service), opens the
     * preferences, saves a screenshot as `name`.png and checks the logs of the shell and of
     * the preferences process, which the session bus starts.
     */
    const openPreferences = async (name: string, prepare: (session: ShellSession) => Promise<() => Promise<void>>) => {
      const logDir = join(artifacts, name);
      await mkdir(logDir, { recursive: true });
      const session = await startShellSession({
        rootfs,
        extensionDir: EXTENSION_DIR,
        packArgs: await packArgs(EXTENSION_DIR),
        logDir,
      });
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

    it(
      'open without errors when the service is not running',
      async () => {
        if (unmet) pending(unmet);
        await openPreferences('prefs-not-running', async () => async () => {});
      },
      SPEC_TIMEOUT_MS,
    );

    it(
      "open without errors with the service's configuration and models",
      async () => {
        if (unmet) pending(unmet);
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
