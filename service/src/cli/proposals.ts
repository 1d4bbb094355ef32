// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../dbus/client.js';
import { BUS_NAME, OBJECT_PATH, PROPOSALS_INTERFACE } from '../dbus/interfaces.js';
import { _ } from '../i18n.js';
import { terminalJson } from '../untrustedText.js';
import { numericId, UsageError } from './argv.js';
import { readAllPages } from './paging.js';
import { type Dict, formatHistory, formatJobs, formatProposal, formatProposals, unpack } from './proposalsReport.js';
import { styleFor } from './terminal.js';

export const invalidProposal = () => _('“{id}” is not a proposal id; “steward proposals” lists them');

export const MAX_HISTORY = 10_000;
const DEFAULT_HISTORY = 100;

export const callProposals = (bus: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: PROPOSALS_INTERFACE,
    member,
    signature,
    body,
  });

export async function getProposal(bus: MessageBus, id: string): Promise<Dict> {
  const [reply] = await callProposals(bus, 'Get', 's', [id]);
  return unpack(reply) as Dict;
}

/** The jobs `filter` asks for, page by page: its "limit" is how many in all. */
export async function listJobs(bus: MessageBus, filter: Record<string, Variant>): Promise<Dict[]> {
  return unpack(await readAllPages((page) => callProposals(bus, 'ListJobs', 'a{sv}', [page]), filter)) as Dict[];
}

const write = (text: string) => process.stdout.write(text);
const json = (value: unknown) => write(`${terminalJson(value)}\n`);

export async function proposalsCommand(
  bus: MessageBus,
  args: string[],
  options: { json: boolean; all: boolean },
): Promise<number> {
  const [subcommand = 'list', id, ...extra] = args;
  if (subcommand === 'list' && !id) {
    const filter: Record<string, Variant> = options.all ? { state: new Variant('s', 'all') } : {};
    const proposals = unpack(
      await readAllPages((page) => callProposals(bus, 'List', 'a{sv}', [page]), filter),
    ) as Dict[];
    if (options.json) json(proposals);
    else write(formatProposals(proposals, options.all, styleFor()));
    return 0;
  }
  if (subcommand === 'show') {
    if (!id || extra.length > 0) throw new UsageError('“proposals show” takes one proposal id');
    const proposal = await getProposal(bus, numericId(id, invalidProposal()));
    if (options.json) json(proposal);
    else write(formatProposal(proposal, styleFor()));
    return 0;
  }
  throw new UsageError(`unknown command “proposals ${args.join(' ')}”`);
}

export async function jobsCommand(bus: MessageBus, options: { json: boolean; undoable: boolean }): Promise<number> {
  const jobs = await listJobs(bus, options.undoable ? { undoable: new Variant('b', true) } : {});
  if (options.json) json(jobs);
  else write(formatJobs(jobs, options.undoable));
  return 0;
}

export async function historyCommand(bus: MessageBus, options: { json: boolean; limit?: number }): Promise<number> {
  const filter = { limit: new Variant('u', options.limit ?? DEFAULT_HISTORY) };
  const records = unpack(
    await readAllPages((page) => callProposals(bus, 'History', 'a{sv}', [page]), filter),
  ) as Dict[];
  if (options.json) json(records);
  else write(formatHistory(records, styleFor()));
  return 0;
}

/** The value of --limit, or a problem to report. */
export function parseLimit(text: string | undefined): number | undefined | string {
  if (text === undefined) return undefined;
  const limit = Number(text);
  return /^\d+$/.test(text) && limit >= 1 && limit <= MAX_HISTORY
    ? limit
    : `--limit must be a whole number from 1 to ${MAX_HISTORY}`;
}
