// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ChildProcess } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { RESOLVE_GRACE_MS } from '../../service/src/fixes/proposer.js';
import { appendToJournal, unitFailure } from '../support/journal.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import {
  addProperties,
  addService,
  fail,
  SERVICE,
  startMockSystemd,
  stopMockSystemd,
  UNIT,
  update,
} from '../support/systemdMock.js';
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
  shellLogProblems as shellLog,
  TEARDOWN_TIMEOUT_MS,
  unmet,
  UUID,
} from './harness/extensionShell.js';
import type { ShellSession } from './harness/session.js';
import { shellEval } from './harness/shell.js';
import { closeNotificationsBut } from './harness/stewardScreens.js';
import { selectedSuites } from './harness/suites.js';
import { TestHook } from './harness/testHook.js';

const UNIT_NAME = 'backup.service';
/** A unit that fails with a bare exit status: its restart waits for a repair. */
const REPAIRED_UNIT = 'mirror.service';
/** The button of the restart Steward offers: it names the change. */
const RESTART = `Restart ${UNIT_NAME}`;
const ATTENTION = '1 problem needs your attention';
const IDLE = 'Steward is idle';
const BANNER = { x: 1280 / 2 - 300, y: 0, width: 600, height: 200 };
const CLOSEUP = { x: 1280 - 560, y: 0, width: 560, height: 480 };

const SPEC_TIMEOUT_MS = 3 * 60_000;

// JavaScript evaluated inside the shell.
const indicator = `Main.panel.statusArea[${JSON.stringify(UUID)}]`;
const NOTIFICATIONS = `Main.messageTray.getSources().filter((source) => source.title === 'Steward')
  .flatMap((source) => source.notifications.map((n) => ({
    title: n.title, body: n.body, urgency: n.urgency, actions: n.actions.map((action) => action.label),
  })))`;
const MENU_TEXTS = `(() => {
  const texts = [];
  const visit = (actor) => {
    if (!actor.visible) return;
    const type = actor.constructor.$gtype?.name;
    if (type === 'StLabel' && actor.text) texts.push(actor.text);
    if (type === 'StButton' && actor.label) texts.push(actor.label);
    actor.get_children().forEach(visit);
  };
  visit(${indicator}.menu.box);
  return texts;
})()`;

/** JavaScript for the shell: what pressing the notification's button labelled `label` does. */
const activate = (title: string, label: string) => `(() => {
  const notification = Main.messageTray.getSources()
    .filter((source) => source.title === 'Steward')
    .flatMap((source) => source.notifications)
    .find((n) => n.title === ${JSON.stringify(title)});
  notification.actions.find((action) => action.label === ${JSON.stringify(label)}).activate();
  return true;
})()`;

interface ShownNotification {
  title: string;
  body: string;
  urgency: number;
  actions: string[];
}

