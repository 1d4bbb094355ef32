// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type Clutter from 'gi://Clutter';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import type St from 'gi://St';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';
import type * as PopupMenu from 'resource:///org/gnome/shell/ui/popupMenu.js';

import type { StewardClient } from '../client/stewardClient.js';
import { findingFrom, jobFrom, proposalFrom } from '../shared/model.js';
import type { QuickChat } from './chat/quickChat.js';
import type { StewardIndicator } from './indicator.js';
import type { StewardNotifications } from './notifications.js';
import type { StewardSearchProvider } from './searchProvider.js';
import type { QuickChatShortcut } from './shortcut.js';
import type { StewardState } from './stewardState.js';

const OBJECT_PATH = '/io/github/steward/ExtensionTest';

const INTERFACE_XML = `<node>
  <interface name="io.github.steward.ExtensionTest">
    <method name="ServiceRunning"><arg type="b" direction="out"/></method>
    <method name="IndicatorIcon"><arg type="s" direction="out"/></method>
    <method name="ChatMade"><arg type="b" direction="out"/></method>
    <method name="ChatState"><arg type="s" direction="out"/></method>
    <method name="OpenChat"><arg name="proposal_id" type="s" direction="in"/></method>
    <method name="NewConversation"/>
    <method name="TypeText"><arg name="text" type="s" direction="in"/></method>
    <method name="SendText"><arg name="text" type="s" direction="in"/></method>
    <method name="StopAnswer"/>
    <method name="ClickMicrophone"/>
    <method name="ClickCardButton"><arg name="label" type="s" direction="in"/><arg type="b" direction="out"/></method>
    <method name="ClickDownload"/>
    <method name="RecordSetupTexts"/>
    <method name="SetupTexts"><arg type="as" direction="out"/></method>
    <method name="RecordOpening"/>
    <method name="OpeningTiming"><arg type="s" direction="out"/></method>
    <method name="ShortcutState"><arg type="s" direction="out"/></method>
    <method name="TakeShortcut"/>
    <method name="MenuItems"><arg type="as" direction="out"/></method>
    <method name="SearchResults"><arg type="as" direction="out"/></method>
    <method name="ClickSearchResult"><arg name="title" type="s" direction="in"/><arg type="b" direction="out"/></method>
    <method name="TellJobFinished"><arg name="job" type="s" direction="in"/></method>
    <method name="TellSignal"><arg name="signal" type="s" direction="in"/><arg name="payload" type="s" direction="in"/></method>
  </interface>
</node>`;

/** What the hook reaches: the per-enable state of extension.ts. */
export interface HookTarget {
  readonly client: StewardClient;
  readonly quickChat: QuickChat;
  readonly quickChatMade: boolean;
  readonly shortcut: QuickChatShortcut;
  readonly indicator: StewardIndicator;
  readonly steward: StewardState;
  readonly search: StewardSearchProvider;
  readonly notifications: StewardNotifications;
}

/** The shell sets `display` on each provider (js/ui/search.js); @girs does not declare it. */
interface Displayed {
  display?: St.Widget;
}

/** A search result row (searchProvider.ts): a button whose label actor is its title. */
const resultRows = (actor: St.Widget | Clutter.Actor): St.Button[] =>
  'has_style_class_name' in actor && actor.has_style_class_name('steward-search-result')
    ? [actor as St.Button]
    : actor.get_children().flatMap(resultRows);

const titleOf = (row: St.Button) => (row.label_actor as St.Label).text;

/**
 * A D-Bus interface for the e2e tests, exported on the session bus only when
 * the harness sets STEWARD_EXTENSION_TEST_HOOK (as ddterm does): it reports what
 * the tests check (the panel, the entry's focus, the transcript, the cards, the
 * shortcut, the menu, the search results) and does what they do, so that no
 * test reaches into private fields. States travel as JSON text.
 */
export class TestHook {
  private readonly _exported = Gio.DBusExportedObject.wrapJSObject(INTERFACE_XML, this);
  private _setupTexts: string[] = [];
  private _stopWatchingSetup: (() => void) | null = null;
  private _opening: { visible?: number; painted?: number } = {};

  constructor(private readonly _target: HookTarget) {}

  export(): void {
    this._exported.export(Gio.DBus.session, OBJECT_PATH);
  }

  destroy(): void {
    this._stopWatchingSetup?.();
    this._exported.unexport();
  }

  ServiceRunning(): boolean {
    return this._target.steward.running;
  }

  /** The file the indicator's icon shows, as "steward-attention-symbolic.svg". */
  IndicatorIcon(): string {
    return this._target.indicator.shownIconFile;
  }

  /** Whether the quick chat's widgets exist yet; reading ChatState makes them. */
  ChatMade(): boolean {
    return this._target.quickChatMade;
  }

