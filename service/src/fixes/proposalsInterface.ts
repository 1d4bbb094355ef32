// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// io.github.steward.Steward1.Proposals: proposed fixes, Apply / Dismiss /
// Undo, jobs and the audit trail, in the shape the XML documents.
import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { callerIdentity, describeIdentity } from '../dbus/callerIdentity.js';
import { StewardError } from '../dbus/errors.js';
import { method, type TypedInterfaceImpl } from '../dbus/objectServer.js';
import { pageKeys, pageOf } from '../dbus/paging.js';
import { variantOf } from '../dbus/variants.js';
import { evidenceVariant, micros } from '../findings/findingsInterface.js';
import type { FindingsStore } from '../findings/store.js';
import { _ } from '../i18n.js';
import { cleanLine, cleanText, MAX_TEXT_LENGTH } from '../untrustedText.js';
import type { ActionDefinition } from './action.js';
import type { Catalog } from './catalog.js';
import type { ConfirmWindows, PendingChange } from './confirmWindow.js';
import type { Executor } from './executor.js';
import { MAX_LABEL_LENGTH } from './shownNames.js';
import {
  type AuditRecord,
  type FixesStore,
  isOneClick,
  type Job,
  type Proposal,
  type ProposedAction,
} from './store.js';

const id = (what: string) => z.string().regex(/^[1-9]\d{0,15}$/, `not a ${what} id`);
const actionName = z.string().regex(/^[a-z]+\.[a-z_]+$/, 'not an action name like "systemd.restart_unit"');

const listFilter = z.object({ state: variantOf('s', z.enum(['open', 'all'])).optional(), ...pageKeys }).strict();
const jobsFilter = z.object({ undoable: variantOf('b', z.boolean()).optional(), ...pageKeys }).strict();
const historyFilter = z.object({ after: variantOf('t', z.bigint().min(0n)).optional(), ...pageKeys }).strict();
const catalogFilter = z.object({ 'read-only': variantOf('b', z.boolean()).optional() }).strict();

const WAITING = ['open', 'not-fixed'] as const;

// What a proposal, a job and the audit trail say is shown to people as it is: each text is cleaned here, where it
// leaves the service (untrustedText.ts), however it was stored.
function actionDict(action: ProposedAction): Record<string, Variant> {
  return {
    name: new Variant('s', action.name),
    title: new Variant('s', cleanLine(action.title)),
    params: new Variant('s', JSON.stringify(action.params)),
    risk: new Variant('s', action.risk),
    'needs-authorization': new Variant('b', action.needsAuthorization),
    'read-only': new Variant('b', action.readOnly),
    shown: new Variant('b', action.shown ?? false),
    answer: new Variant('s', cleanText(action.answer ?? '')),
    policy: new Variant('s', action.policy),
    preview: new Variant('s', cleanLine(action.preview.summary)),
    // A proposal stored before the catalog set labels is named by its action's title: the catalog's words alone.
    label: new Variant('s', cleanLine(action.preview.label ?? action.title, MAX_LABEL_LENGTH)),
    details: new Variant(
      'as',
      action.preview.details.map((line) => cleanLine(line)),
    ),
    ...(action.preview.bytes === undefined ? {} : { bytes: new Variant('t', BigInt(action.preview.bytes)) }),
  };
}

/** A catalog action as Proposals.Catalog lists it: its rule's key, its title in the session's language, its risk. */
export function catalogDict(action: ActionDefinition): Record<string, Variant> {
  return {
    name: new Variant('s', action.name),
    title: new Variant('s', _(action.title)),
    risk: new Variant('s', typeof action.risk === 'string' ? action.risk : 'varies'),
    'read-only': new Variant('b', action.readOnly),
    changes: new Variant('s', action.changes ?? ''),
  };
}

