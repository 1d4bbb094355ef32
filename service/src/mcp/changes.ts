// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which resources changed, from the service's own D-Bus signals: findings
// added, updated or resolved; proposals added, changed or removed; jobs done.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../dbus/client.js';
import { BUS_NAME, FINDINGS_INTERFACE, OBJECT_PATH, PROPOSALS_INTERFACE } from '../dbus/interfaces.js';
import { FINDINGS_URI, PROPOSALS_URI, proposalUri } from './server.js';

export type ChangeListener = (uris: string[], listChanged: boolean) => void;

/** Subscribes to the service's signals; resolves with a function that unsubscribes. */
export async function watchChanges(bus: MessageBus, listener: ChangeListener): Promise<() => Promise<void>> {
  const router = new SignalRouter(bus);
  const unsubscribe = await Promise.all([
    router.subscribe({ path: OBJECT_PATH, interface: FINDINGS_INTERFACE }, () => listener([FINDINGS_URI], false)),
    router.subscribe({ path: OBJECT_PATH, interface: PROPOSALS_INTERFACE }, (body, message) => {
      const id = typeof body[0] === 'string' ? body[0] : '';
      switch (message.member) {
        case 'ProposalAdded':
        case 'ProposalRemoved':
          return listener([PROPOSALS_URI, proposalUri(id)], true);
        case 'ProposalChanged':
          return listener([PROPOSALS_URI, proposalUri(id)], false);
        case 'JobFinished': {
          const job = body[1] as Record<string, Variant> | undefined;
          const proposal = job?.['proposal-id']?.value as string | undefined;
          return listener(proposal ? [PROPOSALS_URI, proposalUri(proposal)] : [PROPOSALS_URI], false);
        }
      }
    }),
  ]);
  return async () => {
    await Promise.all(unsubscribe.map((stop) => stop()));
  };
}

/** The ids of the proposals waiting for the user, for the resource list. */
export async function openProposalIds(bus: MessageBus): Promise<string[]> {
  const [proposals] = await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: PROPOSALS_INTERFACE,
    member: 'List',
    signature: 'a{sv}',
    body: [{}],
  });
  return (proposals as Record<string, Variant>[]).map((proposal) => (proposal.id?.value as string | undefined) ?? '');
}
