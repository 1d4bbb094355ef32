// build/build.mjs writes interfaces.js from the XML in dbus-interfaces/.

/** The revision of the D-Bus API this extension was built against. */
export const API_VERSION: number;

/** One of the service's interfaces: its name, and its introspection XML for Gio.DBusProxy.makeProxyWrapper. */
export interface InterfaceInfo {
  readonly name: string;
  readonly xml: string;
}

/** The service's interfaces, read from dbus-interfaces/ at build time. */
export const INTERFACES: {
  readonly core: InterfaceInfo;
  readonly chat: InterfaceInfo;
  readonly findings: InterfaceInfo;
  readonly proposals: InterfaceInfo;
  readonly models: InterfaceInfo;
  readonly settings: InterfaceInfo;
};
