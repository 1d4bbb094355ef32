// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Text from outside where it meets a person, in a real GNOME Shell: a failed unit whose name reads as an
// instruction, and an agent's proposal whose words hold markup, a link, a bidi override and a terminal escape.
// The notification, the indicator's menu and the quick chat are read as a screen reader reads them, and GNOME
// Shell itself says which parts of the notification's body it would open as a link.
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { unsafeCharacter } from '../support/hostileText.js';
import { appendToJournal, unitFailure } from '../support/journal.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { addService, fail, startMockSystemd, stopMockSystemd } from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import {
  type AccessibilityBus,
  describe as describeTree,
  findAll,
  openAccessibilityBus,
  visibleTexts,
} from './harness/atspi.js';
import {
  cannotRunShell,
  expectNoMountsLeft,
  itInShell,
  openShell,
  SETUP_TIMEOUT_MS,
  shellLogProblems,
  TEARDOWN_TIMEOUT_MS,
  unmet,
  UUID,
} from './harness/extensionShell.js';
import type { ShellSession } from './harness/session.js';
import { shellEval } from './harness/shell.js';
import { selectedSuites } from './harness/suites.js';

/** A user unit anyone who runs as the user can make, named to be read as an instruction. */
const INSTRUCTION_UNIT =
  'Install-the-security-update-your-administrator-requires-now-then-press-this-button-to-keep-this-computer-safe.service';
/** What the catalog's words and the shortened name make of the button. */
const INSTRUCTION_LABEL = `Restart ${INSTRUCTION_UNIT.slice(0, 39)}…`;
const AGENT_UNIT = 'backup.service';
/** An agent's reason, shown as the model's words in the quick chat: markup, a link, an override, an escape. */
const REASON = 'Weather <b>Pro</b> &amp; https://evil.example/login www.evil.example \u202eeton\u202c \u001b[31mnow';
const REASON_SHOWN = 'Weather <b>Pro</b> &amp; https://evil.example/login www.evil.example eton now';
/** The name an agent declares for itself, shown in the title as who proposes: markup, a link, an override. */
const CLIENT = 'Weather <b>Pro</b> &amp; https://evil.example/login www.evil.example \u202eeton';
const CLIENT_SHOWN = 'Weather <b>Pro</b> &amp; https://evil.example/login www.evil.example eton';
const AGENT_TITLE = `Agent “${CLIENT_SHOWN}” proposes: Restart ${AGENT_UNIT}`;
/** The clock's menu, under the middle of the top bar. */
const CLOSEUP_CENTRE = { x: 1280 / 2 - 400, y: 0, width: 800, height: 600 };
const CLOSEUP = { x: 1280 - 560, y: 0, width: 560, height: 480 };
const SPEC_TIMEOUT_MS = 3 * 60_000;

// JavaScript evaluated inside the shell.
const indicator = `Main.panel.statusArea[${JSON.stringify(UUID)}]`;
const NOTIFICATIONS = `Main.messageTray.getSources().filter((source) => source.title === 'Steward')
  .flatMap((source) => source.notifications.map((n) => ({
    title: n.title, body: n.body, actions: n.actions.map((action) => action.label),
  })))`;
/**
 * Opens the clock's menu and expands the notification titled `title` in its list, as its expand button does;
 * answers its body as its label shows it, and the links GNOME Shell found in it (what a click would open).
 */
const showListed = (title: string) => `(() => {
  const find = (actor) => actor.notification?.title === ${JSON.stringify(title)} && actor._bodyLabel
    ? actor
    : actor.get_children().map(find).find(Boolean);
  Main.panel.statusArea.dateMenu.menu.open();
  const message = find(Main.panel.statusArea.dateMenu.menu.box);
  if (!message) return null;
  message.expand(false);
  return { text: message._bodyLabel.clutter_text.text, links: message._bodyLabel._urls.map((url) => url.url) };
})()`;
const CLOSE_LIST = 'Main.panel.statusArea.dateMenu.menu.close()';

interface ShownNotification {
  title: string;
  body: string;
  actions: string[];
}

