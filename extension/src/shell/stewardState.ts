// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';

import { isCancelled } from '../client/errors.js';
import { installHelpHere } from '../client/osRelease.js';
import type { InstallHelp } from '../client/serviceHelp.js';
import type { StewardClient } from '../client/stewardClient.js';
import { answersItsProposal, type Finding, type Job, type Proposal, type Severity } from '../shared/model.js';
import type { Activity, ServiceStatus } from '../shared/serviceStatus.js';
import { type News, offersNewFix } from './notificationPolicy.js';

export interface StewardEvents {
  /** The service's state, the lists, the counts or the engine's state changed. */
  changed(): void;
  /** A proposal is new, or now offers a fix it did not (a repair allowed a restart): worth telling. */
  proposalOffered(proposal: Proposal): void;
  /** A waiting proposal changed: a reading step's answer came, or its words. */
  proposalChanged(proposal: Proposal): void;
  findingAdded(finding: Finding): void;
  jobFinished(job: Job): void;
  /** A call failed; `error` is a GLib.Error or an Error. */
  failed(summary: string, error: unknown): void;
}

const SILENT: StewardEvents = {
  changed: () => undefined,
  proposalOffered: () => undefined,
  proposalChanged: () => undefined,
  findingAdded: () => undefined,
  jobFinished: () => undefined,
  failed: () => undefined,
};

/**
 * What the shell shows of the service: whether it runs, its pending proposals
 * and active findings, kept up to date from the client's signals, and the calls
 * the menu, the notifications and the quick chat's cards make, whose failures
 * are reported through `failed`.
 */
export class StewardState {
  proposals: Proposal[] = [];
  findings: Finding[] = [];
  /** Whether the bus can start the service; asked again each time the service is gone. */
  private _activatable = true;
  private _installHelp: InstallHelp | null = null;
  private readonly _severities = new Map<string, Severity>();
  /** The refresh in flight, and whether another is due once it ends: a flood must not stack them up. */
  private _refreshing: Promise<void> | null = null;
  private _refreshAgain = false;

  constructor(
    private readonly _client: StewardClient,
    private _events: StewardEvents,
  ) {
    _client.on('ownerChanged', () => void this._onOwnerChanged());
    _client.on('propertiesChanged', () => this._events.changed());
    _client.on('proposalAdded', (proposal) => {
      this.proposals = [proposal, ...this.proposals.filter((p) => p.id !== proposal.id)];
      this._events.proposalOffered(proposal);
      this._events.changed();
    });
    _client.on('proposalChanged', (proposal) => {
      const before = this.proposals.find((p) => p.id === proposal.id);
      const waiting = proposal.state === 'open' || proposal.state === 'not-fixed' || proposal.state === 'applying';
      const others = this.proposals.filter((p) => p.id !== proposal.id);
      if (!waiting) this.proposals = others;
      else if (before) this.proposals = this.proposals.map((p) => (p.id === proposal.id ? proposal : p));
      // One that waits again (its fix undone, or not fixed) is back in the list.
      else this.proposals = [proposal, ...others];
      if (before && offersNewFix(before, proposal)) this._events.proposalOffered(proposal);
      else if (waiting) this._events.proposalChanged(proposal);
      this._events.changed();
    });
    _client.on('proposalRemoved', (id) => {
      this.proposals = this.proposals.filter((p) => p.id !== id);
      this._events.changed();
    });
    _client.on('jobFinished', (job) => {
      if (!answersItsProposal(job, this.proposals)) this._events.jobFinished(job);
    });
    _client.on('findingAdded', (finding) => {
      this._severities.set(finding.id, finding.severity);
      this.findings = [finding, ...this.findings.filter((f) => f.id !== finding.id)];
      this._events.findingAdded(finding);
      this._events.changed();
    });
    _client.on('findingResolved', (id) => {
      this.findings = this.findings.filter((f) => f.id !== id);
      this._events.changed();
    });
    // Past a rate the service sums up many changes in one signal: the lists are read again.
    _client.on('findingsChanged', () => void this._refreshOnce());
  }

  /** Connects the client and reads what the service holds. */
  async start(): Promise<void> {
    await this._client.connect();
    await this._onOwnerChanged();
  }

  get running(): boolean {
    return this._client.running;
  }

  get status(): ServiceStatus {
    const core = this._client.coreState;
    if (!core)
      return {
        running: false,
        installed: this._activatable,
        installHelp: this._installHelp?.text,
        installCommand: this._installHelp?.command,
      };
    return {
      running: true,
      state: core.state,
      reason: core.stateReason,
      version: core.version,
      apiVersion: core.apiVersion,
    };
  }

