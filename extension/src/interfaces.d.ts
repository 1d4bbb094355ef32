// build/build.mjs writes interfaces.js from the XML in dbus-interfaces/.

/** The revision of the D-Bus API this extension was built against. */
export const API_VERSION: number;

/** The io.github.steward.Steward1 interface, as introspection XML. */
export const coreInterfaceXml: string;

/** The io.github.steward.Steward1.Chat interface, as introspection XML. */
export const chatInterfaceXml: string;

/** The io.github.steward.Steward1.Findings interface, as introspection XML. */
export const findingsInterfaceXml: string;

/** The io.github.steward.Steward1.Proposals interface, as introspection XML. */
export const proposalsInterfaceXml: string;
