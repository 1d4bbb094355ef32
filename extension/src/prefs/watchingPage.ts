// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Adw from 'gi://Adw';
import type Gio from 'gi://Gio';
import Gtk from 'gi://Gtk';
import { gettext as _ } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import type { PrefsContext } from './prefsContext.js';
import {
  type DiskSettings,
  listText,
  mergePatch,
  NOTIFICATION_LEVELS,
  notificationLevelLabel,
  parseList,
  type ServiceConfig,
} from './prefsModel.js';

/** What Steward watches, when it warns about disks, and which notifications the user gets. */
export function watchingPage(context: PrefsContext, settings: Gio.Settings): Adw.PreferencesPage {
  const page = context.page(_('_Watching'), 'system-search-symbolic');

  const sources = context.serviceGroup(page, _('What Steward Watches'));
  const switches: [string, string[], (config: ServiceConfig) => boolean][] = [
    [_('System journal'), ['watch', 'journal', 'system'], (c) => c.watch.journal.system],
    [_('Your journal'), ['watch', 'journal', 'user'], (c) => c.watch.journal.user],
    [_('Failed services'), ['watch', 'units'], (c) => c.watch.units],
    [_('Network'), ['watch', 'network'], (c) => c.watch.network],
    [
      _('Your desktop: extensions, sound, Bluetooth, printers, the clock'),
      ['watch', 'desktop'],
      (c) => c.watch.desktop,
    ],
    [_('Your configuration and crashes'), ['watch', 'files', 'watchDefaults'], (c) => c.watch.files.watchDefaults],
  ];
  for (const [title, path, read] of switches) {
    const row = new Adw.SwitchRow({ title });
    row.connect('notify::active', () => context.update(mergePatch(path, row.active)));
    sources.add(row);
    context.onFill((config) => (row.active = read(config)));
  }

  const disks = context.serviceGroup(page, _('Disks'), _('Steward warns when these fill up.'));
  const mounts = new Adw.EntryRow({ title: _('Mount points'), show_apply_button: true });
  mounts.connect('apply', () => context.update(mergePatch(['watch', 'disks', 'mounts'], parseList(mounts.text))));
  const interval = Adw.SpinRow.new_with_range(5, 3600, 5);
  interval.title = _('Check every (seconds)');
  interval.connect('notify::value', () =>
    context.update(mergePatch(['watch', 'disks', 'intervalSeconds'], Math.round(interval.value))),
  );
  disks.add(mounts);
  disks.add(interval);
  const thresholds = new Adw.ExpanderRow({
    title: _('When to warn'),
    subtitle: _('Below the percentage or the size, whichever is smaller'),
  });
  const thresholdRows: [string, keyof DiskSettings, number, number, number][] = [
    [_('Low: free space below (%)'), 'lowPercent', 1, 50, 1],
    [_('Low: free space below (GB)'), 'lowGB', 0.5, 10_000, 0.5],
    [_('Critical: free space below (%)'), 'criticalPercent', 0.5, 25, 0.5],
    [_('Critical: free space below (GB)'), 'criticalGB', 0.1, 1000, 0.1],
  ];
  for (const [title, key, min, max, step] of thresholdRows) {
    const row = Adw.SpinRow.new_with_range(min, max, step);
    row.title = title;
    row.digits = 1;
    row.connect('notify::value', () => context.update(mergePatch(['watch', 'disks', key], row.value)));
    thresholds.add_row(row);
    context.onFill((config) => (row.value = config.watch.disks[key] as number));
  }
  disks.add(thresholds);

  const files = context.serviceGroup(
    page,
    _('Watched Files'),
    _('Steward keeps a copy of each good version, so that a broken change can be undone.'),
  );
  const paths = new Adw.EntryRow({ title: _('Files and folders'), show_apply_button: true });
  paths.connect('apply', () => context.update(mergePatch(['watch', 'files', 'paths'], parseList(paths.text))));
  files.add(paths);
  context.onFill((config) => {
    mounts.text = listText(config.watch.disks.mounts);
    interval.value = config.watch.disks.intervalSeconds;
    paths.text = listText(config.watch.files.paths);
  });

  const notifications = new Adw.PreferencesGroup({ title: _('Notifications') });
  const level = new Adw.ComboRow({
    title: _('Notify about'),
    subtitle: _('The top-bar menu lists everything either way.'),
    model: Gtk.StringList.new(NOTIFICATION_LEVELS.map((name) => notificationLevelLabel(name, _))),
  });
  const syncLevel = () =>
    (level.selected = Math.max(0, NOTIFICATION_LEVELS.indexOf(settings.get_string('notification-level') as 'all')));
  syncLevel();
  level.connect('notify::selected', () => {
    const name = NOTIFICATION_LEVELS[level.selected];
    if (name && name !== settings.get_string('notification-level')) settings.set_string('notification-level', name);
  });
  const levelHandler = settings.connect('changed::notification-level', syncLevel);
  context.onDestroy(() => settings.disconnect(levelHandler));
  notifications.add(level);
  page.add(notifications);
  return page;
}
