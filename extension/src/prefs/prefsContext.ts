// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Adw from 'gi://Adw';
import Gtk from 'gi://Gtk';
import { gettext as _ } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import { errorMessage } from '../client/errors.js';
import { installHelpHere } from '../client/osRelease.js';
import { StewardClient } from '../client/stewardClient.js';
import { parseConfig, type ServiceConfig } from './prefsModel.js';

/** Whether the service runs, and when it does not, whether the bus could start it (null: not known yet). */
export type ServicePresence =
  | { running: true }
  | { running: false; installed: boolean | null; /** How to get it, when it is not installed. */ help?: string };

/**
 * What the preferences' pages share: the client, the rows that change the
 * service's configuration (shown only while it runs: without it they could
 * neither show its settings nor change them), filling them
 * from the configuration without sending a patch back, and the toasts. The
 * service owns its configuration: rows read it with GetConfig and change it
 * with merge patches.
 */
export class PrefsContext {
  readonly client = new StewardClient();
  private _running = false;
  private _closed = false;
  /** Set while rows are filled from the configuration, so that they send no patch back. */
  private _filling = false;
  private readonly _serviceGroups: Adw.PreferencesGroup[] = [];
  private readonly _notRunningGroups: Adw.PreferencesGroup[] = [];
  private readonly _notRunningRows: Adw.ActionRow[] = [];
  private readonly _fillers: ((config: ServiceConfig) => void)[] = [];
  private readonly _loaders: (() => void)[] = [];
  private readonly _presenceListeners: ((presence: ServicePresence) => void)[] = [];
  private readonly _undo: (() => void)[] = [];

  constructor(readonly window: Adw.PreferencesWindow) {
    this.client.on('ownerChanged', (running) => this._setRunning(running));
    this.client.on('configChanged', (config) => this._fill(parseConfig(config)));
    this.onLoad(
      () =>
        void this.call(() => this.client.config()).then(({ config, file, valid, problem }) => {
          this._fill(parseConfig(config));
          if (!valid) this.toast(`${file}: ${problem}`);
        }),
    );
  }

  get running(): boolean {
    return this._running;
  }

  /** Whether the window has closed: an answer that comes later has nothing left to show it. */
  get closed(): boolean {
    return this._closed;
  }

  get filling(): boolean {
    return this._filling;
  }

  /** Connects to the service, once every page is made. */
  start(): void {
    this._setRunning(false);
    this.client.connect().then(
      () => this._setRunning(this.client.running),
      (error: unknown) => this.toast(errorMessage(error, _)),
    );
  }

  destroy(): void {
    this._closed = true;
    for (const undo of this._undo.reverse()) undo();
    this.client.destroy();
  }

  /** A page whose first row says when the service is not running. */
  page(title: string, iconName: string): Adw.PreferencesPage {
    const page = new Adw.PreferencesPage({ title, icon_name: iconName, use_underline: true });
    const notRunning = new Adw.ActionRow({
      title: _('Steward service is not running'),
      subtitle: _('Start it from the Steward menu in the top bar to change these settings.'),
      use_markup: false,
    });
    notRunning.add_prefix(new Gtk.Image({ icon_name: 'dialog-warning-symbolic' }));
    this._notRunningRows.push(notRunning);
    const group = new Adw.PreferencesGroup({ visible: false });
    group.add(notRunning);
    page.add(group);
    this._notRunningGroups.push(group);
    return page;
  }

  /** A group of rows that change the service's configuration. */
  serviceGroup(page: Adw.PreferencesPage, title: string, description = ''): Adw.PreferencesGroup {
    return this.addServiceGroup(page, new Adw.PreferencesGroup({ title, description }));
  }

  addServiceGroup(page: Adw.PreferencesPage, group: Adw.PreferencesGroup): Adw.PreferencesGroup {
    page.add(group);
    this._serviceGroups.push(group);
    return group;
  }

  /** Calls `fill` with each configuration the service reports, while no patch is sent. */
  onFill(fill: (config: ServiceConfig) => void): void {
    this._fillers.push(fill);
  }

  /** Calls `load` each time the service is there to read from, and after a refused change. */
  onLoad(load: () => void): void {
    this._loaders.push(load);
  }

  onPresence(listener: (presence: ServicePresence) => void): void {
    this._presenceListeners.push(listener);
  }

  /** Runs `undo` when the window closes. */
  onDestroy(undo: () => void): void {
    this._undo.push(undo);
  }

  /** Sets rows without their change handlers sending a patch. */
  quietly(change: () => void): void {
    this._filling = true;
    change();
    this._filling = false;
  }

  /** Sends a JSON Merge Patch, unless the rows are being filled or the service is not there. */
  update(patch: string): void {
    if (this._filling || !this._running) return;
    void this.call(() => this.client.updateConfig(patch), true).then((config) => this._fill(parseConfig(config)));
  }

  /**
   * A call whose failure is told in a toast (and after a refused change, the
   * rows show the service's configuration again); its promise then never settles.
   */
  call<T>(call: () => Promise<T>, reloadOnFailure = false): Promise<T> {
    return call().catch((error: unknown) => {
      if (!this._closed) {
        this.toast(errorMessage(error, _));
        if (reloadOnFailure) this.reload();
      }
      return new Promise<never>(() => {});
    });
  }

  toast(title: string): void {
    this.window.add_toast(new Adw.Toast({ title, timeout: 5 }));
  }

  /** Reads everything from the service again. */
  reload(): void {
    for (const load of this._loaders) load();
  }

  private _fill(config: ServiceConfig): void {
    this.quietly(() => {
      for (const fill of this._fillers) fill(config);
    });
  }

  private _setRunning(running: boolean): void {
    this._running = running;
    for (const group of this._serviceGroups) group.visible = running;
    // Shown once the bus has said whether it could start the service (_showInstalled).
    if (running) for (const group of this._notRunningGroups) group.visible = false;
    this._tell(running ? { running } : { running, installed: null });
    if (running) this.reload();
    // Cancelled when the window closes: then nothing is left to update.
    else
      this.client.activatable().then(
        async (installed) => this._showInstalled(installed, installed ? '' : (await installHelpHere(_)).text),
        () => undefined,
      );
  }

  /** Installed from extensions.gnome.org alone, there is no service to start: say how to get it. */
  private _showInstalled(installed: boolean, help: string): void {
    if (this._running) return;
    for (const group of this._notRunningGroups) group.visible = true;
    for (const row of this._notRunningRows) {
      row.title = installed ? _('Steward service is not running') : _('Steward’s service is not installed');
      row.subtitle = installed ? _('Start it from the Steward menu in the top bar to change these settings.') : help;
    }
    this._tell({ running: false, installed, help });
  }

  private _tell(presence: ServicePresence): void {
    for (const listener of this._presenceListeners) listener(presence);
  }
}
