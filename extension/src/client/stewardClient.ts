// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import { type Finding, findingFrom, type Job, jobFrom, type Proposal, proposalFrom, text } from '../shared/model.js';
import { BUS_NAME, OBJECT_PATH } from './bus.js';
import { fromDBusError, ServiceNotRunningError } from './errors.js';
import { type InterfaceName, signalPayload, type SignalsOf } from './generated.js';
import { type InterfaceInfo, INTERFACES } from './interfaces.js';
import type {
  ChatMessage,
  ChatSession,
  ConfigReply,
  ConfirmationRequest,
  CoreState,
  Dict,
  PullEnd,
  PullProgress,
  Recommendation,
  ResponseEnd,
  ToolStep,
} from './types.js';

type Variants = Record<string, GLib.Variant>;
type Cancellable = Gio.Cancellable | null;

// What GJS's makeProxyWrapper adds to a proxy: the …Async methods, the cached
// properties and connectSignal. The @girs types lack all three.
// Only what GJS itself has: this client also runs in the preferences' process,
// where GNOME Shell's connectObject() does not exist.
interface Proxy extends Omit<Gio.DBusProxy, 'connect' | 'disconnect' | 'connectSignal' | 'disconnectSignal'> {
  connect(signal: string, handler: () => void): number;
  disconnect(id: number): void;
  connectSignal(name: string, callback: (proxy: unknown, sender: string, args: unknown[]) => void): number;
  disconnectSignal(id: number): void;
  set_default_timeout(timeoutMs: number): void;
}

interface CoreProxy extends Proxy {
  readonly Version: string | null;
  readonly ApiVersion: number | null;
  readonly State: string | null;
  readonly StateReason: string | null;
  GetStatusAsync(cancellable: Cancellable): Promise<[Variants]>;
}

interface ChatProxy extends Proxy {
  readonly EngineState: string | null;
  readonly Paused: boolean | null;
  SendAsync(session: string, prompt: string, options: Variants, c: Cancellable): Promise<[string, string]>;
  CancelAsync(requestId: string, c: Cancellable): Promise<[]>;
  ListSessionsAsync(c: Cancellable): Promise<[Variants[]]>;
  GetHistoryAsync(session: string, c: Cancellable): Promise<[Variants[]]>;
  GetEngineStatusAsync(c: Cancellable): Promise<[Variants]>;
  SetPausedAsync(paused: boolean, c: Cancellable): Promise<[]>;
  UnloadAsync(c: Cancellable): Promise<[]>;
  PrepareAsync(c: Cancellable): Promise<[string]>;
}

/** A list method that answers one page and how many there are in all. */
type PagedList = (filter: Variants, c: Cancellable) => Promise<[Variants[], number]>;

interface FindingsProxy extends Proxy {
  readonly ActiveCount: number | null;
  ListAsync: PagedList;
}

interface ProposalsProxy extends Proxy {
  readonly OpenCount: number | null;
  ListAsync: PagedList;
  GetAsync(proposal: string, c: Cancellable): Promise<[Variants]>;
  ApplyAsync(proposal: string, action: string, c: Cancellable): Promise<[string]>;
  DismissAsync(proposal: string, mode: string, c: Cancellable): Promise<[]>;
  UndoAsync(job: string, c: Cancellable): Promise<[string]>;
  ConfirmChangesAsync(c: Cancellable): Promise<[Variants[]]>;
  CatalogAsync(filter: Variants, c: Cancellable): Promise<[Variants[]]>;
}

interface ModelsProxy extends Proxy {
  ListAsync(c: Cancellable): Promise<[Variants[]]>;
  RecommendAsync(c: Cancellable): Promise<[Variants]>;
  PullAsync(uri: string, sha256: string, c: Cancellable): Promise<[string]>;
  SetActiveAsync(id: string, c: Cancellable): Promise<[]>;
}

interface SettingsProxy extends Proxy {
  GetConfigAsync(c: Cancellable): Promise<[string, string, boolean, string]>;
  UpdateConfigAsync(patch: string, c: Cancellable): Promise<[string]>;
  SetApiKeyAsync(url: string, key: string, c: Cancellable): Promise<[]>;
  RegisterConfirmationAgentAsync(c: Cancellable): Promise<[]>;
  AnswerConfirmationAsync(request: number, allowed: boolean, c: Cancellable): Promise<[]>;
}

