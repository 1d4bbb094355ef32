// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run screenshots`: every screen Steward shows (the indicator in each state, its menu, a
// notification, the quick chat with an answer and a proposal, each page of the preferences) in
// English, German and French, rendered by a real GNOME Shell 48 and put on one contact sheet
// (test-results/screenshots/contact-sheet.png) that a reviewer takes in at a glance.
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { cannotRunShell, itInShell, openShell, pressKeys, SETUP_TIMEOUT_MS } from '../e2e/harness/extensionShell.js';
import { PrefsWindow } from '../e2e/harness/prefsWindow.js';
import { ensureRootfs } from '../e2e/harness/rootfs.js';
import { shellEval } from '../e2e/harness/shell.js';
import { TestHook } from '../e2e/harness/testHook.js';
import { appendToJournal, unitFailure } from '../support/journal.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { DISK_FULL_SCRIPT, scriptedReply } from '../support/replayModel.js';
import { quietWatch, type RunningService, startConfiguredService, waitFor } from '../support/service.js';
import { addService, fail, startMockSystemd, stopMockSystemd } from '../support/systemdMock.js';
import { makeTempDir } from '../support/tempDir.js';

const LANGUAGES = [
  { tag: 'en', locale: undefined },
  { tag: 'de', locale: 'de_DE.UTF-8' },
  { tag: 'fr', locale: 'fr_FR.UTF-8' },
] as const;

const UNIT_NAME = 'backup.service';
const TOP_RIGHT = { x: 1280 - 560, y: 0, width: 560, height: 480 };
const INDICATOR = { x: 1280 - 480, y: 0, width: 480, height: 120 };
const BANNER = { x: 1280 / 2 - 300, y: 0, width: 600, height: 200 };
const PAGES = ['Model', 'Watching', 'Safety', 'Shortcut'];

const artifacts = join(process.cwd(), 'test-results', 'screenshots');
const NOTIFIED = `Main.messageTray.getSources().some((source) => source.title === 'Steward' && source.notifications.length > 0)`;

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

  for (const { tag, locale } of LANGUAGES) {
    itInShell(
      `renders every screen in ${tag}`,
      async () => {
        const dir = join(artifacts, tag);
        await mkdir(dir, { recursive: true });
        const { session } = await openShell('trixie', join(dir, 'logs'), undefined, locale);
        const hook = new TestHook(session.bus);
        const home = await makeTempDir('steward-screenshots-');
        const files: string[] = [];
        const shoot = async (name: string, area?: typeof BANNER) => {
          const file = join(dir, `${tag}-${String(files.length + 1).padStart(2, '0')}-${name}.png`);
          await session.screenshot(file, area);
          files.push(file);
        };
        const iconIs = (file: string) => waitFor(async () => (await hook.indicatorIcon()) === file, `the ${file} icon`);
        let systemd: ChildProcess | undefined;
        let server: OpenAIServer | undefined;
        let service: RunningService | undefined;
        try {
          await iconIs('steward-offline-symbolic.svg');
          await shoot('not-running', INDICATOR);

          // The user's service manager (a stand-in on the session bus), a journal, and a scripted model.
          const bus = { address: session.busAddress, connect: async () => session.bus, stop: async () => undefined };
          systemd = await startMockSystemd(bus, session.bus);
          await addService(session.bus, UNIT_NAME);
          const journal = join(home.path, 'journal');
          await mkdir(journal);
          server = await startOpenAIServer({ reply: scriptedReply([DISK_FULL_SCRIPT]), apiKey: 'sk-screenshots' });
          const keyFile = join(home.path, 'config', 'steward', 'api-key');
          await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
          await writeFile(keyFile, 'sk-screenshots\n', { mode: 0o600 });
          const thumbnails = join(home.path, '.cache', 'thumbnails', 'large');
          await mkdir(thumbnails, { recursive: true });
          for (let n = 0; n < 8; n++) await writeFile(join(thumbnails, `${n}.png`), Buffer.alloc(256 * 1024, n));
          service = await startConfiguredService(bus, session.bus, home.path, {
            watch: quietWatch({ journal: { system: false, user: false, directories: [journal] }, units: true }),
            inference: { engine: 'remote', remote: { url: server.url, model: 'test-model', apiKeyFile: keyFile } },
          });
          await iconIs('steward-symbolic.svg');
          await shoot('idle', INDICATOR);

          await fail(session.bus, UNIT_NAME, { status: 3 });
          await appendToJournal(journal, [unitFailure(UNIT_NAME)]);
          await waitFor(async () => (await shellEval(session.bus, NOTIFIED)) === true, 'the notification');
          await shellEval(session.bus, 'Main.messageTray._banner?.expand(false)');
          await shoot('notification', BANNER);
          await iconIs('steward-attention-symbolic.svg');
          await shellEval(session.bus, `Main.panel.statusArea['steward@steward.github.io'].menu.open(0)`);
          await shoot('menu', TOP_RIGHT);
          await shellEval(session.bus, `Main.panel.statusArea['steward@steward.github.io'].menu.close(0)`);

          await hook.openChat();
          await hook.newConversation();
          await hook.sendText(DISK_FULL_SCRIPT.question);
          await waitFor(async () => (await hook.chat()).cards.length > 0, 'the answer and its proposal');
          await waitFor(async () => !(await hook.chat()).answering, 'the answer to end');
          await shoot('quick-chat');
          await shellEval(session.bus, pressKeys('KEY_Escape'));
          await waitFor(async () => !(await hook.chat()).open, 'the quick chat to close');

          const prefs = await PrefsWindow.open(session, join(dir, 'logs'));
          try {
            for (const [index, page] of PAGES.entries()) {
              if (index > 0) await prefs.clickTab(await translatedTab(prefs, index));
              await prefs.waitUntil(`page-${page}`, (tree) =>
                PrefsWindow.selectedTab(tree) === undefined ? 'no tab selected' : undefined,
              );
              await shoot(`preferences-${page.toLowerCase()}`);
            }
          } finally {
            prefs.dispose();
          }
          sheets.push({ tag, files });
        } finally {
          await service?.stop();
          await server?.close();
          if (systemd) await stopMockSystemd(systemd);
          await session.stop();
          await home.remove();
        }
        expect(files.length).toBe(9);
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
