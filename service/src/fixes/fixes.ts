// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Puts the fixes together: catalog, store, executor, proposer and the D-Bus
// interface, sharing one action context whose system bus arrives later.
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import type { Config } from '../config.js';
import { OBJECT_PATH, PROPOSALS_INTERFACE } from '../dbus/interfaces.js';
import { InterfaceSignals } from '../dbus/interfaceSignals.js';
import type { ObjectServer } from '../dbus/objectServer.js';
import type { Finding, FindingChange, FindingsStore } from '../findings/store.js';
import type { Logger } from '../logging.js';
import type { StewardPaths } from '../paths.js';
import type { StorageHealth } from '../storage/storageHealth.js';
import type { TestHooks } from '../testHooks.js';
import type { ActionContext, ActionDefinition } from './action.js';
import { type Catalog, createCatalog, createFindingsCatalog } from './catalog.js';
import { ConfirmWindows } from './confirmWindow.js';
import { Executor } from './executor.js';
import { GoneWatch } from './goneWatch.js';
import type { KindSet } from './kind.js';
import { KindRules } from './kindRules.js';
import { ModelAdvisor, playbookOnlyActions } from './modelAdvisor.js';
import type { EngineSource } from './modelQuestion.js';
import { Playbooks } from './playbooks.js';
import { jobDict, proposalDict, ProposalsInterface } from './proposalsInterface.js';
import { Proposer } from './proposer.js';
import { RepairWatch } from './repairWatch.js';
import { FixesStore, type Job, type Proposal } from './store.js';

export interface FixesOptions {
  paths: StewardPaths;
  sessionBus: MessageBus;
  server: ObjectServer;
  findings: FindingsStore;
  config: () => Config['fixes'];
  /** watch.journal.directories: the extra journals info.show_logs may read. */
  journalDirectories?: () => readonly string[];
  /** The corpus's stand-ins for parts of the machine (testHooks.ts); unset in real use. */
  testHooks?: TestHooks;
  /**
   * NixOS's declaration actions (nixos/actions.ts, handed in by service/parts.ts), made with the confirm windows
   * kept here and switched on while `active()`; PackageKit's package actions are off while they are on.
   */
  nixos?: { actions: (windows: ConfirmWindows) => ActionDefinition[]; active: () => boolean };
  /** The chat engines; with a model set up, it explains proposals and suggests fixes for unknown kinds. */
  engines: EngineSource;
  /** What the advisor's request goes through: redaction with the user's patterns, as for every model request. */
  redact?: (text: string) => string;
  /** What the audit trail's results go through, whatever model is in use: the built-in rules and the user's patterns. */
  auditRedact?: (text: string) => string;
  /** Steward's own secrets as the settings place them now (see stewardSecretPaths); the expert shell hides them. */
  stewardSecrets?: () => string[];
  /**
   * Every kind (kinds/index.ts, handed in by service/parts.ts): its actions for the catalog, its playbooks, and its
   * rules, what the proposer and a verified fix do for each finding kind.
   */
  kinds: KindSet;
  /**
   * A verified fix showed its finding's problem gone (the kind's resolvedWhenVerified): the finding resolved, as the
   * pipeline's own changes are told.
   */
  onFindingsChanged?: (changes: FindingChange[]) => void;
  /** Where a full or read-only state disk is reported; by default only the store's callers hear of it. */
  storage?: StorageHealth;
  /** How long a proposal waits for its cleared finding to come back (Proposer's RESOLVE_GRACE_MS by default). */
  resolveGraceMs?: number;
  /** How long working out one finding's proposal may take (Proposer's DRAFT_DEADLINE_MS by default). */
  draftDeadlineMs?: number;
  log: Logger;
}

export class Fixes {
  readonly store: FixesStore;
  readonly interface: ProposalsInterface;
  private readonly context: ActionContext;
  private readonly executor: Executor;
  private readonly proposer: Proposer;
  /** Watches what a failed unit's held-back restart waits for, and drafts the proposal again when it changes. */
  private readonly repairs: RepairWatch;
  /** Withdraws a waiting proposal once the unit or file it is about is gone. */
  private readonly gone: GoneWatch;
  /** Every action switched on now: what the chat may propose and Apply may run. */
  readonly catalog: Catalog;
  /** NixOS changes switched to and waiting for the user's confirmation. */
  readonly nixosWindows: ConfirmWindows;
  private readonly log: Logger;
  private readonly rules: KindRules;
  private readonly findings: FindingsStore;
  private readonly onFindingsChanged: ((changes: FindingChange[]) => void) | undefined;

