// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs approved actions: one at a time per subject, with a deadline, reporting
// progress; then verifies the effect, records everything in the audit trail,
// and keeps what it takes to undo it.
import { StewardError } from '../dbus/errors.js';
import { reportUnexpected, UnexpectedAnswer } from '../dbus/unexpected.js';
import { redactSecrets } from '../engine/redact.js';
import { _, format } from '../i18n.js';
import type { Logger } from '../logging.js';
import { type ActionContext, type ActionDefinition, NotAuthorizedError, type UndoPlan } from './action.js';
import { AuditJournal } from './auditJournal.js';
import type { Catalog } from './catalog.js';
import { policyFor, type PolicyRules } from './policy.js';
import type { AuditEntry, FixesStore, Job, JobState, ProposalState } from './store.js';

export interface ExecutorSignals {
  jobProgress(job: Job, fraction: number | null, text: string): void;
  jobFinished(job: Job): void;
  proposalChanged(proposalId: number): void;
}

export interface ExecutorOptions {
  catalog: Catalog;
  store: FixesStore;
  context: ActionContext;
  policy: () => PolicyRules;
  timeoutMs: () => number;
  signals: ExecutorSignals;
  /**
   * What an audit result goes through before the trail and the journal keep it: the built-in rules and the user's
   * patterns (a command's output may quote a secret). The built-in rules when absent.
   */
  redact?: (text: string) => string;
  /** Where the trail's copy in the journal goes; by `logger --journald` where journald runs. */
  journal?: AuditJournal;
  log: Logger;
}

/** The most characters of one result the audit trail keeps; the job itself keeps the whole output for the user. */
export const MAX_AUDIT_RESULT = 4096;
export const AUDIT_CUT_MARKER = '…(cut)';

const builtInRedaction = (text: string) => redactSecrets(text).text;

const proposalStateAfter: Partial<Record<JobState, ProposalState>> = {
  fixed: 'fixed',
  'not-fixed': 'not-fixed',
  failed: 'failed',
};

export class Executor {
  /** The tail of each subject's queue: actions on one unit or mount never overlap. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly running = new Set<AbortController>();
  private readonly journal: AuditJournal;

  constructor(private readonly options: ExecutorOptions) {
    this.journal = options.journal ?? new AuditJournal({ log: options.log });
  }

  /** Applies one action of a proposal: the user's approval, or their rule's. */
  apply(proposalId: number, actionName: string, caller: string): Job {
    const { store } = this.options;
    const proposal = store.proposal(proposalId);
    if (!proposal) throw new StewardError('NotFound', `No proposal ${proposalId}`);
    const proposed = proposal.actions.find((action) => action.name === actionName);
    if (!proposed) {
      throw new StewardError(
        'NotFound',
        `Proposal ${proposalId} has no action ${actionName.slice(0, 100)}; it offers ${proposal.actions.map((a) => a.name).join(', ')}`,
      );
    }
    if (proposal.state === 'dismissed' || proposal.state === 'resolved') {
      throw new StewardError('InvalidArgs', `Proposal ${proposalId} is ${proposal.state}; there is nothing to apply`);
    }
    // Parameters were validated when proposed; validate again, as the catalog may have changed since.
    const { action, params } = this.options.catalog.validate(proposed.name, proposed.params);
    this.refuseBlocked(action, params, caller, proposalId);
    const job = store.addJob({
      proposalId,
      action: action.name,
      params,
      subject: proposal.subject,
      undoOf: null,
      caller,
    });
    this.audit({ event: 'approved', proposalId, jobId: job.id, action: action.name, params, caller, result: '' });
    if (!action.readOnly) this.setProposalState(proposalId, 'applying');
    this.enqueue(job, action, params);
    return job;
  }

  /** Reverses a job through its undo plan, with the same path as any action. */
  undo(jobId: number, caller: string): Job {
    const { store } = this.options;
    const original = store.job(jobId);
    if (!original) throw new StewardError('NotFound', `No job ${jobId}`);
    if (original.undoneBy !== null)
      throw new StewardError('InvalidArgs', `Job ${jobId} was already undone by job ${original.undoneBy}`);
    const plan = original.undo;
    if (!plan) throw new StewardError('InvalidArgs', `Job ${jobId} has nothing to undo (it is ${original.state})`);
    if ('impossible' in plan)
      throw new StewardError('InvalidArgs', `Job ${jobId} cannot be undone: ${plan.impossible}`);
    const { action, params } = this.options.catalog.validate(plan.action, plan.params);
    this.refuseBlocked(action, params, caller, original.proposalId);
    const job = store.addJob({
      proposalId: original.proposalId,
      action: action.name,
      params,
      subject: original.subject,
      undoOf: original.id,
      caller,
    });
    store.markUndone(original.id, job.id);
    this.audit({
      event: 'undo-approved',
      proposalId: original.proposalId,
      jobId: job.id,
      action: action.name,
      params,
      caller,
      result: `undoes job ${original.id}`,
    });
    this.enqueue(job, action, params);
    return job;
  }

  /** Stops every running action (service shutdown); their jobs end as cancelled. */
  cancelAll(): void {
    for (const controller of this.running) controller.abort(new Error(_('Steward is stopping')));
  }

