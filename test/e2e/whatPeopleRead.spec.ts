// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What a person reads, in English, German and French, as a screen reader reads it (AT-SPI) from a real GNOME Shell
// 48: a notification is the finding in one sentence and at most three short lines, each its own line; no ISO time,
// no systemd or errno word, id, configuration key or JSON in a label; the service speaks the session's language; the
// Model page says what the menu says; the menu says each thing once; GNOME's writing conventions.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { BUS_NAME, OBJECT_PATH, waitFor } from '../support/service.js';
import {
  type AccessibilityBus,
  type AccessibleNode,
  findAll,
  flatten,
  openAccessibilityBus,
  visibleTexts,
} from './harness/atspi.js';
import {
  cannotRunShell,
  itInShell,
  openShell,
  pressKeys,
  SETUP_TIMEOUT_MS,
  TEARDOWN_TIMEOUT_MS,
  unmet,
} from './harness/extensionShell.js';
import { PrefsWindow } from './harness/prefsWindow.js';
import type { ShellSession } from './harness/session.js';
import { shellEval } from './harness/shell.js';
import {
  closeNotificationsBut,
  expandBanner,
  FAILED_UNIT,
  LANGUAGES,
  notificationsIn,
  type ShownNotification,
  startStewardScreens,
  type StewardScreens,
} from './harness/stewardScreens.js';
import { selectedSuites } from './harness/suites.js';
import { TestHook } from './harness/testHook.js';

const indicator = `Main.panel.statusArea['steward@steward.github.io']`;
/** The menu's labels and buttons on screen, in order, read from the widget tree as they are drawn. */
const MENU_TEXTS = `(() => {
  const texts = [];
  const visit = (actor) => {
    if (!actor.visible) return;
    const type = actor.constructor.$gtype?.name;
    if (type === 'StLabel' && actor.text) texts.push({ text: actor.text, heading: actor.get_parent()?.has_style_class_name?.('steward-menu-heading') ?? false });
    if (type === 'StButton' && actor.label) texts.push({ text: actor.label, button: true });
    actor.get_children().forEach(visit);
  };
  visit(${indicator}.menu.box);
  return texts;
})()`;

