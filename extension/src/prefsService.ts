import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import { BUS_NAME, callSteward, OBJECT_PATH, serviceActivatable } from './stewardBus.js';

export const SETTINGS_INTERFACE = 'io.github.steward.Steward1.Settings';
export const MODELS_INTERFACE = 'io.github.steward.Steward1.Models';
export const CHAT_INTERFACE = 'io.github.steward.Steward1.Chat';
export const CORE_INTERFACE = 'io.github.steward.Steward1';

/**
 * The service as the preferences see it: asynchronous calls that never start
 * it, its signals, and whether it runs. Everything it connects is undone by
 * destroy(), when the window closes.
 */
export class PrefsService {
  private readonly _cancellable = new Gio.Cancellable();
  private readonly _subscriptions: number[] = [];
  private readonly _watch: number;

  constructor(onRunningChanged: (running: boolean) => void) {
    this._watch = Gio.bus_watch_name_on_connection(
      Gio.DBus.session,
      BUS_NAME,
      Gio.BusNameWatcherFlags.NONE,
      () => onRunningChanged(true),
      () => onRunningChanged(false),
    );
  }

  /** Calls a method; resolves with its unpacked out arguments. D-Bus errors lose their remote prefix. */
  call(iface: string, method: string, args: GLib.Variant | null, replyType: string): Promise<unknown[]> {
    // A change that widens trust waits while the user answers the confirmation dialog.
    const timeoutMs = method === 'UpdateConfig' ? 5 * 60_000 : -1;
    return callSteward(iface, method, args, replyType, this._cancellable, timeoutMs);
  }

  /** Whether the session bus can start the service, i.e. whether it is installed. */
  activatable(): Promise<boolean> {
    return serviceActivatable(this._cancellable);
  }

  /** The GNOME Shell version, from the shell itself. */
  shellVersion(): Promise<string> {
    return new Promise((resolve, reject) => {
      Gio.DBus.session.call(
        'org.gnome.Shell',
        '/org/gnome/Shell',
        'org.freedesktop.DBus.Properties',
        'Get',
        new GLib.Variant('(ss)', ['org.gnome.Shell', 'ShellVersion']),
        new GLib.VariantType('(v)'),
        Gio.DBusCallFlags.NONE,
        -1,
        this._cancellable,
        (_connection, result) => {
          try {
            const [version] = Gio.DBus.session.call_finish(result).recursiveUnpack() as [string];
            resolve(version);
          } catch (error) {
            reject(error as Error);
          }
        },
      );
    });
  }

  /** Calls back with the unpacked arguments of each emission of a signal. */
  subscribe(iface: string, signal: string, callback: (args: unknown[]) => void): void {
    this._subscriptions.push(
      Gio.DBus.session.signal_subscribe(
        BUS_NAME,
        iface,
        signal,
        OBJECT_PATH,
        null,
        Gio.DBusSignalFlags.NONE,
        (_connection, _sender, _path, _iface, _signal, parameters: GLib.Variant) =>
          callback(parameters.recursiveUnpack() as unknown[]),
      ),
    );
  }

  destroy(): void {
    this._cancellable.cancel();
    for (const id of this._subscriptions) Gio.DBus.session.signal_unsubscribe(id);
    Gio.bus_unwatch_name(this._watch);
  }
}
