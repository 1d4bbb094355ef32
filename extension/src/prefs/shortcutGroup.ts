// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Adw from 'gi://Adw';
import Gdk from 'gi://Gdk';
import Gio from 'gi://Gio';
import Gtk from 'gi://Gtk';
import { gettext as _ } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import { canTakeFromSwitcher, conflictSentence } from '../shared/chatTranscript.js';
import { QUICK_CHAT_KEY, ShortcutSettingsWatch } from '../shared/shortcutSettings.js';

/**
 * The quick chat's shortcut: the keys, why they do nothing when GNOME's
 * input-source switcher has them too, and the ways out (taking them from the
 * switcher with a single layout, or another shortcut).
 */
export class ShortcutGroup {
  readonly group = new Adw.PreferencesGroup({ title: _('Quick Chat') });
  private readonly _watch: ShortcutSettingsWatch;
  private readonly _label = new Gtk.ShortcutLabel({ valign: Gtk.Align.CENTER, disabled_text: _('None') });
  private readonly _conflictRow = new Adw.ActionRow({ title: _('This shortcut does nothing yet') });
  private readonly _takeButton = new Gtk.Button({
    label: _('Use for Steward'),
    valign: Gtk.Align.CENTER,
  });

  constructor(
    private readonly _settings: Gio.Settings,
    private readonly _window: Adw.PreferencesWindow,
  ) {
    const row = new Adw.ActionRow({ title: _('Open quick chat') });
    row.add_suffix(this._label);
    const change = new Gtk.Button({ label: _('Change…'), valign: Gtk.Align.CENTER });
    change.connect('clicked', () => this._capture());
    row.add_suffix(change);
    this.group.add(row);

    this._conflictRow.add_prefix(new Gtk.Image({ icon_name: 'dialog-warning-symbolic' }));
    this._takeButton.add_css_class('suggested-action');
    this._takeButton.connect('clicked', () => this._watch.takeFromSwitcher());
    this._conflictRow.add_suffix(this._takeButton);
    this.group.add(this._conflictRow);

    this._watch = new ShortcutSettingsWatch(this._settings, () => this._sync());
    this._sync();
  }

  destroy(): void {
    this._watch.destroy();
  }

  private _sync(): void {
    const settings = this._watch.read();
    this._label.accelerator = settings.accelerators.join(' ');
    const conflict = conflictSentence(settings, _, 'preferences');
    this._conflictRow.visible = conflict !== null;
    this._conflictRow.subtitle = conflict ?? '';
    this._takeButton.visible = canTakeFromSwitcher(settings);
  }

  /** A dialog that takes the next key combination as the shortcut; Backspace removes it, Escape cancels. */
  private _capture(): void {
    const dialog = new Adw.AlertDialog({
      heading: _('Press the New Shortcut'),
      body: _('Press Escape to cancel or Backspace to remove the shortcut.'),
    });
    dialog.add_response('cancel', _('Cancel'));
    const keys = new Gtk.EventControllerKey({ propagation_phase: Gtk.PropagationPhase.CAPTURE });
    keys.connect('key-pressed', (_controller, keyval: number, _keycode: number, state: Gdk.ModifierType) => {
      const modifiers = state & Gtk.accelerator_get_default_mod_mask();
      if (modifiers === 0 && keyval === Gdk.KEY_Escape) {
        dialog.close();
      } else if (modifiers === 0 && keyval === Gdk.KEY_BackSpace) {
        this._settings.set_strv(QUICK_CHAT_KEY, []);
        dialog.close();
      } else if (modifiers !== 0 && Gtk.accelerator_valid(Gdk.keyval_to_lower(keyval), modifiers)) {
        this._settings.set_strv(QUICK_CHAT_KEY, [Gtk.accelerator_name(Gdk.keyval_to_lower(keyval), modifiers)]);
        dialog.close();
      }
      return Gdk.EVENT_STOP;
    });
    dialog.add_controller(keys);
    dialog.present(this._window);
  }
}
