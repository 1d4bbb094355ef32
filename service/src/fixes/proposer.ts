// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Turns findings into proposals: the playbook's candidate actions, each
// validated against the catalog and previewed; those that would change
// nothing or do not fit this machine are not offered.
import { AsyncLocalStorage } from 'node:async_hooks';

import { remoteErrorName, StewardError } from '../dbus/errors.js';
import { peerWaits, WaitScope } from '../dbus/peerWaits.js';
import type { Finding, FindingChange, FindingsStore, FindingWithEvidence } from '../findings/store.js';
import { _, format } from '../i18n.js';
import type { Logger } from '../logging.js';
import { cleanLine } from '../untrustedText.js';
import { type ActionContext, needsAuthorization, type Preview, riskOf } from './action.js';
import { DEVICE_ACTIVATED, NetworkConnections } from './actions/networkConnections.js';
import { systemBusOf } from './actions/polkit.js';
import { UnitManager } from './actions/systemdUnits.js';
import { keepAnswered, questionOf } from './answeredSteps.js';
import type { Catalog, ValidatedCall } from './catalog.js';
import type { Executor } from './executor.js';
import type { KindRules } from './kindRules.js';
import type { ModelAdvisor } from './modelAdvisor.js';
import { withoutSafetyClaims } from './modelWords.js';
import { OneProblem, takesOver } from './oneProblem.js';
import { type CandidateAction, type Playbooks, type ProposalDraft } from './playbooks.js';
import { worthOffering } from './playbookSteps.js';
import { policyFor, type PolicyRules } from './policy.js';
import { restartHeldBack, STARTS } from './repairWatch.js';
import {
  FINISHED_JOB_STATES,
  type FixesStore,
  isOneClick,
  type Proposal,
  type ProposalTrust,
  type ProposedAction,
} from './store.js';

/** Who ran a step that only reads, as its proposal was shown: Steward, for the person. */
export const SHOWN_CALLER = 'steward:shown';

export interface ProposerSignals {
  proposalAdded(proposal: Proposal): void;
  proposalChanged(proposalId: number): void;
  proposalRemoved(proposalId: number): void;
}

export interface ProposerOptions {
  /** What playbooks and model advice may propose for a finding. */
  catalog: Catalog;
  /** What the chat's propose_action may propose: the same, and the expert shell while the user allows it. */
  chatCatalog: Catalog;
  store: FixesStore;
  findings: FindingsStore;
  executor: Executor;
  context: ActionContext;
  policy: () => PolicyRules;
  signals: ProposerSignals;
  /**
   * The kinds' rules (handed in by service/parts.ts): which findings recur with their unit's restarts, are drafted
   * again on a repeat, or replace a failed unit's proposal with their own (one incident, one proposal: "Restart it"
   * beside "find out why it keeps failing" would contradict itself).
   */
  rules: KindRules;
  /** The kinds' playbooks: the first steps drafted for a finding. */
  playbooks: Playbooks;
  /** Explains proposals in plain words, and suggests actions for kinds no playbook knows, where a model is set up. */
  advisor?: ModelAdvisor;
  /** How long a proposal waits after its finding cleared before it is withdrawn (default RESOLVE_GRACE_MS). */
  resolveGraceMs?: number;
  /** How long working out one finding's proposal may take (default DRAFT_DEADLINE_MS). */
  draftDeadlineMs?: number;
  /** What of a proposal's unit or file is gone, in words; null while all of it is there (goneWatch.ts). */
  goneOf?: (proposal: Proposal) => Promise<string | null>;
  log: Logger;
}

/**
 * How long working out one finding's proposal may take: its playbook's questions to systemd, PackageKit,
 * NetworkManager and the rest, and the previews. Past it the finding says so and the next is worked on; what the
 * late work finds is dropped.
 */
export const DRAFT_DEADLINE_MS = 90_000;
/** Findings worked on at once: one stuck draft never holds back another. */
const MAX_DRAFTING = 4;

/** One finding's turn at the proposer: late once its deadline passed, and then it changes nothing any more. */
interface Attempt {
  late: boolean;
}
const attempts = new AsyncLocalStorage<Attempt>();
/** Whether the work running now is a finding's turn that ran out of time: its findings are no longer wanted. */
const tooLate = () => attempts.getStore()?.late === true;

/**
 * A unit that fails every few seconds clears between failures (systemd restarts it): its proposal, and the
 * notification that shows it, wait this long for the failure to come back before they are withdrawn, so a recurring
 * failure keeps one proposal rather than getting a new one each time.
 */
export const RESOLVE_GRACE_MS = 30_000;

/** The model's explanation of a finding, without what the model may not claim. */
const explanationOf = (finding: Finding) =>
  withoutSafetyClaims(
    [finding.explanation, finding.likelyCause && format(_('Likely cause: {cause}'), { cause: finding.likelyCause })]
      .filter(Boolean)
      .join(' '),
  );

// Unit actions that bring a unit up: pointless on an active unit, and never for what systemd does not know.
const STARTS_UNIT = new Set(['systemd.restart_unit', 'systemd.start_unit', 'systemd.reset_failed']);
const RUNNING_STATES = new Set(['active', 'activating', 'reloading']);
// Connects a device again: offered where NetworkManager's state confirms the device is there and not connected.
const CONNECTS_DEVICE = 'network.connect_device';

// Findings this close together in the log are one incident: their identical fixes are one proposal.
const SAME_INCIDENT_MS = 10 * 60_000;

/**
 * Whether a proposal's steps may change what its finding's line named. A program's own word (no trusted writer
 * vouches for it) is enough to look — show a file's line, run a daemon's own check, read the logs — and for a
 * change whose target this machine chose (its NetworkManager connection, dpkg's unfinished packages, its
 * caches), but not for a change aimed where the line pointed unless the machine's own state confirms it
 * (checkedWithSystemd): anyone may write a line naming a unit or a file.
 * Chat and agent proposals are the user's or a client's explicit request, always asked.
 */
export function mayChangeWhatLinesName(trust: ProposalTrust): boolean {
  return trust.origin === 'chat' || trust.origin === 'agent' || trust.vouchedBy !== null;
}

