import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';

import { chatInterfaceXml, findingsInterfaceXml, proposalsInterfaceXml } from './interfaces.js';
import {
  findingFrom,
  jobFrom,
  proposalFrom,
  type Finding,
  type Job,
  type Proposal,
  type Severity,
} from './notificationPolicy.js';
import type { Activity } from './serviceStatus.js';
import { stewardProxy } from './stewardBus.js';

type Dict = Record<string, GLib.Variant>;

// GJS adds the …Async methods to proxies; the type definitions lack them.
interface SignalProxy extends Omit<Gio.DBusProxy, 'connectSignal' | 'disconnectSignal'> {
  connectSignal(name: string, callback: (proxy: unknown, sender: string, args: unknown[]) => void): number;
  disconnectSignal(id: number): void;
}

interface ChatProxy extends SignalProxy {
  readonly EngineState: string | null;
  readonly Paused: boolean | null;
  GetEngineStatusAsync(cancellable: Gio.Cancellable | null): Promise<[Dict]>;
  SetPausedAsync(paused: boolean, cancellable: Gio.Cancellable | null): Promise<[]>;
  UnloadAsync(cancellable: Gio.Cancellable | null): Promise<[]>;
}

/** A list method that answers one page and how many there are in all. */
type PagedList = (filter: Dict, cancellable: Gio.Cancellable | null) => Promise<[Dict[], number]>;

interface FindingsProxy extends SignalProxy {
  readonly ActiveCount: number | null;
  ListAsync: PagedList;
}

interface ProposalsProxy extends SignalProxy {
  readonly OpenCount: number | null;
  ListAsync: PagedList;
  GetAsync(proposal: string, cancellable: Gio.Cancellable | null): Promise<[Dict]>;
  ApplyAsync(proposal: string, action: string, cancellable: Gio.Cancellable | null): Promise<[string]>;
  DismissAsync(proposal: string, mode: string, cancellable: Gio.Cancellable | null): Promise<[]>;
  UndoAsync(job: string, cancellable: Gio.Cancellable | null): Promise<[string]>;
  ConfirmChangesAsync(cancellable: Gio.Cancellable | null): Promise<[Dict[]]>;
}

export interface StewardEvents {
  /** The lists, the counts or the engine's state changed. */
  changed(): void;
  proposalAdded(proposal: Proposal): void;
  findingAdded(finding: Finding): void;
  jobFinished(job: Job): void;
  /** A call failed; `error` is a GLib.Error or an Error. */
  failed(summary: string, error: unknown): void;
}

const unpack = (dict: Dict): Record<string, unknown> =>
  Object.fromEntries(Object.entries(dict).map(([key, value]) => [key, value.recursiveUnpack()]));

/** The service's largest page. */
const PAGE_SIZE = 500;

/** Every item of a paged list, page by page; a short page ends it, as items may go while it reads. */
async function readAllPages(list: PagedList, cancellable: Gio.Cancellable | null): Promise<Dict[]> {
  const items: Dict[] = [];
  for (;;) {
    const filter = { offset: new GLib.Variant('u', items.length), limit: new GLib.Variant('u', PAGE_SIZE) };
    const [page, total] = await list(filter, cancellable);
    items.push(...page);
    if (page.length < PAGE_SIZE || items.length >= total) return items;
  }
}

const isCancelled = (error: unknown) =>
  error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);

/**
 * The service's Chat, Findings and Proposals interfaces: pending proposals,
 * active findings and the engine, kept up to date from their signals, and the
 * calls on them for the menu, the notifications and the quick chat's cards.
 * Like the core client, the proxies never start the service. The chat's
 * streaming has its own client (chatClient.ts).
 */
export class StewardProxies {
  proposals: Proposal[] = [];
  findings: Finding[] = [];
  private _cancellable: Gio.Cancellable | null = new Gio.Cancellable();
  private _chat: ChatProxy | null = null;
  private _findings: FindingsProxy | null = null;
  private _proposals: ProposalsProxy | null = null;
  private _signalIds: [SignalProxy, number][] = [];
  private readonly _severities = new Map<string, Severity>();

  constructor(private readonly _events: StewardEvents) {}