export function proposalDict(proposal: Proposal): Record<string, Variant> {
  return {
    id: new Variant('s', String(proposal.id)),
    'finding-id': new Variant('s', proposal.findingId === null ? '' : String(proposal.findingId)),
    kind: new Variant('s', proposal.kind),
    subject: new Variant('s', cleanLine(proposal.subject, MAX_TEXT_LENGTH)),
    title: new Variant('s', cleanLine(proposal.title)),
    explanation: new Variant('s', cleanText(proposal.explanation, { max: MAX_TEXT_LENGTH })),
    state: new Variant('s', proposal.state),
    created: micros(proposal.createdAt),
    updated: micros(proposal.updatedAt),
    actions: new Variant('aa{sv}', proposal.actions.map(actionDict)),
    origin: new Variant('s', proposal.trust.origin),
    'one-click': new Variant('b', isOneClick(proposal.trust)),
    'vouched-by': new Variant('s', proposal.trust.vouchedBy ?? ''),
    'reported-by': new Variant('s', cleanLine(proposal.trust.reportedBy)),
    'explanation-by': new Variant('s', proposal.trust.explanationBy),
  };
}

export function jobDict(job: Job): Record<string, Variant> {
  const plan = job.undo;
  const canUndo = plan !== null && !('impossible' in plan) && job.undoneBy === null;
  return {
    id: new Variant('s', String(job.id)),
    'proposal-id': new Variant('s', job.proposalId === null ? '' : String(job.proposalId)),
    action: new Variant('s', job.action),
    params: new Variant('s', JSON.stringify(job.params)),
    subject: new Variant('s', cleanLine(job.subject, MAX_TEXT_LENGTH)),
    state: new Variant('s', job.state),
    summary: new Variant('s', cleanText(job.summary)),
    'can-undo': new Variant('b', canUndo),
    undo: new Variant('s', cleanLine(plan === null ? '' : 'impossible' in plan ? plan.impossible : plan.summary)),
    'undo-of': new Variant('s', job.undoOf === null ? '' : String(job.undoOf)),
    'undone-by': new Variant('s', job.undoneBy === null ? '' : String(job.undoneBy)),
    caller: new Variant('s', cleanLine(job.caller)),
    created: micros(job.createdAt),
    ...(job.finishedAt ? { finished: micros(job.finishedAt) } : {}),
  };
}

function auditDict(record: AuditRecord): Record<string, Variant> {
  return {
    seq: new Variant('t', BigInt(record.seq)),
    time: micros(record.at),
    event: new Variant('s', record.event),
    'proposal-id': new Variant('s', record.proposalId === null ? '' : String(record.proposalId)),
    'job-id': new Variant('s', record.jobId === null ? '' : String(record.jobId)),
    action: new Variant('s', record.action ?? ''),
    params: new Variant('s', record.params === null ? '' : JSON.stringify(record.params)),
    caller: new Variant('s', cleanLine(record.caller)),
    result: new Variant('s', cleanText(record.result)),
  };
}

/** Who asked, for the audit trail: the bus's credentials and the executable, not what the caller says it is. */
async function describeCaller(bus: MessageBus, sender: string): Promise<string> {
  return describeIdentity(await callerIdentity(bus, sender));
}

export interface ProposalsInterfaceOptions {
  store: FixesStore;
  findings: FindingsStore;
  executor: Executor;
  /** The actions switched on now, as Catalog lists them. */
  catalog: Catalog;
  bus: MessageBus;
  signals: { removed(id: number): void; openCountChanged(): void };
  /** The proposal as the machine stands now: what a repair since it was drafted allows (see Proposer.redraft). */
  refresh(proposal: Proposal): Promise<Proposal>;
  /** NixOS changes in their confirm-or-revert window. */
  nixosWindows: ConfirmWindows;
}

/** A NixOS change waiting for (or given) confirmation, as ConfirmChanges and PendingChanges answer it. */
const changeDict = (change: PendingChange): Record<string, Variant> => ({
  id: new Variant('s', String(change.id)),
  summary: new Variant('s', change.summary),
  deadline: new Variant('x', BigInt(change.deadline) * 1000n),
});