/** What an unvouched finding's line named: its subject and the files its evidence points at. */
function namedByLine(finding: FindingWithEvidence): ReadonlySet<string> {
  const named = new Set(finding.evidence.flatMap((evidence) => (evidence.path ? [evidence.path] : [])));
  if (finding.subject) named.add(finding.subject);
  return named;
}

/** Every text among an action's parameters, however nested. */
function textsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(textsIn);
  return [];
}

/** The most proposals from outside agents that may wait for the user at once. */
export const MAX_WAITING_AGENT_PROPOSALS = 10;

/** Why a finding of a kind no playbook drafts for (or whose playbook found nothing here) has no proposal. */
function noFixFor(finding: Finding, playbooks: Playbooks): string {
  if (!playbooks.knows(finding.kind))
    return _('Steward has no fix for this kind of problem; it is shown so that you know');
  return _('nothing in its fix applies on this computer now');
}

/** PID 1's own scope and any scope (a session's, an app's) are never a unit action's target. */
const isScope = (unit: string) => unit.endsWith('.scope');

interface UnitTarget {
  unit: string;
  scope: 'user' | 'system';
}

function unitTarget(candidate: CandidateAction): UnitTarget | null {
  if (!candidate.name.startsWith('systemd.')) return null;
  const { unit, scope } = candidate.params;
  return typeof unit === 'string' ? { unit, scope: scope === 'user' ? 'user' : 'system' } : null;
}

/**
 * Findings that may wait for a proposal at once. Each asks systemd about its unit over D-Bus; a flood of
 * 100,000 distinct failures must not queue 100,000 of those, nor hold every change in memory meanwhile. A new
 * finding past the limit gets its proposal when it happens again (a repeat of a finding without one proposes).
 */
const MAX_WAITING_FINDINGS = 1000;
/** Shown steps remembered on their way before those that finished are forgotten. */
const MAX_SHOWING = 64;
/** Reasons kept for findings without a proposal: beyond a flood's worth, the oldest are told by their kind. */
const MAX_NOTED_REASONS = 10_000;

/** Forgets the oldest of `kept` (the first added) beyond MAX_NOTED_REASONS. */
function forgetOldest(kept: Set<number> | Map<number, unknown>): void {
  for (const oldest of kept.keys()) {
    if (kept.size <= MAX_NOTED_REASONS) break;
    kept.delete(oldest);
  }
}

export class Proposer {
  /**
   * Withdrawals after their grace, one after the other. Findings are worked on side by side (at most MAX_DRAFTING,
   * one at a time per subject, each within its deadline); what decides between proposals runs without a pause, so a
   * burst cannot propose the same fix twice.
   */
  private queue: Promise<void> = Promise.resolve();
  /** The findings worked on now, with the subject each holds: one finding of a subject at a time. */
  private readonly drafting = new Map<number, string>();
  /** The last proposal being added: each waits for the one before (oneAtATime). */
  private adding: Promise<void> = Promise.resolve();
  /** Told when nothing waits and nothing is worked on. */
  private settledWaiters: (() => void)[] = [];
  /** What waits to be considered, the latest change per finding, in the order they came. */
  private readonly waiting = new Map<number, FindingChange>();
  /** New findings left out since the queue was last full, for the log. */
  private skipped = 0;
  /** Model requests, one at a time and apart from the queue: a slow model must not hold back the playbooks. */
  private advice: Promise<void> = Promise.resolve();
  /** Proposals whose finding cleared, by finding: withdrawn when the grace ends, kept if the finding comes back. */
  private readonly withdrawing = new Map<number, NodeJS.Timeout>();
  /**
   * Why considering a finding ended without a proposal, as considerOne found it: whyNoProposal reads this, so
   * that what the user is told is what happened, not a second guess at it.
   */
  private readonly noProposal = new Map<number, string>();
  /** The findings whose proposal was withdrawn because its file or unit was gone (withdrawGone). */
  private readonly wentAway = new Set<number>();
  /** The job of each shown step on its way, by proposal, action and parameters; forgotten once looked at finished. */
  private readonly showing = new Map<string, number>();

  /** Which findings are one problem, which waiting proposal stands for which of them. */
  private readonly problems: OneProblem;

  constructor(private readonly options: ProposerOptions) {
    this.problems = new OneProblem({ store: options.store, findings: options.findings, context: options.context });
  }

  consider(changes: readonly FindingChange[]): Promise<void> {
    for (const change of changes) this.wait(change);
    const settled = new Promise<void>((resolve) => this.settledWaiters.push(resolve));
    this.pump();
    return settled;
  }