interface VoiceProxy extends Proxy {
  readonly Listening: boolean | null;
  readonly Speaking: boolean | null;
  ListenAsync(options: Variants, c: Cancellable): Promise<[string]>;
  StopAsync(c: Cancellable): Promise<[]>;
  SpeakAsync(text: string, c: Cancellable): Promise<[]>;
  StopSpeakingAsync(c: Cancellable): Promise<[]>;
}

interface Proxies {
  core: CoreProxy;
  chat: ChatProxy;
  findings: FindingsProxy;
  proposals: ProposalsProxy;
  models: ModelsProxy;
  settings: SettingsProxy;
  voice: VoiceProxy;
}

// GJS adds newAsync() to proxy wrappers (1.75.2+); the type definitions lack it.
interface ProxyWrapper {
  newAsync(
    bus: Gio.DBusConnection,
    name: string,
    objectPath: string,
    cancellable: Cancellable,
    flags: Gio.DBusProxyFlags,
  ): Promise<Proxy>;
}

/** What the client reports, each with its payload already unpacked and typed. */
export interface StewardSignals {
  /** The service appeared on the bus or left it. */
  ownerChanged: [running: boolean];
  /** A property of any interface changed (the state, the counts, the engine). */
  propertiesChanged: [];
  responseChunk: [requestId: string, text: string];
  toolStep: [requestId: string, step: ToolStep];
  responseDone: [end: ResponseEnd];
  pullProgress: [progress: PullProgress];
  pullFinished: [end: PullEnd];
  proposalAdded: [proposal: Proposal];
  proposalChanged: [proposal: Proposal];
  proposalRemoved: [id: string];
  jobFinished: [job: Job];
  findingAdded: [finding: Finding];
  findingResolved: [id: string];
  /** Many findings changed at once (a flood): read the list again. */
  findingsChanged: [count: number];
  configChanged: [config: string];
  confirmationRequested: [request: ConfirmationRequest];
  /** What was recognised so far (final false), or what was said (final true, ending the listening). */
  transcript: [listenId: string, text: string, final: boolean];
  listenFailed: [listenId: string, message: string];
}

type Listener<K extends keyof StewardSignals> = (...args: StewardSignals[K]) => void;

const unpack = (dict: Variants): Dict =>
  Object.fromEntries(Object.entries(dict).map(([key, value]) => [key, value.recursiveUnpack()]));

/** The service's largest page. */
const PAGE_SIZE = 500;

/** A change that widens trust waits while the user answers the confirmation dialog. */
const SETTINGS_TIMEOUT_MS = 5 * 60_000;

/** Every item of a paged list, page by page; a short page ends it, as items may go while it reads. */
async function readAllPages(list: PagedList, cancellable: Cancellable): Promise<Dict[]> {
  const items: Variants[] = [];
  for (;;) {
    const filter = { offset: new GLib.Variant('u', items.length), limit: new GLib.Variant('u', PAGE_SIZE) };
    const [page, total] = await list(filter, cancellable);
    items.push(...page);
    if (page.length < PAGE_SIZE || items.length >= total) return items.map(unpack);
  }
}

/** A call to the message bus itself or to another service, answered in one variant. */
function busCall(
  name: string,
  path: string,
  iface: string,
  method: string,
  args: GLib.Variant | null,
  replyType: string,
  cancellable: Cancellable,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    Gio.DBus.session.call(
      name,
      path,
      iface,
      method,
      args,
      new GLib.VariantType(replyType),
      Gio.DBusCallFlags.NONE,
      -1,
      cancellable,
      (_connection, result) => {
        try {
          resolve(Gio.DBus.session.call_finish(result).recursiveUnpack() as unknown[]);
        } catch (error) {
          reject(error);
        }
      },
    );
  });
}

/**
 * The one way the extension and its preferences reach the Steward service: a
 * proxy per interface, made from the XML, that never starts the service by itself
 * (only start() does, when the user asks). GDBusProxy delivers a signal only when
 * it comes from the name's current owner, so no other peer can speak for the service.
 * Failed calls reject with StewardError, ServiceNotRunningError or a GLib.Error
 * without its remote prefix (see errors.ts).
 */