export class ProposalsInterface {
  constructor(private readonly options: ProposalsInterfaceOptions) {}

  get openCount(): number {
    return this.options.store.countProposals(WAITING);
  }

  get impl(): TypedInterfaceImpl<'io.github.steward.Steward1.Proposals'> {
    const { store, findings, executor, catalog, bus, signals, nixosWindows } = this.options;
    const proposalOf = (proposalId: string) => {
      const proposal = store.proposal(Number(proposalId));
      if (!proposal) throw new StewardError('NotFound', `there is no proposal ${proposalId}`);
      return proposal;
    };
    return {
      properties: { OpenCount: () => this.openCount },
      methods: {
        List: method(z.tuple([listFilter]), ([filter]) => {
          const states = filter.state === 'all' ? 'all' : WAITING;
          return [store.proposals(states, pageOf(filter)).map(proposalDict), store.countProposals(states)];
        }),
        Get: method(z.tuple([id('proposal')]), async ([proposalId]) => {
          const proposal = await this.options.refresh(proposalOf(proposalId));
          const finding = proposal.findingId === null ? null : findings.get(proposal.findingId);
          return { ...proposalDict(proposal), evidence: evidenceVariant(finding?.evidence ?? []) };
        }),
        Apply: method(z.tuple([id('proposal'), actionName]), async ([proposalId, action], { sender }) => {
          proposalOf(proposalId);
          const job = executor.apply(Number(proposalId), action, await describeCaller(bus, sender));
          return String(job.id);
        }),
        Dismiss: method(
          z.tuple([id('proposal'), z.enum(['once', 'never'], 'must be "once" or "never"')]),
          async ([proposalId, mode], { sender }) => {
            const proposal = proposalOf(proposalId);
            if (mode === 'never') store.dismissForever(proposal.kind, proposal.subject);
            store.setProposalState(proposal.id, 'dismissed');
            store.audit({
              event: 'dismissed',
              proposalId: proposal.id,
              jobId: null,
              action: null,
              params: null,
              caller: await describeCaller(bus, sender),
              result: mode === 'never' ? `never again for ${proposal.kind} ${proposal.subject}` : 'once',
            });
            signals.removed(proposal.id);
            signals.openCountChanged();
          },
        ),
        Undo: method(z.tuple([id('job')]), async ([jobId], { sender }) =>
          String(executor.undo(Number(jobId), await describeCaller(bus, sender)).id),
        ),
        ConfirmChanges: method(z.tuple([]), async (_args, { sender }) => {
          const confirmed = nixosWindows.confirm();
          const caller = confirmed.length > 0 ? await describeCaller(bus, sender) : '';
          for (const change of confirmed)
            store.audit({
              event: 'confirmed',
              proposalId: null,
              jobId: null,
              action: null,
              params: null,
              caller,
              result: change.summary,
            });
          return confirmed.map(changeDict);
        }),
        PendingChanges: method(z.tuple([]), () =>
          nixosWindows
            .list()
            .sort((a, b) => a.deadline - b.deadline)
            .map(changeDict),
        ),
        Catalog: method(z.tuple([catalogFilter]), ([filter]) =>
          catalog
            .all()
            .filter((action) => filter['read-only'] === undefined || action.readOnly === filter['read-only'])
            .map(catalogDict),
        ),
        ListJobs: method(z.tuple([jobsFilter]), ([filter]) => {
          const page = pageOf(filter);
          const jobs = filter.undoable ? store.undoableJobs(page) : store.jobs(page.limit, page.offset);
          return [jobs.map(jobDict), store.countJobs(filter.undoable ? 'undoable' : 'all')];
        }),
        History: method(z.tuple([historyFilter]), ([filter]) => {
          const sinceSeq = filter.after === undefined ? 0 : Number(filter.after);
          return [store.history({ ...pageOf(filter), sinceSeq }).map(auditDict), store.countHistory(sinceSeq)];
        }),
      },
    };
  }
}
