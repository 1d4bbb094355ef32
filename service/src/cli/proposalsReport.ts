// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Text for `steward proposals`, `jobs` and `history`, from the replies of the
// Proposals interface after unpack().
import { Variant } from '@jellybrick/dbus-next';

import { formatBytes } from '../findings/detectors/format.js';
import { _, format } from '../i18n.js';
import { cleanLine, cleanText, MAX_TEXT_LENGTH } from '../untrustedText.js';
import { PLAIN, type Style } from './terminal.js';

export type Dict = Record<string, unknown>;

/** Turns an a{sv} reply into plain JSON-friendly values, nested dictionaries and arrays included. */
export function unpack(value: unknown): unknown {
  if (value instanceof Variant) return unpack(value.value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(unpack);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unpack(item)]));
  }
  return value;
}

// Whatever the service (or one that answers in its place) sends is shown cleaned: a terminal acts on escapes.
const str = (value: unknown) => (typeof value === 'string' ? cleanLine(value, MAX_TEXT_LENGTH) : '');
const text = (value: unknown) => (typeof value === 'string' ? cleanText(value, { max: MAX_TEXT_LENGTH }) : '');
const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);
export const actionsOf = (proposal: Dict) => list(proposal.actions) as Dict[];

export const when = (micros: unknown) => new Date(Number(micros) / 1000).toLocaleString();

/** 1536 → "1.5 kB": decimal units, as GNOME shows sizes, the same as the service's previews. */
export function humanBytes(bytes: number): string {
  return bytes === 1 ? '1 byte' : formatBytes(bytes);
}

const RISK_COLOURS: Record<string, keyof Style> = { low: 'green', medium: 'yellow', high: 'red' };