/** The line break GNOME Shell keeps in a notification's body (it makes a space of "\n"): Unicode's LINE SEPARATOR. */
const LINE_BREAK = '\u2028';
/** An ISO 8601 time as journald's JSON or toISOString writes it: never for people. */
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d/;
/** systemd's and errno's own words, which belong in Details. */
const SYSTEM_WORDS = /Failed with result|'exit-code'|\bexit-code\b|No space left on device|ENOSPC|code=exited/;
/** What is not for people in a label: a configuration key (voice.neuralModel), JSON, an id as a word. */
const RAW = [/\b[a-z]+\.[a-z]+[A-Z]\w*\b/, /[{[]\s*"\w+"\s*:/, /\bReported by chat\b/, /\bchat;/, /\bunit\b/i];
/** Common English words, which a German or French screen has only inside proper names. */
const ENGLISH =
  /\b(the|and|with|of|is|are|to|from|for|your|this|that|there|not|says|model says|failed|free|no|none|yet|log|service's|found|fixes|shortcut|voice)\b/i;
/** Headings, menu items and buttons in English, with header capitalisation as GNOME Shell 48 writes its own. */
const SMALL_WORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'but',
  'or',
  'for',
  'nor',
  'on',
  'at',
  'to',
  'from',
  'by',
  'of',
  'in',
  'with',
  'as',
]);
const headerCaps = (label: string) =>
  label
    .split(/\s+/)
    .every((word, index) => /^[^a-z]/.test(word) || (index > 0 && SMALL_WORDS.has(word)) || /[./@~]/.test(word));

/** The words of `text` that are no proper names: paths, addresses, file and unit names, versions, the model's name. */
const ordinaryWords = (text: string) =>
  text
    .split(/\s+/)
    .filter((word) => !/[./@:_0-9~+]|^(Steward|GNOME|NixOS|Qwen|CUDA|Vulkan|Super|Alt|Tab|API|URL)$/.test(word))
    .join(' ');

interface Read {
  notification: ShownNotification;
  /** The banner as a screen reader reads it: every text, and the body label's text with its line breaks. */
  banner: string[];
  bannerBody: string;
  /** What the proposal itself is called ("See why backup.service failed"), which the title is not. */
  proposalTitle: string;
  stateReason: string;
  menu: { text: string; heading?: boolean; button?: boolean }[];
  chat: string[];
  chatNotification: ShownNotification | undefined;
  pages: Record<'Model' | 'Safety' | 'Shortcut', { texts: string[]; tree: AccessibleNode }>;
  /** The Shortcut page's warning: its text column's width beside its row's. */
  warning?: { text: number; row: number };
}

// GNOME Shell 48's own strings are the conventions read here: the specs run where trixie is among the suites.
const languages = selectedSuites().some((suite) => suite.name === 'trixie') ? LANGUAGES : [];

for (const language of languages) {
  describe(`what a person reads in ${language.tag} (GNOME Shell 48, Debian trixie)`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', `trixie-reading-${language.tag}`);
    let session: ShellSession | undefined;
    let steward: StewardScreens | undefined;
    let a11y: AccessibilityBus | undefined;
    let read: Read;
    const english = language.tag === 'en';

    beforeAll(async () => {
      if (cannotRunShell()) return;
      await mkdir(artifacts, { recursive: true });
      ({ session } = await openShell('trixie', artifacts, undefined, language.locale));
      const shell = session;
      steward = await startStewardScreens(shell, language);
      a11y = await openAccessibilityBus(shell.bus, shell.tmpDir);
      const screen = async () => a11y!.tree(await a11y!.application('gnome-shell'));
      const hook = new TestHook(shell.bus);

      await steward.failUnit(FAILED_UNIT, { status: 3 });
      // The notification once its reading step's answer completes it: more than one line, however they are joined.
      let notification: ShownNotification | undefined;
      await waitFor(async () => {
        [notification] = await notificationsIn(shell);
        return notification !== undefined && /[\n\u2028]/.test(notification.body);
      }, 'the notification with what its step found');
      await expandBanner(shell, notification!.title);
      let banner: string[] = [];
      let bannerBody = '';
      // GNOME Shell shows a body's "\n" as a space.
      const shownBody = (body: string) => body.replaceAll('\n', ' ');
      await waitFor(async () => {
        [notification] = await notificationsIn(shell);
        const tree = await screen();
        banner = visibleTexts(tree);
        bannerBody = flatten(tree).find((node) => node.text === shownBody(notification!.body))?.text ?? '';
        return banner.includes(notification!.title) && bannerBody !== '';
      }, 'the banner on screen');
      await shell.screenshot(join(artifacts, 'notification.png'), { x: 340, y: 0, width: 600, height: 220 });

      const [status] = await callMethod(shell.bus, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: BUS_NAME,
        member: 'GetStatus',
      });
      const reason: unknown = (status as Record<string, Variant>)['state-reason']?.value;

      const [waiting] = await steward.proposals();
      await shellEval(shell.bus, `${indicator}.showProposal(${JSON.stringify(String(waiting!.id))})`);
      await waitFor(async () => (await shellEval(shell.bus, `${indicator}.menu.isOpen`)) === true, 'the menu');
      // The engine's line comes when the menu opens.
      await waitFor(
        async () =>
          ((await shellEval(shell.bus, MENU_TEXTS)) as Read['menu']).some((t) => t.text.includes('test-model')),
        "the menu's engine line",
      );
      const menu = (await shellEval(shell.bus, MENU_TEXTS)) as Read['menu'];
      await shell.screenshot(join(artifacts, 'menu.png'), { x: 720, y: 0, width: 560, height: 560 });
      await shellEval(shell.bus, `${indicator}.menu.close(0)`);

      await closeNotificationsBut(shell, '');
      await hook.openChat();
      await hook.newConversation();
      await hook.sendText(language.words.question);
      await waitFor(async () => (await hook.chat()).cards.length > 0, 'the answer and its proposal', 60_000);
      await waitFor(async () => !(await hook.chat()).answering, 'the answer to end', 60_000);
      const snapshot = await hook.chat();
      const chat = [
        ...snapshot.transcript,
        ...snapshot.cards.flatMap((card) => [...card.labels.map((label) => label.text), ...card.buttons]),
      ];
      await shell.screenshot(join(artifacts, 'quick-chat.png'));
      await shellEval(shell.bus, pressKeys('KEY_Escape'));
      // The chat's proposal is told too, bursts at least 20 s apart.
      let chatNotification: ShownNotification | undefined;
      await waitFor(
        async () =>
          (chatNotification = (await notificationsIn(shell)).find((n) => n.title !== notification!.title)) !==
          undefined,
        "the chat proposal's notification",
        60_000,
      ).catch(() => undefined);

      const prefs = await PrefsWindow.open(shell, artifacts);
      const pages = {} as Read['pages'];
      let warning: Read['warning'];
      try {
        const tabs = flatten(await prefs.read()).filter((node) => node.role === 'tab');
        for (const [index, page] of (['Model', 'Safety', 'Shortcut'] as const).entries()) {
          const tab = tabs[[0, 2, 3][index]!]!;
          if (index > 0) await prefs.clickTab(tab.name);
          const tree = await prefs.waitUntil(`page-${page}`, (now) => {
            if (page === 'Model' && !visibleTexts(now).some((text) => text.includes('test-model')))
              return 'the service row does not name the engine yet';
            // The fix rules come from the service's catalog; the line that counts the steps that only look with them.
            if (page === 'Safety' && !visibleTexts(now).some((text) => /^\d+ /.test(text)))
              return 'the fix rules are not read yet';
            return undefined;
          });
          pages[page] = { tree, texts: visibleTexts(tree) };
          await prefs.save(`page-${page}`, tree);
          if (page === 'Shortcut') {
            const says = (node: AccessibleNode) =>
              node.role === 'label' && /\+(Space|Leertaste|Espace)\b/.test(node.name);
            const conflict = flatten(tree).find((node) => node.role === 'list item' && flatten(node).some(says));
            const label = conflict && flatten(conflict).find(says);
            if (conflict && label)
              warning = { text: (await a11y.extents(label)).width, row: (await a11y.extents(conflict)).width };
          }
        }
      } finally {
        prefs.dispose();
      }
      read = {
        notification: notification!,
        banner,
        bannerBody,
        proposalTitle: typeof waiting?.title === 'string' ? waiting.title : '',
        stateReason: typeof reason === 'string' ? reason : '',
        menu,
        chat,
        chatNotification,
        pages,
        ...(warning && { warning }),
      };
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      if (unmet) return;
      a11y?.close();
      await steward?.stop();
      await session?.stop();
    }, TEARDOWN_TIMEOUT_MS);

    const everything = () => [
      ...read.banner,
      ...read.menu.map((item) => item.text),
      ...read.chat,
      ...Object.values(read.pages).flatMap((page) => page.texts),
    ];

    itInShell('tells the finding in one sentence, then at most three short lines, each its own line', async () => {
      const { notification, bannerBody } = read;
      // The finding ("backup.service failed (exit code 3)"), not the step's own name ("See why …").
      expect(notification.title)
        .withContext('the title is the finding')
        .toMatch(new RegExp(`^${FAILED_UNIT} `));
      expect(notification.title).not.toBe(read.proposalTitle);
      expect(bannerBody).not.toContain(read.proposalTitle);
      const lines = bannerBody.split(LINE_BREAK);
      expect(bannerBody).withContext('the body as the banner shows it').toBe(notification.body);
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines.length).toBeLessThanOrEqual(3);
      for (const line of lines) expect(line.length).withContext(line).toBeLessThanOrEqual(160);
      expect(bannerBody).not.toContain('\n');
      for (const text of read.banner) {
        expect(text).withContext('no ISO time on screen').not.toMatch(ISO_TIME);
        expect(text).withContext("systemd's words are for Details").not.toMatch(SYSTEM_WORDS);
      }
    });

    itInShell(
      'shows no id, configuration key or JSON in a label, and no own request as an unconfirmed report',
      async () => {
        for (const text of everything()) for (const raw of RAW) expect(text).withContext(text).not.toMatch(raw);
        expect(read.chatNotification).withContext("the chat proposal's notification").toBeDefined();
        expect(read.chatNotification?.body ?? '').not.toMatch(/chat;|Reported by|Gemeldet von|Signalé par/);
      },
    );

    itInShell("speaks the session's language in the service's strings too, numbers and sizes included", async () => {
      const texts = everything();
      if (english) {
        expect(texts.join('\n')).toContain('2.1 MB');
        return;
      }
      // Log lines shown in Details ("01:17:55 backup.service: Failed with result …") quote a program's own words.
      const lines = texts.flatMap((text) => text.split('\n')).filter((line) => !/^\d\d?:\d\d:\d\d /.test(line));
      for (const line of lines) expect(ordinaryWords(line)).withContext(line).not.toMatch(ENGLISH);
      // French writes "2,1 Mo", German "2,1 MB": the chat card's size and the recommended model's reason.
      expect(texts.join('\n')).toContain(language.tag === 'fr' ? '2,1\u00a0Mo' : '2,1 MB');
    });

    itInShell('reads on the Model page what the menu says: the remote engine and its key file', async () => {
      const engineLine = read.menu.find((item) => item.text.startsWith('test-model'))?.text ?? '';
      expect(engineLine).not.toBe('');
      const model = read.pages.Model.texts;
      expect(model.some((text) => text.includes(engineLine)))
        .withContext(`the service row says "${engineLine}" as the menu does: ${JSON.stringify(model)}`)
        .toBeTrue();
      expect(model.some((text) => text.includes(steward!.keyFile)))
        .withContext('the API key row says a key file is set')
        .toBeTrue();
      const installed = findAll(read.pages.Model.tree, undefined, /./).map((node) => node.name);
      expect(installed.join('\n'))
        .withContext('no "download one" with a remote engine')
        .not.toMatch(/download the recommended|laden Sie unten das empfohlene|téléchargez ci-dessous/);
    });

    itInShell(
      'says each thing once in the menu: a read-only step is not a proposed fix, no heading repeats its button',
      async () => {
        const texts = read.menu.map((item) => item.text);
        expect(texts).not.toContain(read.stateReason);
        const headings = read.menu.filter((item) => item.heading).map((item) => item.text);
        const buttons = new Set(read.menu.filter((item) => item.button).map((item) => item.text));
        expect(headings.length).toBeGreaterThan(0);
        for (const heading of headings) expect(buttons.has(heading)).withContext(heading).toBeFalse();
        // The backup's step only read its log: it is not under "Proposed Fixes".
        const fixes = { en: 'Proposed Fixes', de: 'Vorgeschlagene Korrekturen', fr: 'Correctifs proposés' }[
          language.tag
        ];
        expect(headings).not.toContain(fixes);
        expect(texts.filter((text) => text === read.notification.title).length)
          .withContext('the finding once')
          .toBe(1);
      },
    );

    itInShell("follows GNOME's writing conventions", async () => {
      const page = read.pages.Shortcut.texts.join('\n');
      const menuItems = read.menu.filter((item) => item.button || item.heading).map((item) => item.text);
      if (english) {
        const texts = read.menu.map((item) => item.text);
        expect(texts).toEqual(jasmine.arrayContaining(['Pause Steward', 'Open Chat', 'Preferences']));
        const buttons = read.pages.Model.tree;
        const prefsButtons = flatten(buttons).filter((node) => node.role === 'button' && node.name !== '');
        const labels = [...menuItems, ...read.notification.actions, ...prefsButtons.map((node) => node.name)];
        for (const label of labels) expect(headerCaps(label)).withContext(label).toBeTrue();
        expect(page).toContain('Super+Space');
        return;
      }
      // Keys by the names their keyboards give them, in the session's language.
      expect(page).toContain(language.tag === 'de' ? 'Super+Leertaste' : 'Super+Espace');
      expect(page).not.toMatch(/\+Space\b/);
      if (language.tag === 'fr') {
        // A narrow no-break space before : ; ? !, never an ordinary one (nor none after a word).
        for (const text of everything())
          expect(text)
            .withContext(text)
            .not.toMatch(/ [:;?!](\s|$)|[a-zé»)][;?!](\s|$)/);
      }
      if (language.tag === 'de') {
        // The warning beside its button gets most of its row, not a narrow column.
        expect(read.warning).withContext("the Shortcut page's warning").toBeDefined();
        expect(read.warning!.text / read.warning!.row).toBeGreaterThan(0.45);
      }
    });
  });
}
