// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The top-bar menu while the service is not there, as a screen reader reads it from GNOME Shell's accessible
// tree: installed alone, the extension says how to get the service; with the service stopped, how to start it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { waitFor } from '../support/service.js';
import { openShellWithActivation } from './harness/activation.js';
import { type AccessibleNode, describe as describeTree, openAccessibilityBus, visibleTexts } from './harness/atspi.js';
import {
  cannotRunShell,
  expectNoMountsLeft,
  itInShell,
  type OpenedShell,
  openShell,
  SETUP_TIMEOUT_MS,
  shellLogProblems,
  TEARDOWN_TIMEOUT_MS,
  UUID,
} from './harness/extensionShell.js';
import { ensureRootfs } from './harness/rootfs.js';
import { shellEval } from './harness/shell.js';
import { selectedSuites } from './harness/suites.js';

const SPEC_TIMEOUT_MS = 4 * 60_000;
const NOT_INSTALLED = 'Steward’s service is not installed';
const NOT_RUNNING = 'Steward service is not running';
/** The indicator and its open menu, in the top-right corner of the 1280×800 screen. */
const CLOSEUP = { x: 1280 - 560, y: 0, width: 560, height: 360 };

const indicator = `Main.panel.statusArea[${JSON.stringify(UUID)}]`;
/** A click on the visible menu item labelled `label` (PopupBaseMenuItem's ClickAction). */
const clickItem = (label: string) => `${indicator}.menu.box.get_children()
  .find((item) => item.visible && item.label?.text === ${JSON.stringify(label)})
  .activate(imports.gi.Clutter.get_current_event())`;
/** Reads the clipboard into a global, as its reading is asynchronous. */
const READ_CLIPBOARD = `(() => {
  const { St } = imports.gi;
  globalThis.stewardTestClipboard = null;
  St.Clipboard.get_default().get_text(St.ClipboardType.CLIPBOARD, (_clipboard, text) => {
    globalThis.stewardTestClipboard = text;
  });
})()`;

for (const suite of selectedSuites(process.env.STEWARD_E2E_SUITES ?? 'trixie,forky,sid')) {
  describe(`the top-bar menu without the service in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name})`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', suite.name, 'menu');
    let rootfs: string | undefined;

    beforeAll(async () => {
      if (cannotRunShell()) return;
      await ensureRootfs(suite.name);
    }, SETUP_TIMEOUT_MS);

    afterAll(() => expectNoMountsLeft(rootfs), TEARDOWN_TIMEOUT_MS);

    /**
     * Opens the menu once the indicator says `title`, and returns what the screen shows with it open, read
     * from the shell's accessible tree, after saving a screenshot, a close-up and the tree as `name`.
     */
    const openMenu = async (opened: OpenedShell, name: string, title: string): Promise<string[]> => {
      const { session } = opened;
      await waitFor(
        async () => (await shellEval(session.bus, `${indicator}?.accessible_name ?? null`)) === title,
        `the indicator to say "${title}"`,
      );
      await shellEval(session.bus, `${indicator}.menu.open(0)`);
      const a11y = await openAccessibilityBus(session.bus, session.tmpDir);
      try {
        let screen: AccessibleNode | undefined;
        // Preferences is the menu's last item, on screen only while the menu is open.
        await waitFor(async () => {
          screen = await a11y.tree(await a11y.application('gnome-shell'));
          return visibleTexts(screen).includes('Preferences');
        }, 'the open menu on the accessibility bus');
        await session.screenshot(join(artifacts, name, 'menu.png'));
        await session.screenshot(join(artifacts, name, 'menu-closeup.png'), CLOSEUP);
        await writeFile(join(artifacts, name, 'menu.txt'), describeTree(screen!));
        return visibleTexts(screen!);
      } finally {
        a11y.close();
      }
    };

    const inShell = async (
      name: string,
      open: (logDir: string) => Promise<OpenedShell>,
      check: (opened: OpenedShell) => Promise<void>,
    ) => {
      const opened = await open(join(artifacts, name));
      rootfs = opened.rootfs;
      try {
        await check(opened);
        expect(await shellLogProblems(opened.session.shellLogPath)).toEqual([]);
      } finally {
        await opened.session.stop();
      }
    };

    itInShell(
      'tells a person who has only the extension how to get the service, with the command for the distribution',
      () =>
        inShell(
          'not-installed',
          (logDir) => openShell(suite.name, logDir),
          async (opened) => {
            const texts = await openMenu(opened, 'not-installed', NOT_INSTALLED);
            const help = texts.find((text) => text.startsWith('On Debian GNU/Linux'));
            expect(help)
              .withContext(`the menu's texts ${JSON.stringify(texts)}`)
              .toMatch(
                /^On Debian GNU\/Linux .+, install what it builds with “sudo apt install git nodejs npm libglib2\.0-bin gettext”\. Then run “npm run install-user” in a copy of Steward’s source\.$/,
              );
            expect(texts.filter((text) => text.includes('not installed')))
              .withContext('the heading says it once')
              .toEqual([NOT_INSTALLED]);
            expect(texts).not.toContain('Start Steward');
            expect(texts).toContain('Preferences');

            // A menu's text cannot be selected: its item puts the command on the clipboard.
            expect(texts).toContain('Copy “sudo apt install …”');
            await shellEval(opened.session.bus, clickItem('Copy “sudo apt install …”'));
            await shellEval(opened.session.bus, READ_CLIPBOARD);
            let copied: unknown;
            await waitFor(
              async () =>
                (copied = await shellEval(opened.session.bus, 'globalThis.stewardTestClipboard ?? null')) !== null,
              'the clipboard to be read',
            );
            expect(copied).toBe('sudo apt install git nodejs npm libglib2.0-bin gettext');
          },
        ),
      SPEC_TIMEOUT_MS,
    );

    itInShell(
      'tells a person whose service is stopped how to start it',
      () =>
        inShell(
          'stopped',
          (logDir) => openShellWithActivation(suite.name, logDir, {}),
          async (opened) => {
            const texts = await openMenu(opened, 'stopped', NOT_RUNNING);
            expect(texts).toEqual(
              jasmine.arrayContaining([NOT_RUNNING, 'Start it here, or with “steward start”.', 'Start Steward']),
            );
            expect(texts.some((text) => /not installed|sudo |Copy/.test(text)))
              .withContext('no install help for an installed service')
              .toBeFalse();
          },
        ),
      SPEC_TIMEOUT_MS,
    );
  });
}
