import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import { coreInterfaceXml } from './interfaces.js';
import type { ServiceStatus } from './serviceStatus.js';
import { BUS_NAME, serviceActivatable, stewardProxy } from './stewardBus.js';

interface CoreProxy extends Gio.DBusProxy {
  readonly Version: string | null;
  readonly ApiVersion: number | null;
  readonly State: string | null;
  readonly StateReason: string | null;
}

/**
 * Follows the Steward service on the session bus: its name appearing and
 * vanishing, and its state. The proxy never starts the service by itself;
 * only start() does, when the user asks for it.
 */
export class ServiceClient {
  private _cancellable: Gio.Cancellable | null = new Gio.Cancellable();
  private _proxy: CoreProxy | null = null;
  /** Whether the bus can start the service; asked again each time the service is gone. */
  private _activatable = true;

  constructor(private readonly _onChanged: (status: ServiceStatus) => void) {}

  async watch(): Promise<void> {
    const proxy = await stewardProxy<CoreProxy>(coreInterfaceXml, this._cancellable);
    this._proxy = proxy;
    proxy.connectObject(
      'notify::g-name-owner',
      () => void this._onOwnerChanged(),
      'g-properties-changed',
      () => this._notify(),
      this,
    );
    await this._onOwnerChanged();
  }

  get status(): ServiceStatus {
    const proxy = this._proxy;
    if (!proxy?.g_name_owner || proxy.ApiVersion === null) return { running: false, installed: this._activatable };
    return {
      running: true,
      state: proxy.State ?? 'starting',
      reason: proxy.StateReason ?? '',
      version: proxy.Version ?? '',
      apiVersion: proxy.ApiVersion,
    };
  }

  /** Starts the service through D-Bus activation (systemd, or the activation file's Exec=). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      Gio.DBus.session.call(
        'org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus',
        'StartServiceByName',
        new GLib.Variant('(su)', [BUS_NAME, 0]),
        null,
        Gio.DBusCallFlags.NONE,
        -1,
        this._cancellable,
        (_connection, result) => {
          try {
            Gio.DBus.session.call_finish(result);
            resolve();
          } catch (error) {
            reject(error);
          }
        },
      );
    });
  }

  destroy(): void {
    this._cancellable?.cancel();
    this._cancellable = null;
    this._proxy?.disconnectObject(this);
    this._proxy = null;
  }

  private async _onOwnerChanged(): Promise<void> {
    if (!this._proxy?.g_name_owner) {
      const cancellable = this._cancellable;
      // Cancelled by destroy(), or the bus did not answer: the last answer stands.
      const activatable = await serviceActivatable(cancellable).catch(() => this._activatable);
      if (cancellable?.is_cancelled() !== false) return;
      this._activatable = activatable;
    }
    this._notify();
  }

  private _notify(): void {
    this._onChanged(this.status);
  }
}