export class StewardClient {
  private readonly _cancellable = new Gio.Cancellable();
  private readonly _listeners = new Map<keyof StewardSignals, Set<(...args: never[]) => void>>();
  /** D-Bus signals (connectSignal) and GObject signals (connect) this client follows, to undo in destroy(). */
  private readonly _signalIds: [Proxy, number][] = [];
  private readonly _handlerIds: [Proxy, number][] = [];
  private _proxies: Proxies | null = null;
  /** What ownerChanged last said. */
  private _wasRunning = false;
  private _ready: Promise<Proxies> | null = null;

  /** Makes the proxies; calls made before it resolves wait for them. */
  connect(): Promise<void> {
    this._ready ??= this._makeProxies();
    return this._ready.then(() => undefined);
  }

  /** Calls `listener` for each `signal` until destroy() or until the function it returns is called. */
  on<K extends keyof StewardSignals>(signal: K, listener: Listener<K>): () => void {
    let listeners = this._listeners.get(signal);
    if (!listeners) this._listeners.set(signal, (listeners = new Set()));
    const added = listener as (...args: never[]) => void;
    listeners.add(added);
    return () => listeners.delete(added);
  }

  /**
   * Whether the service is there for every interface. Each proxy learns of a new owner on its own,
   * after it has read that interface's properties, so the service counts as there once all have.
   */
  get running(): boolean {
    return this._proxies !== null && (Object.values(this._proxies) as Proxy[]).every((proxy) => proxy.g_name_owner);
  }

  /** The core properties; null while the service is not there. */
  get coreState(): CoreState | null {
    const core = this._proxies?.core;
    if (!core || !this.running || core.ApiVersion === null) return null;
    return {
      version: core.Version ?? '',
      apiVersion: core.ApiVersion,
      state: core.State ?? 'starting',
      stateReason: core.StateReason ?? '',
    };
  }

  /** Chat.EngineState, '' while unknown. */
  get engineState(): string {
    return this._proxies?.chat.EngineState ?? '';
  }

  get paused(): boolean {
    return this._proxies?.chat.Paused ?? false;
  }

  get openProposals(): number {
    return this._proxies?.proposals.OpenCount ?? 0;
  }

  get activeFindings(): number {
    return this._proxies?.findings.ActiveCount ?? 0;
  }

  destroy(): void {
    this._cancellable.cancel();
    for (const [proxy, id] of this._signalIds) proxy.disconnectSignal(id);
    this._signalIds.length = 0;
    for (const [proxy, id] of this._handlerIds) proxy.disconnect(id);
    this._handlerIds.length = 0;
    this._proxies = null;
    this._listeners.clear();
  }

  // Core

  /** Steward1.GetStatus, unpacked. */
  status(): Promise<Dict> {
    return this._call('core', async (p) => unpack((await p.GetStatusAsync(this._cancellable))[0]));
  }

  /** Whether the session bus can start the service: false when only the extension is installed. */
  async activatable(): Promise<boolean> {
    const [names] = (await busCall(
      'org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus',
      'ListActivatableNames',
      null,
      '(as)',
      this._cancellable,
    )) as [string[]];
    return names.includes(BUS_NAME);
  }

  /** Starts the service through D-Bus activation (systemd, or the activation file's Exec=). */
  async start(): Promise<void> {
    await busCall(
      'org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus',
      'StartServiceByName',
      new GLib.Variant('(su)', [BUS_NAME, 0]),
      '(u)',
      this._cancellable,
    );
  }

  /** The GNOME Shell version, from the shell itself (for the diagnostics). */
  async shellVersion(): Promise<string> {
    const [version] = (await busCall(
      'org.gnome.Shell',
      '/org/gnome/Shell',
      'org.freedesktop.DBus.Properties',
      'Get',
      new GLib.Variant('(ss)', ['org.gnome.Shell', 'ShellVersion']),
      '(v)',
      this._cancellable,
    )) as [unknown];
    return String(version);
  }

  // Chat

