// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs scenarios against Steward in a booted system, as a person with a script would: break the machine,
// wait for Steward's finding and proposal on the session bus, Apply it (polkit answering), check the
// machine, Undo, check again. Every wait is for a signal or a state, with a limit named for what it waits for.
import { FINDINGS_INTERFACE, PROPOSALS_INTERFACE } from '../../service/src/dbus/interfaces.js';
import { type Agent, type Signal } from './agentClient.js';
import { checkSteps, duplicateProposals, type OpenProposal } from './proposalChecks.js';
import type { Scenario, StateCheck, Step } from './scenario.js';
import { emptyRow, type Row } from './score.js';
import type { GymSystem } from './system.js';
import type { Window } from './totals.js';

const PROPOSAL_TIMEOUT_MS = 30_000;
const JOB_TIMEOUT_MS = 90_000;
const STATE_TIMEOUT_MS = 30_000;
const POLKIT_RELOAD_TIMEOUT_MS = 30_000;
const STATE_POLL_MS = 100;
const BARRIER_TIMEOUT_MS = 60_000;
const RESOLVE_TIMEOUT_MS = 20_000;
/** How long a sentinel's finding may wait for its journal line while Steward's sources start, and how many try. */
const READY_WAIT_MS = 10_000;
const READY_ATTEMPTS = 6;

type Finding = Record<string, unknown> & { id: string; kind: string; subject: string };
type Proposal = Record<string, unknown> & {
  id: string;
  'finding-id': string;
  subject: string;
  actions: { name: string; 'read-only': boolean; details?: string[] }[];
};

let sentinels = 0;
const SENTINEL_PREFIX = 'gym-sentinel-';
const isSentinel = (subject: string) => subject.startsWith(SENTINEL_PREFIX);

export class Runner {
  #polkit: 'allow' | 'deny' | null = null;
  /** The row's proposal once found, for the checks at its end. */
  #found: { proposal: string } | null = null;
  /** What the rules every scenario is held to (proposalChecks.ts) saw over the run. */
  readonly checked = { checksMade: 0, checksFailed: 0, restartsWhileFailing: 0, duplicates: 0 };
  /** Each scenario's signals and the problems it injected, for the day's totals (totals.ts). */
  readonly windows: Window[] = [];

  constructor(
    private readonly system: GymSystem,
    private readonly agent: Agent,
  ) {}

