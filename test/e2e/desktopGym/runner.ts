// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs one desktop scenario against Steward in the real shell, as a person would: break the shell's state, wait
// for Steward's finding and proposal (its signals), Apply through Steward's D-Bus API, read the shell's own state
// until it is healthy, see the finding resolved, Undo through Steward and read the state back. Every wait is for
// a signal or a state, with a limit named for what it waits for.
import { FINDINGS_INTERFACE, PROPOSALS_INTERFACE } from '../../../service/src/dbus/interfaces.js';
import { emptyRow, type Row } from '../../gym/score.js';
import { waitFor, withDeadline } from '../../support/service.js';
import { SENTINELS } from './brokenExtensions.js';
import { switchExtension } from './kinds/extensions.js';
import type {
  DesktopScenario,
  ExpectedFinding,
  ExplainScenario,
  FixScenario,
  QuietScenario,
  ShellContext,
} from './scenario.js';
import { type Finding, plain, type Proposal, type Signal, type StewardSignals } from './stewardSignals.js';

const DETECT_TIMEOUT_MS = 30_000;
const PROPOSAL_TIMEOUT_MS = 30_000;
const STATE_TIMEOUT_MS = 30_000;
const RESOLVE_TIMEOUT_MS = 20_000;
/** A read-only step runs as its proposal is made: its answer comes within seconds. */
const SAYS_TIMEOUT_MS = 30_000;
/** A fault or a clean-up is a few commands and waits for the desktop's state; past this one of them is stuck. */
const STEP_TIMEOUT_MS = 180_000;

export interface RunHooks {
  /** Called before the scenario's fault: how the spec sets the session up as a person would for it. */
  beforeFault?(scenario: DesktopScenario): Promise<void>;
  /** Called with the proposal and its finding before its Apply: what the spec reads on screen (the notification, the menu). */
  beforeApply?(scenario: DesktopScenario, proposal: Proposal, finding: Finding): Promise<void>;
}

const round = (ms: number) => Math.round(ms / 100) / 10;

export class DesktopRunner {
  /** How many sentinels were used. */
  #sentinels = 0;

  constructor(
    private readonly context: ShellContext,
    private readonly steward: StewardSignals,
    private readonly hooks: RunHooks = {},
  ) {}

  async run(scenario: DesktopScenario): Promise<Row> {
    const row = emptyRow(scenario.name, scenario.title);
    try {
      await withDeadline(this.hooks.beforeFault?.(scenario), `${scenario.name}'s set-up`, STEP_TIMEOUT_MS);
      const mark = this.steward.signals.length;
      const faultAt = Date.now();
      await withDeadline(scenario.fault(this.context), `${scenario.name}'s fault`, STEP_TIMEOUT_MS);
      if ('none' in scenario.expect) await this.#quiet(scenario as QuietScenario, mark, faultAt, row);
      else if ('noChange' in scenario.expect) await this.#explain(scenario as ExplainScenario, mark, faultAt, row);
      else await this.#fix(scenario as FixScenario, mark, faultAt, row);
    } catch (error) {
      row.pass = false;
      row.reason ??= (error as Error).message.split('\n')[0] ?? 'failed';
    }
    await withDeadline(scenario.cleanup(this.context), `${scenario.name}'s clean-up`, STEP_TIMEOUT_MS).catch(
      (error: Error) => {
        row.pass = false;
        row.reason ??= `cleanup failed: ${error.message}`;
      },
    );
    return row;
  }

