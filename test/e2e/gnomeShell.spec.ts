// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { countHeapKinds, dumpHeapScript } from '../bench/heapDump.js';
import {
  BUS_NAME,
  homeEnv,
  quietWatch,
  type RunningService,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import {
  ACTIVATED_COMMAND,
  activatedServiceLog,
  openShellWithActivation,
  sessionOwnerOf,
} from './harness/activation.js';
import { findAll, openAccessibilityBus } from './harness/atspi.js';
import {
  cannotRunShell,
  expectNoMountsLeft,
  itInShell,
  SETUP_TIMEOUT_MS,
  shellLogProblems as shellLog,
  TEARDOWN_TIMEOUT_MS,
  unmet,
  UUID,
} from './harness/extensionShell.js';
import { TEST_USER } from './harness/rootfs.js';
import type { ShellSession } from './harness/session.js';
import {
  extensionErrors,
  extensionInfo,
  ExtensionState,
  setExtensionEnabled,
  shellEval,
  shellVersion,
} from './harness/shell.js';
import { selectedSuites } from './harness/suites.js';
import { TestHook } from './harness/testHook.js';

const IDLE = 'Steward is idle';
const NOT_RUNNING = 'Steward service is not running';
const TOGGLE_CYCLES = 20;
const CLOSEUP = { x: 1280 - 480, y: 0, width: 480, height: 200 };

// JavaScript evaluated inside the shell.
const indicator = `Main.panel.statusArea[${JSON.stringify(UUID)}]`;
const TITLE = `${indicator}?.accessible_name ?? null`;
const VISIBLE_MENU_LABELS = `${indicator}.menu.box.get_children().filter((item) => item.visible).map((item) => item.label?.text)`;
// What a click on the item does (PopupBaseMenuItem's ClickAction).
const ACTIVATE_START_ITEM = `${indicator}.menu.box.get_children()
  .find((item) => item.visible && item.label?.text === 'Start Steward')
  .activate(imports.gi.Clutter.get_current_event())`;
const SETTING = `Main.extensionManager.lookup(${JSON.stringify(UUID)}).stateObj.getSettings().get_strv('toggle-quick-chat')`;
const CENSUS = `(() => {
  const Indicator = ${indicator}.constructor;
  const census = { actors: 0, indicators: 0 };
  const visit = (actor) => {
    census.actors += 1;
    if (actor instanceof Indicator) census.indicators += 1;
    actor.get_children().forEach(visit);
  };
  visit(global.stage);
  return census;
})()`;

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

for (const suite of selectedSuites()) {
  describe(`the extension in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name})`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', suite.name);
    let rootfs: string;
    let session: ShellSession;
    let home: TempDir;
    let service: RunningService | undefined;
    // Set once the session bus has started the service, which then runs until the session ends.
    let activated = false;
    const serviceLogs: string[] = [];

    const startService = async () => {
      service = spawnService(session.busAddress, homeEnv(home.path));
      await waitUntilReady(session.bus, service);
    };
    const stopService = async () => {
      if (!service) return;
      await service.stop();
      serviceLogs.push(service.log());
      service = undefined;
    };

    const evaluate = (code: string) => shellEval(session.bus, code);
    const waitForTitle = async (title: string) => {
      let shown: unknown;
      await waitFor(
        async () => (shown = await evaluate(TITLE)) === title,
        `the indicator to say "${title}"`,
        20_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; it says ${JSON.stringify(shown)}`);
      });
    };
    const waitForState = (state: number) =>
      waitFor(async () => (await extensionInfo(session.bus, UUID)).state === state, `extension state ${state}`);

    const openMenu = async () => {
      await evaluate(`${indicator}.menu.open(0)`);
      await waitFor(async () => (await evaluate(`${indicator}.menu.isOpen`)) === true, 'the menu to open');
    };
    const screenshotWithMenu = async (name: string) => {
      await openMenu();
      const labels = await evaluate(VISIBLE_MENU_LABELS);
      await session.screenshot(join(artifacts, name));
      // The top-right corner with the indicator and its menu, as the README shows it.
      await session.screenshot(join(artifacts, name.replace('.png', '-closeup.png')), CLOSEUP);
      await evaluate(`${indicator}.menu.close(0)`);
      return labels;
    };

    const shellLogProblems = () => shellLog(session.shellLogPath);

    beforeAll(async () => {
      if (cannotRunShell()) return;
      const since = Date.now();
      const opened = await openShellWithActivation(suite.name, artifacts, { watch: quietWatch() });
      ({ rootfs, session } = opened);
      home = await makeTempDir('steward-e2e-home-');
      await startService();
      process.stderr.write(
        `\n[e2e ${suite.name}] root filesystem ${opened.built ? 'built' : 'found'}; ` +
          `shell and service ready in ${seconds(since)}\n`,
      );
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      if (unmet) return;
      await stopService();
      if (activated) serviceLogs.push(`(started by the session bus)\n${await activatedServiceLog(session)}`);
      await writeFile(join(artifacts, 'service.log'), serviceLogs.join('\n--- restarted ---\n'));
      await session?.stop();
      await expectNoMountsLeft(rootfs);
      await home?.remove();
    }, TEARDOWN_TIMEOUT_MS);

    itInShell('is installed from its gnome-extensions pack bundle and runs without errors', async () => {
      expect(await shellVersion(session.bus)).toMatch(new RegExp(`^${suite.gnomeVersion}\\.`));
      const info = await extensionInfo(session.bus, UUID);
      expect(info.state).withContext('extension state').toBe(ExtensionState.ACTIVE);
      expect(info.error).toBe('');
      expect(info.path).toBe(`${TEST_USER.home}/.local/share/gnome-shell/extensions/${UUID}`);
      expect(await extensionErrors(session.bus, UUID)).toEqual([]);
      expect(await evaluate(SETTING)).toEqual(['<Super>space']);
      expect(await shellLogProblems()).toEqual([]);
    });

    itInShell('shows in the top bar that the service is idle', async () => {
      await waitForTitle(IDLE);
      const labels = await screenshotWithMenu('service-running-menu.png');
      expect(labels).toContain(IDLE);
      expect(labels).not.toContain('Start Steward');
      // The documentation index's line (GetStatus's docs-* keys), read when the menu opens.
      await openMenu();
      await waitFor(
        async () => (await new TestHook(session.bus).menuItems()).some((label) => /documentation/i.test(label)),
        'the documentation index in the menu',
      );
      await evaluate(`${indicator}.menu.close(0)`);
      await session.screenshot(join(artifacts, 'service-running.png'));
    });

    itInShell(
      'shows that the service is not running when it stops, and Start Steward has the session bus start it again',
      async () => {
        await waitForTitle(IDLE);
        await stopService();
        await waitForTitle(NOT_RUNNING);
        expect(await new TestHook(session.bus).indicatorIcon()).toBe('steward-offline-symbolic.svg');
        // What a screen reader says of the top bar: the indicator by its state.
        const a11y = await openAccessibilityBus(session.bus, session.tmpDir);
        const topBar = await a11y.tree(await a11y.application('gnome-shell'));
        a11y.close();
        expect(findAll(topBar, 'menu', NOT_RUNNING).length)
          .withContext('the indicator on screen')
          .toBe(1);
        const labels = await screenshotWithMenu('service-not-running-menu.png');
        expect(labels).toContain(NOT_RUNNING);
        expect(labels).toContain('Start Steward');

        await openMenu();
        await evaluate(ACTIVATE_START_ITEM);
        activated = true;
        await waitForTitle(IDLE);
        // The service that runs now is the one the bus started from the activation file, for the shell.
        const owner = await sessionOwnerOf(session, BUS_NAME);
        expect(owner.command).toEqual(ACTIVATED_COMMAND);
        const shell = await sessionOwnerOf(session, 'org.gnome.Shell');
        const activations = (await readFile(session.outputPath, 'utf8'))
          .split('\n')
          .filter((line) => line.includes(`Activating service name='${BUS_NAME}'`));
        expect(activations).toEqual([jasmine.stringContaining(` pid=${shell.sessionPid} comm="gnome-shell`)]);
        const started = await screenshotWithMenu('service-started.png');
        expect(started).toContain(IDLE);
        expect(started).not.toContain('Start Steward');
        expect(await shellLogProblems()).toEqual([]);
      },
    );

    itInShell(`leaves no actors or errors behind after ${TOGGLE_CYCLES} disable/enable cycles`, async () => {
      const cycle = async () => {
        await setExtensionEnabled(session.bus, UUID, false);
        await waitForState(ExtensionState.INACTIVE);
        await setExtensionEnabled(session.bus, UUID, true);
        await waitForState(ExtensionState.ACTIVE);
        await waitForTitle(IDLE);
      };
      // The closures PopupMenuBase.addMenuItem makes for each item live as long as their menu: a menu the shell
      // kept after disable() leaves a dozen more each cycle.
      const menuItemClosures = async (name: string) => {
        await evaluate(dumpHeapScript(`/tmp/${name}`));
        return (await countHeapKinds(join(dirname(session.shellLogPath), name))).get('Function addMenuItem/<') ?? 0;
      };
      await cycle();
      const before = await evaluate(CENSUS);
      const closuresBefore = await menuItemClosures('heap-before.txt');
      for (let i = 0; i < TOGGLE_CYCLES; i++) await cycle();

      expect(await evaluate(CENSUS)).toEqual(before);
      expect((await menuItemClosures('heap-after.txt')) - closuresBefore).toBeLessThan(TOGGLE_CYCLES);
      expect(before).toEqual(jasmine.objectContaining({ indicators: 1 }));
      expect((await extensionInfo(session.bus, UUID)).state).toBe(ExtensionState.ACTIVE);
      expect(await extensionErrors(session.bus, UUID)).toEqual([]);
      expect(await shellLogProblems()).toEqual([]);
    });
  });
}