  constructor(options: FixesOptions) {
    const {
      paths,
      sessionBus,
      server,
      findings,
      config,
      journalDirectories,
      testHooks,
      engines,
      redact,
      storage,
      log,
    } = options;
    this.log = log;
    this.rules = KindRules.of(options.kinds.all);
    this.findings = findings;
    this.onFindingsChanged = options.onFindingsChanged;
    this.store = new FixesStore(join(paths.stateDirectory, 'fixes.db'), storage);
    this.context = {
      sessionBus,
      systemBus: null,
      home: paths.home,
      cacheHome: paths.cacheHome,
      dataHome: paths.dataHome,
      knownGoodDirectory: join(paths.stateDirectory, 'known-good'),
      log,
    };
    const stewardSecrets = options.stewardSecrets ?? (() => [paths.stateDirectory]);
    this.nixosWindows = new ConfirmWindows((change, ended) => {
      if (ended.outcome === 'confirmed') return; // ConfirmChanges audits it, with who confirmed
      const failed = ended.outcome === 'revert-failed';
      if (failed)
        log.error('an unconfirmed NixOS change could not be reverted', {
          change: change.summary,
          reason: ended.error.message,
        });
      else log.info('an unconfirmed NixOS change was switched back', { change: change.summary });
      this.store.audit({
        event: ended.outcome,
        proposalId: null,
        jobId: null,
        action: null,
        params: null,
        caller: 'steward: the confirm window closed',
        result: failed ? `${change.summary}: ${ended.error.message}` : change.summary,
      });
    });
    const { kinds, nixos } = options;
    const catalog = createCatalog({
      kinds: kinds.all,
      expertShell: () => config().expertShell,
      journalDirectories,
      stewardSecrets,
      testHooks,
      ...(nixos && { nixos: { actions: nixos.actions(this.nixosWindows), active: nixos.active } }),
    });
    const findingsCatalog = createFindingsCatalog({ kinds: kinds.all, journalDirectories, testHooks });
    this.catalog = catalog;
    const bus = new InterfaceSignals(server, OBJECT_PATH, PROPOSALS_INTERFACE);
    const openCountChanged = () => bus.propertiesChanged(['OpenCount']);
    const proposalChanged = (id: number) => {
      const proposal = this.store.proposal(id);
      if (proposal) bus.emit('ProposalChanged', { id: String(id), proposal: proposalDict(proposal) });
      openCountChanged();
      this.repairs.sync();
      this.gone.sync();
    };
    const policy = () => config().policy;
    this.executor = new Executor({
      catalog,
      store: this.store,
      context: this.context,
      policy,
      timeoutMs: () => config().actionTimeoutSeconds * 1000,
      redact: options.auditRedact,
      signals: {
        jobProgress: (job, fraction, text) =>
          bus.emit('JobProgress', { job: String(job.id), fraction: fraction ?? -1, text }),
        jobFinished: (job) => {
          bus.emit('JobFinished', { job: String(job.id), result: jobDict(job) });
          if (job.state === 'fixed') this.resolveVerified(job);
        },
        proposalChanged,
      },
      log,
    });
    const removed = (id: number) => {
      bus.emit('ProposalRemoved', { id: String(id) });
      this.repairs.sync();
      this.gone.sync();
    };
    this.proposer = new Proposer({
      catalog: findingsCatalog,
      chatCatalog: catalog,
      store: this.store,
      findings,
      executor: this.executor,
      context: this.context,
      policy,
      rules: this.rules,
      playbooks: new Playbooks(kinds.all),
      goneOf: (proposal) => this.gone.goneOf(proposal),
      advisor: new ModelAdvisor({
        engines,
        catalog: findingsCatalog,
        log,
        redact,
        playbookOnly: playbookOnlyActions(kinds),
      }),
      ...(options.resolveGraceMs !== undefined && { resolveGraceMs: options.resolveGraceMs }),
      ...(options.draftDeadlineMs !== undefined && { draftDeadlineMs: options.draftDeadlineMs }),
      signals: {
        proposalAdded: (proposal) => {
          bus.emit('ProposalAdded', { id: String(proposal.id), proposal: proposalDict(proposal) });
          openCountChanged();
          this.repairs.sync();
          this.gone.sync();
        },
        proposalChanged,
        proposalRemoved: (id) => {
          removed(id);
          openCountChanged();
        },
      },
      log,
    });
    this.proposer.withdrawCleared();
    this.gone = new GoneWatch({
      store: this.store,
      context: this.context,
      withdraw: (proposal, why) => this.proposer.withdrawGone(proposal, why),
      log,
      ...(testHooks?.configRoot && { root: testHooks.configRoot }),
    });
    void this.gone
      .watchBus(sessionBus)
      .catch((error: Error) => log.debug('cannot hear the user manager remove units', { error: error.message }));
    this.repairs = new RepairWatch({
      store: this.store,
      context: this.context,
      redraft: (proposal) => this.proposer.redraft(proposal),
      log,
    });
    this.interface = new ProposalsInterface({
      store: this.store,
      findings,
      executor: this.executor,
      catalog,
      bus: sessionBus,
      signals: { removed, openCountChanged },
      refresh: (proposal) => this.proposer.redraft(proposal),
      nixosWindows: this.nixosWindows,
    });
  }

