// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Gio from 'gi://Gio';
import Meta from 'gi://Meta';
import Shell from 'gi://Shell';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import { canTakeFromSwitcher, conflictSentence } from '../shared/chatTranscript.js';
import { QUICK_CHAT_KEY, ShortcutSettingsWatch } from '../shared/shortcutSettings.js';

/**
 * The quick chat's keyboard shortcut. It is bound only while GNOME's
 * input-source switcher does not have the same keys: a user with several
 * keyboard layouts keeps Super+Space for switching them, and `conflict` says
 * why the quick chat's shortcut does nothing, for the indicator and the
 * preferences to show. With a single layout they may offer takeFromSwitcher().
 */
export class QuickChatShortcut {
  private _bound = false;
  private _conflict: string | null = null;
  private readonly _watch: ShortcutSettingsWatch;

  constructor(
    private readonly _settings: Gio.Settings,
    private readonly _activate: () => void,
    private readonly _onConflictChanged: (conflict: string | null) => void = () => {},
  ) {
    this._watch = new ShortcutSettingsWatch(this._settings, () => this._sync());
    this._sync();
  }

  /** Why the shortcut is not bound, in a sentence for people; null while it is. */
  get conflict(): string | null {
    return this._conflict;
  }

  get bound(): boolean {
    return this._bound;
  }

  /** Whether takeFromSwitcher() may be offered: the user has no input sources to switch between. */
  get canTakeFromSwitcher(): boolean {
    return canTakeFromSwitcher(this._watch.read());
  }

  /**
   * Removes the quick chat's shortcut from GNOME's input-source switcher, so that
   * the quick chat gets it. Only when the user asks for it (a button next to the
   * conflict sentence); never on its own.
   */
  takeFromSwitcher(): void {
    this._watch.takeFromSwitcher();
  }

  destroy(): void {
    this._watch.destroy();
    this._unbind();
  }

  private _sync(): void {
    const conflict = conflictSentence(this._watch.read(), _);
    if (conflict) this._unbind();
    else this._bind();
    if (conflict !== this._conflict) {
      this._conflict = conflict;
      this._onConflictChanged(conflict);
    }
  }

  private _bind(): void {
    if (this._bound) return;
    Main.wm.addKeybinding(
      QUICK_CHAT_KEY,
      this._settings,
      Meta.KeyBindingFlags.IGNORE_AUTOREPEAT,
      Shell.ActionMode.NORMAL | Shell.ActionMode.OVERVIEW,
      this._activate,
    );
    this._bound = true;
  }

  private _unbind(): void {
    if (!this._bound) return;
    Main.wm.removeKeybinding(QUICK_CHAT_KEY);
    this._bound = false;
  }
}
