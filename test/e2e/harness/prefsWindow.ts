// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The extension's preferences window as a person meets it: opened from GNOME Shell, read through the
// accessibility bus (what a screen reader reads), driven by its tabs, buttons and switches.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { waitFor } from '../../support/service.js';
import {
  type AccessibilityBus,
  type AccessibleNode,
  describe,
  findAll,
  findOne,
  flatten,
  openAccessibilityBus,
  type Ref,
  visibleTexts,
} from './atspi.js';
import { pressKeys, UUID } from './extensionShell.js';
import type { ShellSession } from './session.js';
import { shellEval } from './shell.js';

/** How long the window may take to show what the service told it (a GTK app starting on a busy machine). */
const SHOW_TIMEOUT_MS = 60_000;

export class PrefsWindow {
  private _shots = 0;

  private constructor(
    private readonly _session: ShellSession,
    readonly a11y: AccessibilityBus,
    private _window: Ref,
    private readonly _artifacts: string,
  ) {}

  /** Opens the preferences as the Extensions app does and waits until the window is on the accessibility bus. */
  static async open(session: ShellSession, artifacts: string): Promise<PrefsWindow> {
    // A headless shell has no keyboard until the tests make one, and a window gets the keyboard focus only
    // from a seat that has a keyboard: make it first, as every person's computer has one.
    await shellEval(session.bus, pressKeys());
    const a11y = await openAccessibilityBus(session.bus, session.tmpDir);
    const window = new PrefsWindow(session, a11y, await PrefsWindow._openWindow(session, a11y), artifacts);
    return window;
  }

  private static async _openWindow(session: ShellSession, a11y: AccessibilityBus): Promise<Ref> {
    await shellEval(session.bus, `Main.extensionManager.openExtensionPrefs(${JSON.stringify(UUID)}, '', {})`);
    return a11y.waitForWindow('Steward', SHOW_TIMEOUT_MS);
  }

  /** What the window shows now. */
  read(): Promise<AccessibleNode> {
    return this.a11y.tree(this._window);
  }

  /**
   * Waits until `check` passes on what the window shows (it returns a complaint, or nothing when
   * satisfied). On timeout the tree and a screenshot are saved as `name` and the last complaint fails.
   */
  async waitUntil(name: string, check: (tree: AccessibleNode) => string | undefined): Promise<AccessibleNode> {
    let tree: AccessibleNode | undefined;
    let complaint: string | undefined = 'the window was never read';
    try {
      await waitFor(
        async () => {
          // An object can go away while it is read (a page switching): that read is simply taken again.
          const now = await this.read().catch((error: Error) => error);
          if (now instanceof Error) {
            complaint = `the window could not be read: ${now.message}`;
            return false;
          }
          tree = now;
          complaint = check(tree);
          return complaint === undefined;
        },
        name,
        SHOW_TIMEOUT_MS,
      );
    } catch {
      await this.save(`failed-${name}`, tree);
      throw new Error(`${name}: ${complaint}\nthe window shows:\n${tree ? describe(tree) : '(nothing)'}`);
    }
    return tree as AccessibleNode;
  }

  /** Saves a screenshot and the accessible tree as NAME.png and NAME.txt, numbered in the order taken. */
  async save(name: string, tree?: AccessibleNode): Promise<string> {
    const base = join(this._artifacts, `${String(++this._shots).padStart(2, '0')}-${name}`);
    const shown = tree ?? (await this.read());
    await this._session.screenshot(`${base}.png`);
    await writeFile(`${base}.txt`, describe(shown));
    return `${base}.png`;
  }

  /** The name of the selected tab, as the view switcher shows it ("Model"). */
  static selectedTab(tree: AccessibleNode): string | undefined {
    return flatten(tree).find((node) => node.role === 'tab' && node.states.has('selected'))?.name;
  }

  /**
   * Selects the tab named `title` by clicking it, and waits until it is selected: a click runs as
   * GTK's button activation, which shows the button pressed for a quarter of a second before it
   * toggles, so a screenshot taken sooner shows two tabs highlighted and the page before.
   */
  async clickTab(title: string): Promise<void> {
    await this.a11y.act(findOne(await this.read(), 'tab', title));
    await this.waitUntil(`tab-${title}`, (now) => {
      const selected = flatten(now).filter((node) => node.role === 'tab' && node.states.has('selected'));
      return selected.length === 1 && selected[0]?.name === title
        ? undefined
        : `the selected tabs are ${JSON.stringify(selected.map((tab) => tab.name))}`;
    });
  }

  /** Presses Alt and `key` (a Clutter key name such as 'KEY_w'), as a person using the mnemonic does. */
  async pressAlt(key: string): Promise<void> {
    // Keys reach the window only once it has the keyboard focus, which the compositor gives it a moment after it maps.
    await this.waitUntil('keyboard-focus', (now) =>
      now.states.has('active') ? undefined : 'the window has no keyboard focus',
    );
    await shellEval(this._session.bus, pressKeys('KEY_Alt_L', key));
  }

  /** Clicks the button, switch or row named `name` (of `role`, when given). */
  async click(name: string | RegExp, role?: string): Promise<void> {
    await this.a11y.act(findOne(await this.read(), role, name));
  }

  /** Closes the window with its close button and waits until it is gone from the accessibility bus. */
  async close(): Promise<void> {
    await this.click('Close', 'button');
    await waitFor(
      async () => (await this.a11y.window('Steward')) === undefined,
      'the window to close',
      SHOW_TIMEOUT_MS,
    );
  }

  /** Opens the window again after close(). */
  async reopen(): Promise<void> {
    this._window = await PrefsWindow._openWindow(this._session, this.a11y);
  }

  dispose(): void {
    this.a11y.close();
  }
}

/** What a row shows: its title and every text inside it (subtitle, suffix labels), for a row titled `title`. */
export function rowTexts(tree: AccessibleNode, title: string | RegExp): string[] | undefined {
  const row = findAll(tree, undefined, title).find((node) => node.role !== 'label');
  return row && visibleTexts(row);
}

/** The one node named `name` (and of `role`), or undefined. */
export const shown = (tree: AccessibleNode, name: string | RegExp, role?: string) => findAll(tree, role, name)[0];
