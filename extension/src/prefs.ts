import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import Gtk from 'gi://Gtk';

import { ExtensionPreferences, gettext as _ } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import { pullProgressText } from './chatTranscript.js';
import {
  diagnosticsText,
  enginePatch,
  listText,
  mergePatch,
  modelRows,
  NOTIFICATION_LEVELS,
  notificationLevelLabel,
  parseConfig,
  parseList,
  policyLabel,
  policyIndex,
  policyPatch,
  policyRows,
  recommendationTitle,
  type DiskSettings,
  type ServiceConfig,
} from './prefsModel.js';
import { errorMessage } from './client/errors.js';
import { StewardClient } from './client/stewardClient.js';
import type { PullEnd, PullProgress } from './client/types.js';
import { ShortcutGroup } from './prefsShortcut.js';
import { INSTALL_URL } from './serviceStatus.js';
import { format } from './text.js';

type Dictionary = Record<string, unknown>;

/**
 * The preferences window. The service owns its configuration: those rows read
 * it with GetConfig and change it with merge patches, and are insensitive while
 * the service is not running. Only the shortcut and the notification level are
 * the extension's own GSettings.
 */
export default class StewardPreferences extends ExtensionPreferences {
  override async fillPreferencesWindow(window: Adw.PreferencesWindow): Promise<void> {
    const version = String(this.metadata['version-name'] ?? '');
    const preferences = new PreferencesWindow(window, this.getSettings(), version);
    window.connect('close-request', () => {
      preferences.destroy();
      return false;
    });
  }
}

class PreferencesWindow {
  private readonly _client = new StewardClient();
  private readonly _shortcut: ShortcutGroup;
  private _levelHandler = 0;
  private _running = false;
  private _closed = false;
  /** Set while rows are filled from the configuration, so that they send no patch back. */
  private _filling = false;
  private readonly _serviceGroups: Adw.PreferencesGroup[] = [];
  private readonly _notRunningGroups: Adw.PreferencesGroup[] = [];
  private readonly _notRunningRows: Adw.ActionRow[] = [];
  private readonly _fillers: ((config: ServiceConfig) => void)[] = [];
  private readonly _modelsGroup = new Adw.PreferencesGroup({
    title: _('Installed models'),
    description: _('The model Steward uses on this computer, with how well it fits.'),
  });
  private _modelRows: Adw.ActionRow[] = [];
  private readonly _recommendRow = new Adw.ActionRow();
  private readonly _progress = new Gtk.ProgressBar({ valign: Gtk.Align.CENTER, width_request: 120, visible: false });
  private _recommendedUri = '';
  private _pullId = '';
  private readonly _statusRow = new Adw.ActionRow({ title: _('Steward service') });

  constructor(
    private readonly _window: Adw.PreferencesWindow,
    private readonly _settings: Gio.Settings,
    private readonly _version: string,
  ) {
    _window.set_default_size(720, 720);
    this._shortcut = new ShortcutGroup(_settings, _window);
    _window.add(this._modelPage());
    _window.add(this._watchingPage(_settings));
    _window.add(this._safetyPage());
    _window.add(this._shortcutPage());

    this._client.on('ownerChanged', (running) => this._setRunning(running));
    this._client.on('configChanged', (config) => this._fill(parseConfig(config)));
    this._client.on('pullProgress', (progress) => this._onPullProgress(progress));
    this._client.on('pullFinished', (end) => this._onPullFinished(end));
    this._setRunning(false);
    this._client.connect().then(
      () => this._setRunning(this._client.running),
      (error: unknown) => this._toast(errorMessage(error, _)),
    );
  }

  destroy(): void {
    this._closed = true;
    this._shortcut.destroy();
    this._settings.disconnect(this._levelHandler);
    this._client.destroy();
  }

  private _page(title: string, iconName: string): Adw.PreferencesPage {
    const page = new Adw.PreferencesPage({ title, icon_name: iconName, use_underline: true });
    const notRunning = new Adw.ActionRow({
      title: _('Steward service is not running'),
      subtitle: _('Start it from the Steward menu in the top bar to change these settings.'),
    });
    notRunning.add_prefix(new Gtk.Image({ icon_name: 'dialog-warning-symbolic' }));
    this._notRunningRows.push(notRunning);
    const group = new Adw.PreferencesGroup();
    group.add(notRunning);
    page.add(group);
    this._notRunningGroups.push(group);
    return page;
  }

