import Gio from 'gi://Gio';

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
