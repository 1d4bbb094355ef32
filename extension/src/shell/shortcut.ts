// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Gio from 'gi://Gio';
import Meta from 'gi://Meta';
import Shell from 'gi://Shell';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import {
  canTakeFromSwitcher,
  conflictSentence,
  type ShortcutSettings,
  switcherWithout,
} from '../shared/chatTranscript.js';

const KEY = 'toggle-quick-chat';

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
  private readonly _inputSources = new Gio.Settings({ schema_id: 'org.gnome.desktop.input-sources' });
  private readonly _wmKeybindings = new Gio.Settings({ schema_id: 'org.gnome.desktop.wm.keybindings' });
  private readonly _handlers: [Gio.Settings, number][];

  constructor(
    private readonly _settings: Gio.Settings,
    private readonly _activate: () => void,
    private readonly _onConflictChanged: (conflict: string | null) => void = () => {},
  ) {
    this._handlers = [
      [this._inputSources, this._inputSources.connect('changed::sources', () => this._sync())],
      [this._wmKeybindings, this._wmKeybindings.connect('changed::switch-input-source', () => this._sync())],
      [this._settings, this._settings.connect(`changed::${KEY}`, () => this._sync())],
    ];
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
    return canTakeFromSwitcher(this._read());
  }

  /**
   * Removes the quick chat's shortcut from GNOME's input-source switcher, so that
   * the quick chat gets it. Only when the user asks for it (a button next to the
   * conflict sentence); never on its own.
   */
  takeFromSwitcher(): void {
    this._wmKeybindings.set_strv('switch-input-source', switcherWithout(this._read()));
  }

  destroy(): void {
    for (const [settings, id] of this._handlers) settings.disconnect(id);
    this._unbind();
  }

  private _read(): ShortcutSettings {
    return {
      accelerators: this._settings.get_strv(KEY),
      switchInputSource: this._wmKeybindings.get_strv('switch-input-source'),
      inputSources: this._inputSources.get_value('sources').n_children(),
    };
  }

  private _sync(): void {
    const conflict = conflictSentence(this._read(), _);
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
      KEY,
      this._settings,
      Meta.KeyBindingFlags.IGNORE_AUTOREPEAT,
      Shell.ActionMode.NORMAL | Shell.ActionMode.OVERVIEW,
      this._activate,
    );
    this._bound = true;
  }

  private _unbind(): void {
    if (!this._bound) return;
    Main.wm.removeKeybinding(KEY);
    this._bound = false;
  }
}