for (const suite of selectedSuites()) {
  describe(`notifications and the indicator menu in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name})`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', `${suite.name}-notifications`);
    let rootfs: string;
    let session: ShellSession;
    let home: TempDir;
    let journal: string;
    let systemd: ChildProcess | undefined;
    let service: RunningService | undefined;
    let a11y: AccessibilityBus;

    /** What GNOME Shell shows now, as its accessible tree (what a screen reader reads). */
    const screen = async () => a11y.tree(await a11y.application('gnome-shell'));
    /** The shown button labelled `label` whose surroundings also show `near` (a notification's title). */
    const buttonNear = async (near: string, label: string) => {
      const tree = await screen();
      const containers = findAll(tree, undefined, /.*/).filter(
        (node) => visibleTexts(node).includes(near) && findAll(node, 'button', label).length > 0,
      );
      const innermost = containers.at(-1);
      // St's widgets tell AT-SPI whether they are showing, not whether they are sensitive.
      return innermost && findAll(innermost, 'button', label)[0];
    };

    const evaluate = (code: string) => shellEval(session.bus, code);
    /** Expands the banner, as under the pointer, once it is `title`'s: banners come one at a time. */
    const expandBannerOf = async (title: string) => {
      await waitFor(
        async () => (await evaluate('Main.messageTray._notification?.title ?? null')) === title,
        `the banner "${title}"`,
        30_000,
      );
      await evaluate('Main.messageTray._banner?.expand(false)');
    };
    const notifications = async () => (await evaluate(NOTIFICATIONS)) as ShownNotification[];
    /** Waits until the top bar shows the indicator named `title`, as a screen reader reads it. */
    const waitForTitle = (title: string, timeoutMs = 30_000) =>
      waitFor(
        async () => findAll(await screen(), 'menu', title).length > 0,
        `the indicator to say "${title}"`,
        timeoutMs,
      );
    const waitForNotification = async (matches: (n: ShownNotification) => boolean, what: string) => {
      await waitFor(async () => (await notifications()).some(matches), what, 30_000);
      return (await notifications()).find(matches)!;
    };
    const proposals = async (member: 'List' | 'ListJobs') => {
      const [list] = await callMethod(session.bus, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: 'io.github.steward.Steward1.Proposals',
        member,
        signature: 'a{sv}',
        body: [{}],
      });
      return (list as Record<string, Variant>[]).map((dict) =>
        Object.fromEntries(Object.entries(dict).map(([key, value]) => [key, value.value])),
      );
    };
    const unitState = async () => {
      const [state] = await callMethod(session.bus, {
        destination: 'org.freedesktop.systemd1',
        path: `/org/freedesktop/systemd1/unit/${UNIT_NAME.replace(/[.-]/g, '_')}`,
        interface: 'org.freedesktop.DBus.Properties',
        member: 'Get',
        signature: 'ss',
        body: [UNIT, 'ActiveState'],
      });
      return (state as Variant<string>).value;
    };
    const shellLogProblems = () => shellLog(session.shellLogPath);

    beforeAll(async () => {
      if (cannotRunShell()) return;
      ({ rootfs, session } = await openShell(suite.name, artifacts));
      // The user's service manager, mocked on the shell's session bus before the service probes it.
      const bus = { address: session.busAddress, connect: async () => session.bus, stop: async () => undefined };
      systemd = await startMockSystemd(bus, session.bus);
      await addService(session.bus, UNIT_NAME);
      await addService(session.bus, REPAIRED_UNIT);
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
      'shows the restart a repair allowed in a new notification and in the menu, without being asked',
      async () => {
        // The unit as systemd describes it: its file, what it runs, nothing it requires, when it failed.
        const fragment = join(home.path, REPAIRED_UNIT);
        await writeFile(fragment, '[Service]\nExecStart=/usr/bin/true\n');
        await addProperties(session.bus, REPAIRED_UNIT, UNIT, {
          FragmentPath: new Variant('s', fragment),
          DropInPaths: new Variant('as', []),
          Requires: new Variant('as', []),
          Wants: new Variant('as', []),
          InactiveEnterTimestamp: new Variant('t', BigInt(Date.now() + 1) * 1000n),
        });
        await addProperties(session.bus, REPAIRED_UNIT, SERVICE, {
          ExecStart: new Variant('a(sasbttttuii)', [['/usr/bin/true', ['/usr/bin/true'], false, 0, 0, 0, 0, 0, 0, 0]]),
        });
        await fail(session.bus, REPAIRED_UNIT, { status: 1 });
        await appendToJournal(journal, [unitFailure(REPAIRED_UNIT)]);
        // Headed by the finding, as its place in the menu is; its first step only reads, so it offers Details.
        const restart = `Restart ${REPAIRED_UNIT}`;
        const { title: held } = await waitForNotification(
          (n) => n.title.startsWith(`${REPAIRED_UNIT} failed`),
          `a notification "${REPAIRED_UNIT} failed…"`,
        );
        // A banner the spec before left (its undo's "Undone: …" can come after its clean-up) would be on screen
        // first: only this spec's notification stays.
        await closeNotificationsBut(session, held);
        // Expanded while it is on screen; its body follows what the proposal's reading steps found.
        await expandBannerOf(held);
        await waitFor(
          async () => (await buttonNear(held, 'Details')) !== undefined,
          'the banner to show Details',
        ).catch(async (error: Error) => {
          await writeFile(join(artifacts, 'screen-held.txt'), describeTree(await screen()));
          await session.screenshot(join(artifacts, 'screen-held.png'));
          throw error;
        });
        // Its steps only read: they ran as it was shown, and their answer is in the notification, not behind a button.
        const answered = async () => {
          const [waiting] = (await proposals('List')).filter((p) => p.subject === REPAIRED_UNIT);
          const steps = (waiting?.actions ?? []) as Record<string, Variant>[];
          return steps
            .map((step): unknown => step.answer?.value)
            .find((value): value is string => typeof value === 'string' && value !== '');
        };
        let answer: string | undefined;
        await waitFor(async () => (answer = await answered()) !== undefined, 'the reading step to answer', 30_000);
        // Its first line says what the log shows, in plain words; the line itself, with systemd's term, is for Details.
        const firstLine = answer!.split('\n')[0]!;
        expect(firstLine).toMatch(/says its program ended with an error\.$/);
        expect(answer).toContain("Failed with result 'exit-code'");
        const heldNotification = await waitForNotification(
          (n) => n.title === held && n.body.includes(firstLine),
          `the notification "${held}" to show what its step found`,
        );
        expect(heldNotification.actions).toEqual(['Details', 'Dismiss']);
        await waitFor(
          async () =>
            visibleTexts(await screen())
              .join('\n')
              .includes(firstLine),
          'the answer on screen, in the banner',
        ).catch(async (error: Error) => {
          await writeFile(join(artifacts, 'screen-reading-steps.txt'), describeTree(await screen()));
          throw error;
        });
        expect(await buttonNear(held, 'Apply'))
          .withContext('no Apply for a proposal that changes nothing')
          .toBeUndefined();
        await session.screenshot(join(artifacts, 'notification-reading-steps.png'), BANNER);
        const [heldProposal] = (await proposals('List')).filter((p) => p.subject === REPAIRED_UNIT);
        await evaluate(`${indicator}.showProposal(${JSON.stringify(String(heldProposal!.id))})`);
        await waitFor(async () => (await evaluate(`${indicator}.menu.isOpen`)) === true, 'the menu to open');
        const detailsOnScreen = visibleTexts(await screen());
        await session.screenshot(join(artifacts, 'menu-reading-steps.png'), CLOSEUP);
        await evaluate(`${indicator}.menu.close()`);
        expect(detailsOnScreen.join('\n')).withContext("the menu's details on screen").toContain(firstLine);
        expect(detailsOnScreen.join('\n'))
          .withContext("systemd's words in Details")
          .toContain("Failed with result 'exit-code'");
        // It changes nothing: no risk to name beside its title, and it is no proposed fix.
        expect(detailsOnScreen).toEqual(jasmine.arrayContaining([held, 'What Steward Found', 'Details', 'Dismiss']));
        expect(detailsOnScreen).not.toContain(`${held} · low risk`);
        expect(detailsOnScreen).not.toContain('Proposed Fixes');
        expect(detailsOnScreen).not.toContain('Apply');
        const menuTexts = async (screenshot?: string) => {
          await evaluate(`${indicator}.menu.open()`);
          await waitFor(async () => (await evaluate(`${indicator}.menu.isOpen`)) === true, 'the menu to open');
          const texts = (await evaluate(MENU_TEXTS)) as string[];
          const onScreen = visibleTexts(await screen());
          if (screenshot) await session.screenshot(join(artifacts, screenshot));
          await evaluate(`${indicator}.menu.close()`);
          return { texts, onScreen };
        };
        const before = await menuTexts();
        expect(before.texts).toContain(held);
        expect(before.texts).not.toContain(`${held} · low risk`);

        // The user's repair, as an editor saves it; nothing reads the proposal again.
        await writeFile(`${fragment}.new`, '[Service]\nExecStart=/usr/bin/true --repaired\n');
        await rename(`${fragment}.new`, fragment);
        // Notifications are at least 20 s apart: the repaired proposal's may wait that long.
        const offersRestart = (n: ShownNotification) => n.actions.includes(restart);
        const told = await waitFor(
          async () => (await notifications()).some(offersRestart),
          `a notification offering "${restart}"`,
          60_000,
        ).then(async () => (await notifications()).find(offersRestart)!);
        // The finding, then short lines: what the repair allowed, what its reading step found, each its own line.
        expect(told.title).toBe(held);
        const lines = told.body.split('\u2028');
        expect(lines.length).toBeLessThanOrEqual(3);
        expect(lines).toContain(firstLine);
        expect(told.body).not.toContain('\n');
        const [redrafted] = (await proposals('List')).filter((p) => p.subject === REPAIRED_UNIT);
        expect(String(redrafted?.explanation)).toContain(`${fragment} changed`);
        // The button names the change the second step makes.
        expect(told.actions).toEqual([restart, 'Dismiss']);
        const after = await menuTexts('menu-repaired-proposal.png');
        expect(after.texts).toContain(`${held} · low risk`);
        expect(after.texts).toEqual(jasmine.arrayContaining(['Proposed Fixes', restart, 'Details', 'Dismiss']));
        expect(after.texts).not.toContain('Apply');
        expect(after.onScreen).withContext('the menu on screen').toContain(`${held} · low risk`);

        // Leave the shell as the other spec expects it: the unit recovers (its finding resolves), no notification.
        await update(session.bus, REPAIRED_UNIT, UNIT, { ActiveState: new Variant('s', 'active') });
        await evaluate(
          "Main.messageTray.getSources().filter((source) => source.title === 'Steward').forEach((source) => source.destroy())",
        );
        // The proposal waits RESOLVE_GRACE_MS for its finding to come back before it is withdrawn and Steward is idle.
        await waitForTitle(IDLE, RESOLVE_GRACE_MS + 30_000);
        expect(await shellLogProblems()).toEqual([]);
      },
      SPEC_TIMEOUT_MS,
    );

    itInShell(
      'raises a notification for a failed unit whose Apply runs the fix, and the indicator follows',
      async () => {
        await waitForTitle(IDLE);
        expect(await new TestHook(session.bus).indicatorIcon()).toBe('steward-symbolic.svg');
        expect(await notifications()).toEqual([]);

        await fail(session.bus, UNIT_NAME, { result: 'watchdog' });
        await appendToJournal(journal, [unitFailure(UNIT_NAME)]);

        // Headed by the finding ("backup.service failed (…)"), not by the button's words.
        const shown = await waitForNotification(
          (n) => n.actions.includes(RESTART),
          `a notification offering "${RESTART}"`,
        );
        const FINDING_TITLE = shown.title;
        expect(FINDING_TITLE).toMatch(new RegExp(`^${UNIT_NAME} failed`));
        // Expanded, as under the pointer, the banner shows its buttons.
        await expandBannerOf(FINDING_TITLE);
        // Headed by the finding; the button is named by the change: "Restart backup.service".
        let apply = await buttonNear(FINDING_TITLE, RESTART);
        await waitFor(
          async () => (apply = await buttonNear(FINDING_TITLE, RESTART)) !== undefined,
          'the banner to show the restart',
        ).catch(async (error: Error) => {
          await writeFile(join(artifacts, 'screen-banner.txt'), describeTree(await screen()));
          throw error;
        });
        // What the screen shows of it: its title, its body (its lines apart, as LINE SEPARATORs) and both buttons. The
        // body grows as the reading steps answer: the screen is read once it shows the body as it stands.
        let banner: string[] = [];
        await waitFor(async () => {
          const [current] = (await notifications()).filter((n) => n.title === FINDING_TITLE);
          banner = visibleTexts(await screen());
          return current !== undefined && banner.includes(current.body);
        }, 'the banner to show the notification as it stands');
        await session.screenshot(join(artifacts, 'notification-proposal.png'));
        await session.screenshot(join(artifacts, 'notification-proposal-closeup.png'), BANNER);
        expect(shown.actions).toEqual([RESTART, 'Dismiss']);
        expect(shown.body).not.toBe('');
        expect(banner).withContext('the banner on screen').toContain(FINDING_TITLE);
        expect(await buttonNear(FINDING_TITLE, 'Dismiss'))
          .withContext('the banner shows Dismiss')
          .toBeDefined();
        // The finding behind the proposal does not raise a notification of its own.
        expect((await notifications()).length).toBe(1);

        await waitForTitle(ATTENTION);
        expect(await new TestHook(session.bus).indicatorIcon()).toBe('steward-attention-symbolic.svg');
        await evaluate(`${indicator}.menu.open()`);
        await waitFor(async () => (await evaluate(`${indicator}.menu.isOpen`)) === true, 'the menu to open');
        const texts = (await evaluate(MENU_TEXTS)) as string[];
        const menuOnScreen = visibleTexts(await screen());
        await session.screenshot(join(artifacts, 'menu-pending-proposal.png'));
        await session.screenshot(join(artifacts, 'menu-pending-proposal-closeup.png'), CLOSEUP);
        await evaluate(`${indicator}.menu.close()`);
        expect(texts).toContain(ATTENTION);
        expect(texts).toContain(`${FINDING_TITLE} · low risk`);
        expect(texts).toEqual(jasmine.arrayContaining([RESTART, 'Details', 'Dismiss', 'Pause Steward', 'Preferences']));
        expect(texts).not.toContain('Apply');
        expect(texts).not.toContain('Start Steward');
        expect(texts).withContext('no model is loaded, so nothing to unload').not.toContain('Unload Model');
        // The finding once: under its proposal, not again among the findings.
        expect(texts.filter((text) => text.startsWith(FINDING_TITLE)).length).toBe(1);
        expect(menuOnScreen)
          .withContext('the menu on screen')
          .toEqual(jasmine.arrayContaining([ATTENTION, `${FINDING_TITLE} · low risk`, RESTART, 'Details']));

        // Apply, as the banner's button does it: St's widgets offer AT-SPI no actions to press (GNOME 48).
        await evaluate('Main.messageTray._banner?.expand(false)');
        await waitFor(
          async () => (apply = await buttonNear(FINDING_TITLE, RESTART)) !== undefined,
          'the banner to show the restart again',
        );
        expect(apply).withContext('the restart on screen').toBeDefined();
        expect(await evaluate(activate(FINDING_TITLE, RESTART))).toBeTrue();
        await waitFor(
          async () => (await proposals('ListJobs')).some((job) => job.state === 'fixed'),
          'the restart job to finish fixed',
          30_000,
        );
        const [job] = await proposals('ListJobs');
        expect(job).toEqual(jasmine.objectContaining({ action: 'systemd.restart_unit', subject: UNIT_NAME }));
        expect(await unitState()).toBe('active');
        expect(await proposals('List')).toEqual([]);

        await waitForTitle(IDLE);
        const fixed = await waitForNotification((n) => n.title.startsWith('Fixed: '), 'a "Fixed: …" notification');
        await expandBannerOf(fixed.title);
        let undo = await buttonNear(fixed.title, 'Undo');
        await waitFor(
          async () => (undo = await buttonNear(fixed.title, 'Undo')) !== undefined,
          'the result to show Undo',
        );
        await session.screenshot(join(artifacts, 'notification-fixed.png'));
        expect(fixed.title).toContain(UNIT_NAME);
        expect(fixed.actions).toEqual(['Undo']);
        expect(visibleTexts(await screen()))
          .withContext('the result on screen')
          .toContain(fixed.title);
        expect(undo).withContext('Undo on screen').toBeDefined();
        expect(await evaluate(activate(fixed.title, 'Undo'))).toBeTrue();
        await waitFor(
          async () =>
            (await proposals('ListJobs')).some((original) => original.id === job!.id && original['undone-by'] !== ''),
          'the restart to be undone',
          30_000,
        ).catch(async (error: Error) => {
          throw new Error(`${error.message}; the jobs are ${JSON.stringify(await proposals('ListJobs'))}`);
        });
        // The Undo's own result says it undid, not that something was fixed, and offers nothing more.
        const undone = await waitForNotification((n) => n.title.startsWith('Undone: '), 'an "Undone: …" notification');
        expect(undone.title).toContain(UNIT_NAME);
        expect(undone.actions).toEqual([]);
        expect(await shellLogProblems()).toEqual([]);
        // Leave the shell as the other spec expects it: no banner left on screen, closed as a person closes it.
        await evaluate(
          "Main.messageTray.getSources().filter((source) => source.title === 'Steward').forEach((source) => source.destroy())",
        );
      },
      SPEC_TIMEOUT_MS,
    );
  });
}