  async send(sessionId: string, prompt: string): Promise<{ sessionId: string; requestId: string }> {
    const [session, request] = await this._call('chat', (p) => p.SendAsync(sessionId, prompt, {}, this._cancellable));
    return { sessionId: session, requestId: request };
  }

  async cancel(requestId: string): Promise<void> {
    await this._call('chat', (p) => p.CancelAsync(requestId, this._cancellable));
  }

  /** The most recent conversation, or null when there is none. */
  async latestSession(): Promise<ChatSession | null> {
    const [sessions] = await this._call('chat', (p) => p.ListSessionsAsync(this._cancellable));
    const first = sessions[0] ? unpack(sessions[0]) : null;
    return first ? { id: text(first.id), answering: first.answering === true } : null;
  }

  async history(sessionId: string): Promise<ChatMessage[]> {
    const [messages] = await this._call('chat', (p) => p.GetHistoryAsync(sessionId, this._cancellable));
    return messages.map(unpack).map((message) => ({
      role: text(message.role),
      text: text(message.text),
      proposals: Array.isArray(message.proposals) ? message.proposals.map(text) : [],
    }));
  }

  /** Chat.GetEngineStatus, unpacked. */
  async engineStatus(): Promise<Dict> {
    return unpack((await this._call('chat', (p) => p.GetEngineStatusAsync(this._cancellable)))[0]);
  }

  async setPaused(paused: boolean): Promise<void> {
    await this._call('chat', (p) => p.SetPausedAsync(paused, this._cancellable));
  }

  async unload(): Promise<void> {
    await this._call('chat', (p) => p.UnloadAsync(this._cancellable));
  }

  /** Chat.Prepare: loads the model while the question is being written; the EngineState it answered. */
  async prepare(): Promise<string> {
    return (await this._call('chat', (p) => p.PrepareAsync(this._cancellable)))[0];
  }

  // Findings and proposals

  async findings(): Promise<Finding[]> {
    const items = await this._call('findings', (p) => readAllPages((f, c) => p.ListAsync(f, c), this._cancellable));
    return items.map(findingFrom);
  }

  async proposals(): Promise<Proposal[]> {
    const items = await this._call('proposals', (p) => readAllPages((f, c) => p.ListAsync(f, c), this._cancellable));
    return items.map(proposalFrom);
  }

  /** A proposal in whatever state it is, e.g. one a chat answer made. */
  async proposal(id: string): Promise<Proposal> {
    return proposalFrom(unpack((await this._call('proposals', (p) => p.GetAsync(id, this._cancellable)))[0]));
  }

  /** Resolves with the job's id. */
  async apply(proposal: string, action: string): Promise<string> {
    return (await this._call('proposals', (p) => p.ApplyAsync(proposal, action, this._cancellable)))[0];
  }

  async dismiss(proposal: string): Promise<void> {
    await this._call('proposals', (p) => p.DismissAsync(proposal, 'once', this._cancellable));
  }

  async undo(job: string): Promise<string> {
    return (await this._call('proposals', (p) => p.UndoAsync(job, this._cancellable)))[0];
  }

  /** The NixOS changes kept, each with "id", "summary" and "deadline". */
  async confirmChanges(): Promise<Dict[]> {
    return (await this._call('proposals', (p) => p.ConfirmChangesAsync(this._cancellable)))[0].map(unpack);
  }

  /** The actions the service may propose now (Proposals.Catalog), each unpacked. */
  async catalog(): Promise<Dict[]> {
    return (await this._call('proposals', (p) => p.CatalogAsync({}, this._cancellable)))[0].map(unpack);
  }

  // Models

  /** Models.List, each model unpacked. */
  async models(): Promise<Dict[]> {
    return (await this._call('models', (p) => p.ListAsync(this._cancellable)))[0].map(unpack);
  }

  /** Models.Recommend, unpacked: empty of "uri" when no model fits. */
  async recommendation(): Promise<Dict> {
    return unpack((await this._call('models', (p) => p.RecommendAsync(this._cancellable)))[0]);
  }