  get activity(): Activity {
    return {
      engineState: this._client.engineState,
      paused: this._client.paused,
      openProposals: this._client.openProposals,
      activeFindings: this._client.activeFindings,
    };
  }

  /** Whether news is still so as its notification goes out: what cleared or is told by a waiting proposal is not. */
  stillNews(news: News): boolean {
    if (news.kind === 'proposal') return this.proposals.some((p) => p.id === news.proposal.id);
    const { id } = news.finding;
    return this.findings.some((f) => f.id === id) && !this.proposals.some((p) => p.findingId === id);
  }

  /** The active finding `findingId`, where the shell has it. */
  findingOf(findingId: string): Finding | undefined {
    return this.findings.find((finding) => finding.id === findingId);
  }

  /** The severity of the finding a proposal answers; a warning when it is not known. */
  severityOf(findingId: string): Severity {
    return this._severities.get(findingId) ?? 'warning';
  }

  /** Reads the lists again, or empties them when the service is gone. */
  async refresh(): Promise<void> {
    if (!this.running) {
      this.proposals = [];
      this.findings = [];
      this._events.changed();
      return;
    }
    try {
      const [proposals, findings] = await Promise.all([this._client.proposals(), this._client.findings()]);
      this.proposals = proposals;
      this.findings = findings;
      for (const finding of findings) this._severities.set(finding.id, finding.severity);
      this._events.changed();
    } catch (error) {
      this._fail(_('Cannot read what Steward found'), error);
    }
  }

  /** Refreshes, or, while a refresh runs, once more after it. */
  private async _refreshOnce(): Promise<void> {
    if (this._refreshing) {
      this._refreshAgain = true;
      return;
    }
    do {
      this._refreshAgain = false;
      this._refreshing = this.refresh();
      await this._refreshing;
    } while (this._refreshAgain);
    this._refreshing = null;
  }

  /** Chat.GetEngineStatus, or null when the service is not there or does not answer. */
  async engineStatus(): Promise<Record<string, unknown> | null> {
    if (!this.running) return null;
    try {
      return await this._client.engineStatus();
    } catch (error) {
      this._fail(_('Cannot read the engine status'), error);
      return null;
    }
  }

  /** Steward1.GetStatus, or null when the service is not there or does not answer. */
  async serviceStatus(): Promise<Record<string, unknown> | null> {
    if (!this.running) return null;
    try {
      return await this._client.status();
    } catch (error) {
      this._fail(_('Cannot read Steward’s status'), error);
      return null;
    }
  }

  /** Resolves to whether the call went through; a failure is reported through `failed`. */
  apply(proposal: string, action: string): Promise<boolean> {
    return this._run(_('Cannot apply the fix'), () => this._client.apply(proposal, action));
  }

  dismiss(proposal: string): Promise<boolean> {
    return this._run(_('Cannot dismiss the proposal'), () => this._client.dismiss(proposal));
  }

  undo(job: string): Promise<boolean> {
    return this._run(_('Cannot undo the fix'), () => this._client.undo(job));
  }

  /** Keeps the NixOS changes waiting in their confirm-or-revert window (API revision 12). */
  confirmChanges(): Promise<boolean> {
    return this._run(_('Cannot keep the change'), () => this._client.confirmChanges());
  }

  setPaused(paused: boolean): Promise<boolean> {
    return this._run(_('Cannot pause Steward'), () => this._client.setPaused(paused));
  }

  unload(): Promise<boolean> {
    return this._run(_('Cannot unload the model'), () => this._client.unload());
  }

  startService(): Promise<boolean> {
    return this._run(_('Steward could not be started'), () => this._client.start());
  }

  /** Calls that finish after this report nothing: what they would update is gone. */
  destroy(): void {
    this._events = SILENT;
  }

  private async _onOwnerChanged(): Promise<void> {
    if (!this.running) {
      // Cancelled by destroy(), or the bus did not answer: the last answer stands.
      this._activatable = await this._client.activatable().catch(() => this._activatable);
      if (!this._activatable) this._installHelp = await installHelpHere(_);
    }
    await this.refresh();
  }

  private async _run(summary: string, call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      this._fail(summary, error);
      return false;
    }
  }

  private _fail(summary: string, error: unknown): void {
    if (!isCancelled(error)) this._events.failed(summary, error);
  }
}
