// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run screenshots`: every screen Steward shows (the indicator in each state, a notification and the read-only
// step it tells waiting in the menu, the quick chat with an answer and a proposal's card, the Undo and Keep
// notifications, each page of the preferences) in English, German and French, the service started in the session's
// language, rendered by a real GNOME Shell 48 and put on one contact sheet (test-results/screenshots/contact-sheet.png)
// that a reviewer takes in at a glance.
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { visibleTexts } from '../e2e/harness/atspi.js';
import { cannotRunShell, itInShell, openShell, pressKeys, SETUP_TIMEOUT_MS } from '../e2e/harness/extensionShell.js';
import { PrefsWindow } from '../e2e/harness/prefsWindow.js';
import { ensureRootfs } from '../e2e/harness/rootfs.js';
import { shellEval } from '../e2e/harness/shell.js';
import {
  closeNotificationsBut,
  expandBanner,
  FAILED_UNIT,
  LANGUAGES,
  notificationsIn,
  NOTIFIED,
  RESTARTED_UNIT,
  startStewardScreens,
  type StewardScreens,
} from '../e2e/harness/stewardScreens.js';
import { TestHook } from '../e2e/harness/testHook.js';
import { waitFor } from '../support/service.js';

const TOP_RIGHT = { x: 1280 - 560, y: 0, width: 560, height: 560 };
const INDICATOR = { x: 1280 - 480, y: 0, width: 480, height: 120 };
const BANNER = { x: 1280 / 2 - 300, y: 0, width: 600, height: 220 };
const PAGES = ['Model', 'Watching', 'Safety', 'Shortcut'];
const SCREENS = 11;

const artifacts = join(process.cwd(), 'test-results', 'screenshots');
const indicator = `Main.panel.statusArea['steward@steward.github.io']`;