  /** The model the service recommends for this machine, or null when none fits. */
  async recommend(): Promise<Recommendation | null> {
    const recommendation = await this.recommendation();
    if (!recommendation.uri) return null;
    return {
      name: text(recommendation.name),
      uri: text(recommendation.uri),
      bytes: Number(recommendation['approx-bytes'] ?? 0),
      reason: text(recommendation.reason),
    };
  }

  /** Starts a download; resolves with its id, which PullProgress and PullFinished name. */
  async pull(uri: string): Promise<string> {
    return (await this._call('models', (p) => p.PullAsync(uri, '', this._cancellable)))[0];
  }

  async setActiveModel(id: string): Promise<void> {
    await this._call('models', (p) => p.SetActiveAsync(id, this._cancellable));
  }

  // Settings

  async config(): Promise<ConfigReply> {
    const [config, file, valid, problem] = await this._call('settings', (p) => p.GetConfigAsync(this._cancellable));
    return { config, file, valid, problem };
  }

  /** Applies a JSON Merge Patch; resolves with the configuration as it now is. */
  async updateConfig(patch: string): Promise<string> {
    return (await this._call('settings', (p) => p.UpdateConfigAsync(patch, this._cancellable)))[0];
  }

  async setApiKey(url: string, key: string): Promise<void> {
    await this._call('settings', (p) => p.SetApiKeyAsync(url, key, this._cancellable));
  }

  async registerConfirmationAgent(): Promise<void> {
    await this._call('settings', (p) => p.RegisterConfirmationAgentAsync(this._cancellable));
  }

  /** Not cancelled by destroy(): the refusals a closing agent sends must still arrive. */
  async answerConfirmation(id: number, allowed: boolean): Promise<void> {
    await this._call('settings', (p) => p.AnswerConfirmationAsync(id, allowed, null));
  }

  /** Opens the microphone; resolves with the id the transcripts name, once audio flows. */
  async listen(): Promise<string> {
    return (await this._call('voice', (p) => p.ListenAsync({}, this._cancellable)))[0];
  }

  async stopListening(): Promise<void> {
    await this._call('voice', (p) => p.StopAsync(this._cancellable));
  }

  async speak(text: string): Promise<void> {
    await this._call('voice', (p) => p.SpeakAsync(text, this._cancellable));
  }

  async stopSpeaking(): Promise<void> {
    await this._call('voice', (p) => p.StopSpeakingAsync(this._cancellable));
  }

  get speaking(): boolean {
    return this._proxies?.voice.Speaking ?? false;
  }

  private async _makeProxies(): Promise<Proxies> {
    const make = async <P extends Proxy>(info: InterfaceInfo): Promise<P> => {
      const wrapper = Gio.DBusProxy.makeProxyWrapper(info.xml) as unknown as ProxyWrapper;
      return (await wrapper.newAsync(
        Gio.DBus.session,
        BUS_NAME,
        OBJECT_PATH,
        this._cancellable,
        Gio.DBusProxyFlags.DO_NOT_AUTO_START | Gio.DBusProxyFlags.DO_NOT_AUTO_START_AT_CONSTRUCTION,
      )) as P;
    };
    const [core, chat, findings, proposals, models, settings, voice] = await Promise.all([
      make<CoreProxy>(INTERFACES.core),
      make<ChatProxy>(INTERFACES.chat),
      make<FindingsProxy>(INTERFACES.findings),
      make<ProposalsProxy>(INTERFACES.proposals),
      make<ModelsProxy>(INTERFACES.models),
      make<SettingsProxy>(INTERFACES.settings),
      make<VoiceProxy>(INTERFACES.voice),
    ]);
    settings.set_default_timeout(SETTINGS_TIMEOUT_MS);
    const proxies: Proxies = { core, chat, findings, proposals, models, settings, voice };
    // destroy() ran after the last proxy was made: these are dropped here.
    this._cancellable.set_error_if_cancelled();
    this._proxies = proxies;
    this._follow(proxies);
    return proxies;
  }

