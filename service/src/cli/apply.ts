// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward apply` and `steward undo`: show what will change, get a deliberate
// yes, start the job and follow it to its end.
import { createInterface } from 'node:readline';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { SignalRouter } from '../dbus/client.js';
import { remoteErrorName } from '../dbus/errors.js';
import { BUS_NAME, OBJECT_PATH, PROPOSALS_INTERFACE } from '../dbus/interfaces.js';
import { _, format } from '../i18n.js';
import { numericId, UsageError } from './argv.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_NOT_AUTHORIZED, EXIT_NOT_FIXED } from './exitCodes.js';
import { callProposals, getProposal, invalidProposal, listJobs } from './proposals.js';
import { actionsOf, type Dict, formatAction, unpack } from './proposalsReport.js';
import { styleFor } from './terminal.js';

const write = (text: string) => process.stdout.write(text);
const str = (value: unknown) => (typeof value === 'string' ? value : '');

const NOT_AUTHORIZED_ERROR = 'io.github.steward.Steward1.Error.NotAuthorized';

/** The exit status for a job's final state. */
export function exitCodeFor(state: string): number {
  if (state === 'fixed' || state === 'done') return 0;
  if (state === 'not-fixed') return EXIT_NOT_FIXED;
  if (state === 'not-authorized') return EXIT_NOT_AUTHORIZED;
  return EXIT_FAILURE;
}

/** The action to apply: the one named, or the only one that changes something. */
export function chooseAction(proposal: Dict, name: string | undefined): Dict | string {
  const actions = actionsOf(proposal);
  const offered = actions.map((action) => `  ${str(action.name)}: ${str(action.preview)}\n`).join('');
  if (name) {
    return (
      actions.find((action) => action.name === name) ??
      `proposal ${str(proposal.id)} has no action “${name}”; it offers:\n${offered}`
    );
  }
  const changing = actions.filter((action) => !action['read-only']);
  if (changing.length === 1 && changing[0]) return changing[0];
  return `proposal ${str(proposal.id)} offers several actions; name one:\n${offered}`;
}

/** Whether the user approves: --yes, or "y" typed at a terminal. */
export async function approved(yes: boolean, question: string): Promise<boolean | string> {
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    return 'not confirmed: run this in a terminal to be asked, or add --yes to approve it';
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => {
    prompt.once('SIGINT', () => {
      write('\n');
      prompt.close();
    });
    prompt.once('close', () => resolve(''));
    prompt.question(question, resolve);
  });
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function applyCommand(bus: MessageBus, args: string[], options: { yes: boolean }): Promise<number> {
  const [id, name, ...extra] = args;
  if (!id || extra.length > 0) throw new UsageError('“apply” takes a proposal id and, optionally, an action');
  const proposal = await getProposal(bus, numericId(id, invalidProposal()));
  const action = chooseAction(proposal, name);
  if (typeof action === 'string') throw new UsageError(action);
  write(`${str(proposal.title)}\n${formatAction(action, '  ', styleFor())}`);
  // Read-only actions change nothing, so there is nothing to approve.
  const answer = action['read-only'] ? true : await approved(options.yes, 'Apply? [y/N] ');
  if (answer !== true) return answer === false ? declined() : usageErrorOf(answer);
  return follow(bus, () => callProposals(bus, 'Apply', 'ss', [id, str(action.name)]));
}

export async function undoCommand(bus: MessageBus, args: string[], options: { yes: boolean }): Promise<number> {
  const [id, ...extra] = args;
  if (!id || extra.length > 0) throw new UsageError('“undo” takes one job id');
  numericId(id, _('“{id}” is not a job id; “steward jobs” lists them'));
  const job = (await listJobs(bus, { undoable: new Variant('b', true) })).find((candidate) => candidate.id === id);
  if (job) {
    write(`Job ${id}: ${str(job.action)} ${str(job.subject)}: ${str(job.summary)}\nUndo: ${str(job.undo)}\n`);
    const answer = await approved(options.yes, 'Undo? [y/N] ');
    if (answer !== true) return answer === false ? declined() : usageErrorOf(answer);
  } else {
    const known = (await listJobs(bus, { limit: new Variant('u', 1000) })).find((candidate) => candidate.id === id);
    // A job that is still running may become undoable while we ask the service; the user never approved that.
    if (known && (known.state === 'queued' || known.state === 'running')) {
      process.stderr.write(`steward: job ${id} is still ${str(known.state)}; undo it once it has finished\n`);
      return EXIT_FAILURE;
    }
    // Otherwise the service refuses, saying why (no such job, already undone, nothing to undo).
  }
  return follow(bus, () => callProposals(bus, 'Undo', 's', [id]));
}