/** "medium risk, needs your password": what the user weighs before approving. */
export function actionTraits(action: Dict, style: Style = PLAIN): string {
  const risk = `${str(action.risk)} risk`;
  const colour = RISK_COLOURS[str(action.risk)];
  return [
    colour ? style[colour](risk) : risk,
    action['read-only'] ? 'read-only' : '',
    action['needs-authorization'] ? 'needs your password' : '',
    action.policy === 'never' ? 'blocked by your settings' : action.policy === 'auto' ? 'applied automatically' : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const heading = (proposal: Dict) =>
  `${str(proposal.id).padStart(4)}  ${str(proposal.state).padEnd(9)}  ${str(proposal.title)}`;

export function formatProposals(proposals: Dict[], all: boolean, style: Style = PLAIN): string {
  if (proposals.length === 0) return all ? 'Steward has proposed nothing yet.\n' : 'No fixes are waiting.\n';
  const width = Math.max(...proposals.flatMap(actionsOf).map((action) => str(action.name).length));
  return proposals
    .map((proposal) =>
      [
        heading(proposal),
        ...actionsOf(proposal).map(
          (action) =>
            `        ${str(action.name).padEnd(width)}  ${actionTraits(action, style)} — ${str(action.preview)}`,
        ),
      ].join('\n'),
    )
    .map((block) => `${block}\n`)
    .join('');
}

/** A line of a unified diff in its colour: added green, removed red, hunk headers dim. */
export function diffLine(line: string, style: Style): string {
  if (/^(\+\+\+|---) /.test(line)) return style.bold(line);
  if (line.startsWith('@@')) return style.dim(line);
  if (line.startsWith('+')) return style.green(line);
  if (line.startsWith('-')) return style.red(line);
  return line;
}

/** One action with its exact effect, indented by `indent`. */
export function formatAction(action: Dict, indent = '  ', style: Style = PLAIN): string {
  const lines = [
    `${indent}${style.bold(str(action.name))}: ${str(action.title)} (${actionTraits(action, style)})`,
    `${indent}  ${str(action.preview)}`,
    ...list(action.details).map((line) => `${indent}    ${diffLine(str(line), style)}`),
  ];
  if (typeof action.bytes === 'number') lines.push(`${indent}    Size: ${humanBytes(action.bytes)}`);
  // A step that only reads ran as it was proposed: what it found is the point of showing it.
  const answer = typeof action.answer === 'string' ? cleanText(action.answer) : '';
  if (answer) lines.push(`${indent}  ${_('Found:')}`, ...answer.split('\n').map((line) => `${indent}    ${line}`));
  else if (action.shown) lines.push(`${indent}  ${_('Looking…')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Who reported the problem when the system does not vouch for it, and whose words the explanation is: a
 * program's own log line is its claim, and the model's explanation is its opinion.
 */
function provenance(proposal: Dict): string[] {
  // A request in the chat or from another program is the asker's own, not a report the system could confirm.
  const reported =
    proposal['vouched-by'] === '' &&
    proposal['reported-by'] &&
    proposal.origin !== 'chat' &&
    proposal.origin !== 'agent';
  return [
    reported
      ? `${format(_('Reported by {reporter}; the system has not confirmed it. Review before applying.'), {
          reporter: str(proposal['reported-by']),
        })}\n`
      : '',
    proposal.origin === 'model' ? `${_('Suggested by the model, not by a Steward playbook.')}\n` : '',
  ];
}

/** The command that applies an open proposal: the shell's next step after reading it. */
function applyHint(proposal: Dict): string {
  if (proposal.state !== 'open') return '';
  const id = str(proposal.id);
  const changing = actionsOf(proposal).filter((action) => !action.shown && action.policy !== 'never');
  if (changing.length === 0) return '';
  if (changing.length === 1) return `\n${format(_('Apply it with: steward apply {id}'), { id })}\n`;
  const names = changing.map((action) => str(action.name)).join(', ');
  return `\n${format(_('Apply one with: steward apply {id} ACTION (one of {names})'), { id, names })}\n`;
}

export function formatProposal(proposal: Dict, style: Style = PLAIN): string {
  const about = [str(proposal.kind), str(proposal.subject)].filter(Boolean).join(' ');
  const finding = str(proposal['finding-id']);
  const evidence = list(proposal.evidence) as Dict[];
  const explanation = text(proposal.explanation);
  return [
    `${heading(proposal)}\n`,
    `About: ${about}${finding ? ` (finding ${finding})` : ''}, proposed ${when(proposal.created)}\n`,
    ...provenance(proposal),
    `\n${proposal['explanation-by'] === 'model' && explanation ? `The model says: ${explanation}` : explanation}\n\nActions:\n`,
    ...actionsOf(proposal).map((action) => formatAction(action, '  ', style)),
    evidence.length > 0 ? 'Evidence:\n' : '',
    ...evidence.map((item) => `  ${when(item.time)}  ${str(item.text)}\n`),
    style.bold(applyHint(proposal)),
  ].join('');
}

export function formatJobs(jobs: Dict[], undoable: boolean): string {
  if (jobs.length === 0) return undoable ? 'Nothing can be undone.\n' : 'No fixes have run yet.\n';
  return jobs.map((job) => `${jobLine(job)}\n`).join('');
}

export function jobLine(job: Dict): string {
  const links = [
    job['undo-of'] ? `undoes job ${str(job['undo-of'])}` : '',
    job['undone-by'] ? `undone by job ${str(job['undone-by'])}` : '',
    job['can-undo'] ? `can undo: ${str(job.undo)}` : '',
  ].filter(Boolean);
  return (
    `${str(job.id).padStart(4)}  ${str(job.state).padEnd(14)}  ${when(job.created)}  ` +
    `${str(job.action)} ${str(job.subject)}: ${str(job.summary)}${links.length > 0 ? ` [${links.join('; ')}]` : ''}`
  );
}

const EVENT_COLOURS: Record<string, keyof Style> = {
  approved: 'green',
  verified: 'green',
  refused: 'red',
  failed: 'red',
  undone: 'yellow',
};

/**
 * The audit trail as a table: when, what happened, to which proposal and job, the action and its
 * result, then who asked (dim: it is long and rarely what one looks for).
 */
export function formatHistory(records: Dict[], style: Style = PLAIN): string {
  if (records.length === 0) return 'Nothing has happened yet.\n';
  const rows = records.map((record) => [
    when(record.time),
    str(record.event),
    record['proposal-id'] ? `#${str(record['proposal-id'])}` : '',
    record['job-id'] ? format(_('job {id}'), { id: str(record['job-id']) }) : '',
    str(record.action) || '-',
    str(record.result),
  ]);
  const widths = rows[0]?.map((_cell, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row, index) => {
      const cells = row.map((cell, column) => {
        const padded = cell.padEnd(widths[column] ?? 0);
        const colour = column === 1 ? EVENT_COLOURS[cell] : undefined;
        return colour ? style[colour](padded) : padded;
      });
      const caller = str(records[index]?.caller);
      return `${cells.join('  ')}${caller ? `  ${style.dim(caller)}` : ''}`.trimEnd() + '\n';
    })
    .join('');
}
