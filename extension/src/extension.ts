import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import { Extension, gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import { StewardIndicator } from './indicator.js';
import { ServiceClient } from './serviceClient.js';

export default class StewardExtension extends Extension {
  private _indicator: StewardIndicator | null = null;
  private _client: ServiceClient | null = null;

  override enable(): void {
    this._indicator = new StewardIndicator(this.dir.get_child('icons'), () => this._startService());
    Main.panel.addToStatusArea(this.uuid, this._indicator);

    this._client = new ServiceClient((status) => this._indicator?.showStatus(status));
    this._client.watch().catch((error: unknown) => this._report(_('Cannot reach the session bus'), error));
  }

  override disable(): void {
    this._client?.destroy();
    this._client = null;
    this._indicator?.destroy();
    this._indicator = null;
  }

  private _startService(): void {
    this._client?.start().catch((error: unknown) => this._report(_('Steward could not be started'), error));
  }

  private _report(summary: string, error: unknown): void {
    if (error instanceof GLib.Error) {
      // disable() cancels calls in flight; that is not a failure to show.
      if (error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED)) return;
      Gio.DBusError.strip_remote_error(error);
    }
    const message = error instanceof Error || error instanceof GLib.Error ? error.message : String(error);
    console.warn(`Steward: ${summary}: ${message}`);
    this._indicator?.showError(`${summary}: ${message}`);
  }
}
