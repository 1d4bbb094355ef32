// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// GNOME Shell's own extensions API on the session bus: org.gnome.Shell.Extensions at /org/gnome/Shell
// (gnome-shell's data/dbus-interfaces/org.gnome.Shell.Extensions.xml), the interface the Extensions app uses.
// Every info dict is the shell's serializeExtension(): the extension's metadata (name, version…, written by the
// extension's author: untrusted) and the shell's own keys (state, error, path, type, and since 45 enabled).
import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { callMethod } from '../../dbus/client.js';
import { checkedAnswer } from '../../dbus/unexpected.js';
import { boundedText, variantDict, variantOf } from '../../dbus/variants.js';
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

const text = (value: unknown, max?: number) => (typeof value === 'string' ? cleanLine(value, max) : '');

/** A number in a variant: GJS packs the shell's numbers as doubles ("d"); an integer type is taken as well. */
const NUMBER_TYPES = new Set(['d', 'i', 'u', 'n', 'q', 'y']);
const shellNumber = z
  .instanceof(Variant)
  .refine((variant) => NUMBER_TYPES.has(variant.signature), 'must be a number')
  .transform((variant): unknown => variant.value)
  .pipe(z.number().int().min(0).max(1000));

/** An extension's uuid as the shell names it; the shell has each installed one in a directory of that name. */
const uuidText = boundedText(255);

/**
 * The keys the shell itself writes in an info dict (serializeExtension), as it types them. The others come from
 * the extension's metadata.json, written by its author: read leniently, and cut to size.
 */
const shellKeys = z.object({
  state: shellNumber.optional(),
  error: variantOf('s', z.string()).optional(),
  path: variantOf('s', z.string()).optional(),
  enabled: variantOf('b', z.boolean()).optional(),
});
/** More extensions than anyone installs is no answer to trust. */
const MAX_EXTENSIONS = 2000;
const extensionList = z
  .record(uuidText, variantDict)
  .refine((all) => Object.keys(all).length <= MAX_EXTENSIONS, 'too many extensions');

/**
 * One extension from the shell's info dict; an empty dict (the shell knows no such extension) is UNINSTALLED. A
 * dict whose shell-written keys have other types than the shell's is an UnexpectedAnswer (`member`, what it came
 * with); so is one without a state where one must be (`listed`: an entry of ListExtensions).
 */
export function extensionStateOf(uuid: unknown, info: unknown, member: string, listed = false): ExtensionState {
  const checkedUuid = checkedAnswer(uuidText, uuid, SHELL, member);
  const dict = checkedAnswer(variantDict, info, SHELL, member);
  const shell = checkedAnswer(listed ? shellKeys.required({ state: true }) : shellKeys, dict, SHELL, member);
  const value = (key: string): unknown => dict[key]?.value;
  const version = value('version-name') ?? value('version');
  return {
    uuid: checkedUuid,
    name: text(value('name'), 200) || checkedUuid,
    version: typeof version === 'number' || typeof version === 'string' ? text(String(version), 50) : '',
    state: shell.state ?? UNINSTALLED,
    error: cleanLine(shell.error ?? ''),
    path: cleanLine(shell.path ?? ''),
    ...(shell.enabled !== undefined ? { enabled: shell.enabled } : {}),
  };
}

// Without the shell on the bus the call fails as Unavailable ("GNOME Shell is not running."); a reply of another
// type than `reply` is an UnexpectedAnswer.
const call = (bus: MessageBus, member: string, reply: string, body: unknown[] = []) =>
  systemCall(
    callMethod(
      bus,
      {
        destination: SHELL,
        path: SHELL_PATH,
        interface: EXTENSIONS,
        member,
        signature: body.length ? 's' : '',
        body,
        reply,
      },
      // The shell is the session itself: never start one by activation.
      { autoStart: false },
    ),
    'GNOME Shell',
  );

/** Every installed extension; the whole answer is checked before any of it is used. */
export async function listExtensions(bus: MessageBus): Promise<ExtensionState[]> {
  const [answer] = await call(bus, 'ListExtensions', 'a{sa{sv}}');
  const extensions = checkedAnswer(extensionList, answer, SHELL, 'ListExtensions');
  return Object.entries(extensions).map(([uuid, info]) => extensionStateOf(uuid, info, 'ListExtensions', true));
}

export async function extensionInfo(bus: MessageBus, uuid: string): Promise<ExtensionState> {
  const [info] = await call(bus, 'GetExtensionInfo', 'a{sv}', [uuid]);
  return extensionStateOf(uuid, info, 'GetExtensionInfo');
}

/** EnableExtension / DisableExtension: the shell changes org.gnome.shell's enabled-extensions and answers success. */
export async function setExtensionEnabled(bus: MessageBus, uuid: string, enable: boolean): Promise<boolean> {
  const [done] = await call(bus, enable ? 'EnableExtension' : 'DisableExtension', 'b', [uuid]);
  return done === true;
}