  async connect(): Promise<void> {
    const make = <P>(xml: string) => stewardProxy<P>(xml, this._cancellable);
    const [chat, findings, proposals] = await Promise.all([
      make<ChatProxy>(chatInterfaceXml),
      make<FindingsProxy>(findingsInterfaceXml),
      make<ProposalsProxy>(proposalsInterfaceXml),
    ]);
    // disable() destroyed this while the proxies were being made.
    if (!this._cancellable) return;
    this._chat = chat;
    this._findings = findings;
    this._proposals = proposals;
    for (const proxy of [chat, findings, proposals])
      proxy.connectObject('g-properties-changed', () => this._events.changed(), this);
    proposals.connectObject('notify::g-name-owner', () => void this.refresh(), this);

    this._follow(proposals, 'ProposalAdded', ([, dict]) => {
      const proposal = proposalFrom(unpack(dict as Dict));
      this.proposals = [proposal, ...this.proposals.filter((p) => p.id !== proposal.id)];
      this._events.proposalAdded(proposal);
      this._events.changed();
    });
    this._follow(proposals, 'ProposalChanged', ([, dict]) => {
      const proposal = proposalFrom(unpack(dict as Dict));
      const waiting = proposal.state === 'open' || proposal.state === 'not-fixed' || proposal.state === 'applying';
      this.proposals = this.proposals.flatMap((p) => (p.id !== proposal.id ? [p] : waiting ? [proposal] : []));
      this._events.changed();
    });
    this._follow(proposals, 'ProposalRemoved', ([id]) => {
      this.proposals = this.proposals.filter((p) => p.id !== id);
      this._events.changed();
    });
    this._follow(proposals, 'JobFinished', ([, dict]) => this._events.jobFinished(jobFrom(unpack(dict as Dict))));
    this._follow(findings, 'FindingAdded', ([, dict]) => {
      const finding = findingFrom(unpack(dict as Dict));
      this._severities.set(finding.id, finding.severity);
      this.findings = [finding, ...this.findings.filter((f) => f.id !== finding.id)];
      this._events.findingAdded(finding);
      this._events.changed();
    });
    this._follow(findings, 'FindingResolved', ([id]) => {
      this.findings = this.findings.filter((f) => f.id !== id);
      this._events.changed();
    });
    await this.refresh();
  }

  get running(): boolean {
    return Boolean(this._proposals?.g_name_owner);
  }

  get activity(): Activity {
    return {
      engineState: this._chat?.EngineState ?? '',
      paused: this._chat?.Paused ?? false,
      openProposals: this._proposals?.OpenCount ?? 0,
      activeFindings: this._findings?.ActiveCount ?? 0,
    };
  }

  /** The severity of the finding a proposal answers; a warning when it is not known. */
  severityOf(findingId: string): Severity {
    return this._severities.get(findingId) ?? 'warning';
  }

  /** Reads the lists again, or empties them when the service is gone. */
  async refresh(): Promise<void> {
    if (!this._proposals || !this._findings) return;
    if (!this.running) {
      this.proposals = [];
      this.findings = [];
      this._events.changed();
      return;
    }
    try {
      const proposalsProxy = this._proposals;
      const findingsProxy = this._findings;
      const [proposals, findings] = await Promise.all([
        readAllPages((filter, cancellable) => proposalsProxy.ListAsync(filter, cancellable), this._cancellable),
        readAllPages((filter, cancellable) => findingsProxy.ListAsync(filter, cancellable), this._cancellable),
      ]);
      this.proposals = proposals.map((dict) => proposalFrom(unpack(dict)));
      this.findings = findings.map((dict) => findingFrom(unpack(dict)));
      for (const finding of this.findings) this._severities.set(finding.id, finding.severity);
      this._events.changed();
    } catch (error) {
      this._fail(_('Cannot read what Steward found'), error);
    }
  }

  async engineStatus(): Promise<Record<string, unknown> | null> {
    if (!this._chat || !this.running) return null;
    try {
      const [status] = await this._chat.GetEngineStatusAsync(this._cancellable);
      return unpack(status);
    } catch (error) {
      this._fail(_('Cannot read the engine status'), error);
      return null;
    }
  }

  /** A proposal in whatever state it is, e.g. one a chat answer made; null before the proxies are connected. */
  async proposal(id: string): Promise<Proposal | null> {
    const reply = await this._proposals?.GetAsync(id, this._cancellable);
    return reply ? proposalFrom(unpack(reply[0])) : null;
  }

  /** Resolves to whether the call went through; a failure is reported through `failed`. */
  apply(proposal: string, action: string): Promise<boolean> {
    return this._run(_('Cannot apply the fix'), () => this._proposals?.ApplyAsync(proposal, action, this._cancellable));
  }

  dismiss(proposal: string): Promise<boolean> {
    return this._run(_('Cannot dismiss the proposal'), () =>
      this._proposals?.DismissAsync(proposal, 'once', this._cancellable),
    );
  }

  undo(job: string): Promise<boolean> {
    return this._run(_('Cannot undo the fix'), () => this._proposals?.UndoAsync(job, this._cancellable));
  }

  /** Keeps the NixOS changes waiting in their confirm-or-revert window (API revision 12). */
  confirmChanges(): Promise<boolean> {
    return this._run(_('Cannot keep the change'), () => this._proposals?.ConfirmChangesAsync(this._cancellable));
  }

  setPaused(paused: boolean): Promise<boolean> {
    return this._run(_('Cannot pause Steward'), () => this._chat?.SetPausedAsync(paused, this._cancellable));
  }

  unload(): Promise<boolean> {
    return this._run(_('Cannot unload the model'), () => this._chat?.UnloadAsync(this._cancellable));
  }

  destroy(): void {
    this._cancellable?.cancel();
    this._cancellable = null;
    for (const [proxy, id] of this._signalIds) proxy.disconnectSignal(id);
    this._signalIds = [];
    for (const proxy of [this._chat, this._findings, this._proposals]) proxy?.disconnectObject(this);
    this._chat = null;
    this._findings = null;
    this._proposals = null;
  }

  private _follow(proxy: SignalProxy, signal: string, handler: (args: unknown[]) => void): void {
    this._signalIds.push([proxy, proxy.connectSignal(signal, (_proxy, _sender, args) => handler(args))]);
  }

  private async _run(summary: string, call: () => Promise<unknown> | undefined): Promise<boolean> {
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
