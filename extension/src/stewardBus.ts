import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

/** Where the Steward service is on the session bus. */
export const BUS_NAME = 'io.github.steward.Steward1';
export const OBJECT_PATH = '/io/github/steward/Steward1';

// GJS adds newAsync() to proxy wrappers (1.75.2+); the type definitions lack it.
interface ProxyWrapper<P> {
  newAsync(
    bus: Gio.DBusConnection,
    name: string,
    objectPath: string,
    cancellable: Gio.Cancellable | null,
    flags: Gio.DBusProxyFlags,
  ): Promise<P>;
}

/** A proxy for one of the service's interfaces that never starts the service by itself. */
export function stewardProxy<P>(interfaceXml: string, cancellable: Gio.Cancellable | null): Promise<P> {
  const wrapper = Gio.DBusProxy.makeProxyWrapper(interfaceXml) as unknown as ProxyWrapper<P>;
  return wrapper.newAsync(
    Gio.DBus.session,
    BUS_NAME,
    OBJECT_PATH,
    cancellable,
    Gio.DBusProxyFlags.DO_NOT_AUTO_START_AT_CONSTRUCTION,
  );
}

/**
 * Whether the session bus can start the service: false when only the extension is installed
 * (from extensions.gnome.org, without the service), or while the service still runs after removal.
 */
export function serviceActivatable(cancellable: Gio.Cancellable | null): Promise<boolean> {
  return new Promise((resolve, reject) => {
    Gio.DBus.session.call(
      'org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus',
      'ListActivatableNames',
      null,
      new GLib.VariantType('(as)'),
      Gio.DBusCallFlags.NONE,
      -1,
      cancellable,
      (_connection, result) => {
        try {
          const [names] = Gio.DBus.session.call_finish(result).deepUnpack() as [string[]];
          resolve(names.includes(BUS_NAME));
        } catch (error) {
          reject(error);
        }
      },
    );
  });
}

/**
 * Calls a method of the service without starting it; resolves with its unpacked
 * out arguments. D-Bus errors lose their remote prefix, so their message reads well.
 * `timeoutMs` -1 is D-Bus's default (25 s).
 */
/** An error the service named ("io.github.steward.Steward1.Error.NotAuthorized"), with its message for people. */
export class StewardError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'StewardError';
  }
}

export function callSteward(
  iface: string,
  method: string,
  args: GLib.Variant | null,
  replyType: string | null,
  cancellable: Gio.Cancellable | null,
  timeoutMs = -1,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    Gio.DBus.session.call(
      BUS_NAME,
      OBJECT_PATH,
      iface,
      method,
      args,
      replyType === null ? null : new GLib.VariantType(replyType),
      Gio.DBusCallFlags.NO_AUTO_START,
      timeoutMs,
      cancellable,
      (_connection, result) => {
        try {
          resolve(Gio.DBus.session.call_finish(result).recursiveUnpack() as unknown[]);
        } catch (error) {
          if (error instanceof GLib.Error) {
            const name = Gio.DBusError.get_remote_error(error);
            Gio.DBusError.strip_remote_error(error);
            if (name?.startsWith(`${BUS_NAME}.Error.`)) {
              reject(new StewardError(name, error.message));
              return;
            }
          }
          reject(error as Error);
        }
      },
    );
  });
}