  /** The expected finding and its proposal: the latest, or once Steward has read all the fault set off. */
  async #findAndPropose(
    expected: ExpectedFinding,
    offersChange: (proposal: Proposal) => boolean,
    mark: number,
    faultAt: number,
    row: Row,
  ): Promise<{ finding: Finding; proposal: Proposal }> {
    const seen = new Set<string>();
    const [signal, finding] = await this.steward
      .until(
        () => {
          for (const [signal, finding] of this.steward.since<Finding>(
            mark,
            'Findings.FindingAdded',
            'Findings.FindingUpdated',
          )) {
            seen.add(`${finding.kind} ${finding.subject}`);
            if (finding.kind === expected.kind && finding.subject === expected.subject)
              return [signal, finding] as const;
          }
          return undefined;
        },
        `a finding ${expected.kind} about ${expected.subject}`,
        DETECT_TIMEOUT_MS,
      )
      .catch((error: Error) => {
        row.reason = `not detected: ${error.message}; raised instead: ${[...seen].join(', ') || 'nothing'}`;
        throw error;
      });
    row.detected = true;
    row.detectSeconds = round(signal.at - faultAt);
    row.finding = {
      kind: finding.kind,
      subject: finding.subject,
      title: finding.title,
      severity: String(finding.severity),
    };

    const latest = () =>
      this.steward
        .since<Proposal>(mark, 'Proposals.ProposalAdded', 'Proposals.ProposalChanged')
        .map(([, proposal]) => proposal)
        .filter((proposal) => proposal['finding-id'] === finding.id)
        .at(-1);
    const proposal = await this.steward
      .until(latest, `a proposal for finding ${finding.id}`, PROPOSAL_TIMEOUT_MS)
      .catch((error: Error) => {
        row.reason = `no proposal for the finding “${finding.title}”: ${error.message}`;
        throw error;
      });
    // One that does not offer the change yet counts as it stands once Steward has read everything the fault set off
    // (the shell's signal first, its journal lines a moment later): after a sentinel. One that offers it is applied
    // at once, as the notification shows it alone.
    if (offersChange(proposal)) return { finding, proposal };
    await this.#barrier(mark);
    return { finding, proposal: latest() ?? proposal };
  }

  /**
   * Whether the finding and its proposal say each of `says`, waiting for the proposal's read-only steps to answer
   * (they run as it is made) and for the finding's latest title; sets the row's reason where one is missing.
   */
  async #says(finding: Finding, proposal: Proposal, says: string[] | undefined, mark: number, row: Row) {
    if (!says) return true;
    const texts = () => {
      const latestFinding = this.steward
        .since<Finding>(mark, 'Findings.FindingAdded', 'Findings.FindingUpdated')
        .map(([, found]) => found)
        .filter((found) => found.id === finding.id)
        .at(-1);
      const latestProposal =
        this.steward
          .since<Proposal>(mark, 'Proposals.ProposalAdded', 'Proposals.ProposalChanged')
          .map(([, changed]) => changed)
          .filter((changed) => changed.id === proposal.id)
          .at(-1) ?? proposal;
      return [
        latestFinding?.title ?? finding.title,
        latestProposal.title,
        typeof latestProposal.explanation === 'string' ? latestProposal.explanation : '',
        ...latestProposal.actions.flatMap((action) =>
          [action.preview, action.answer].filter((text): text is string => typeof text === 'string'),
        ),
      ].join('\n');
    };
    const missing = () => says.filter((words) => !texts().includes(words));
    const latestTitle = () =>
      this.steward
        .since<Finding>(mark, 'Findings.FindingAdded', 'Findings.FindingUpdated')
        .filter(([, found]) => found.id === finding.id)
        .at(-1)?.[1].title;
    const said = await this.steward
      .until(
        () => (missing().length === 0 ? true : undefined),
        `the proposal to say ${says.join(', ')}`,
        SAYS_TIMEOUT_MS,
      )
      .then(
        () => true,
        () => false,
      );
    // The row keeps the finding as a person reads it now: a crash counted again has a new title.
    if (row.finding) row.finding.title = latestTitle() ?? row.finding.title;
    if (!said)
      row.reason = `the finding and proposal do not say ${missing()
        .map((words) => `“${words}”`)
        .join(', ')}: ${texts()}`;
    return said;
  }

  #firstStep(proposal: Proposal, expected: string, row: Row): boolean {
    const first = proposal.actions[0]?.name ?? null;
    row.firstStep = { expected, got: first, right: first === expected };
    if (!row.firstStep.right) row.reason = `first step ${first ?? 'none'}, expected ${expected}`;
    return row.firstStep.right;
  }

  async #fix(scenario: FixScenario, mark: number, faultAt: number, row: Row): Promise<void> {
    const { expect } = scenario;
    const offers = (proposal: Proposal) => proposal.actions.some((action) => action.name === expect.apply);
    const { finding, proposal } = await this.#findAndPropose(expect.finding, offers, mark, faultAt, row);
    const rightFirst = this.#firstStep(proposal, expect.firstStep, row);
    if (!offers(proposal)) {
      const vouchedBy = finding['vouched-by'];
      const vouched = typeof vouchedBy === 'string' && vouchedBy !== '' ? vouchedBy : 'nobody';
      row.reason = `the proposal offers ${proposal.actions.map((action) => action.name).join(', ') || 'nothing'}, no ${expect.apply} (the finding is vouched for by ${vouched})`;
      return;
    }

    if (!(await this.#says(finding, proposal, expect.says, mark, row))) return;
    await withDeadline(
      this.hooks.beforeApply?.(scenario, proposal, finding),
      'the proposal on screen',
      STEP_TIMEOUT_MS,
    );
    const applied = await this.steward.apply(proposal.id, expect.apply);
    row.applied = { state: applied.state, right: applied.state === expect.applyState };
    row.shown = applied.summary;
    if (!row.applied.right) {
      row.reason = `Apply ended ${applied.state} (${applied.summary}), expected ${expect.applyState}`;
      return;
    }
    row.healthy = await this.#reaches(() => expect.healthy(this.context));
    if (!row.healthy) {
      row.reason = 'not healthy after Apply: the shell’s state never said so';
      return;
    }
    row.resolved = await this.steward
      .until(
        () =>
          this.steward
            .since<string>(mark, 'Findings.FindingResolved')
            .find(([resolved]) => resolved.body[0] === finding.id),
        `finding ${finding.id} to be resolved`,
        RESOLVE_TIMEOUT_MS,
      )
      .then(
        () => true,
        () => false,
      );

    if (!expect.afterUndo) {
      // No undo to try: Steward must say so on the job (can-undo false, with why) rather than offer one.
      const job = (await this.steward.jobs()).find((candidate) => candidate.id === applied.id);
      if (job?.['can-undo'] !== false || job.undo === '') {
        row.reason = `the applied job offers an undo, or does not say why it has none: ${JSON.stringify(job?.undo)}`;
        return;
      }
      row.pass = rightFirst;
      if (row.pass) row.reason = null;
      return;
    }
    const { afterUndo } = expect;
    const undo = await this.steward.undo(applied.id);
    const job = (await this.steward.jobs()).find((candidate) => candidate.id === applied.id);
    const marked = job !== undefined && job['undone-by'] === undo.id;
    row.undone = marked && (await this.#reaches(() => afterUndo(this.context)));
    if (!row.undone) {
      row.reason = `not undone: the undo job ${undo.id} ended ${undo.state} (${undo.summary})${marked ? '' : ', and the applied job does not name it'}, or the shell’s state never came back`;
      return;
    }
    row.pass = rightFirst;
    if (row.pass) row.reason = null;
  }

  /** The finding and its first step, and no change offered, once Steward has read all the fault set off. */
  async #explain(scenario: ExplainScenario, mark: number, faultAt: number, row: Row): Promise<void> {
    const { expect } = scenario;
    const { finding, proposal } = await this.#findAndPropose(expect.finding, () => false, mark, faultAt, row);
    if (!this.#firstStep(proposal, expect.firstStep, row)) return;
    if (!(await this.#says(finding, proposal, expect.says, mark, row))) return;
    const changes = proposal.actions.filter((action) => !action['read-only']).map((action) => action.name);
    if (changes.length > 0) {
      row.reason = `the proposal offers a change where none should be: ${changes.join(', ')}`;
      return;
    }
    row.pass = true;
  }

  /**
   * Turns on the next sentinel (a broken extension) and waits for its finding and its proposal: Steward reads the
   * shell's signals and the journal in order and proposes in order, so by then it has read and proposed on all
   * that came before. The sentinel is turned off again (its finding resolves); resolves with its finding's signal.
   */
  async #barrier(mark: number): Promise<Signal> {
    const sentinel = SENTINELS[this.#sentinels++];
    if (!sentinel) throw new Error('no sentinel extension left: brokenExtensions.ts has too few');
    await switchExtension(this.context, sentinel, true);
    const [signal, finding] = await this.steward.until(
      () => this.steward.since<Finding>(mark, 'Findings.FindingAdded').find(([, found]) => found.subject === sentinel),
      `the sentinel ${sentinel}'s finding`,
      DETECT_TIMEOUT_MS,
    );
    // The shell's signal says first; its journal line, which comes after the fault's lines, a moment later.
    await this.steward.until(
      async () => {
        const [found] = (await this.steward.call(FINDINGS_INTERFACE, 'Get', 's', [finding.id])) as [unknown];
        const { evidence } = plain(found) as { evidence?: { kind: string }[] };
        return evidence?.some((item) => item.kind === 'journal') || undefined;
      },
      `the sentinel's journal line`,
      DETECT_TIMEOUT_MS,
    );
    await this.steward.until(
      () =>
        this.steward
          .since<Proposal>(mark, 'Proposals.ProposalAdded', 'Proposals.ProposalChanged')
          .find(([, proposal]) => proposal['finding-id'] === finding.id),
      `the sentinel's proposal`,
      PROPOSAL_TIMEOUT_MS,
    );
    await switchExtension(this.context, sentinel, false);
    return signal;
  }

  /** Nothing about the subject raised up to a sentinel: a broken extension turned on after the fault. */
  async #quiet(scenario: QuietScenario, mark: number, faultAt: number, row: Row): Promise<void> {
    const { subject } = scenario.expect.none;
    const signal = await this.#barrier(mark);
    row.detectSeconds = round(signal.at - faultAt);
    const findings = (await this.steward.list<Finding>(FINDINGS_INTERFACE)).filter((f) => f.subject === subject);
    const proposals = (await this.steward.list<Proposal>(PROPOSALS_INTERFACE)).filter(
      (proposal) =>
        proposal.subject === subject ||
        proposal.actions.some((action) => JSON.stringify(action).includes(JSON.stringify(subject))),
    );
    if (findings.length > 0) row.reason = `raised ${findings.map((f) => `${f.kind} “${f.title}”`).join(', ')}`;
    else if (proposals.length > 0) row.reason = `proposed ${proposals.map((p) => `“${p.title}”`).join(', ')}`;
    row.detected = row.reason === null;
    row.pass = row.detected;
  }

  /** Whether `check` comes to hold within STATE_TIMEOUT_MS. */
  #reaches(check: () => Promise<boolean>): Promise<boolean> {
    return waitFor(check, 'the shell’s state', STATE_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
  }
}
