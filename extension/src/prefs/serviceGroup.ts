// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Adw from 'gi://Adw';
import Gtk from 'gi://Gtk';
import { gettext as _ } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import type { PrefsContext, ServicePresence } from './prefsContext.js';
import { diagnosticsText, runningServiceText } from './prefsModel.js';

type Dictionary = Record<string, unknown>;

/**
 * The first thing the preferences show: whether the service runs, its version and model; when it
 * does not, a Start button if it is installed and how to get it if not; the diagnostics to copy.
 */
export function serviceGroup(context: PrefsContext, extensionVersion: string): Adw.PreferencesGroup {
  const group = new Adw.PreferencesGroup({ title: _('Service') });
  // Plain text: the service's words and the install command ("… && …") are no Pango markup.
  const row = new Adw.ActionRow({ title: _('Steward service'), subtitle_selectable: true, use_markup: false });
  const start = new Gtk.Button({ label: _('_Start'), use_underline: true, valign: Gtk.Align.CENTER, visible: false });
  start.add_css_class('suggested-action');
  start.connect('clicked', () => {
    start.sensitive = false;
    void context.call(() => context.client.start()).finally(() => (start.sensitive = true));
  });
  const copy = new Gtk.Button({ label: _('Copy _Diagnostics'), use_underline: true, valign: Gtk.Align.CENTER });
  copy.connect('clicked', () => void copyDiagnostics(context, extensionVersion));
  row.add_suffix(start);
  row.add_suffix(copy);
  group.add(row);

  context.onPresence((presence) => {
    start.visible = !presence.running && presence.installed === true;
    if (!presence.running) Object.assign(row, absentServiceText(presence));
  });
  context.onLoad(() => {
    void context
      .call(() => Promise.all([context.client.status(), context.client.engineStatus()]))
      .then(([status, engine]) => Object.assign(row, runningServiceText(status, engine, _)));
  });
  return group;
}

function absentServiceText(presence: Extract<ServicePresence, { running: false }>) {
  if (presence.installed === false)
    return {
      title: _('Steward’s service is not installed'),
      subtitle: presence.help ?? '',
    };
  return {
    title: _('Steward is not running'),
    subtitle: presence.installed ? _('Start it to change these settings.') : '',
  };
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
