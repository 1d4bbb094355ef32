// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// GNOME Shell's own extensions API on the session bus: org.gnome.Shell.Extensions at /org/gnome/Shell
// (gnome-shell's data/dbus-interfaces/org.gnome.Shell.Extensions.xml), the interface the Extensions app uses.
// Every info dict is the shell's serializeExtension(): the extension's metadata (name, version…, written by the
// extension's author: untrusted) and the shell's own keys (state, error, path, type, and since 45 enabled).
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../dbus/client.js';
import { systemCall } from '../../fixes/actions/polkit.js';
import { cleanLine } from '../../untrustedText.js';
import type { ExtensionState } from './state.js';

export const SHELL = 'org.gnome.Shell';
export const SHELL_PATH = '/org/gnome/Shell';
export const EXTENSIONS = 'org.gnome.Shell.Extensions';

/** Steward's own extension (extension/metadata.json): Steward never reports on it nor turns it off. */
export const STEWARD_UUID = 'steward@steward.github.io';

// ExtensionState in js/misc/extensionUtils.js. 46 renamed ENABLED/DISABLED to ACTIVE/INACTIVE and added
// DEACTIVATING/ACTIVATING (7, 8, called DISABLING/ENABLING in 45); the numbers stayed.
export const ENABLED = 1;
export const DISABLED = 2;
export const ERROR = 3;
export const OUT_OF_DATE = 4;
export const DOWNLOADING = 5;
export const INITIALIZED = 6;
export const DISABLING = 7;
export const ENABLING = 8;
export const UNINSTALLED = 99;

/** An extension uuid as the shell and extensions.gnome.org have them: "name@namespace", a directory's name. */
export const UUID = /^[\w.+-]{1,100}@[\w.+-]{1,100}$/;

type InfoDict = Record<string, Variant>;

const text = (value: unknown, max?: number) => (typeof value === 'string' ? cleanLine(value, max) : '');

/** One extension from the shell's info dict; an empty dict (the shell knows no such extension) is UNINSTALLED. */
export function extensionStateOf(uuid: string, info: InfoDict): ExtensionState {
  const value = (key: string): unknown => info[key]?.value;
  const state = value('state');
  const version = value('version-name') ?? value('version');
  const enabled = value('enabled');
  return {
    uuid,
    name: text(value('name'), 200) || uuid,
    version: typeof version === 'number' || typeof version === 'string' ? text(String(version), 50) : '',
    state: typeof state === 'number' ? state : UNINSTALLED,
    error: text(value('error')),
    path: text(value('path')),
    ...(typeof enabled === 'boolean' ? { enabled } : {}),
  };
}

// Without the shell on the bus the call fails as Unavailable ("GNOME Shell is not running.").
const call = (bus: MessageBus, member: string, body: unknown[] = []) =>
  systemCall(
    callMethod(
      bus,
      { destination: SHELL, path: SHELL_PATH, interface: EXTENSIONS, member, signature: body.length ? 's' : '', body },
      // The shell is the session itself: never start one by activation.
      { autoStart: false },
    ),
    'GNOME Shell',
  );

export async function listExtensions(bus: MessageBus): Promise<ExtensionState[]> {
  const [extensions] = (await call(bus, 'ListExtensions')) as [Record<string, InfoDict>];
  return Object.entries(extensions).map(([uuid, info]) => extensionStateOf(uuid, info));
}

export async function extensionInfo(bus: MessageBus, uuid: string): Promise<ExtensionState> {
  const [info] = (await call(bus, 'GetExtensionInfo', [uuid])) as [InfoDict];
  return extensionStateOf(uuid, info);
}

/** EnableExtension / DisableExtension: the shell changes org.gnome.shell's enabled-extensions and answers success. */
export async function setExtensionEnabled(bus: MessageBus, uuid: string, enable: boolean): Promise<boolean> {
  const [done] = await call(bus, enable ? 'EnableExtension' : 'DisableExtension', [uuid]);
  return done === true;
}
