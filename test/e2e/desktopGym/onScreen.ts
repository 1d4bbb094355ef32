// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What a person sees of a proposal in the shell, read as a screen reader reads it (AT-SPI): the notification's
// banner with its title and the button that names the change, and the top-bar menu with the proposal. Screenshots
// of both go beside the artifacts. The shell is asked (Eval) only to expand the banner and open the menu, as the
// pointer and a click do; what is on screen is read through the accessibility bus.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { waitFor } from '../../support/service.js';
import {
  type AccessibilityBus,
  type AccessibleNode,
  describe as describeTree,
  findAll,
  visibleTexts,
} from '../harness/atspi.js';
import { UUID } from '../harness/extensionShell.js';
import type { ShellSession } from '../harness/session.js';
import { shellEval } from '../harness/shell.js';

const ON_SCREEN_TIMEOUT_MS = 60_000;

const indicator = `Main.panel.statusArea[${JSON.stringify(UUID)}]`;
/** Steward's notifications as the message tray holds them: title and buttons. */
const NOTIFICATIONS = `Main.messageTray.getSources().filter((source) => source.title === 'Steward')
  .flatMap((source) => source.notifications.map((n) => ({
    title: n.title, body: n.body, actions: n.actions.map((a) => a.label), urgency: n.urgency })))`;
/** MessageTray.Urgency.LOW: GNOME Shell shows no banner for it, only the dot by the clock and the message list. */
const LOW = 0;

// messageTray.js's State: no banner, and one on screen, neither coming nor going.
const HIDDEN = 0;
const SHOWN = 2;
/**
 * JavaScript for the shell: lets the banner on screen go once it is fully shown, as Escape on it does, unless it is
 * titled `keep`. With none on screen and some waiting, the tray looks at its queue again, as any event has it do: in
 * the idle session none may come (a result told while the banner before it was going stayed queued, unseen).
 */
const letGoUnless = (keep: string | null) => `(() => {
  const tray = Main.messageTray;
  const top = tray._notification?.title ?? null;
  if (top !== null && top !== ${JSON.stringify(keep)} && tray._notificationState === ${SHOWN}) tray._expireNotification();
  if (top === null && tray.queueCount > 0 && tray._notificationState === ${HIDDEN}) tray._updateState();
  return { top, queued: tray.queueCount, state: tray._notificationState,
    waiting: tray._notificationQueue.map((n) => n.title) };
})()`;

export interface SeenProposal {
  /** The notification's buttons, as the tray holds them. */
  notificationActions: string[];
  /** Whether GNOME Shell showed a banner (not for low urgency: the message list under the clock holds it). */
  banner: boolean;
  /** Whether the banner, or the message list, showed the title and the button named `label` beside it. */
  bannerTitle: boolean;
  bannerButton: boolean;
  /** What the open menu showed, as read through AT-SPI. */
  menuTexts: string[];
}

export class OnScreen {
  constructor(
    private readonly session: ShellSession,
    private readonly a11y: AccessibilityBus,
    private readonly artifacts: string,
  ) {}

  /**
   * Lets every banner go, the one on screen and those queued behind it, as a person at the computer reads each and
   * moves on. GNOME Shell keeps a banner on screen while the session is idle, as the gym's is, and queues at most
   * three behind it: a notification that comes while the queue is full gets no banner at all (messageTray.js,
   * MAX_NOTIFICATIONS_IN_QUEUE), only a place in the clock's message list.
   */
  async letBannersGo(): Promise<void> {
    let seen: { top: string | null; queued: number } | undefined;
    const gone = async () => {
      seen = (await shellEval(this.session.bus, letGoUnless(null))) as typeof seen;
      return seen?.top === null && seen.queued === 0;
    };
    await waitFor(gone, 'the banners on screen to go', ON_SCREEN_TIMEOUT_MS).catch((error: Error) => {
      throw new Error(`${error.message}: last ${JSON.stringify(seen)}`);
    });
  }

  /** The shell's accessible tree as it is now. */
  async screen(): Promise<AccessibleNode> {
    return this.a11y.tree(await this.a11y.application('gnome-shell'));
  }