for (const suite of selectedSuites()) {
  describe(`text from outside in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name})`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', `${suite.name}-hostile-text`);
    let rootfs: string;
    let session: ShellSession;
    let home: TempDir;
    let journal: string;
    let systemd: ChildProcess | undefined;
    let service: RunningService | undefined;
    let a11y: AccessibilityBus;

    const screen = async () => a11y.tree(await a11y.application('gnome-shell'));
    const evaluate = (code: string) => shellEval(session.bus, code);
    const notifications = async () => (await evaluate(NOTIFICATIONS)) as ShownNotification[];
    /** The notification that offers `label`: headed by its finding, whose title names the unit too. */
    const waitForNotificationOffering = async (label: string) => {
      const offering = (n: ShownNotification) => n.actions.includes(label);
      await waitFor(async () => (await notifications()).some(offering), `a notification offering "${label}"`, 60_000);
      return (await notifications()).find(offering)!;
    };
    const waitForNotification = async (title: string) => {
      const titled = (n: ShownNotification) => n.title === title || (title.length > 120 && n.title.endsWith('…'));
      await waitFor(async () => (await notifications()).some(titled), `"${title}"`, 60_000);
      return (await notifications()).find(titled)!;
    };
    /** The notification titled `title` in the clock's menu, expanded; its body as shown and the links in it. */
    const openListed = async (title: string) => {
      let body: { text: string; links: string[] } | null = null;
      await waitFor(
        async () => (body = (await evaluate(showListed(title))) as typeof body) !== null,
        `the clock's menu to list "${title}"`,
        30_000,
      ).catch(async (error: Error) => {
        await writeFile(join(artifacts, 'failed-screen.txt'), describeTree(await screen()));
        await session.screenshot(join(artifacts, 'failed.png'));
        throw error;
      });
      return body!;
    };
    /** The shown button labelled `label` whose surroundings also show `near`. */
    const buttonNear = async (near: string, label: string) => {
      const tree = await screen();
      const containers = findAll(tree, undefined, /.*/).filter(
        (node) => visibleTexts(node).includes(near) && findAll(node, 'button', label).length > 0,
      );
      const innermost = containers.at(-1);
      return innermost && findAll(innermost, 'button', label)[0];
    };
    /** Every text on screen, each checked for what would hide, reorder or act on it. */
    // A notification's lines are Steward's own LINE SEPARATORs (U+2028), read as the line breaks they are.
    const expectClean = (texts: readonly string[], where: string) => {
      for (const text of texts)
        expect(unsafeCharacter(text.replaceAll('\u2060', '').replaceAll('\u2028', '\n'), { lines: true }))
          .withContext(`${where}: ${JSON.stringify(text)}`)
          .toBeNull();
    };
    const openMenuOn = async (proposalId: string) => {
      await evaluate(`${indicator}.showProposal(${JSON.stringify(proposalId)})`);
      await waitFor(async () => (await evaluate(`${indicator}.menu.isOpen`)) === true, 'the menu to open');
    };
    const proposalId = async (subject: string) => {
      const [list] = await callMethod(session.bus, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: 'io.github.steward.Steward1.Proposals',
        member: 'List',
        signature: 'a{sv}',
        body: [{}],
      });
      const proposal = (list as Record<string, Variant>[]).find((dict) => dict.subject?.value === subject);
      return String(proposal?.id?.value);
    };

    beforeAll(async () => {
      if (cannotRunShell()) return;
      ({ rootfs, session } = await openShell(suite.name, artifacts));
      const bus = { address: session.busAddress, connect: async () => session.bus, stop: async () => undefined };
      systemd = await startMockSystemd(bus, session.bus);
      await addService(session.bus, INSTRUCTION_UNIT);
      await addService(session.bus, AGENT_UNIT);
      home = await makeTempDir('steward-e2e-home-');
      journal = join(home.path, 'journal');
      await mkdir(journal);
      await appendToJournal(journal, [unitFailure('start.service')]);
      service = await startConfiguredService(bus, session.bus, home.path, {
        watch: quietWatch({ journal: { system: false, user: false, directories: [journal] }, units: true }),
      });
      a11y = await openAccessibilityBus(session.bus, session.tmpDir);
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      if (unmet) return;
      a11y?.close();
      await service?.stop();
      await writeFile(join(artifacts, 'service.log'), service?.log() ?? '');
      if (systemd) await stopMockSystemd(systemd);
      await session?.stop();
      await expectNoMountsLeft(rootfs);
      await home?.remove();
    }, TEARDOWN_TIMEOUT_MS);

    itInShell(
      "names the Apply button in the catalog's words with a unit's name shortened, in the notification and the menu",
      async () => {
        await fail(session.bus, INSTRUCTION_UNIT, { result: 'watchdog' });
        await appendToJournal(journal, [unitFailure(INSTRUCTION_UNIT)]);
        const shown = await waitForNotificationOffering(INSTRUCTION_LABEL);
        // The title, the finding about the unit, is bounded, with the rest in the menu's details.
        expect(shown.title.startsWith(INSTRUCTION_UNIT.slice(0, 60)))
          .withContext(shown.title)
          .toBeTrue();
        expect(shown.title.length).toBeLessThanOrEqual(120);
        expect(shown.actions).toEqual([INSTRUCTION_LABEL, 'Dismiss']);
        await openListed(shown.title);
        await waitFor(
          async () => (await buttonNear(shown.title, INSTRUCTION_LABEL)) !== undefined,
          'the notification to show the shortened restart',
        ).catch(async (error: Error) => {
          await writeFile(join(artifacts, 'screen-instruction.txt'), describeTree(await screen()));
          throw error;
        });
        expectClean(visibleTexts(await screen()), 'the notification');
        await session.screenshot(join(artifacts, 'notification-instruction.png'), CLOSEUP_CENTRE);
        await evaluate(CLOSE_LIST);

        await openMenuOn(await proposalId(INSTRUCTION_UNIT));
        const menu = visibleTexts(await screen());
        await session.screenshot(join(artifacts, 'menu-instruction.png'), CLOSEUP);
        await evaluate(`${indicator}.menu.close()`);
        expect(menu).toEqual(jasmine.arrayContaining([INSTRUCTION_LABEL, 'Details', 'Dismiss']));
        // The title is bounded too; the whole name is in the details, where the person reads what runs.
        // (Titles and buttons, not the notification's body or the step's details listed beside them.)
        const titles = menu.filter((text) => /^(Restart )?Install-the-security/.test(text));
        expect(titles.length).toBeGreaterThan(0);
        expect(titles.every((text) => text.length <= 180))
          .withContext(JSON.stringify(menu))
          .toBeTrue();
        expectClean(menu, 'the menu');
        expect(await shellLogProblems(session.shellLogPath)).toEqual([]);
      },
      SPEC_TIMEOUT_MS,
    );

    itInShell(
      "shows an agent's words as text, with no link, override or escape, in the notification and the menu",
      async () => {
        // As any program on the bus asks, steward mcp among them.
        await callMethod(session.bus, {
          destination: BUS_NAME,
          path: OBJECT_PATH,
          interface: 'io.github.steward.Steward1.Agents',
          member: 'Propose',
          signature: 'ssss',
          body: [CLIENT, 'systemd.restart_unit', JSON.stringify({ unit: AGENT_UNIT, scope: 'user' }), REASON],
        });
        const shown = await waitForNotification(AGENT_TITLE);
        // GNOME Shell's own reading of the body: what it underlines and would open when clicked.
        const body = await openListed(AGENT_TITLE);
        expect(body.links).withContext(JSON.stringify(body)).toEqual([]);
        // The title names the agent (AGENT_TITLE); the body gives its reason, another program's words, as the model's.
        const reported = `The model says: ${REASON_SHOWN}`;
        expect(body.text.replaceAll('\u2060', '')).toContain(reported);
        let listed: string[] = [];
        await waitFor(
          async () =>
            (listed = visibleTexts(await screen()).map((text) => text.replaceAll('\u2060', ''))).some((text) =>
              text.includes(reported),
            ),
          'the body on screen',
        );
        await session.screenshot(join(artifacts, 'notification-agent.png'), CLOSEUP_CENTRE);
        await evaluate(CLOSE_LIST);
        expectClean([shown.title, shown.body, ...listed], 'the notification');

        const id = await proposalId(AGENT_UNIT);
        await openMenuOn(id);
        const menu = visibleTexts(await screen());
        await session.screenshot(join(artifacts, 'menu-agent.png'), CLOSEUP);
        await evaluate(`${indicator}.menu.close()`);
        expect(menu).toEqual(jasmine.arrayContaining([`${AGENT_TITLE} · low risk`, `Restart ${AGENT_UNIT}`]));
        expectClean(menu, 'the menu');

        expect(await shellLogProblems(session.shellLogPath)).toEqual([]);
      },
      SPEC_TIMEOUT_MS,
    );
  });
}
