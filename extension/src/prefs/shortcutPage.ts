// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Adw from 'gi://Adw';
import type Gio from 'gi://Gio';
import Gtk from 'gi://Gtk';
import { gettext as _ } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import type { PrefsContext } from './prefsContext.js';
import { diagnosticsText } from './prefsModel.js';
import { ShortcutGroup } from './shortcutGroup.js';

type Dictionary = Record<string, unknown>;

/** The quick chat's shortcut, and the service's state with the diagnostics to copy into a bug report. */
export function shortcutPage(context: PrefsContext, settings: Gio.Settings, version: string): Adw.PreferencesPage {
  const page = new Adw.PreferencesPage({
    title: _('S_hortcut'),
    use_underline: true,
    icon_name: 'preferences-desktop-keyboard-shortcuts-symbolic',
  });
  const shortcut = new ShortcutGroup(settings, context.window);
  context.onDestroy(() => shortcut.destroy());
  page.add(shortcut.group);

  const service = new Adw.PreferencesGroup({ title: _('Service') });
  const statusRow = new Adw.ActionRow({ title: _('Steward service') });
  const copy = new Gtk.Button({ label: _('Copy diagnostics'), valign: Gtk.Align.CENTER });
  copy.connect('clicked', () => void copyDiagnostics(context, version));
  statusRow.add_suffix(copy);
  service.add(statusRow);
  page.add(service);

  context.onPresence((presence) => {
    if (presence.running) statusRow.subtitle = _('Running');
    else statusRow.subtitle = presence.installed === false ? _('Not installed') : _('Not running');
  });
  context.onLoad(() => {
    void context
      .call(() => context.client.status())
      .then((status) => {
        statusRow.subtitle = String(status['state']);
      });
  });
  return page;
}

async function copyDiagnostics(context: PrefsContext, version: string): Promise<void> {
  /** A status for the diagnostics, or null when the service is not there or does not answer. */
  const optional = (read: () => Promise<Dictionary>): Promise<Dictionary | null> =>
    context.running ? read().catch(() => null) : Promise.resolve(null);
  const [service, engine, shellVersion] = await Promise.all([
    optional(() => context.client.status()),
    optional(() => context.client.engineStatus()),
    context.client.shellVersion().catch(() => _('unknown')),
  ]);
  const text = diagnosticsText({ extensionVersion: version, shellVersion, service, engine });
  context.window.get_display().get_clipboard().set(text);
  context.toast(_('Diagnostics copied'));
}