  /** A group of rows that change the service's configuration. */
  private _serviceGroup(page: Adw.PreferencesPage, title: string, description = ''): Adw.PreferencesGroup {
    const group = new Adw.PreferencesGroup({ title, description });
    page.add(group);
    this._serviceGroups.push(group);
    return group;
  }

  private _modelPage(): Adw.PreferencesPage {
    const page = this._page(_('_Model'), 'system-run-symbolic');

    const engine = this._serviceGroup(page, _('Engine'));
    const engineRow = new Adw.ComboRow({
      title: _('Answers come from'),
      model: Gtk.StringList.new([_('A model on this computer'), _('A remote endpoint')]),
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
      if (this._filling) return;
      if (!remote) this._update(enginePatch('local', '', ''));
      else if (url.text.trim() && model.text.trim()) this._update(enginePatch('remote', url.text, model.text));
    };
    engineRow.connect('notify::selected', sendEngine);
    url.connect('apply', sendEngine);
    model.connect('apply', sendEngine);
    key.connect('apply', () => {
      void this._call(() => this._client.setApiKey(url.text.trim(), key.text)).then(() => {
        key.text = '';
        this._toast(_('The API key is stored'));
      });
    });
    this._fillers.push((config) => {
      engineRow.selected = config.inference.engine === 'remote' ? 1 : 0;
      url.text = config.inference.remote?.url ?? '';
      model.text = config.inference.remote?.model ?? '';
      for (const row of remoteRows) row.visible = config.inference.engine === 'remote';
    });

    page.add(this._modelsGroup);
    this._serviceGroups.push(this._modelsGroup);
    const recommended = this._serviceGroup(page, _('Recommended model'));
    const pull = new Gtk.Button({ label: _('Download'), valign: Gtk.Align.CENTER });
    pull.connect('clicked', () => {
      void this._call(() => this._client.pull(this._recommendedUri)).then((pullId) => {
        this._pullId = pullId;
        this._progress.visible = true;
      });
    });
    this._recommendRow.add_suffix(this._progress);
    this._recommendRow.add_suffix(pull);
    recommended.add(this._recommendRow);
    return page;
  }

  private _watchingPage(settings: Gio.Settings): Adw.PreferencesPage {
    const page = this._page(_('_Watching'), 'system-search-symbolic');

    const sources = this._serviceGroup(page, _('What Steward watches'));
    const switches: [string, string[], (config: ServiceConfig) => boolean][] = [
      [_('System journal'), ['watch', 'journal', 'system'], (c) => c.watch.journal.system],
      [_('Your journal'), ['watch', 'journal', 'user'], (c) => c.watch.journal.user],
      [_('Failed services'), ['watch', 'units'], (c) => c.watch.units],
      [_('Network'), ['watch', 'network'], (c) => c.watch.network],
      [_('Your configuration and crashes'), ['watch', 'files', 'watchDefaults'], (c) => c.watch.files.watchDefaults],
    ];
    for (const [title, path, read] of switches) {
      const row = new Adw.SwitchRow({ title });
      row.connect('notify::active', () => this._update(mergePatch(path, row.active)));
      sources.add(row);
      this._fillers.push((config) => (row.active = read(config)));
    }

    const disks = this._serviceGroup(page, _('Disks'), _('Steward warns when these fill up.'));
    const mounts = new Adw.EntryRow({ title: _('Mount points'), show_apply_button: true });
    mounts.connect('apply', () => this._update(mergePatch(['watch', 'disks', 'mounts'], parseList(mounts.text))));
    const interval = Adw.SpinRow.new_with_range(5, 3600, 5);
    interval.title = _('Check every (seconds)');
    interval.connect('notify::value', () =>
      this._update(mergePatch(['watch', 'disks', 'intervalSeconds'], Math.round(interval.value))),
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
      row.connect('notify::value', () => this._update(mergePatch(['watch', 'disks', key], row.value)));
      thresholds.add_row(row);
      this._fillers.push((config) => (row.value = config.watch.disks[key] as number));
    }
    disks.add(thresholds);

    const files = this._serviceGroup(
      page,
      _('Watched files'),
      _('Steward keeps a copy of each good version, so that a broken change can be undone.'),
    );
    const paths = new Adw.EntryRow({ title: _('Files and folders'), show_apply_button: true });
    paths.connect('apply', () => this._update(mergePatch(['watch', 'files', 'paths'], parseList(paths.text))));
    files.add(paths);
    this._fillers.push((config) => {
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
    this._levelHandler = settings.connect('changed::notification-level', syncLevel);
    notifications.add(level);
    page.add(notifications);
    return page;
  }

  private _safetyPage(): Adw.PreferencesPage {
    const page = this._page(_('_Safety'), 'security-high-symbolic');
    const fixes = this._serviceGroup(
      page,
      _('Fixes'),
      _('Whether Steward asks before a fix. Only low-risk fixes can run without asking.'),
    );
    const rows = policyRows({}, _).map((policy) => {
      const row = new Adw.ComboRow({
        title: policy.title,
        model: Gtk.StringList.new(policy.choices.map((choice) => policyLabel(choice, _))),
      });
      row.connect('notify::selected', () => {
        const choice = policy.choices[row.selected];
        if (choice) this._update(policyPatch(policy.name, choice));
      });
      fixes.add(row);
      return [row, policy] as const;
    });
    this._fillers.push((config) => {
      for (const [row, policy] of rows) row.selected = policyIndex(config.fixes.policy, policy);
    });

    const expert = this._serviceGroup(page, _('Expert'));
    const shell = new Adw.SwitchRow({
      title: _('Allow diagnostic commands'),
      subtitle: _('The assistant may propose commands. One runs only after you approve it, in a sandbox.'),
    });
    shell.connect('notify::active', () => {
      if (this._filling || !shell.active) this._update(mergePatch(['fixes', 'expertShell'], shell.active));
      else this._confirmExpertShell(shell);
    });
    expert.add(shell);
    this._fillers.push((config) => (shell.active = config.fixes.expertShell));

    const privacy = this._serviceGroup(page, _('Privacy'));
    const redact = new Adw.SwitchRow({
      title: _('Hide secrets from local models too'),
      subtitle: _('What goes to a remote endpoint is always redacted.'),
    });
    redact.connect('notify::active', () => this._update(mergePatch(['assistant', 'redactLocal'], redact.active)));
    privacy.add(redact);
    this._fillers.push((config) => (redact.active = config.assistant.redactLocal));
    return page;
  }

  /** Turning on commands is the one setting that widens what a fix can be: it asks first. */
  private _confirmExpertShell(row: Adw.SwitchRow): void {
    const dialog = new Adw.AlertDialog({
      heading: _('Allow diagnostic commands?'),
      body: _('A command runs without network and cannot change files, but it can read them.'),
      close_response: 'cancel',
    });
    dialog.add_response('cancel', _('_Cancel'));
    dialog.add_response('allow', _('_Allow'));
    dialog.set_response_appearance('allow', Adw.ResponseAppearance.DESTRUCTIVE);
    dialog.connect('response', (_dialog, response) => {
      if (response === 'allow') this._update(mergePatch(['fixes', 'expertShell'], true));
      else {
        this._filling = true;
        row.active = false;
        this._filling = false;
      }
    });
    dialog.present(this._window);
  }

  private _shortcutPage(): Adw.PreferencesPage {
    const page = new Adw.PreferencesPage({
      title: _('S_hortcut'),
      use_underline: true,
      icon_name: 'preferences-desktop-keyboard-shortcuts-symbolic',
    });
    page.add(this._shortcut.group);
    const service = new Adw.PreferencesGroup({ title: _('Service') });
    const copy = new Gtk.Button({ label: _('Copy diagnostics'), valign: Gtk.Align.CENTER });
    copy.connect('clicked', () => void this._copyDiagnostics());
    this._statusRow.add_suffix(copy);
    service.add(this._statusRow);
    page.add(service);
    return page;
  }

  private _setRunning(running: boolean): void {
    this._running = running;
    for (const group of this._serviceGroups) group.sensitive = running;
    for (const group of this._notRunningGroups) group.visible = !running;
    this._statusRow.subtitle = running ? _('Running') : _('Not running');
    if (running) this._load();
    // Cancelled when the window closes: then nothing is left to update.
    else
      this._client.activatable().then(
        (installed) => this._showInstalled(installed),
        () => undefined,
      );
  }

  /** Installed from extensions.gnome.org alone, there is no service to start: say how to get it. */
  private _showInstalled(installed: boolean): void {
    if (this._running) return;
    for (const row of this._notRunningRows) {
      row.title = installed ? _('Steward service is not running') : _('Steward’s service is not installed');
      row.subtitle = installed
        ? _('Start it from the Steward menu in the top bar to change these settings.')
        : format(_('Install it with “sudo apt install steward”, or see {url}'), { url: INSTALL_URL });
    }
    this._statusRow.subtitle = installed ? _('Not running') : _('Not installed');
  }

  private _load(): void {
    void this._call(() => this._client.config()).then(({ config, file, valid, problem }) => {
      this._fill(parseConfig(config));
      if (!valid) this._toast(`${file}: ${problem}`);
    });
    void this._call(() => this._client.status()).then((status) => {
      this._statusRow.subtitle = String(status['state']);
    });
    this._loadModels();
    void this._call(() => this._client.recommendation()).then((recommendation) => {
      const title = recommendationTitle(recommendation, _);
      this._recommendedUri = String(recommendation['uri'] ?? '');
      this._recommendRow.title = title ?? _('No model in the catalog fits this computer');
      this._recommendRow.subtitle = String(recommendation['reason'] ?? '');
      this._recommendRow.sensitive = title !== null;
    });
  }

  private _loadModels(): void {
    void this._call(() => this._client.models()).then((models) => {
      for (const row of this._modelRows) this._modelsGroup.remove(row);
      let first: Gtk.CheckButton | null = null;
      this._modelRows = modelRows(models, _).map((model) => {
        const row = new Adw.ActionRow({ title: model.title, subtitle: model.subtitle, sensitive: model.usable });
        const check = new Gtk.CheckButton({ active: model.active, valign: Gtk.Align.CENTER });
        if (first) check.set_group(first);
        else first = check;
        check.connect('toggled', () => {
          if (check.active && !this._filling) void this._call(() => this._client.setActiveModel(model.id));
        });
        row.add_prefix(check);
        row.activatable_widget = check;
        this._modelsGroup.add(row);
        return row;
      });
      if (this._modelRows.length === 0) {
        const empty = new Adw.ActionRow({ title: _('No models yet: download the recommended one below.') });
        this._modelsGroup.add(empty);
        this._modelRows.push(empty);
      }
    });
  }

  private _fill(config: ServiceConfig): void {
    this._filling = true;
    for (const fill of this._fillers) fill(config);
    this._filling = false;
  }

  private _update(patch: string): void {
    if (this._filling || !this._running) return;
    void this._call(() => this._client.updateConfig(patch), true).then((config) => this._fill(parseConfig(config)));
  }

  /**
   * A call whose failure is told in a toast (and after a refused change, the
   * rows show the service's configuration again); its promise then never settles.
   */
  private _call<T>(call: () => Promise<T>, reloadOnFailure = false): Promise<T> {
    return call().catch((error: unknown) => {
      if (!this._closed) {
        this._toast(errorMessage(error, _));
        if (reloadOnFailure) this._load();
      }
      return new Promise<never>(() => {});
    });
  }

  private _onPullProgress({ pullId, bytesDone, bytesTotal }: PullProgress): void {
    if (pullId !== this._pullId) return;
    this._progress.fraction = bytesTotal > 0 ? bytesDone / bytesTotal : 0;
    this._recommendRow.subtitle = pullProgressText(bytesDone, bytesTotal, _);
  }

  private _onPullFinished({ pullId, status, errorMessage: message }: PullEnd): void {
    if (pullId !== this._pullId) return;
    this._pullId = '';
    this._progress.visible = false;
    if (status === 'done') this._toast(_('The model is downloaded'));
    else if (status === 'failed') this._toast(message);
    this._load();
  }

  private async _copyDiagnostics(): Promise<void> {
    const [service, engine, shellVersion] = await Promise.all([
      this._optional(() => this._client.status()),
      this._optional(() => this._client.engineStatus()),
      this._client.shellVersion().catch(() => _('unknown')),
    ]);
    const text = diagnosticsText({
      extensionVersion: this._version,
      shellVersion,
      service,
      engine,
    });
    this._window.get_display().get_clipboard().set(text);
    this._toast(_('Diagnostics copied'));
  }

  /** A status for the diagnostics, or null when the service is not there or does not answer. */
  private async _optional(read: () => Promise<Dictionary>): Promise<Dictionary | null> {
    if (!this._running) return null;
    return read().catch(() => null);
  }

  private _toast(title: string): void {
    this._window.add_toast(new Adw.Toast({ title, timeout: 5 }));
  }
}
