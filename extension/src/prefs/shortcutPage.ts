// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import { gettext as _ } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import { format } from '../shared/text.js';
import type { PrefsContext } from './prefsContext.js';
import { mergePatch } from './prefsModel.js';
import { ShortcutGroup } from './shortcutGroup.js';

/** The quick chat's shortcut, and its voice. */
export function shortcutPage(context: PrefsContext, settings: Gio.Settings): Adw.PreferencesPage {
  const page = new Adw.PreferencesPage({
    title: _('S_hortcut'),
    use_underline: true,
    icon_name: 'preferences-desktop-keyboard-shortcuts-symbolic',
  });
  const shortcut = new ShortcutGroup(settings, context.window);
  context.onDestroy(() => shortcut.destroy());
  page.add(shortcut.group);
  const voice = new Adw.PreferencesGroup({
    title: _('Voice'),
    description: _('In quick chat, hold Ctrl+Space or press the microphone button and speak your question.'),
  });
  const readAloud = new Adw.SwitchRow({
    title: _('Read answers aloud'),
    subtitle: _('Typing, Escape or closing quick chat stops it.'),
  });
  settings.bind('read-answers-aloud', readAloud, 'active', Gio.SettingsBindFlags.DEFAULT);
  voice.add(readAloud);
  page.add(voice);
  const output = context.serviceGroup(page, '');
  const neural = new Adw.SwitchRow({ title: _('Neural voice') });
  neural.connect('notify::active', () =>
    context.update(mergePatch(['voice', 'output'], neural.active ? 'neural' : 'desktop')),
  );
  output.add(neural);
  context.onFill(({ voice: { output: chosen, neuralModel } }) => {
    neural.active = chosen === 'neural';
    // Without a voice to use there is nothing to switch to: the row says where one goes.
    neural.sensitive = neuralModel !== undefined;
    neural.subtitle = neuralModel
      ? format(_('Read with the voice {name} instead of the screen reader’s voice.'), { name: neuralModel })
      : _('No neural voice is chosen; Steward reads neural voices from ~/.local/share/steward/voices.');
  });
  return page;
}