  /** Starts the waiting findings whose subject is free, as many as may be worked on at once. */
  private pump(): void {
    const busy = new Set(this.drafting.values());
    for (const [id, change] of this.waiting) {
      if (this.drafting.size >= MAX_DRAFTING) break;
      const lane = change.finding.subject || change.finding.kind;
      if (busy.has(lane)) continue;
      this.waiting.delete(id);
      this.drafting.set(id, lane);
      busy.add(lane);
      void this.considerInTime(change).finally(() => {
        this.drafting.delete(id);
        this.pump();
      });
    }
    if (this.waiting.size > 0 || this.drafting.size > 0) return;
    if (this.skipped > 0) {
      this.options.log.warning('too many new findings at once to propose fixes for; the rest wait for a repeat', {
        skipped: this.skipped,
      });
      this.skipped = 0;
    }
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Considers one finding within its deadline. Past it, the finding says that Steward ran out of time and which
   * service it waited on, the status names that service, and the work that goes on in the background changes
   * nothing any more.
   */
  private async considerInTime(change: FindingChange): Promise<void> {
    const attempt: Attempt = { late: false };
    const scope = new WaitScope();
    const work = peerWaits.within(scope, () => attempts.run(attempt, () => this.considerOne(change)));
    const deadlineMs = this.options.draftDeadlineMs ?? DRAFT_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)));
    const outcome = await Promise.race([
      work.then(
        () => 'done' as const,
        (error: Error) => {
          this.options.log.warning('could not propose a fix', { finding: change.finding.id, error: error.message });
          return 'done' as const;
        },
      ),
      deadline,
    ]);
    clearTimeout(timer);
    if (outcome === 'done') return;
    attempt.late = true;
    const peers = scope.waitingOn();
    const seconds = Math.round(deadlineMs / 1000);
    for (const [peer, what] of peers) peerWaits.stuck(peer, `did not answer ${what} within ${seconds} s`);
    this.options.log.warning('ran out of time working out a fix', {
      finding: change.finding.id,
      kind: change.finding.kind,
      waitingOn: [...peers.keys()].join(', '),
    });
    this.notedNow(
      change.finding.id,
      peers.size > 0
        ? format(_('Steward ran out of time working out a fix: {services} did not answer within {seconds} s'), {
            services: [...peers.keys()].join(', '),
            seconds,
          })
        : format(_('Steward ran out of time working out a fix (more than {seconds} s)'), { seconds }),
    );
  }

  /** Queues `change`, merged with what waits for the same finding: news stays news. */
  private wait(change: FindingChange): void {
    const { id } = change.finding;
    const queued = this.waiting.get(id);
    if (!queued && this.waiting.size + this.drafting.size >= MAX_WAITING_FINDINGS && change.change !== 'resolved') {
      this.skipped += 1;
      return;
    }
    const merged =
      queued?.change === 'added' && change.change === 'updated'
        ? { ...change, change: 'added' as const }
        : queued?.retitled && change.change === 'updated'
          ? { ...change, retitled: true as const }
          : change;
    this.waiting.set(id, merged);
  }

  private async considerOne({ change, finding, retitled }: FindingChange): Promise<void> {
    const { store } = this.options;
    clearTimeout(this.withdrawing.get(finding.id));
    this.withdrawing.delete(finding.id);
    const current = store.proposalForFinding(finding.id);
    if (change === 'resolved') this.wentAway.delete(finding.id);
    // Its proposal withdrawn because its file or unit was gone, a repeat once that file or unit is there again is
    // proposed on as news. Not while it is still gone: a daemon that keeps naming a deleted file is no news.
    if (
      change === 'updated' &&
      current?.state === 'resolved' &&
      this.wentAway.has(finding.id) &&
      (await this.options.goneOf?.(current)) === null
    ) {
      this.wentAway.delete(finding.id);
      await this.considerOne({ change: 'added', finding });
      return;
    }
    // A repeat may name a place the finding did not (another unit's line): one problem with another waiting
    // proposal now, one of the two stands for both; the one that stands is drafted again from what it now covers.
    const joined = change === 'updated' && current?.state === 'open' ? await this.joinSameProblem(current) : null;
    if (joined === 'gave way') return;
    // So may a repeat of a finding another proposal stands for: that problem is then one with the other's.
    const standing = change === 'updated' ? this.problems.coveredBy(finding.id) : null;
    const repeat = standing === null ? undefined : this.options.findings.get(finding.id);
    const proposal = standing === null ? null : store.proposal(standing);
    // Come again in a run that nothing ties to that proposal's problem (PipeWire failing an hour after the device
    // error it was one problem with), it is a problem of its own now.
    if (repeat && proposal && !(await this.problems.stillCovers(proposal, repeat))) {
      this.problems.uncover(proposal.id, finding.id);
      await this.considerOne({ change: 'added', finding });
      return;
    }
    if (repeat && proposal && (await this.problems.namesNewPlaces(repeat))) {
      const stood = proposal.findingId === null ? null : this.options.findings.get(proposal.findingId);
      // Come again naming where (the package dpkg's database holds unfinished), it says more than the finding whose
      // proposal stood for it: it is proposed on as news, and takes that proposal's place.
      if (stood && proposal.state === 'open' && takesOver(repeat, stood)) {
        await this.considerOne({ change: 'added', finding });
        return;
      }
      await this.joinSameProblem(proposal, true);
    }
    // A finding first reported by a program alone got no change aimed where its line pointed; once systemd or the
    // kernel vouch for it, its fix may hold those too.
    if (
      change === 'updated' &&
      current?.state === 'open' &&
      !mayChangeWhatLinesName(current.trust) &&
      finding.vouchedBy !== null
    ) {
      await this.redraftOnRepeat(current, finding);
      return;
    }
    // A state that now says another thing of its subject (no output for want of a device, then because WirePlumber
    // ended) makes the proposal's words and what its read-only steps answered the past: drafted again, they answer
    // again. Not a log line's new words, which a repeating error writes each time (its steps keep their answers).
    if (change === 'updated' && retitled && current?.state === 'open' && this.saysState(finding.id)) {
      await this.redraftOnRepeat(current, undefined, { cameBack: true });
      return;
    }
    // Repeats of an active finding keep its proposal; only news (new, or back after resolving) proposes again —
    // and a finding that had none because only a program claimed it, once systemd or the kernel vouch for it.
    if (
      change === 'updated' &&
      current?.state === 'open' &&
      (this.options.rules.redraftedOnRepeat(finding.kind) || joined === 'stands')
    ) {
      await this.redraftOnRepeat(current);
      return;
    }
    if (change === 'updated' && (current !== null || finding.vouchedBy === null)) return;
    if (change === 'resolved') {
      this.noProposal.delete(finding.id);
      if (current && (current.state === 'open' || current.state === 'not-fixed')) {
        if (this.options.rules.recursOnRestart(finding.kind)) this.withdrawLater(finding.id);
        else this.withdraw(current.id);
      }
      return;
    }
    if (finding.ignored || store.isDismissedForever(finding.kind, finding.subject)) return;
    if (current?.state === 'applying') return;
    // One problem, one proposal: a finding back while its proposal says its step did not fix it (or the undo of its
    // step brought the problem back, as undoing does) keeps that proposal, as it stands, rather than a second.
    if (current?.state === 'not-fixed' && change === 'added') return;
    if (current?.state === 'open') {
      // A proposal reopened after its fix was undone waits with what that failure allowed; the failure that brought
      // the finding back may have another cause (a restart that helped then cannot help a missing program now).
      // What its read-only steps answered was the state before it cleared: they answer again.
      if (change === 'added') await this.redraftOnRepeat(current, undefined, { cameBack: true });
      return;
    }
    const { findings, rules } = this.options;
    if (finding.kind === 'unit-failed') {
      if (rules.unitFailureReplacements.some((kind) => findings.activeFinding(kind, finding.subject))) return;
    } else if (rules.replacesUnitFailure(finding.kind)) {
      this.withdrawUnitFailed(finding.subject);
    }
    const full = this.options.findings.get(finding.id);
    if (!full) return;
    // One problem, one proposal: a finding whose problem already has one that says as much of why or more is left
    // undrafted; propose() decides again as it adds, as another finding of the problem may have been drafted meanwhile.
    const same = await this.problems.sameProblem(full);
    if (same && !this.takesPlaceOf(full, same)) {
      this.standsFor(same.proposal, finding.id);
      // What it names may tie that problem to another's that waits (a unit's failure, to its program's line).
      await this.joinSameProblem(same.proposal, true);
      return;
    }
    const draft = await this.options.playbooks.draftFor(full, {
      context: this.options.context,
      preview: (c) => this.previewOrNull(c),
    });
    const advisor = this.options.advisor;
    if (draft) {
      // The model's words come from the finding's explanation (see attachExplanation), not from a second request.
      await this.propose(full, draft, 'playbook');
    } else if (advisor && full.vouchedBy !== null && (await advisor.ready()) && !tooLate()) {
      this.noted(
        finding.id,
        _('Steward has no ready fix for this kind of problem, and the model suggested none it may propose'),
      );
      this.later(() => this.adviseUnknown(advisor, full));
    } else {
      this.noted(finding.id, noFixFor(finding, this.options.playbooks));
    }
  }

  /**
   * Why an active `finding` has no proposal, in the user's words: what considering it found, or that it is still
   * being considered; null when it has or had one (its state tells the rest) or has resolved.
   */
  whyNoProposal(finding: Finding): string | null {
    if (finding.state !== 'active') return null;
    const current = this.options.store.proposalForFinding(finding.id);
    // Its proposal taken back for another finding's of the same problem: what it was noted for, that one.
    if (current !== null) return current.state === 'resolved' ? (this.noProposal.get(finding.id) ?? null) : null;
    if (this.waiting.has(finding.id) || this.drafting.has(finding.id)) return _('Steward is still working out a fix');
    if (finding.ignored) return _('you chose to ignore findings like this one');
    if (this.options.store.isDismissedForever(finding.kind, finding.subject))
      return _('you dismissed its fix for good');
    const specific = this.options.rules.unitFailureReplacements.some((kind) =>
      this.options.findings.activeFinding(kind, finding.subject),
    );
    if (finding.kind === 'unit-failed' && specific)
      return _('a more specific finding about this service carries the fix');
    // Considered before this service started, or past the flood limit: what its kind alone says.
    return this.noProposal.get(finding.id) ?? noFixFor(finding, this.options.playbooks);
  }

  /** Keeps why `findingId` got no proposal; past the bound the oldest go, and whyNoProposal answers by kind. */
  private noted(findingId: number, reason: string): void {
    if (!tooLate()) this.notedNow(findingId, reason);
  }

  private notedNow(findingId: number, reason: string): void {
    this.noProposal.delete(findingId);
    this.noProposal.set(findingId, reason);
    forgetOldest(this.noProposal);
  }

  /** Stops the withdrawals waiting for their grace to end: the next start decides them (withdrawCleared). */
  stop(): void {
    for (const timer of this.withdrawing.values()) clearTimeout(timer);
    this.withdrawing.clear();
  }

  private withdraw(proposalId: number): void {
    this.options.store.setProposalState(proposalId, 'resolved');
    this.options.signals.proposalRemoved(proposalId);
    this.reconsider(proposalId);
  }

  /** `proposal` stands for finding `findingId` too, which has none of its own: one problem (oneProblem.ts). */
  private standsFor(proposal: Proposal, findingId: number): void {
    this.problems.cover(proposal.id, findingId);
    this.noted(
      findingId,
      format(_('it is one problem with “{title}”, and that proposal stands for both'), { title: proposal.title }),
    );
  }

  /** Withdraws a waiting proposal whose unit or file is gone (goneWatch.ts), in turn with the findings considered. */
  withdrawGone(proposal: Proposal, why: string): void {
    this.queue = this.queue
      .then(() => {
        const state = this.options.store.proposal(proposal.id)?.state;
        if (state !== 'open' && state !== 'not-fixed') return;
        this.options.log.info('a proposal is withdrawn: what it is about is gone', { proposal: proposal.id, why });
        this.withdraw(proposal.id);
        if (proposal.findingId === null) return;
        this.wentAway.add(proposal.findingId);
        forgetOldest(this.wentAway);
      })
      .catch((error: Error) => this.options.log.warning('could not withdraw a proposal', { error: error.message }));
  }

  /** The findings a withdrawn proposal stood for besides its own, still active, are considered as news. */
  private reconsider(proposalId: number): void {
    const changes = this.problems.release(proposalId).flatMap((id) => {
      const finding = this.options.findings.get(id);
      return finding?.state === 'active' ? [{ change: 'added' as const, finding }] : [];
    });
    if (changes.length > 0) void this.consider(changes);
  }

  /** At start: the waiting proposals whose finding cleared while Steward was not running go the same way. */
  withdrawCleared(): void {
    for (const proposal of this.options.store.proposals(['open', 'not-fixed'])) {
      const finding = proposal.findingId === null ? undefined : this.options.findings.get(proposal.findingId);
      if (finding?.state === 'resolved') this.withdrawLater(finding.id);
    }
  }

  /** Withdraws the finding's waiting proposal once the grace ends, unless the finding came back meanwhile. */
  private withdrawLater(findingId: number): void {
    const timer = setTimeout(() => {
      this.withdrawing.delete(findingId);
      this.queue = this.queue
        .then(() => {
          const { store, findings } = this.options;
          const proposal = store.proposalForFinding(findingId);
          if (findings.get(findingId)?.state !== 'resolved' || !proposal) return;
          if (proposal.state === 'open' || proposal.state === 'not-fixed') this.withdraw(proposal.id);
        })
        .catch((error: Error) => this.options.log.warning('could not withdraw a proposal', { error: error.message }));
    }, this.options.resolveGraceMs ?? RESOLVE_GRACE_MS);
    // One left waiting at shutdown is decided at the next start (withdrawCleared).
    timer.unref();
    this.withdrawing.set(findingId, timer);
  }

  /** Whether `finding`'s proposal takes the place of `same`'s: it says more of why, and the other only waits. */
  private takesPlaceOf(
    finding: FindingWithEvidence,
    same: { proposal: Proposal; finding: FindingWithEvidence },
  ): boolean {
    return takesOver(finding, same.finding) && same.proposal.state === 'open';
  }

  /**
   * Withdraws `giving`, whose problem is `standing`'s: `standing` stands for its finding and for those it stood for
   * besides, at once (considered again one by one, one of them might be proposed on before the others joined it).
   */
  private giveWay(giving: Proposal, standing: Proposal): void {
    const covered = this.problems.release(giving.id);
    this.withdraw(giving.id);
    for (const findingId of [...(giving.findingId === null ? [] : [giving.findingId]), ...covered])
      this.standsFor(standing, findingId);
  }

  /**
   * Where the problem of the waiting proposal `proposal` is now one with another waiting proposal's (its finding come
   * again naming another unit's line, or a finding it came to stand for, `covered`, naming what ties the two), the
   * one that says more of why (of two alike, the older) stands for both and the other is withdrawn: 'stands' or
   * 'gave way' for `proposal`, null where nothing changed.
   */
  private joinSameProblem(proposal: Proposal, covered = false): Promise<'stands' | 'gave way' | null> {
    return this.oneAtATime(async () => {
      const { store, findings } = this.options;
      const finding = proposal.findingId === null ? null : findings.get(proposal.findingId);
      const mine = store.proposal(proposal.id);
      if (!finding || mine?.state !== 'open') return null;
      if (!covered && !(await this.problems.namesNewPlaces(finding))) return null;
      let outcome: 'stands' | 'gave way' | null = null;
      // Every other waiting proposal it ties, one after another (a finding vouched for at last may tie several).
      for (let standing = { proposal: mine, finding }; ;) {
        const same = await this.problems.otherProblem(standing.proposal);
        if (!same) return outcome;
        const stands =
          takesOver(standing.finding, same.finding) ||
          (!takesOver(same.finding, standing.finding) && standing.proposal.id < same.proposal.id);
        const giving = stands ? same.proposal : standing.proposal;
        if (giving.state !== 'open') return outcome;
        if (!stands) standing = same;
        this.options.log.info('two waiting proposals are one problem: one stands for both', {
          stands: standing.proposal.id,
          withdrawn: giving.id,
        });
        this.giveWay(giving, standing.proposal);
        if (outcome !== 'gave way') outcome = standing.proposal.id === mine.id ? 'stands' : 'gave way';
      }
    });
  }

  /** Runs `work` after every earlier call's work has ended: what it reads of the proposals stays true while it adds. */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.adding.then(work);
    this.adding = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Takes back the waiting proposal of the failed unit `subject`: a more specific finding covers it. */
  private withdrawUnitFailed(subject: string): void {
    const { store, signals } = this.options;
    // Whatever its finding's state now: a unit whose start succeeds before it fails again (Type=simple, in a crash
    // loop) resolves its unit-failed finding for a moment, while that finding's proposal still waits.
    for (const proposal of store.proposals(['open', 'not-fixed'])) {
      if (proposal.kind !== 'unit-failed' || proposal.subject !== subject) continue;
      store.setProposalState(proposal.id, 'resolved');
      signals.proposalRemoved(proposal.id);
      this.reconsider(proposal.id);
    }
  }

  private async propose(
    finding: FindingWithEvidence,
    draft: ProposalDraft,
    origin: 'playbook' | 'model',
  ): Promise<Proposal | null> {
    const { store } = this.options;
    const none = (reason: string) => {
      this.noted(finding.id, reason);
      return null;
    };
    const checked = await this.checkedWithSystemd(finding, draft.actions);
    if (checked === null)
      return none(_('only the program itself says its service failed, and systemd does not see it failed'));
    const base = { origin, vouchedBy: finding.vouchedBy, reportedBy: finding.reportedBy };
    // Whether the actions may run in one click does not depend on whose words explain them.
    const actions = await this.offered(
      { ...draft, actions: checked },
      this.options.catalog,
      {
        ...base,
        explanationBy: 'steward',
      },
      finding,
    );
    if (actions.length === 0) {
      if (draft.actions.length === 0)
        return none(format(_('there is nothing to run for it: {explanation}'), { explanation: draft.explanation }));
      const withheld =
        !mayChangeWhatLinesName({ ...base, explanationBy: 'steward' }) &&
        checked.some(
          (candidate) => !candidate.confirmedByState && this.aimedWhereLineNamed(candidate, namedByLine(finding)),
        );
      return none(
        withheld
          ? _(
              'only the program itself reported it: Steward proposes a change once systemd or the kernel confirm it, ' +
                'and no step that only looks applies here',
            )
          : _('nothing in its fix applies on this computer now'),
      );
    }
    // Two findings of one incident (a link failure and missing Wi-Fi secrets, two resolver complaints) can lead
    // to the same fix: one proposal waiting for the user is enough.
    const steps = (list: readonly { name: string; params: unknown }[]) =>
      JSON.stringify(list.map(({ name, params }) => [name, params]));
    const sameIncident = (p: Proposal) => {
      const other = p.findingId === null ? null : this.options.findings.get(p.findingId);
      // This sighting's: a finding come again an hour on is another incident, though first seen with that one.
      return other !== null && Math.abs(other.lastSeen.getTime() - finding.lastSeen.getTime()) <= SAME_INCIDENT_MS;
    };
    const waiting = store.proposals(['open', 'applying']);
    if (waiting.some((p) => steps(p.actions) === steps(actions) && sameIncident(p)))
      return none(_('the same fix already waits for you, proposed for another finding of the same incident'));
    if (tooLate()) return null;
    // Findings are drafted side by side: whether another of this problem got its proposal meanwhile, and the adding,
    // in one turn, so that two never wait at once, not even for a moment.
    let joins: Proposal | null = null;
    const added = await this.oneAtATime(async () => {
      // Every waiting proposal of its problem gives way (it may tie two that waited apart), unless one says more.
      const gaveWay: number[] = [];
      for (let same = await this.problems.sameProblem(finding); same; same = await this.problems.sameProblem(finding)) {
        if (!this.takesPlaceOf(finding, same)) {
          for (const findingId of [finding.id, ...gaveWay]) this.standsFor(same.proposal, findingId);
          joins = same.proposal;
          return null;
        }
        gaveWay.push(same.finding.id, ...this.problems.release(same.proposal.id));
        this.withdraw(same.proposal.id);
      }
      const proposal = this.add(finding, draft, actions, base, origin);
      for (const findingId of gaveWay) if (findingId !== finding.id) this.standsFor(proposal, findingId);
      return proposal;
    });
    // What it names may tie the problem it joined to another's that waits.
    if (joins) await this.joinSameProblem(joins, true);
    return added;
  }

  private add(
    finding: FindingWithEvidence,
    draft: ProposalDraft,
    actions: ProposedAction[],
    base: Pick<ProposalTrust, 'origin' | 'vouchedBy' | 'reportedBy'>,
    origin: 'playbook' | 'model',
  ): Proposal {
    const { store, signals } = this.options;
    this.noProposal.delete(finding.id);
    // The model's explanation may have arrived while the actions were previewed.
    const explained = this.options.findings.get(finding.id) ?? finding;
    const byModel = origin === 'model' || Boolean(explained.explanation);
    const trust: ProposalTrust = { ...base, explanationBy: byModel ? 'model' : 'steward' };
    const explanation = explained.explanation
      ? explanationOf(explained)
      : byModel
        ? withoutSafetyClaims(draft.explanation)
        : draft.explanation;
    const proposal = store.addProposal({
      findingId: finding.id,
      kind: finding.kind,
      subject: finding.subject,
      title: draft.title,
      explanation,
      actions,
      trust,
    });
    store.audit({
      event: 'proposed',
      proposalId: proposal.id,
      jobId: null,
      action: null,
      params: { actions: actions.map((action) => action.name) },
      caller: origin,
      result: proposal.title,
    });
    signals.proposalAdded(proposal);
    this.showSteps(proposal);
    // offered() leaves 'auto' only on a one-click proposal (a playbook's, about what is vouched for).
    for (const action of actions.filter((a) => a.policy === 'auto' && !a.shown)) {
      this.options.executor.apply(proposal.id, action.name, 'policy:auto');
    }
    return proposal;
  }

  /**
   * Drafts a waiting playbook proposal for a failed unit again, as it is read: a restart withheld because nothing
   * the unit runs, reads or needs had changed since it failed is offered once something has (the user's repair).
   * Other proposals are drafted once, when their finding is news.
   */
  async redraft(proposal: Proposal): Promise<Proposal> {
    const { store, findings, signals, catalog } = this.options;
    if (!restartHeldBack(proposal)) return proposal;
    const finding = proposal.findingId === null ? null : findings.get(proposal.findingId);
    if (finding?.state !== 'active') return proposal;
    // A later failure of the same unit has a proposal of its own, drafted for its cause.
    if (store.proposalForFinding(finding.id)?.id !== proposal.id) return proposal;
    const draft = await this.options.playbooks.draftFor(finding, {
      context: this.options.context,
      preview: (c) => this.previewOrNull(c),
    });
    const checked = draft && (await this.checkedWithSystemd(finding, draft.actions));
    if (!draft || !checked) return proposal;
    const actions = keepAnswered(
      this.stepsOf(proposal),
      await this.offered({ ...draft, actions: checked }, catalog, proposal.trust, finding),
    );
    if (!actions.some((action) => STARTS.has(action.name))) return proposal;
    const explanation = proposal.trust.explanationBy === 'model' ? proposal.explanation : draft.explanation;
    store.refreshProposal(proposal.id, explanation, actions, proposal.trust, draft.title);
    // Waiting again for the user's Apply, where an applied step (an unmask) had ended it as fixed.
    const redrafted = store.setProposalState(proposal.id, 'open');
    signals.proposalChanged(proposal.id);
    this.showSteps(redrafted);
    return redrafted;
  }

  /**
   * Drafts a playbook's waiting proposal again after its finding repeated, when its steps (or what they act on) differ;
   * `vouched`, the finding now that systemd or the kernel vouch for it, lets the steps that change things in.
   */
  private async redraftOnRepeat(proposal: Proposal, vouched?: Finding, { cameBack = false } = {}): Promise<void> {
    const { store, findings, signals, catalog } = this.options;
    const finding = proposal.findingId === null ? null : findings.get(proposal.findingId);
    if (!finding || proposal.trust.origin !== 'playbook') return;
    const trust: ProposalTrust = vouched
      ? { ...proposal.trust, vouchedBy: vouched.vouchedBy, reportedBy: vouched.reportedBy }
      : proposal.trust;
    const draft = await this.options.playbooks.draftFor(finding, {
      context: this.options.context,
      preview: (c) => this.previewOrNull(c),
    });
    const checked = draft && (await this.checkedWithSystemd(finding, draft.actions));
    if (!draft || !checked) return;
    const before = this.stepsOf(proposal);
    const offered = await this.offered({ ...draft, actions: checked }, catalog, trust, finding);
    const actions = cameBack ? offered : keepAnswered(before, offered);
    const steps = (list: readonly { name: string; params: unknown }[]) =>
      JSON.stringify(list.map(({ name, params }) => [name, params]));
    if (actions.length === 0 || (!cameBack && steps(actions) === steps(before) && trust === proposal.trust)) return;
    if (tooLate()) return;
    const explanation = proposal.trust.explanationBy === 'model' ? proposal.explanation : draft.explanation;
    const refreshed = store.refreshProposal(proposal.id, explanation, actions, trust, draft.title);
    signals.proposalChanged(proposal.id);
    this.showSteps(refreshed, cameBack);
  }

  /** Whether the finding's latest evidence is a component's state as Steward read it, not a line someone wrote. */
  private saysState(findingId: number): boolean {
    return this.options.findings.get(findingId)?.evidence.at(-1)?.kind === 'text';
  }

  /** The proposal's steps as stored now, with the answers its shown steps recorded since it was read. */
  private stepsOf(proposal: Proposal): ProposedAction[] {
    return this.options.store.proposal(proposal.id)?.actions ?? proposal.actions;
  }

  /**
   * Runs the steps that only read state, as the proposal is shown: their answer is what the person needs, and no
   * press should stand before it. Each is a job, bounded and audited as a pressed one.
   */
  private showSteps(proposal: Proposal, again = false): void {
    for (const action of proposal.actions.filter((a) => a.shown && a.answer === undefined)) {
      // A step drafted again while its run for the same question is still on its way is that run's (answeredSteps.ts),
      // unless the state it reads changed since that run began: the new run's answer, recorded after, stands.
      const step = `${proposal.id} ${questionOf(action)}`;
      if (!again && this.onItsWay(this.showing.get(step))) continue;
      try {
        this.showing.set(step, this.options.executor.apply(proposal.id, action.name, SHOWN_CALLER).id);
      } catch (error) {
        // The user's 'never' rule, or a catalog that changed since: the step waits for a press, as before.
        this.options.log.debug('a read-only step was not run as its proposal was shown', {
          proposal: proposal.id,
          action: action.name,
          error: (error as Error).message,
        });
      }
    }
    if (this.showing.size > MAX_SHOWING) {
      for (const [step, job] of this.showing) if (!this.onItsWay(job)) this.showing.delete(step);
    }
  }

  /** Whether job `id` is queued or running. */
  private onItsWay(id: number | undefined): boolean {
    const state = id === undefined ? undefined : this.options.store.job(id)?.state;
    return state !== undefined && !FINISHED_JOB_STATES.includes(state);
  }

  private later(work: () => Promise<void>): void {
    this.advice = this.advice
      .then(work)
      .catch((error: Error) =>
        this.options.log.warning('the model could not advise on a finding', { error: error.message }),
      );
  }

  /** The finding's explanation from the model, on its proposal while that still waits. */
  attachExplanation(finding: Finding): void {
    const current = this.options.store.proposalForFinding(finding.id);
    if (!finding.explanation || current?.state !== 'open') return;
    this.options.store.refreshProposal(current.id, explanationOf(finding), current.actions, {
      ...current.trust,
      explanationBy: 'model',
    });
    this.options.signals.proposalChanged(current.id);
  }

  private async adviseUnknown(advisor: ModelAdvisor, finding: FindingWithEvidence): Promise<void> {
    const advice = await advisor.advise(finding, [], true);
    this.options.log.info('model advice', { finding: finding.id, actions: advice?.actions.length ?? 0 });
    if (!advice || advice.actions.length === 0) return;
    const current = this.options.store.proposalForFinding(finding.id);
    if (current && (current.state === 'open' || current.state === 'applying')) return;
    await this.propose(
      finding,
      {
        title: format(_('Suggested for: {title}'), { title: finding.title }),
        explanation: advice.explanation,
        actions: advice.actions,
      },
      'model',
    );
  }

  /**
   * A proposal the assistant made in a chat: one catalog action, validated and
   * previewed like a playbook's. Throws a StewardError whose message the model
   * is given when the action is unknown, invalid, unfit for this machine or
   * would change nothing. Policy 'auto' does not apply: a chat proposal always
   * waits for the user, who asked a question and did not ask for a change.
   */
  proposeFromChat(name: string, params: Record<string, unknown>, reason: string): Promise<Proposal> {
    return this.proposeOne(name, params, reason, {
      trust: { origin: 'chat', vouchedBy: null, reportedBy: 'chat', explanationBy: 'model' },
      kind: 'chat',
      title: (summary) => summary,
      caller: 'chat',
    });
  }

  /**
   * A proposal an outside agent made through the Agents interface (`steward mcp`): validated, previewed and
   * always asked, exactly like a chat proposal; its title names the agent, and the audit trail who it really is.
   */
  proposeFromAgent(
    name: string,
    params: Record<string, unknown>,
    reason: string,
    agent: { client: string; caller: string },
  ): Promise<Proposal> {
    const client = cleanLine(agent.client, 80);
    // Invalid arguments are told as such first; then an agent in a loop must not bury the user in proposals.
    this.options.chatCatalog.validate(name, params);
    const waiting = this.options.store.proposals(['open', 'not-fixed']).filter((p) => p.trust.origin === 'agent');
    if (waiting.length >= MAX_WAITING_AGENT_PROPOSALS) {
      throw new StewardError(
        'Busy',
        `${waiting.length} proposals from agents already wait for the user; wait for their decision before proposing more`,
      );
    }
    return this.proposeOne(name, params, reason, {
      trust: { origin: 'agent', vouchedBy: null, reportedBy: client, explanationBy: 'model' },
      kind: 'agent',
      title: (summary) => format(_('Agent “{client}” proposes: {summary}'), { client, summary }),
      caller: agent.caller,
    });
  }

  private async proposeOne(
    name: string,
    params: Record<string, unknown>,
    reason: string,
    from: { trust: ProposalTrust; kind: string; title: (summary: string) => string; caller: string },
  ): Promise<Proposal> {
    const { chatCatalog } = this.options;
    const validated = chatCatalog.validate(name, params);
    const preview = await validated.action.preview(validated.params, this.options.context);
    if (preview.changesNothing) {
      throw new StewardError('InvalidArgs', `${name} would change nothing here: ${preview.summary}`);
    }
    const draft = { title: '', explanation: '', actions: [{ name, params: validated.params }] };
    const [offered] = await this.offered(draft, chatCatalog, from.trust);
    if (!offered) throw new StewardError('Unavailable', `${name} cannot be offered on this computer now`);
    const action = offered;
    if (action.policy === 'never') throw new StewardError('NotAuthorized', `the user does not allow ${name}`);
    const { store, signals } = this.options;
    const proposal = store.addProposal({
      findingId: null,
      kind: from.kind,
      subject: `${name} ${JSON.stringify(validated.params)}`,
      title: from.title(preview.summary),
      explanation: withoutSafetyClaims(cleanLine(reason, 300)),
      actions: [action],
      trust: from.trust,
    });
    store.audit({
      event: 'proposed',
      proposalId: proposal.id,
      jobId: null,
      action: name,
      params: validated.params,
      caller: from.caller,
      result: proposal.title,
    });
    signals.proposalAdded(proposal);
    this.showSteps(proposal);
    return proposal;
  }

  /** How many findings wait to be proposed on or are being drafted now; 0 once all it was given were considered. */
  get considering(): number {
    return this.waiting.size + this.drafting.size;
  }

  /** Waits for pending model advice (tests, shutdown). */
  idle(): Promise<void> {
    const settled =
      this.waiting.size === 0 && this.drafting.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => this.settledWaiters.push(resolve));
    return settled.then(() => this.queue).then(() => this.advice);
  }

  /**
   * The draft's actions after asking systemd itself about the units they name: none on a scope or a unit
   * systemd does not know, no (re)start of a running unit; null — no proposal at all — when only a program's
   * own log line says a unit failed and systemd does not see it failed. A device to connect is asked of
   * NetworkManager the same way: kept, confirmed, only where it has that device and it is not connected.
   */
  private async checkedWithSystemd(
    finding: FindingWithEvidence,
    actions: readonly CandidateAction[],
  ): Promise<CandidateAction[] | null> {
    const kept: CandidateAction[] = [];
    for (const candidate of actions) {
      if (candidate.name === CONNECTS_DEVICE) {
        if (await this.disconnectedDevice(candidate.params.interface))
          kept.push({ ...candidate, confirmedByState: true });
        continue;
      }
      const target = unitTarget(candidate);
      if (!target) {
        kept.push(candidate);
        continue;
      }
      const state = isScope(target.unit) ? null : await this.unitState(target);
      if (state === null) continue;
      if (finding.vouchedBy === null && target.unit === finding.subject && state !== 'failed') {
        this.options.log.info('a program claims a unit failed that systemd does not see failed', {
          unit: target.unit,
          reportedBy: finding.reportedBy,
          state,
        });
        return null;
      }
      if (STARTS_UNIT.has(candidate.name) && RUNNING_STATES.has(state)) continue;
      const confirmed = finding.vouchedBy === null && target.unit === finding.subject && state === 'failed';
      kept.push(confirmed ? { ...candidate, confirmedByState: true } : candidate);
    }
    return kept;
  }

  /** The unit's ActiveState from its manager, or null when that manager knows no such unit. */
  private async unitState({ unit, scope }: UnitTarget): Promise<string | null> {
    try {
      return (await new UnitManager(this.options.context, scope).status(unit)).activeState;
    } catch {
      return null;
    }
  }

  /** Whether NetworkManager has the device `name` and it is not connected now. */
  private async disconnectedDevice(name: unknown): Promise<boolean> {
    if (typeof name !== 'string') return false;
    try {
      const device = await new NetworkConnections(systemBusOf(this.options.context)).device(name);
      return device !== null && device.state !== DEVICE_ACTIVATED;
    } catch {
      return false;
    }
  }

  /** Whether `candidate` changes something the untrusted line named (`named`). */
  private aimedWhereLineNamed(candidate: CandidateAction, named: ReadonlySet<string>): boolean {
    const validated = this.validate(candidate);
    return validated?.action.readOnly === false && textsIn(validated.params).some((text) => named.has(text));
  }

  /**
   * The draft's actions that are in the catalog, fit their schema, fit this machine and would change something;
   * for `finding` on a program's word alone, none that changes what its line named.
   */
  private async offered(
    draft: ProposalDraft,
    catalog: Catalog,
    trust: ProposalTrust,
    finding?: FindingWithEvidence,
  ): Promise<ProposedAction[]> {
    const offered: ProposedAction[] = [];
    const named = finding && !mayChangeWhatLinesName(trust) ? namedByLine(finding) : null;
    for (const candidate of draft.actions) {
      if (named && !candidate.confirmedByState && this.aimedWhereLineNamed(candidate, named)) continue;
      const validated = this.validate(candidate, catalog);
      const preview = validated && (await this.previewOf(validated));
      if (!validated || !preview || !worthOffering(candidate, preview)) continue;
      const { action, params } = validated;
      offered.push({
        name: action.name,
        params,
        // The catalog keeps its titles in English for the model; the proposal is for people.
        title: _(action.title),
        risk: riskOf(action, params),
        needsAuthorization: needsAuthorization(action, params),
        readOnly: action.readOnly,
        shown: action.readOnly && !action.runsProgram,
        preview,
        policy: policyFor(this.options.policy(), action, params, isOneClick(trust)),
      });
    }
    return offered;
  }

  private validate(candidate: CandidateAction, catalog = this.options.catalog) {
    try {
      return catalog.validate(candidate.name, candidate.params);
    } catch (error) {
      // Playbooks are code, but model drafts are not: whatever is outside the catalog is dropped and logged.
      this.options.log.warning('dropped a proposed action', {
        action: candidate.name,
        reason: (error as Error).message,
      });
      return null;
    }
  }

  private async previewOrNull(candidate: CandidateAction): Promise<Preview | null> {
    const validated = this.validate(candidate);
    return validated && this.previewOf(validated);
  }

  /** The preview, or null when the action does not fit this machine (no such unit, no PackageKit). */
  private async previewOf({ action, params }: ValidatedCall): Promise<Preview | null> {
    try {
      return await action.preview(params, this.options.context);
    } catch (error) {
      const name = error instanceof StewardError ? error.errorName : remoteErrorName(error);
      if (name !== 'InvalidArgs' && name !== 'Unavailable') {
        this.options.log.warning('could not preview an action', {
          action: action.name,
          error: (error as Error).message,
        });
      }
      return null;
    }
  }
}
