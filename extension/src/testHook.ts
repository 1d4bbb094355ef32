import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import type * as PopupMenu from 'resource:///org/gnome/shell/ui/popupMenu.js';

import type { QuickChat } from './chat/quickChat.js';
import type { StewardIndicator } from './indicator.js';
import type { QuickChatShortcut } from './shortcut.js';

/** The environment variable the e2e harness sets in GNOME Shell's environment. */
const WANTED = 'STEWARD_EXTENSION_TEST_HOOK';
const OBJECT_PATH = '/io/github/steward/ExtensionTest';

const INTERFACE_XML = `<node>
  <interface name="io.github.steward.ExtensionTest">
    <method name="ChatState"><arg name="state" type="s" direction="out"/></method>
    <method name="ChatMade"><arg name="made" type="b" direction="out"/></method>
    <method name="OpenChat"><arg name="proposal_id" type="s" direction="in"/></method>
    <method name="NewConversation"/>
    <method name="SendText"><arg name="text" type="s" direction="in"/></method>
    <method name="StopAnswer"/>
    <method name="ShortcutState"><arg name="state" type="s" direction="out"/></method>
    <method name="TakeShortcut"/>
    <method name="MenuItems"><arg name="labels" type="as" direction="out"/></method>
  </interface>
</node>`;

/** What the hook reaches: the per-enable state of extension.ts. */
export interface HookTarget {
  readonly quickChat: QuickChat;
  readonly shortcut: QuickChatShortcut;
  readonly indicator: StewardIndicator;
  readonly quickChatMade: boolean;
}

/**
 * A D-Bus interface for the e2e tests, exported on the session bus only when
 * the harness sets STEWARD_EXTENSION_TEST_HOOK (as ddterm does): it reports what
 * the tests check (the panel, the entry's focus, the transcript, the cards, the
 * shortcut, the menu) and does what they do, so that no test reaches into
 * private fields. States travel as JSON text.
 */
export class TestHook {
  private readonly _exported = Gio.DBusExportedObject.wrapJSObject(INTERFACE_XML, this);

  constructor(private readonly _target: HookTarget) {}

  static wanted(): boolean {
    return GLib.getenv(WANTED) === '1';
  }

  export(): void {
    this._exported.export(Gio.DBus.session, OBJECT_PATH);
  }

  destroy(): void {
    this._exported.unexport();
  }

  ChatState(): string {
    return JSON.stringify(this._target.quickChat.snapshot());
  }

  /** Whether the quick chat's widgets exist yet; reading ChatState makes them. */
  ChatMade(): boolean {
    return this._target.quickChatMade;
  }

  OpenChat(proposalId: string): void {
    this._target.quickChat.open(proposalId || undefined);
  }

  NewConversation(): void {
    this._target.quickChat.newConversation();
  }

  SendText(text: string): void {
    this._target.quickChat.sendText(text);
  }

  StopAnswer(): void {
    this._target.quickChat.stop();
  }

  ShortcutState(): string {
    const shortcut = this._target.shortcut;
    return JSON.stringify({
      bound: shortcut.bound,
      conflict: shortcut.conflict,
      canTakeFromSwitcher: shortcut.canTakeFromSwitcher,
    });
  }

  TakeShortcut(): void {
    this._target.shortcut.takeFromSwitcher();
  }

  MenuItems(): string[] {
    const menu = this._target.indicator.menu as PopupMenu.PopupMenu;
    const items = (section: PopupMenu.PopupMenuBase): PopupMenu.PopupMenuItem[] =>
      section._getMenuItems().flatMap((item) => {
        if ('_getMenuItems' in item) return item.actor.visible ? items(item as PopupMenu.PopupMenuSection) : [];
        return item.visible && 'label' in item ? [item as PopupMenu.PopupMenuItem] : [];
      });
    return items(menu).map((item) => String(item.label.text));
  }
}