  async run(scenario: Scenario): Promise<Row> {
    const row = emptyRow(scenario.name, scenario.title);
    if (scenario.notPossible) return { ...row, reason: `not run: ${scenario.notPossible}` };
    const from = this.agent.signals.length;
    this.#found = null;
    let mark = from;
    try {
      await this.#setPolkit(scenario.polkit);
      for (const step of scenario.prepare) await this.#step(step);
      // The fault strikes a machine Steward has seen as prepared, as a person's machine is seen long before it fails:
      // it has read the journal up to here and proposed on what it read, and the network source, whose reads follow
      // a change by a fifth of a second, the links made (a link switched off the moment it came up is never seen up).
      if (scenario.prepare.length > 0) await this.#barrier(this.agent.signals.length, BARRIER_TIMEOUT_MS);
      mark = this.agent.signals.length;
      const faultAt = Date.now();
      for (const step of scenario.fault) await this.#step(step);
      const timeoutMs = scenario.detectTimeoutSeconds * 1000;
      if ('none' in scenario.expect) await this.#quiet(scenario.expect, mark, faultAt, timeoutMs, row);
      else await this.#loop(scenario, scenario.expect, mark, faultAt, timeoutMs, row);
    } catch (error) {
      row.reason ??= (error as Error).message.split('\n')[0] ?? 'failed';
    }
    for (const step of scenario.cleanup) {
      await this.#step(step).catch((error: Error) => {
        row.pass = false;
        row.reason ??= `cleanup failed: ${error.message}`;
      });
    }
    // What the scenario set off (a unit that failed along the way, a late proposal) is done before the next begins.
    await this.#barrier(this.agent.signals.length, BARRIER_TIMEOUT_MS).catch((error: Error) => {
      row.pass = false;
      row.reason ??= `Steward did not settle after the scenario: ${error.message}`;
    });
    const duplicates = await this.#open().then(duplicateProposals, (error: Error) => [
      `the proposals could not be listed: ${error.message}`,
    ]);
    if (duplicates.length > 0) {
      this.checked.duplicates += duplicates.length;
      row.pass = false;
      row.reason ??= duplicates.join('; ');
    }
    if ('finding' in scenario.expect && row.pass) {
      const broken = await this.#oneProblem(scenario.expect, mark).catch((error: Error) => error.message);
      if (broken) {
        row.pass = false;
        row.reason = broken;
      }
    }
    this.windows.push({
      scenario: scenario.name,
      problems: scenario.problems ?? ('none' in scenario.expect ? 0 : 1),
      from,
      to: this.agent.signals.length,
      expected: row.finding && { kind: row.finding.kind, subject: row.finding.subject },
    });
    return row;
  }

  /**
   * Waits until Steward follows the journal: a sentinel unit's failure found with its journal line. The service says
   * it started once its sources read from the journal's tail, so the first sentinel normally does; the next ones
   * are for a start that took longer than the service waits for its sources (SOURCES_START_MS).
   */
  async ready(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const mark = this.agent.signals.length;
      const sentinel = await this.#sentinel(mark, BARRIER_TIMEOUT_MS);
      const followed = await this.agent
        .until(() => this.#holdsJournalLine(sentinel.finding.id), `the sentinel's journal line`, READY_WAIT_MS)
        .then(
          () => true,
          (error: Error) => {
            if (attempt >= READY_ATTEMPTS) throw error;
            return false;
          },
        );
      if (followed) return;
    }
  }

  async #holdsJournalLine(findingId: string): Promise<true | undefined> {
    const [finding] = (await this.agent.call(FINDINGS_INTERFACE, 'Get', 's', [findingId])) as [
      { evidence?: { kind: string }[] },
    ];
    return finding.evidence?.some((evidence) => evidence.kind === 'journal') || undefined;
  }

  /**
   * Once this returns, Steward has read the journal up to a line written after everything before the call, and
   * proposed on it. A sentinel's failure is often read from systemd's D-Bus state before its journal lines, so the
   * first counts once its finding holds its journal line; a second sentinel's proposal then comes after every
   * change before it, as Steward proposes on them one at a time.
   */
  async #barrier(mark: number, timeoutMs: number): Promise<{ signal: Signal; finding: Finding }> {
    const first = await this.#sentinel(mark, timeoutMs);
    await this.agent.until(() => this.#holdsJournalLine(first.finding.id), `the sentinel's journal line`, timeoutMs);
    await this.#sentinel(mark, timeoutMs);
    return first;
  }

  /** A transient unit that fails at once: its finding, once its proposal is made. */
  async #sentinel(mark: number, timeoutMs: number): Promise<{ signal: Signal; finding: Finding }> {
    const sentinel = `${SENTINEL_PREFIX}${++sentinels}.service`;
    await this.#step({
      run: ['systemd-run', '--quiet', `--unit=${sentinel}`, '/bin/false'],
      as: 'root',
      mayFail: true,
    });
    const [signal, finding] = await this.agent.until(
      () => this.#since<Finding>(mark, 'Findings.FindingAdded').find(([, f]) => f.subject === sentinel),
      `the sentinel ${sentinel}'s finding`,
      timeoutMs,
    );
    await this.agent.until(() => this.#proposalFor(finding.id, mark), `the sentinel's proposal`, PROPOSAL_TIMEOUT_MS);
    await this.#step({ run: ['systemctl', 'reset-failed', sentinel], as: 'root', mayFail: true });
    return { signal, finding };
  }

  async #loop(
    scenario: Scenario,
    expect: Extract<Scenario['expect'], { finding: unknown }>,
    mark: number,
    faultAt: number,
    timeoutMs: number,
    row: Row,
  ): Promise<void> {
    const wanted = expect.finding;
    const pattern = wanted.subjectPattern === undefined ? null : new RegExp(`^(?:${wanted.subjectPattern})$`);
    const subjectWanted = (subject: string) => (pattern ? pattern.test(subject) : subject === wanted.subject);
    const seen: string[] = [];
    const found = await this.agent
      .until(
        () => {
          for (const [signal, finding] of this.#since<Finding>(
            mark,
            'Findings.FindingAdded',
            'Findings.FindingUpdated',
          )) {
            const label = `${finding.kind} ${finding.subject}`;
            if (!seen.includes(label)) seen.push(label);
            if (wanted.kind.includes(finding.kind) && subjectWanted(finding.subject)) return { signal, finding };
          }
          return undefined;
        },
        `a finding ${wanted.kind.join('|')} about ${wanted.subject ?? `/${wanted.subjectPattern}/`}`,
        timeoutMs,
      )
      .catch((error: Error) => {
        row.reason = `not detected: ${error.message}; raised instead: ${seen.join(', ') || 'nothing'}`;
        throw error;
      });
    row.detected = true;
    row.detectSeconds = round((found.signal.at - faultAt) / 1000);
    row.finding = {
      kind: found.finding.kind,
      subject: found.finding.subject,
      title: String(found.finding.title),
      severity: String(found.finding.severity),
    };

    // The proposal as it stands once Steward has read what the fault wrote counts, as the notification shows it then:
    // a finding first seen in systemd's D-Bus state is drafted again when its lines, which say why, come a moment
    // later, and one an earlier scenario raised comes again with new lines. Once a sentinel (a failure after the
    // fault's lines) is proposed on, the fault's lines have been, too.
    await this.#barrier(mark, timeoutMs);
    const proposal = await this.agent
      .until(
        () => this.#standingProposal(found.finding.id, mark),
        `a proposal for finding ${found.finding.id}`,
        PROPOSAL_TIMEOUT_MS,
      )
      .catch((error: Error) => {
        row.reason = `no proposal for the finding “${String(found.finding.title)}”: ${error.message}`;
        throw error;
      });
    this.#found = { proposal: proposal.id };
    const first = proposal.actions[0]?.name ?? null;
    row.firstStep = { expected: expect.firstStep, got: first, right: first === expect.firstStep };
    if (!row.firstStep.right) row.reason = `first step ${first ?? 'none'}, expected ${expect.firstStep}`;
    const unwanted = proposal.actions.filter((action) => expect.notOffered.includes(action.name));
    if (unwanted.length > 0) {
      row.firstStep.right = false;
      row.reason = `the proposal offers ${unwanted.map((action) => action.name).join(', ')}, which cannot help here`;
    }
    // The fault still stands here: the person's repair (beforeApply) has not been made.
    const broken = await this.#heldRules(mark);
    if (broken) {
      row.firstStep.right = false;
      row.reason = broken;
    }
    if (expect.apply.length === 0) {
      row.pass = row.firstStep.right;
      return;
    }
    for (const step of expect.beforeApply) await this.#step(step);
    // After a repair nobody reads the proposal again: Steward notices the repair by itself and signals the
    // proposal with what it allows now (ProposalChanged), as the menu and the notification show it. So a step
    // may be offered only once the step before it changed the machine (a restart once its requirement is unmasked).
    const latest = () =>
      this.#since<Proposal>(mark, 'Proposals.ProposalChanged')
        .map(([, p]) => p)
        .filter((p) => p.id === proposal.id)
        .at(-1) ?? proposal;
    const offers = (name: string) => latest().actions.some((action) => action.name === name);
    const previewed = latest().actions.find((action) => action.name === expect.apply[0])?.details ?? [];
    const unpreviewed = expect.previewShows.filter((text) => !previewed.some((line) => line.includes(text)));
    if (unpreviewed.length > 0) {
      row.reason = `the preview of ${expect.apply[0]} showed “${previewed.join('⏎')}”, without ${unpreviewed.map((text) => `“${text}”`).join(', ')}`;
      return;
    }
    let state = { id: '', state: '', summary: '' };
    /** The job of each applied action, for an Undo of one before the last. */
    const jobs = new Map<string, string>();
    for (const [index, name] of expect.apply.entries()) {
      const offered = await this.agent
        .until(() => offers(name) || undefined, `a ProposalChanged offering ${name}`, PROPOSAL_TIMEOUT_MS)
        .then(
          () => true,
          () => false,
        );
      if (!offered) {
        row.reason = `the proposal offers no ${name} (it offers ${latest()
          .actions.map((a) => a.name)
          .join(', ')})`;
        return;
      }
      state = await this.#job(() => this.agent.call(PROPOSALS_INTERFACE, 'Apply', 'ss', [proposal.id, name]));
      jobs.set(name, state.id);
      const last = index === expect.apply.length - 1;
      if (index === 0 && !last) row.firstShown = state.summary;
      if (!last && state.state !== 'fixed' && state.state !== 'done') break;
    }
    row.applied = { state: state.state, right: state.state === expect.applyState };
    row.shown = state.summary;
    if (!row.applied.right) {
      row.reason = `Apply ended ${state.state} (${state.summary}), expected ${expect.applyState}`;
      return;
    }
    const unseenFirst = expect.firstShows.filter((text) => !row.firstShown?.includes(text));
    if (unseenFirst.length > 0) {
      row.reason = `the first step showed “${row.firstShown ?? ''}”, without ${unseenFirst.map((text) => `“${text}”`).join(', ')}`;
      return;
    }
    const unseen = expect.shows.filter((text) => !state.summary.includes(text));
    if (unseen.length > 0) {
      row.reason = `the applied step showed “${state.summary}”, without ${unseen.map((text) => `“${text}”`).join(', ')}`;
      return;
    }
    if (expect.healthy) {
      row.healthy = await this.#reaches(expect.healthy);
      if (!row.healthy) {
        row.reason = `not healthy after Apply: ${expect.healthy.run.join(' ')} never said ${expect.healthy.output}`;
        return;
      }
    }
    // A read-only step fixes nothing, but a finding still ends when `healthy` made the machine so (memory-pressure).
    if (expect.healthy && (expect.applyState === 'fixed' || expect.applyState === 'done')) {
      row.resolved = await this.agent
        .until(
          () => this.#since<string>(mark, 'Findings.FindingResolved').find(([, id]) => id === found.finding.id),
          `finding ${found.finding.id} to be resolved`,
          RESOLVE_TIMEOUT_MS,
        )
        .then(
          () => true,
          () => false,
        );
    }
    if (expect.afterUndo) {
      const undone = expect.undo ? jobs.get(expect.undo) : state.id;
      if (!undone) {
        row.reason = `not undone: ${expect.undo ?? ''} is no action that was applied`;
        return;
      }
      const undo = await this.#job(() => this.agent.call(PROPOSALS_INTERFACE, 'Undo', 's', [undone]));
      row.undone = undo.state === 'fixed' || undo.state === 'done' ? await this.#reaches(expect.afterUndo) : false;
      if (!row.undone) {
        row.reason = `not undone: the undo job ended ${undo.state} (${undo.summary}), or ${expect.afterUndo.run.join(' ')} never said ${expect.afterUndo.output}`;
        return;
      }
    }
    row.pass = row.firstStep.right;
    if (row.pass) row.reason = null;
    void scenario;
  }

  /** Nothing raised that must not be, up to a sentinel: a unit failed on purpose after the fault's last line. */
  async #quiet(
    { none, since }: Extract<Scenario['expect'], { none: unknown }>,
    mark: number,
    faultAt: number,
    timeoutMs: number,
    row: Row,
  ) {
    const { signal } = await this.#barrier(mark, timeoutMs);
    row.detectSeconds = round((signal.at - faultAt) / 1000);
    const findings = (
      since === 'boot'
        ? await this.#list<Finding>(FINDINGS_INTERFACE)
        : this.#since<Finding>(mark, 'Findings.FindingAdded').map(([, finding]) => finding)
    ).filter((finding) => !isSentinel(finding.subject));
    const proposals =
      since === 'boot'
        ? await this.#list<Proposal>(PROPOSALS_INTERFACE)
        : this.#since<Proposal>(mark, 'Proposals.ProposalAdded').map(([, proposal]) => proposal);
    const actionable = proposals
      .filter((proposal) => !isSentinel(proposal.subject))
      .filter((proposal) => proposal.actions.some((action) => !action['read-only']));
    if (none === 'finding' && findings.length > 0) {
      row.reason = `raised ${findings.map((f) => `${f.kind} ${f.subject}`).join(', ')}`;
    } else if (actionable.length > 0) {
      row.reason = `actionable proposals: ${actionable.map((p) => `${String(p.kind)} ${p.subject}: ${p.actions.map((a) => a.name).join(', ')}`).join('; ')}`;
    }
    row.detected = row.reason === null;
    row.pass = row.detected;
  }

  /** The open proposal made for finding `id` since `mark`, from the signals, or from the list. */
  /** The proposal for finding `id` as first signalled since `mark` (or as last signalled, `latest`), else as listed. */
  async #proposalFor(id: string, mark: number, latest = false): Promise<Proposal | undefined> {
    const all = this.#since<Proposal>(mark, 'Proposals.ProposalAdded', 'Proposals.ProposalChanged')
      .map(([, proposal]) => proposal)
      .filter((proposal) => proposal['finding-id'] === id);
    const signalled = latest ? all.at(-1) : all[0];
    if (signalled) return signalled;
    // One that waits for the user's Apply, not one an earlier occurrence of the finding ended (resolved, fixed,
    // undone): a problem back after resolving is proposed on anew.
    return (await this.#list<Proposal>(PROPOSALS_INTERFACE)).find(
      (proposal) => proposal['finding-id'] === id && proposal.state === 'open',
    );
  }

  /**
   * The proposal that stands for finding `id`, as last signalled since `mark`: its own while it waits, or where Steward
   * says the finding is one problem with another's (Findings.Get's no-proposal-reason, naming that proposal's title;
   * its own may have been taken back for it), that one.
   * The day's totals check for themselves that the two are one problem (totals.ts).
   */
  async #standingProposal(id: string, mark: number): Promise<Proposal | undefined> {
    const own = await this.#proposalFor(id, mark, true);
    const removed = (proposal: Proposal) =>
      this.#since<string>(mark, 'Proposals.ProposalRemoved').some(([signal]) => String(signal.body[0]) === proposal.id);
    if (own && !removed(own)) return own;
    const [finding] = (await this.agent.call(FINDINGS_INTERFACE, 'Get', 's', [id])) as [
      { 'no-proposal-reason'?: string },
    ];
    const title = /one problem with “(.*)”/.exec(finding['no-proposal-reason'] ?? '')?.[1];
    if (title === undefined) return undefined;
    // Its title as it was then; it may have been drafted again since, under another.
    const signalled = this.#since<Proposal>(mark, 'Proposals.ProposalAdded', 'Proposals.ProposalChanged').map(
      ([, proposal]) => proposal,
    );
    const standing = signalled.find((proposal) => proposal.title === title)?.id;
    if (standing !== undefined) return signalled.filter((proposal) => proposal.id === standing).at(-1);
    // One made in an earlier scenario of the day, unchanged since: as listed now.
    return (await this.#list<Proposal>(PROPOSALS_INTERFACE)).find(
      (proposal) => proposal.title === title && proposal.state === 'open',
    );
  }

  /**
   * The rules every scenario is held to, on the proposals signalled since `mark` that still wait: one open proposal
   * per finding, and no restart offered while a check it carries fails on the machine. What breaks one, or null.
   */
  async #heldRules(mark: number): Promise<string | null> {
    const open = await this.#open();
    const duplicates = duplicateProposals(open);
    const signalled = new Set(
      this.#since<Proposal>(mark, 'Proposals.ProposalAdded', 'Proposals.ProposalChanged').map(([, p]) => p.id),
    );
    const described = await Promise.all(
      open
        .filter((proposal) => signalled.has(proposal.id))
        .map(async (proposal) => {
          const [full] = (await this.agent.call(PROPOSALS_INTERFACE, 'Get', 's', [proposal.id])) as [
            Record<string, unknown>,
          ];
          return { ...proposal, why: JSON.stringify([full.explanation, full.evidence]) };
        }),
    );
    const checks = await checkSteps(this.system, described);
    this.checked.checksMade += checks.made;
    this.checked.checksFailed += checks.failed;
    this.checked.restartsWhileFailing += checks.restartsWhileFailing.length;
    return [...duplicates, ...checks.restartsWhileFailing].join('; ') || null;
  }

  /**
   * What breaks the row's one-problem expectations, once it is over: more proposals waiting for the findings raised
   * since its fault than it allows, or a step shown with its proposal run more than once.
   */
  async #oneProblem(expect: Extract<Scenario['expect'], { finding: unknown }>, mark: number): Promise<string | null> {
    if (expect.proposals !== undefined) {
      const raised = new Set(
        this.#since<Finding>(mark, 'Findings.FindingAdded', 'Findings.FindingUpdated')
          .map(([, finding]) => finding)
          .filter((finding) => !isSentinel(finding.subject))
          .map((finding) => finding.id),
      );
      const waiting = (await this.#open()).filter((proposal) => raised.has(proposal['finding-id']));
      if (waiting.length > expect.proposals) {
        return `${waiting.length} proposals wait for one problem: ${waiting.map((p) => `${p.id} (${p.subject})`).join(', ')}`;
      }
    }
    if (expect.shownOnce && this.#found) {
      const [jobs] = (await this.agent.call(PROPOSALS_INTERFACE, 'ListJobs', 'a{sv}', [
        { limit: { $v: 'u', value: 500 } },
      ])) as [{ 'proposal-id': string; action: string; caller: string }[]];
      const shown = jobs
        .filter((job) => job['proposal-id'] === this.#found?.proposal && job.caller === 'steward:shown')
        .map((job) => job.action);
      const again = [...new Set(shown.filter((action, index) => shown.indexOf(action) !== index))];
      if (again.length > 0) {
        return `shown more than once: ${again.map((action) => `${action} ${shown.filter((a) => a === action).length} times`).join(', ')}`;
      }
    }
    return null;
  }

  /** The proposals that wait for the user (open or not fixed). */
  async #open(): Promise<OpenProposal[]> {
    const [items] = (await this.agent.call(PROPOSALS_INTERFACE, 'List', 'a{sv}', [
      { limit: { $v: 'u', value: 500 } },
    ])) as [OpenProposal[]];
    return items;
  }

  /** Every finding or proposal there is, in any state (a page of 500 holds all a gym run makes). */
  async #list<T>(iface: string): Promise<T[]> {
    const filter = { state: { $v: 's', value: 'all' }, limit: { $v: 'u', value: 500 } };
    const [items] = (await this.agent.call(iface, 'List', 'a{sv}', [filter])) as [T[]];
    return items;
  }

  /** The second argument of each signal named `names` since `mark`, with the signal. */
  #since<T>(mark: number, ...names: string[]): [Signal, T][] {
    return this.agent.signals
      .slice(mark)
      .filter((signal) => names.includes(signal.signal))
      .map((signal) => [signal, (signal.body.length > 1 ? signal.body[1] : signal.body[0]) as T]);
  }

  /** Starts a job with `start` (which returns its id) and waits for its JobFinished. */
  async #job(start: () => Promise<unknown[]>): Promise<{ id: string; state: string; summary: string }> {
    const mark = this.agent.signals.length;
    const [id] = (await start()) as [string];
    const [, result] = await this.agent.until(
      () =>
        this.#since<Record<string, string>>(mark, 'Proposals.JobFinished').find(([signal]) => signal.body[0] === id),
      `job ${id} to finish`,
      JOB_TIMEOUT_MS,
    );
    return { id, state: result.state ?? '', summary: result.summary ?? '' };
  }

  /** Whether `check`'s output comes to be the expected one, polled until STATE_TIMEOUT_MS. */
  async #reaches(check: StateCheck): Promise<boolean> {
    const deadline = Date.now() + STATE_TIMEOUT_MS;
    for (;;) {
      const result = await this.system.exec(check.run, check.as);
      if (result.stdout.trim() === check.output) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, STATE_POLL_MS));
    }
  }

  async #step(step: Step): Promise<void> {
    if ('write' in step) {
      await this.system.writeFile(step.write, step.content, step.mode, step.as);
      return;
    }
    if (step.mayFail) await this.system.exec(step.run, step.as);
    else await this.system.check(step.run, step.as);
  }

  /**
   * A rules file that answers every request of the test user, as an authentication agent would for a
   * person who types the password (allow) or cancels (deny); polkitd reloads its rules when they change.
   */
  async #setPolkit(answer: 'allow' | 'deny'): Promise<void> {
    if (answer === this.#polkit) return;
    const result = answer === 'allow' ? 'YES' : 'NO';
    const rules =
      `// The gym's stand-in for the user's answer in an authentication dialog.\n` +
      `polkit.addRule(function (action, subject) {\n` +
      `  if (subject.user === "tester") return polkit.Result.${result};\n` +
      `});\n`;
    const cursor = await this.#journalCursor();
    const running = (await this.system.exec(['systemctl', 'is-active', 'polkit.service'])).stdout.trim() === 'active';
    await this.system.writeFile('/etc/polkit-1/rules.d/10-gym.rules', rules);
    // A polkitd that is not running reads the rules when it starts; a running one says when it has reloaded.
    if (running) {
      const deadline = Date.now() + POLKIT_RELOAD_TIMEOUT_MS;
      const args = ['journalctl', '--quiet', '--no-pager', '-u', 'polkit.service', `--after-cursor=${cursor}`];
      while (!/Finished loading, compiling and executing/.test((await this.system.exec(args)).stdout)) {
        if (Date.now() > deadline) throw new Error('polkitd did not reload its rules');
        await new Promise((resolve) => setTimeout(resolve, STATE_POLL_MS));
      }
    }
    this.#polkit = answer;
  }

  async #journalCursor(): Promise<string> {
    // --lines=1: with --lines=0, systemd 257 (this Debian) shows no cursor.
    const output = await this.system.check(['journalctl', '--lines=1', '--show-cursor', '--no-pager', '--quiet']);
    return /^-- cursor: (.+)$/m.exec(output)?.[1] ?? '';
  }
}

/** Waits for Steward on the user's bus (the first call activates it if it is not running yet). */
export async function waitForSteward(agent: Agent): Promise<void> {
  await agent.call(FINDINGS_INTERFACE, 'List', 'a{sv}', [{}]);
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;