function usageErrorOf(problem: string): never {
  throw new UsageError(problem);
}

function declined(): number {
  write('Nothing was changed.\n');
  return EXIT_FAILURE;
}

type JobEvent =
  | { kind: 'progress'; job: string; fraction: number; text: string }
  | { kind: 'finished'; job: string; result: Dict }
  | { kind: 'service-gone' };

export function progressLine(fraction: number, text: string): string {
  return fraction < 0 ? `  … ${text}\n` : `  ${`${Math.round(fraction * 100)}%`.padStart(4)} ${text}\n`;
}

export function finishedLines(job: Dict): string {
  // An undo is not itself undone: it reports what it restored, without a hint to undo it again.
  if (job['undo-of'])
    return `${format(_('Job {id} undid job {undone}: {summary}'), { id: str(job.id), undone: str(job['undo-of']), summary: str(job.summary) })}\n`;
  const undo = job['can-undo'] ? `Undo it with: steward undo ${str(job.id)} (${str(job.undo)})\n` : '';
  return `Job ${str(job.id)} ${str(job.state)}: ${str(job.summary)}\n${undo}`;
}

/**
 * Starts a job with `start` and prints its progress until it finishes. The
 * signals are subscribed to before the job starts, so none is missed; those
 * of other jobs are dropped once the id is known.
 */
async function follow(bus: MessageBus, start: () => Promise<unknown[]>): Promise<number> {
  const router = new SignalRouter(bus);
  const events: JobEvent[] = [];
  let wake = () => {};
  const push = (event: JobEvent) => {
    events.push(event);
    wake();
  };
  const signal = { path: OBJECT_PATH, interface: PROPOSALS_INTERFACE };
  const unsubscribe = await Promise.all([
    router.subscribe({ ...signal, member: 'JobProgress' }, ([job, fraction, text]) =>
      push({ kind: 'progress', job: job as string, fraction: fraction as number, text: text as string }),
    ),
    router.subscribe({ ...signal, member: 'JobFinished' }, ([job, result]) =>
      push({ kind: 'finished', job: job as string, result: unpack(result) as Dict }),
    ),
    // Without the service no JobFinished will come.
    router.subscribe({ interface: 'org.freedesktop.DBus', member: 'NameOwnerChanged' }, ([name, , owner]) => {
      if (name === BUS_NAME && owner === '') push({ kind: 'service-gone' });
    }),
  ]);
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    wake();
  };
  try {
    let jobId: string;
    try {
      [jobId] = (await start()) as [string];
    } catch (error) {
      if (remoteErrorName(error) !== NOT_AUTHORIZED_ERROR) throw error;
      process.stderr.write(`steward: ${(error as { text?: string }).text ?? (error as Error).message}\n`);
      return EXIT_NOT_AUTHORIZED;
    }
    write(`Started job ${jobId}.\n`);
    process.on('SIGINT', onInterrupt);
    for (;;) {
      for (const event of events.splice(0)) {
        if (event.kind === 'service-gone') {
          process.stderr.write(`steward: the service stopped before job ${jobId} finished\n`);
          return EXIT_FAILURE;
        }
        if (event.job !== jobId) continue;
        if (event.kind === 'progress') {
          write(progressLine(event.fraction, event.text));
          continue;
        }
        write(finishedLines(event.result));
        return exitCodeFor(str(event.result.state));
      }
      if (interrupted) {
        write(`\nStopped waiting; job ${jobId} keeps running in the service (see “steward jobs”).\n`);
        return EXIT_INTERRUPTED;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    await Promise.all(unsubscribe.map((stop) => stop()));
  }
}
