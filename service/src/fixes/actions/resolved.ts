// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// systemd-resolved's manager object (org.freedesktop.resolve1(5)), named once for every action and reader that asks it.
import { voidCall } from '../../dbus/typedCalls.js';
import { _ } from '../../i18n.js';
import type { ActionContext } from '../action.js';
import { AUTHORIZED_CALL, systemBusOf, systemCall } from './polkit.js';

export const RESOLVED = 'org.freedesktop.resolve1';
export const RESOLVED_PATH = '/org/freedesktop/resolve1';
export const RESOLVED_MANAGER = { destination: RESOLVED, path: RESOLVED_PATH, interface: `${RESOLVED}.Manager` };

export const resolvedInWords = () => _('systemd-resolved (the DNS resolver)');

/** Calls a changing method of resolved's manager, authorised by polkit; a refusal or absence is a named error. */
export async function callResolved(
  context: Pick<ActionContext, 'systemBus'>,
  member: 'FlushCaches' | 'ResetServerFeatures',
): Promise<void> {
  await systemCall(voidCall(systemBusOf(context), { ...RESOLVED_MANAGER, member }, AUTHORIZED_CALL), resolvedInWords());
}