  async idle(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  private refuseBlocked(
    action: ActionDefinition,
    params: Record<string, unknown>,
    caller: string,
    proposalId: number | null,
  ): void {
    // 'never' is the user's rule whatever the proposal: one-click or not does not matter here.
    if (policyFor(this.options.policy(), action, params, false) !== 'never') return;
    this.audit({
      event: 'refused',
      proposalId,
      jobId: null,
      action: action.name,
      params,
      caller,
      result: 'blocked by policy',
    });
    throw new StewardError('NotAuthorized', `${action.name} is blocked by your settings (fixes.policy)`);
  }

  private enqueue(job: Job, action: ActionDefinition, params: Record<string, unknown>): void {
    const previous = this.queues.get(job.subject) ?? Promise.resolve();
    const next = previous.then(() => this.run(job, action, params));
    this.queues.set(job.subject, next);
    void next.finally(() => {
      if (this.queues.get(job.subject) === next) this.queues.delete(job.subject);
    });
  }

  private async run(job: Job, action: ActionDefinition, params: Record<string, unknown>): Promise<void> {
    const { store, context, signals } = this.options;
    // A job's words are on the bus for every peer of the session (ListJobs, JobProgress): redacted as the audit is.
    const redact = this.options.redact ?? builtInRedaction;
    const controller = new AbortController();
    const timeoutMs = this.options.timeoutMs();
    const timer = setTimeout(() => controller.abort(new RunTimeout(timeoutMs)), timeoutMs);
    this.running.add(controller);
    let running = store.updateJob(job.id, { state: 'running' });
    signals.jobProgress(running, 0, _('Started'));
    let state: JobState;
    let summary: string;
    let undo: UndoPlan | null = null;
    try {
      const outcome = await Promise.race([
        action.run(params, context, {
          signal: controller.signal,
          progress: (fraction, text) => signals.jobProgress(running, fraction, redact(text)),
        }),
        new Promise<never>((_, reject) =>
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }),
        ),
      ]);
      undo = outcome.undo;
      running = store.updateJob(job.id, { state: 'running', undo });
      if (action.readOnly) {
        state = 'done';
        summary = outcome.summary;
      } else {
        const verification = await action.verify(params, context);
        state = verification.ok ? 'fixed' : 'not-fixed';
        // "Freed 30 MB in ~/.cache; the caches are empty": one sentence, whatever case the check starts with.
        // Translators: what a fix did and what its check saw, such as "Restarted x; x is active" (French: "\u202f;").
        // A check that saw just what the action said it did ("The extension x is turned off") is said once.
        summary = sameWords(outcome.summary, verification.observed)
          ? outcome.summary
          : format(_('{done}; {observed}'), { done: outcome.summary, observed: verification.observed });
      }
    } catch (error) {
      // A service that answered what its interface does not allow: the job fails naming it, and the log says so.
      if (error instanceof UnexpectedAnswer) reportUnexpected(this.options.log, error);
      ({ state, summary } = failure(error, controller.signal));
    } finally {
      clearTimeout(timer);
      this.running.delete(controller);
    }
    const finished = store.updateJob(job.id, { state, summary: redact(summary), undo });
    this.audit({
      event: 'finished',
      proposalId: job.proposalId,
      jobId: job.id,
      action: action.name,
      params,
      caller: job.caller,
      result: `${state}: ${summary}`,
    });
    const proposalState = proposalStateAfter[state];
    if (job.proposalId !== null && !action.readOnly) this.setProposalState(job.proposalId, proposalState ?? 'open');
    // A read-only step's answer belongs to its proposal: shown with it, in every client.
    if (job.proposalId !== null && action.readOnly && state === 'done') {
      this.options.store.recordAnswer(job.proposalId, action.name, finished.summary);
      this.options.signals.proposalChanged(job.proposalId);
    }
    signals.jobFinished(finished);
  }

  private setProposalState(id: number, state: ProposalState): void {
    this.options.store.setProposalState(id, state);
    this.options.signals.proposalChanged(id);
  }

  private audit(entry: AuditEntry): void {
    // Redacted whole, then cut: a cut could leave a secret too short for its rule to recognise.
    const redacted = (this.options.redact ?? builtInRedaction)(entry.result);
    const result =
      redacted.length > MAX_AUDIT_RESULT ? `${redacted.slice(0, MAX_AUDIT_RESULT)}${AUDIT_CUT_MARKER}` : redacted;
    const record = this.options.store.audit({ ...entry, result });
    // Also in the journal, so the trail outlives a deleted state directory: its words as fields, never MESSAGE.
    this.journal.write(record);
  }
}

const bareWords = (text: string) => text.trim().replace(/\.$/, '').toLowerCase();
const sameWords = (one: string, other: string) => bareWords(one) === bareWords(other);

/** Aborts a run that took too long: a failure, where other aborts are cancellations. */
class RunTimeout extends Error {
  constructor(timeoutMs: number) {
    super(format(_('it ran longer than {seconds} s'), { seconds: timeoutMs / 1000 }));
  }
}

function failure(error: unknown, signal: AbortSignal): { state: JobState; summary: string } {
  if (error instanceof NotAuthorizedError) return { state: 'not-authorized', summary: error.message };
  if (signal.aborted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : _('it was stopped');
    return {
      state: signal.reason instanceof RunTimeout ? 'failed' : 'cancelled',
      // Translators: {reason} says why, such as "it ran longer than 300 s".
      summary: format(_('Stopped: {reason}'), { reason }),
    };
  }
  return { state: 'failed', summary: error instanceof Error ? error.message : String(error) };
}