  /** The innermost node on screen that shows `near` and holds a button named `label`. */
  async buttonNear(near: string, label: string): Promise<AccessibleNode | undefined> {
    const containers = findAll(await this.screen(), undefined, /.*/).filter(
      (node) => visibleTexts(node).includes(near) && findAll(node, 'button', label).length > 0,
    );
    const innermost = containers.at(-1);
    return innermost && findAll(innermost, 'button', label)[0];
  }

  /**
   * Reads the proposal titled `title` whose change is labelled `label` in its notification and in the menu;
   * saves `NAME-notification.png` and `NAME-menu.png` (and the trees, should a wait fail).
   */
  async readProposal(name: string, proposalId: string, title: string, label: string): Promise<SeenProposal> {
    const evaluate = (code: string) => shellEval(this.session.bus, code);
    const shown = async () =>
      ((await evaluate(NOTIFICATIONS)) as { title: string; actions: string[]; urgency: number }[]).find(
        (n) => n.title === title,
      );
    await this.#until(async () => (await shown()) !== undefined, `a notification “${title}”`, name);
    const banner = (await shown())?.urgency !== LOW;
    // Expanded, as under the pointer, the banner shows its buttons; without one, the clock's menu lists it, and
    // its expand button shows them.
    if (banner) {
      // Banners come one at a time: those before it are let go (letGoUnless).
      const onTop = async () => ((await evaluate(letGoUnless(title))) as { top: string | null }).top === title;
      await this.#until(onTop, `the banner “${title}”`, name);
      await evaluate('Main.messageTray._banner?.expand(false)');
    } else await this.#expandListed(title, name);
    await this.#until(
      async () => (await this.buttonNear(title, label)) !== undefined,
      `the notification’s “${label}”`,
      name,
    );
    const button = await this.buttonNear(title, label);
    const onScreen = visibleTexts(await this.screen());
    await this.session.screenshot(join(this.artifacts, `${name}-notification.png`));
    if (!banner) await evaluate('Main.panel.statusArea.dateMenu.menu.close()');
    const notificationActions = (await shown())?.actions ?? [];

    await evaluate(`${indicator}.showProposal(${JSON.stringify(proposalId)})`);
    await this.#until(async () => (await evaluate(`${indicator}.menu.isOpen`)) === true, 'the menu to open', name);
    let menuTexts: string[] = [];
    await this.#until(
      async () => (menuTexts = visibleTexts(await this.screen())).some((text) => text.startsWith(title)),
      `the menu to show “${title}”`,
      name,
    );
    await this.session.screenshot(join(this.artifacts, `${name}-menu.png`));
    await evaluate(`${indicator}.menu.close()`);
    return {
      notificationActions,
      banner,
      bannerTitle: onScreen.includes(title),
      bannerButton: button !== undefined,
      menuTexts,
    };
  }

  /** Opens the clock's menu and expands the notification titled `title` in its list, as its expand button does. */
  async #expandListed(title: string, name: string): Promise<void> {
    // GNOME 48's NotificationMessage keeps its notification and expands as its button does (its button has no
    // accessible action to press).
    const expand = `(() => {
      const expand = (actor) => actor.notification?.title === ${JSON.stringify(title)} && typeof actor.expand === 'function'
        ? (actor.expand(false), true)
        : actor.get_children().some(expand);
      Main.panel.statusArea.dateMenu.menu.open();
      return expand(Main.panel.statusArea.dateMenu.menu.box);
    })()`;
    await this.#until(
      async () => (await shellEval(this.session.bus, expand)) === true,
      `the clock's menu to list “${title}”`,
      name,
    );
  }

  async #until(condition: () => Promise<boolean>, what: string, name: string): Promise<void> {
    await waitFor(condition, what, ON_SCREEN_TIMEOUT_MS).catch(async (error: Error) => {
      await writeFile(join(this.artifacts, `${name}-failed-screen.txt`), describeTree(await this.screen()));
      const notifications = await shellEval(this.session.bus, NOTIFICATIONS);
      await writeFile(
        join(this.artifacts, `${name}-failed-notifications.json`),
        JSON.stringify(notifications, null, 2),
      );
      await this.session.screenshot(join(this.artifacts, `${name}-failed.png`));
      throw error;
    });
  }
}
