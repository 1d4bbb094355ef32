// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Gio from 'gi://Gio';

import { type ShortcutSettings, switcherWithout } from './chatTranscript.js';

export const QUICK_CHAT_KEY = 'toggle-quick-chat';

/**
 * The settings that decide whether the quick chat's shortcut can work: its own
 * keys, the keys of GNOME's input-source switcher, and how many layouts there
 * are to switch. The shell binds by them and the preferences explain them.
 */
export class ShortcutSettingsWatch {
  private readonly _inputSources = new Gio.Settings({ schema_id: 'org.gnome.desktop.input-sources' });
  private readonly _wmKeybindings = new Gio.Settings({ schema_id: 'org.gnome.desktop.wm.keybindings' });
  private readonly _handlers: [Gio.Settings, number][];

  constructor(
    private readonly _settings: Gio.Settings,
    onChanged: () => void,
  ) {
    this._handlers = [
      [this._inputSources, this._inputSources.connect('changed::sources', onChanged)],
      [this._wmKeybindings, this._wmKeybindings.connect('changed::switch-input-source', onChanged)],
      [this._settings, this._settings.connect(`changed::${QUICK_CHAT_KEY}`, onChanged)],
    ];
  }

  read(): ShortcutSettings {
    return {
      accelerators: this._settings.get_strv(QUICK_CHAT_KEY),
      switchInputSource: this._wmKeybindings.get_strv('switch-input-source'),
      inputSources: this._inputSources.get_value('sources').n_children(),
    };
  }

  /** Removes the quick chat's keys from the input-source switcher; only when the person asks for it. */
  takeFromSwitcher(): void {
    this._wmKeybindings.set_strv('switch-input-source', switcherWithout(this.read()));
  }

  destroy(): void {
    for (const [settings, id] of this._handlers) settings.disconnect(id);
  }
}