  /** Resolves the finding of `job`'s proposal when the job's verification observed its problem gone. */
  private resolveVerified(job: Job): void {
    const proposal = job.proposalId === null ? null : this.store.proposal(job.proposalId);
    const finding = proposal?.findingId == null ? null : this.findings.get(proposal.findingId);
    if (!finding || finding.state !== 'active' || !this.rules.resolvesWhenVerified(finding.kind, job.action)) return;
    let change: FindingChange | null;
    try {
      change = this.findings.resolve({ kind: finding.kind, subject: finding.subject, at: new Date() });
    } catch (error) {
      this.log.warning('could not resolve a finding its verified fix repaired', {
        finding: finding.id,
        error: (error as Error).message,
      });
      return;
    }
    if (change) this.onFindingsChanged?.([change]);
  }

  /** The system bus connects after the service owns its name; system-scope actions wait for it. */
  setSystemBus(bus: MessageBus | null): void {
    this.context.systemBus = bus;
    // Proposals that waited while the service was away are watched from now on, with the manager that knows them.
    this.repairs.sync();
    if (bus)
      void this.gone
        .watchBus(bus)
        .catch((error: Error) =>
          this.log.debug('cannot hear the system manager remove units', { error: error.message }),
        );
  }

  /** A proposal the assistant made in a chat; see Proposer.proposeFromChat. */
  proposeFromChat(name: string, params: Record<string, unknown>, reason: string): Promise<Proposal> {
    return this.proposer.proposeFromChat(name, params, reason);
  }

  /** A proposal an outside agent made; see Proposer.proposeFromAgent. */
  proposeFromAgent(
    name: string,
    params: Record<string, unknown>,
    reason: string,
    agent: { client: string; caller: string },
  ): Promise<Proposal> {
    return this.proposer.proposeFromAgent(name, params, reason, agent);
  }

  /** A finding's explanation arrived: its waiting proposal says the same. */
  attachExplanation(finding: Finding): void {
    this.proposer.attachExplanation(finding);
  }

  /** Why an active finding has no proposal, in the user's words; null when it has one. */
  whyNoProposal(finding: Finding): string | null {
    return this.proposer.whyNoProposal(finding);
  }

  considerFindings(changes: readonly FindingChange[]): void {
    void this.proposer.consider(changes);
  }

  /** How many findings the proposer has still to consider (GetStatus's "considering"). */
  get considering(): number {
    return this.proposer.considering;
  }

  /** Resolves once the proposer has considered what it was given so far. */
  proposalsSettled(): Promise<void> {
    return this.proposer.idle();
  }

  async stop(): Promise<void> {
    this.proposer.stop();
    for (const change of this.nixosWindows.abandon())
      this.log.warning('stopping inside a NixOS change’s confirm window: it stays, unconfirmed', {
        change: change.summary,
      });
    this.executor.cancelAll();
    await this.repairs.stop();
    await this.gone.stop();
    await this.executor.idle();
    this.store.close();
  }
}
