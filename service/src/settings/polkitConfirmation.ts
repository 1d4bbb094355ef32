// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The user's confirmation through polkit: where Steward's action file is
// installed (the system packages do), polkitd has the session's own agent (GNOME
// Shell's dialog) ask the user who made the call, by their password. A bus peer
// can neither answer that dialog nor skip it.
import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import type { CallerIdentity } from '../dbus/callerIdentity.js';
import { remoteErrorName } from '../dbus/errors.js';
import { boundedList, typedCall } from '../dbus/typedCalls.js';
import { boundedText } from '../dbus/variants.js';
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

/** EnumerateActions: a(ssssssuuua{ss}), each action's id first; more actions than any system declares is no answer. */
const actionsReply = z.tuple([boundedList(z.tuple([boundedText(255)]).rest(z.unknown()), 20_000)]);
/** CheckAuthorization: (bba{ss}), whether authorized, whether a challenge would be needed, and details. */
const authorizationReply = z.tuple([z.tuple([z.boolean(), z.boolean(), z.record(z.string(), z.string())])]);

/** Whether polkitd runs and knows Steward's action; false without a system bus or polkitd, or one that answers garbage. */
export async function polkitActionInstalled(systemBus: MessageBus | null): Promise<boolean> {
  if (!systemBus) return false;
  const [actions] = await typedCall(
    systemBus,
    { ...AUTHORITY, member: 'EnumerateActions', signature: 's', body: [''], reply: 'a(ssssssuuua{ss})' },
    actionsReply,
  ).catch((): z.output<typeof actionsReply> => [[]]);
  return actions.some(([id]) => id === WIDEN_TRUST_ACTION);
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
  // polkitd's own failures (the process is gone, the subject is refused) confirm nothing; polkitd leaving the bus
  // while the dialog is up (PeerLeft) or answering what its interface does not (UnexpectedAnswer) ends the wait.
  const [[authorized]] = await typedCall(
    systemBus,
    {
      ...AUTHORITY,
      member: 'CheckAuthorization',
      signature: '(sa{sv})sa{ss}us',
      body: [subject, WIDEN_TRUST_ACTION, { change }, ALLOW_USER_INTERACTION, ''],
      reply: '(bba{ss})',
    },
    authorizationReply,
    AUTHORIZED_CALL,
  ).catch((error: unknown): z.output<typeof authorizationReply> => {
    if (remoteErrorName(error) === undefined) throw error;
    return [[false, false, {}]];
  });
  return authorized;
}