  private _follow({ core, chat, findings, proposals, models, settings, voice }: Proxies): void {
    this._wasRunning = this.running;
    const follow = (proxy: Proxy, signal: string, handler: () => void) =>
      this._handlerIds.push([proxy, proxy.connect(signal, handler)]);
    for (const proxy of [core, chat, findings, proposals, models, settings, voice]) {
      follow(proxy, 'notify::g-name-owner', () => {
        const running = this.running;
        if (running === this._wasRunning) return;
        this._wasRunning = running;
        this.emit('ownerChanged', running);
      });
    }
    for (const proxy of [core, chat, findings, proposals])
      follow(proxy, 'g-properties-changed', () => this.emit('propertiesChanged'));

    // Each signal's arguments by the names the XML gives them (generated.ts), never by position.
    const on = <I extends InterfaceName, S extends keyof SignalsOf<I> & string>(
      proxy: Proxy,
      { name }: InterfaceInfo<I>,
      signal: S,
      handle: (payload: SignalsOf<I>[S]) => void,
    ) =>
      this._signalIds.push([
        proxy,
        proxy.connectSignal(signal, (_proxy, _sender, args) => handle(signalPayload(name, signal, args))),
      ]);
    const {
      chat: CHAT,
      models: MODELS,
      proposals: PROPOSALS,
      findings: FINDINGS,
      settings: SETTINGS,
      voice: VOICE,
    } = INTERFACES;

    on(chat, CHAT, 'ResponseChunk', ({ requestId, text }) => this.emit('responseChunk', requestId, text));
    on(chat, CHAT, 'ToolStep', ({ requestId, ...step }) => this.emit('toolStep', requestId, step));
    on(chat, CHAT, 'ResponseDone', (done) => this.emit('responseDone', { ...done, usage: unpack(done.usage) }));
    on(models, MODELS, 'PullProgress', ({ pullId, bytesDone, bytesTotal }) =>
      this.emit('pullProgress', { pullId, bytesDone, bytesTotal }),
    );
    on(models, MODELS, 'PullFinished', ({ pullId, status, modelId, errorName, errorMessage }) =>
      this.emit('pullFinished', { pullId, status, modelId, errorName, errorMessage }),
    );
    on(proposals, PROPOSALS, 'ProposalAdded', ({ proposal }) =>
      this.emit('proposalAdded', proposalFrom(unpack(proposal))),
    );
    on(proposals, PROPOSALS, 'ProposalChanged', ({ proposal }) =>
      this.emit('proposalChanged', proposalFrom(unpack(proposal))),
    );
    on(proposals, PROPOSALS, 'ProposalRemoved', ({ id }) => this.emit('proposalRemoved', id));
    on(proposals, PROPOSALS, 'JobFinished', ({ result }) => this.emit('jobFinished', jobFrom(unpack(result))));
    on(findings, FINDINGS, 'FindingAdded', ({ finding }) => this.emit('findingAdded', findingFrom(unpack(finding))));
    on(findings, FINDINGS, 'FindingResolved', ({ id }) => this.emit('findingResolved', id));
    on(findings, FINDINGS, 'FindingsChanged', ({ count }) => this.emit('findingsChanged', count));
    on(settings, SETTINGS, 'ConfigChanged', ({ config }) => this.emit('configChanged', config));
    on(settings, SETTINGS, 'ConfirmationRequested', ({ request, caller, changes }) =>
      this.emit('confirmationRequested', { id: request, caller, changes }),
    );
    on(voice, VOICE, 'Transcript', ({ listenId, text, final }) => this.emit('transcript', listenId, text, final));
    on(voice, VOICE, 'ListenFailed', ({ listenId, message }) => this.emit('listenFailed', listenId, message));
  }

  /** Passes a signal to its listeners: the service's, as they come, or the shell test hook's stand-ins. */
  emit<K extends keyof StewardSignals>(signal: K, ...args: StewardSignals[K]): void {
    for (const listener of this._listeners.get(signal) ?? []) (listener as Listener<K>)(...args);
  }

  /** A method call on one interface, only while the service runs; errors come out as errors.ts makes them. */
  private async _call<K extends keyof Proxies, T>(key: K, invoke: (proxy: Proxies[K]) => Promise<T>): Promise<T> {
    this._ready ??= this._makeProxies();
    const proxy = (await this._ready)[key];
    if (!proxy.g_name_owner) throw new ServiceNotRunningError();
    try {
      return await invoke(proxy);
    } catch (error) {
      throw fromDBusError(error);
    }
  }
}