describe('the contact sheet of every screen', () => {
  const sheets: { tag: string; files: string[] }[] = [];

  beforeAll(async () => {
    if (cannotRunShell()) return;
    await rm(artifacts, { recursive: true, force: true });
    await ensureRootfs('trixie');
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (sheets.length === 0) return;
    // One row per language, each screen scaled into the same box, named under it.
    // In the order of LANGUAGES, whatever order the specs ran in.
    const order = LANGUAGES.map((language) => language.tag as string);
    sheets.sort((a, b) => order.indexOf(a.tag) - order.indexOf(b.tag));
    const files = sheets.flatMap((sheet) => sheet.files);
    const montage = promisify(execFile)('montage', [
      ...['-label', '%t', '-font', 'DejaVu-Sans', '-pointsize', '14'],
      ...files,
      ...['-tile', `${Math.max(...sheets.map((sheet) => sheet.files.length))}x${sheets.length}`],
      ...['-geometry', '360x225+10+10', '-background', '#f6f5f4'],
      join(artifacts, 'contact-sheet.png'),
    ]);
    await montage.catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      throw new Error(
        `the screens are in ${artifacts}; ImageMagick's montage puts them on one sheet (apt-get install imagemagick)`,
      );
    });
    process.stderr.write(`\ncontact sheet: ${join(artifacts, 'contact-sheet.png')} (${files.length} screens)\n`);
  }, SETUP_TIMEOUT_MS);

  for (const language of LANGUAGES) {
    const { tag, locale } = language;
    itInShell(
      `renders every screen in ${tag}`,
      async () => {
        const dir = join(artifacts, tag);
        await mkdir(dir, { recursive: true });
        const { session } = await openShell('trixie', join(dir, 'logs'), undefined, locale);
        const hook = new TestHook(session.bus);
        const files: string[] = [];
        const shoot = async (name: string, area?: typeof BANNER) => {
          const file = join(dir, `${tag}-${String(files.length + 1).padStart(2, '0')}-${name}.png`);
          await session.screenshot(file, area);
          files.push(file);
        };
        const iconIs = (file: string) => waitFor(async () => (await hook.indicatorIcon()) === file, `the ${file} icon`);
        let steward: StewardScreens | undefined;
        try {
          await iconIs('steward-offline-symbolic.svg');
          await shoot('not-running', INDICATOR);

          steward = await startStewardScreens(session, language);
          await iconIs('steward-symbolic.svg');
          await shoot('idle', INDICATOR);

          // A failed backup whose first step only reads its log: the notification, then the step waiting in the menu.
          await steward.failUnit(FAILED_UNIT, { status: 3 });
          await waitFor(async () => (await shellEval(session.bus, NOTIFIED)) === true, 'the notification');
          const [told] = await notificationsIn(session);
          await expandBanner(session, told!.title);
          await shoot('notification', BANNER);
          await iconIs('steward-attention-symbolic.svg');
          const [waiting] = await steward.proposals();
          await shellEval(session.bus, `${indicator}.showProposal(${JSON.stringify(String(waiting!.id))})`);
          // The engine's line, as the menu reads it once open.
          await waitFor(async () => (await hook.menuItems()).some((item) => item.includes('test-model')), 'the engine');
          await shoot('menu-read-only-step', TOP_RIGHT);
          await shellEval(session.bus, `${indicator}.menu.close(0)`);

          await hook.openChat();
          await hook.newConversation();
          await hook.sendText(language.words.question);
          await waitFor(async () => (await hook.chat()).cards.length > 0, 'the answer and its proposal');
          await waitFor(async () => !(await hook.chat()).answering, 'the answer to end');
          await shoot('quick-chat');
          await shellEval(session.bus, pressKeys('KEY_Escape'));
          await waitFor(async () => !(await hook.chat()).open, 'the quick chat to close');

          // A service that stopped answering its watchdog, whose restart is offered: applied, its result offers Undo.
          await steward.failUnit(RESTARTED_UNIT, { result: 'watchdog' });
          let restart: { id: string; action: string } | undefined;
          await waitFor(async () => {
            const proposal = (await steward!.proposals()).find((p) => p.subject === RESTARTED_UNIT);
            const actions = (proposal?.actions ?? []) as Record<string, { value: unknown }>[];
            const action = actions.find((a) => a.name?.value === 'systemd.restart_unit');
            restart = proposal && action ? { id: String(proposal.id), action: 'systemd.restart_unit' } : undefined;
            return restart !== undefined;
          }, 'the restart to be proposed');
          await closeNotificationsBut(session, '');
          await steward.apply(restart!.id, restart!.action);
          await waitFor(async () => (await notificationsIn(session)).some((n) => n.actions.length > 0), 'the result');
          const [fixed] = (await notificationsIn(session)).filter((n) => n.actions.length > 0);
          await closeNotificationsBut(session, fixed!.title);
          await expandBanner(session, fixed!.title);
          await shoot('undo-notification', BANNER);

          // A NixOS switch waits to be kept: a STAND-IN job (NixOS cannot run here), told as JobFinished tells it.
          await closeNotificationsBut(session, '');
          await hook.tellJobFinished({
            id: '990',
            'proposal-id': '',
            state: 'fixed',
            summary: 'Add blender to environment.systemPackages in /etc/nixos/configuration.nix',
            'can-undo': true,
            action: 'nixos.add_package',
          });
          await waitFor(async () => (await notificationsIn(session)).length > 0, 'the Keep notification');
          const [keep] = await notificationsIn(session);
          await expandBanner(session, keep!.title);
          await shoot('keep-notification-stand-in', BANNER);
          await closeNotificationsBut(session, '');

          const prefs = await PrefsWindow.open(session, join(dir, 'logs'));
          try {
            for (const [index, page] of PAGES.entries()) {
              if (index > 0) await prefs.clickTab(await translatedTab(prefs, index));
              await prefs.waitUntil(`page-${page}`, (tree) => {
                if (PrefsWindow.selectedTab(tree) === undefined) return 'no tab selected';
                // The fix rules come from the service's catalog, with the line that counts the steps that only look.
                if (page === 'Safety' && !visibleTexts(tree).some((text) => /^\d+ /.test(text)))
                  return 'the fix rules are not read yet';
                return undefined;
              });
              await shoot(`preferences-${page.toLowerCase()}`);
            }
          } finally {
            prefs.dispose();
          }
          sheets.push({ tag, files });
        } finally {
          await steward?.stop();
          await session.stop();
        }
        expect(files.length).toBe(SCREENS);
      },
      10 * 60_000,
    );
  }
});

/** The name of the preferences' `index`th tab, in whatever language the window speaks. */
async function translatedTab(prefs: PrefsWindow, index: number): Promise<string> {
  const tree = await prefs.read();
  const tabs: string[] = [];
  const visit = (node: typeof tree) => {
    if (node.role === 'tab') tabs.push(node.name);
    node.children.forEach(visit);
  };
  visit(tree);
  const name = tabs[index];
  if (!name) throw new Error(`the window shows ${tabs.length} tabs, not ${index + 1}`);
  return name;
}