  ChatState(): string {
    return JSON.stringify(this._target.quickChat.snapshot());
  }

  OpenChat(proposalId: string): void {
    this._target.quickChat.open(proposalId || undefined);
  }

  NewConversation(): void {
    this._target.quickChat.newConversation();
  }

  TypeText(text: string): void {
    this._target.quickChat.typeText(text);
  }

  SendText(text: string): void {
    this._target.quickChat.sendText(text);
  }

  StopAnswer(): void {
    this._target.quickChat.stop();
  }

  ClickMicrophone(): void {
    this._target.quickChat.clickMicrophone();
  }

  ClickCardButton(label: string): boolean {
    return this._target.quickChat.clickCardButton(label);
  }

  ClickDownload(): void {
    this._target.quickChat.setup.clickDownload();
  }

  /** Records every text the model setup's detail line shows from now on, and what it shows now. */
  RecordSetupTexts(): void {
    this._stopWatchingSetup?.();
    const setup = this._target.quickChat.setup;
    this._setupTexts = [setup.shown.texts[1] ?? ''];
    this._stopWatchingSetup = setup.watchDetail((text) => this._setupTexts.push(text));
  }

  SetupTexts(): string[] {
    return this._setupTexts;
  }

  /** Records, in the shell's monotonic clock (µs), when the panel next shows and the next frame after it. */
  RecordOpening(): void {
    const opening: { visible?: number; painted?: number } = {};
    this._opening = opening;
    this._target.quickChat.connectShownOnce(() => {
      opening.visible = GLib.get_monotonic_time();
      const painted = global.stage.connect('after-paint', () => {
        global.stage.disconnect(painted);
        opening.painted = GLib.get_monotonic_time();
      });
    });
  }

  OpeningTiming(): string {
    return JSON.stringify(this._opening);
  }

  ShortcutState(): string {
    const shortcut = this._target.shortcut;
    // The shell's record of which action modes may use the keybinding; 0 once it is removed.
    const allowed = (Main.wm as unknown as { _allowedKeybindings: Record<string, number | undefined> })
      ._allowedKeybindings;
    return JSON.stringify({
      bound: shortcut.bound,
      conflict: shortcut.conflict,
      canTakeFromSwitcher: shortcut.canTakeFromSwitcher,
      registered: (allowed['toggle-quick-chat'] ?? 0) !== 0,
    });
  }

  TakeShortcut(): void {
    this._target.shortcut.takeFromSwitcher();
  }

  /** The labels of the indicator menu's visible items, sections opened. */
  MenuItems(): string[] {
    const items = (section: PopupMenu.PopupMenuBase): PopupMenu.PopupMenuItem[] =>
      section._getMenuItems().flatMap((item) => {
        if ('_getMenuItems' in item) return item.actor.visible ? items(item) : [];
        return item.visible && 'label' in item ? [item as PopupMenu.PopupMenuItem] : [];
      });
    return items(this._target.indicator.menu as PopupMenu.PopupMenu).map((item) => String(item.label.text));
  }

  /**
   * Tells a job's end as the service's JobFinished does, from its dictionary as JSON: the screenshots' STAND-IN for a
   * NixOS switch that waits to be kept, which needs NixOS to run for real.
   */
  TellJobFinished(job: string): void {
    this._target.notifications.jobFinished(jobFrom(JSON.parse(job) as Record<string, unknown>));
  }

  /**
   * Hands the shell a signal of the service's as the client passes it on (findingAdded, proposalAdded with its
   * dictionary as JSON; findingResolved, proposalRemoved with an id): the STAND-IN for a proposal that the service
   * drafts seconds after its finding on a busy machine, a timing no test can choose.
   */
  TellSignal(signal: string, payload: string): void {
    const { client } = this._target;
    const value = JSON.parse(payload) as unknown;
    if (signal === 'findingAdded') client.emit(signal, findingFrom(value as Record<string, unknown>));
    else if (signal === 'proposalAdded') client.emit(signal, proposalFrom(value as Record<string, unknown>));
    else if (signal === 'findingResolved' || signal === 'proposalRemoved') client.emit(signal, String(value));
    else
      throw new Error(
        `TellSignal passes findingAdded, proposalAdded, findingResolved and proposalRemoved, not ${signal}`,
      );
  }

  /** The titles of Steward's results as the overview shows them now. */
  SearchResults(): string[] {
    const display = (this._target.search as Displayed).display;
    return display?.mapped ? resultRows(display).map(titleOf) : [];
  }

  /** Clicks Steward's result titled `title`, as a pointer click does. */
  ClickSearchResult(title: string): boolean {
    const display = (this._target.search as Displayed).display;
    const row = display ? resultRows(display).find((r) => titleOf(r) === title) : undefined;
    row?.emit('clicked', 1);
    return row !== undefined;
  }
}
