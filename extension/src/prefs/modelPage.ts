// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Adw from 'gi://Adw';
import Gtk from 'gi://Gtk';
import { gettext as _ } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import { pullProgressText } from '../shared/chatTranscript.js';
import { text } from '../shared/model.js';
import { format } from '../shared/text.js';
import type { PrefsContext } from './prefsContext.js';
import { enginePatch, isInstalled, modelRows, recommendationTitle } from './prefsModel.js';
import { serviceGroup } from './serviceGroup.js';

/**
 * The service and where answers come from: whether the service runs, the engine, the installed models
 * and the recommended one with its download.
 */
export function modelPage(context: PrefsContext, extensionVersion: string): Adw.PreferencesPage {
  const page = new Adw.PreferencesPage({ title: _('_Model'), icon_name: 'system-run-symbolic', use_underline: true });
  page.add(serviceGroup(context, extensionVersion));
  engineGroup(context, page);
  modelsGroup(context, page);
  recommendedGroup(context, page);
  return page;
}

function engineGroup(context: PrefsContext, page: Adw.PreferencesPage): void {
  const engine = context.serviceGroup(page, _('Engine'));
  const engineRow = new Adw.ComboRow({
    title: _('Answers come from'),
    // Short: the combo row cuts its value at a fixed width.
    model: Gtk.StringList.new([_('This computer'), _('A remote server')]),
  });
  const url = new Adw.EntryRow({ title: _('Endpoint URL'), show_apply_button: true });
  const model = new Adw.EntryRow({ title: _('Model name'), show_apply_button: true });
  const key = new Adw.PasswordEntryRow({ title: _('API key (kept in the keyring)'), show_apply_button: true });
  const remoteRows = [url, model, key];
  for (const row of remoteRows) row.visible = false;
  for (const row of [engineRow, ...remoteRows]) engine.add(row);
  const sendEngine = () => {
    const remote = engineRow.selected === 1;
    for (const row of remoteRows) row.visible = remote;
    if (context.filling) return;
    if (!remote) context.update(enginePatch('local', '', ''));
    else if (url.text.trim() && model.text.trim()) context.update(enginePatch('remote', url.text, model.text));
  };
  engineRow.connect('notify::selected', sendEngine);
  url.connect('apply', sendEngine);
  model.connect('apply', sendEngine);
  key.connect('apply', () => {
    void context
      .call(() => context.client.setApiKey(url.text.trim(), key.text))
      .then(() => {
        key.text = '';
        context.toast(_('The API key is stored'));
      });
  });
  context.onFill((config) => {
    engineRow.selected = config.inference.engine === 'remote' ? 1 : 0;
    url.text = config.inference.remote?.url ?? '';
    model.text = config.inference.remote?.model ?? '';
    // A key read from a file is set, though the row has nothing to show: its title says where it is.
    const keyFile = config.inference.remote?.apiKeyFile;
    key.title = keyFile
      ? format(_('API key (read from {file})'), { file: keyFile })
      : _('API key (kept in the keyring)');
    for (const row of remoteRows) row.visible = config.inference.engine === 'remote';
  });
}

function modelsGroup(context: PrefsContext, page: Adw.PreferencesPage): void {
  const group = context.addServiceGroup(
    page,
    new Adw.PreferencesGroup({
      title: _('Installed Models'),
      description: _('The model Steward uses on this computer, with how well it fits.'),
    }),
  );
  let rows: Adw.ActionRow[] = [];
  // With a remote engine, an empty list is no gap to fill: answers come from the server.
  let remote = false;
  const emptyText = () =>
    remote
      ? _('None on this computer: answers come from the remote server.')
      : _('No models yet: download the recommended one below.');
  let empty: Adw.ActionRow | null = null;
  context.onFill((config) => {
    remote = config.inference.engine === 'remote';
    if (empty) empty.title = emptyText();
  });
  context.onLoad(() => {
    void context
      .call(() => context.client.models())
      .then((models) => {
        for (const row of rows) group.remove(row);
        let first: Gtk.CheckButton | null = null;
        rows = modelRows(models, _).map((model) => {
          const row = new Adw.ActionRow({ title: model.title, subtitle: model.subtitle, sensitive: model.usable });
          const check = new Gtk.CheckButton({ active: model.active, valign: Gtk.Align.CENTER });
          if (first) check.set_group(first);
          else first = check;
          check.connect('toggled', () => {
            if (check.active && !context.filling) void context.call(() => context.client.setActiveModel(model.id));
          });
          row.add_prefix(check);
          row.activatable_widget = check;
          group.add(row);
          return row;
        });
        empty = null;
        if (rows.length === 0) {
          empty = new Adw.ActionRow({ title: emptyText() });
          group.add(empty);
          rows.push(empty);
        }
      });
  });
}

function recommendedGroup(context: PrefsContext, page: Adw.PreferencesPage): void {
  const recommended = context.serviceGroup(page, _('Recommended Model'));
  const row = new Adw.ActionRow();
  const progress = new Gtk.ProgressBar({ valign: Gtk.Align.CENTER, width_request: 120, visible: false });
  const pull = new Gtk.Button({ label: _('Download'), valign: Gtk.Align.CENTER, sensitive: false });
  let recommendedUri = '';
  let installed = false;
  let pullId = '';
  // Download can work only while the service runs, a model fits, it is not installed and no download runs.
  const showPull = () => {
    pull.label = installed ? _('Installed') : _('Download');
    pull.sensitive = context.running && recommendedUri !== '' && !installed && pullId === '';
  };
  pull.connect('clicked', () => {
    pull.sensitive = false;
    void context
      .call(() => context.client.pull(recommendedUri))
      .then((id) => {
        pullId = id;
        progress.visible = true;
        showPull();
      });
  });
  row.add_suffix(progress);
  row.add_suffix(pull);
  recommended.add(row);

  context.onPresence(showPull);
  context.onLoad(() => {
    void context
      .call(() => Promise.all([context.client.recommendation(), context.client.models()]))
      .then(([recommendation, models]) => {
        const title = recommendationTitle(recommendation, _);
        recommendedUri = text(recommendation['uri']);
        installed = isInstalled(recommendedUri, models);
        row.title = title ?? _('No model in the catalog fits this computer');
        row.subtitle = text(recommendation['reason']);
        pull.visible = recommendedUri !== '';
        showPull();
      });
  });
  context.client.on('pullProgress', ({ pullId: id, bytesDone, bytesTotal }) => {
    if (id !== pullId) return;
    progress.fraction = bytesTotal > 0 ? bytesDone / bytesTotal : 0;
    row.subtitle = pullProgressText(bytesDone, bytesTotal, _);
  });
  context.client.on('pullFinished', ({ pullId: id, status, errorMessage }) => {
    if (id !== pullId) return;
    pullId = '';
    progress.visible = false;
    if (status === 'done') context.toast(_('The model is downloaded'));
    else if (status === 'failed') context.toast(errorMessage);
    context.reload();
  });
}
