// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The user's confirmation through polkit: where Steward's action file is
// installed (the system packages do), polkitd has the session's own agent (GNOME
// Shell's dialog) ask the user who made the call, by their password. A bus peer
// can neither answer that dialog nor skip it.
import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import type { CallerIdentity } from '../dbus/callerIdentity.js';
import { callMethod } from '../dbus/client.js';
import { remoteErrorName } from '../dbus/errors.js';
import { AUTHORIZED_CALL } from '../fixes/actions/polkit.js';
import { processStat } from './processStat.js';

/** Declared in build/polkit/io.github.steward.Steward1.widen-trust.policy. */
export const WIDEN_TRUST_ACTION = 'io.github.steward.Steward1.widen-trust';

const AUTHORITY = {
  destination: 'org.freedesktop.PolicyKit1',
  path: '/org/freedesktop/PolicyKit1/Authority',
  interface: 'org.freedesktop.PolicyKit1.Authority',
};
const ALLOW_USER_INTERACTION = 1;

/** Whether polkitd runs and knows Steward's action; false without a system bus or polkitd. */
export async function polkitActionInstalled(systemBus: MessageBus | null): Promise<boolean> {
  if (!systemBus) return false;
  const reply = await callMethod(systemBus, { ...AUTHORITY, member: 'EnumerateActions', signature: 's', body: [''] })
    .then(([actions]) => actions as unknown[][])
    .catch(() => []);
  return reply.some(([id]) => id === WIDEN_TRUST_ACTION);
}

/**
 * Asks polkit whether the caller's user confirms `change` (shown in the dialog), letting
 * the agent ask. The subject is the calling process, named by pid and start time
 * so that a later process with the same pid is not taken for it.
 */
export async function polkitConfirms(systemBus: MessageBus, caller: CallerIdentity, change: string): Promise<boolean> {
  if (caller.pid === null || caller.uid === null) return false;
  const stat = await processStat(caller.pid);
  if (!stat) return false;
  const subject = [
    'unix-process',
    {
      pid: new Variant('u', caller.pid),
      'start-time': new Variant('t', stat.startTime),
      uid: new Variant('i', caller.uid),
    },
  ];
  // polkitd's own failures (the process is gone, the subject is refused) confirm nothing.
  const [result] = await callMethod(
    systemBus,
    {
      ...AUTHORITY,
      member: 'CheckAuthorization',
      signature: '(sa{sv})sa{ss}us',
      body: [subject, WIDEN_TRUST_ACTION, { change }, ALLOW_USER_INTERACTION, ''],
    },
    AUTHORIZED_CALL,
  ).catch((error: unknown) => {
    if (remoteErrorName(error) === undefined) throw error;
    return [[false, false, {}]];
  });
  const [authorized] = result as [boolean, boolean, Record<string, string>];
  return authorized;
}
