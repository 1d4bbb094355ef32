// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../../service/src/dbus/client.js';

/** Values of ExtensionState in GNOME Shell's extensionUtils.js. */
export const ExtensionState = { ACTIVE: 1, INACTIVE: 2, ERROR: 3 } as const;

export interface ExtensionInfo {
  state: number;
  error: string;
  path: string;
}

const callShell = (bus: MessageBus, iface: string, member: string, signature = '', body: unknown[] = []) =>
  callMethod(bus, {
    destination: 'org.gnome.Shell',
    path: '/org/gnome/Shell',
    interface: iface,
    member,
    signature,
    body,
  });

/** Evaluates JavaScript in the shell (which needs --unsafe-mode) and resolves with its JSON-decoded result. */
export async function shellEval(bus: MessageBus, code: string): Promise<unknown> {
  const [success, json] = (await callShell(bus, 'org.gnome.Shell', 'Eval', 's', [code])) as [boolean, string];
  if (!success) throw new Error(`GNOME Shell could not evaluate ${code}: ${json}`);
  // The shell answers '' for undefined.
  return json === '' ? undefined : JSON.parse(json);
}

export async function shellVersion(bus: MessageBus): Promise<string> {
  const [version] = await callMethod(bus, {
    destination: 'org.gnome.Shell',
    path: '/org/gnome/Shell',
    interface: 'org.freedesktop.DBus.Properties',
    member: 'Get',
    signature: 'ss',
    body: ['org.gnome.Shell', 'ShellVersion'],
  });
  return (version as Variant<string>).value;
}

export async function extensionInfo(bus: MessageBus, uuid: string): Promise<ExtensionInfo> {
  const [info] = (await callShell(bus, 'org.gnome.Shell.Extensions', 'GetExtensionInfo', 's', [uuid])) as [
    Record<string, Variant>,
  ];
  return {
    state: info.state?.value as number,
    error: (info.error?.value as string | undefined) ?? '',
    path: info.path?.value as string,
  };
}

export async function extensionErrors(bus: MessageBus, uuid: string): Promise<string[]> {
  const [errors] = await callShell(bus, 'org.gnome.Shell.Extensions', 'GetExtensionErrors', 's', [uuid]);
  return errors as string[];
}

export async function setExtensionEnabled(bus: MessageBus, uuid: string, enabled: boolean): Promise<void> {
  const member = enabled ? 'EnableExtension' : 'DisableExtension';
  const [done] = await callShell(bus, 'org.gnome.Shell.Extensions', member, 's', [uuid]);
  if (!done) throw new Error(`GNOME Shell refused ${member} ${uuid}`);
}
