// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../dbus/client.js';
import { BUS_NAME, FINDINGS_INTERFACE, OBJECT_PATH } from '../dbus/interfaces.js';
import { _, format, ngettext } from '../i18n.js';
import { cleanLine, MAX_TEXT_LENGTH, terminalJson } from '../untrustedText.js';
import { numericId, UsageError } from './argv.js';
import { readAllPages } from './paging.js';
import { callProposals } from './proposals.js';
import { actionsOf, type Dict, formatAction, unpack } from './proposalsReport.js';
import { type StatusRecord, unpackStatus } from './statusReport.js';

const call = (bus: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: FINDINGS_INTERFACE, member, signature, body });

const write = (text: string) => process.stdout.write(text);
/** What the service sent, as a terminal may show it. */
const shown = (value: unknown) => cleanLine(typeof value === 'string' ? value : String(value), MAX_TEXT_LENGTH);
const when = (micros: unknown) => new Date(Number(micros) / 1000).toLocaleString();

export async function findingsCommand(
  bus: MessageBus,
  args: string[],
  options: { json: boolean; all: boolean; afterFirst: boolean },
): Promise<number> {
  const [subcommand = 'list', target, subject = '', ...extra] = args;
  if (extra.length > 0) throw new UsageError(`too many arguments for “findings ${subcommand}”`);
  switch (subcommand) {
    case 'list':
      return list(bus, options);
    case 'show':
      if (!target || subject) throw new UsageError('“findings show” takes one finding id');
      return show(bus, numericId(target, _('“{id}” is not a finding id; “steward findings” lists them')), options.json);
    case 'ignore':
      if (!target) throw new UsageError('“findings ignore” needs a kind');
      await call(bus, 'Ignore', 'sss', [target, subject, options.afterFirst ? 'after-first' : 'always']);
      write(
        `Ignoring ${target}${subject ? ` for ${subject}` : ''}${options.afterFirst ? ' after the first time' : ''}.\n`,
      );
      return 0;
    case 'unignore':
      if (!target) throw new UsageError('“findings unignore” needs a kind');
      await call(bus, 'Unignore', 'ss', [target, subject]);
      write(`No longer ignoring ${target}${subject ? ` for ${subject}` : ''}.\n`);
      return 0;
    default:
      throw new UsageError(`unknown command “findings ${subcommand}”`);
  }
}

async function list(bus: MessageBus, options: { json: boolean; all: boolean }): Promise<number> {
  const filter: Record<string, Variant> = options.all ? { state: new Variant('s', 'all') } : {};
  const findings = (await readAllPages((page) => call(bus, 'List', 'a{sv}', [page]), filter)).map(unpackStatus);
  if (options.json) {
    write(`${terminalJson(findings)}\n`);
    return 0;
  }
  if (findings.length === 0) {
    write(options.all ? 'Steward has noticed nothing yet.\n' : 'Nothing needs attention.\n');
    return 0;
  }
  for (const finding of findings) write(`${findingLine(finding)}\n`);
  return 0;
}

/** One finding as `steward findings` lists it. */
export function findingLine(finding: StatusRecord): string {
  const count = Number(finding.count) > 1 ? ` (${String(finding.count)}×)` : '';
  const resolved = finding.state === 'resolved' ? ' [resolved]' : '';
  return `${String(finding.id).padStart(4)}  ${shown(finding.severity).padEnd(8)}  ${shown(finding.title)}${count}${resolved}  — ${when(finding['last-seen'])}`;
}

async function show(bus: MessageBus, id: string, json: boolean): Promise<number> {
  const [reply] = await call(bus, 'Get', 's', [id]);
  const finding = unpackStatus(reply as Record<string, Variant>);
  const evidence = ((reply as Record<string, Variant>).evidence?.value as Record<string, Variant>[]).map(unpackStatus);
  if (json) {
    write(`${terminalJson({ ...finding, evidence })}\n`);
    return 0;
  }
  write(`${findingLine(finding)}\n`);
  write(`Kind: ${shown(finding.kind)}${finding.subject ? `, about ${shown(finding.subject)}` : ''}\n`);
  const count = Number(finding.count);
  write(
    `${format(ngettext('First seen {when}, once', 'First seen {when}, {count} times', count), { when: when(finding['first-seen']), count })}\n`,
  );
  if (evidence.length > 0) write('Evidence:\n');
  for (const item of evidence) write(`  ${when(item.time)}  ${shown(item.text)}\n`);
  if (typeof finding['no-proposal-reason'] === 'string') {
    write(`${format(_('No fix proposed: {reason}.'), { reason: shown(finding['no-proposal-reason']) })}\n`);
  }
  for (const proposal of await proposalsFor(bus, id)) {
    write(`\n${format(_('Proposal {id}: {title}'), { id: String(proposal.id), title: shown(proposal.title) })}\n`);
    // A read-only step's preview is its output (the logs, the DNS servers, the port's holder): shown in full.
    for (const action of actionsOf(proposal)) write(formatAction(action));
  }
  return 0;
}

/** The proposals made for the finding, newest first. */
async function proposalsFor(bus: MessageBus, id: string): Promise<Dict[]> {
  const all = unpack(
    await readAllPages((page) => callProposals(bus, 'List', 'a{sv}', [page]), { state: new Variant('s', 'all') }),
  ) as Dict[];
  return all.filter((proposal) => proposal['finding-id'] === id).reverse();
}
