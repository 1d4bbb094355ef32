// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward confirm`: keeps the NixOS changes that wait in their confirm-or-revert
// window; without it, Steward switches back to the previous generation.
import type { MessageBus } from '@jellybrick/dbus-next';

import { _, format } from '../i18n.js';
import { callProposals } from './proposals.js';
import { type Dict, unpack } from './proposalsReport.js';

const write = (text: string) => process.stdout.write(text);

export async function confirmCommand(bus: MessageBus, options: { json: boolean }): Promise<number> {
  const [changes] = await callProposals(bus, 'ConfirmChanges', '', []);
  const confirmed = unpack(changes) as Dict[];
  if (options.json) {
    write(`${JSON.stringify(confirmed)}\n`);
    return 0;
  }
  if (confirmed.length === 0) write(`${_('No change waits for confirmation.')}\n`);
  for (const change of confirmed) write(`${format(_('Kept: {summary}'), { summary: String(change.summary) })}\n`);
  return 0;
}
