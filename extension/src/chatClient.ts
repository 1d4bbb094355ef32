import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import { callSteward, OBJECT_PATH } from './stewardBus.js';

const CHAT = 'io.github.steward.Steward1.Chat';
const MODELS = 'io.github.steward.Steward1.Models';

export interface ChatSession {
  id: string;
  answering: boolean;
}

export interface ToolStep {
  tool: string;
  description: string;
  status: string;
}

export interface ChatMessage {
  role: string;
  text: string;
  proposals: string[];
}

export interface Recommendation {
  name: string;
  uri: string;
  bytes: number;
  reason: string;
}

export interface ResponseEnd {
  requestId: string;
  sessionId: string;
  status: string;
  text: string;
  notice: string;
  errorMessage: string;
  proposalIds: string[];
}

export interface ChatEvents {
  chunk(requestId: string, text: string): void;
  toolStep(requestId: string, stepId: string, step: ToolStep): void;
  done(end: ResponseEnd): void;
  pullProgress(pullId: string, done: number, total: number): void;
  pullFinished(pullId: string, status: string, modelId: string, errorMessage: string): void;
}

type Dict = Record<string, unknown>;

/**
 * The quick chat's side of the service: the Chat interface's calls and
 * streaming signals, and the Models calls for setting up a model. Proposals
 * go through StewardProxies. Calls never start the service; the indicator offers that.
 */
export class ChatClient {
  private _cancellable = new Gio.Cancellable();
  private readonly _subscriptions: number[];

  constructor(events: ChatEvents) {
    const subscribe = (iface: string, member: string, handler: (args: unknown[]) => void) =>
      Gio.DBus.session.signal_subscribe(
        null,
        iface,
        member,
        OBJECT_PATH,
        null,
        Gio.DBusSignalFlags.NONE,
        (_connection, _sender, _path, _iface, _member, parameters) =>
          handler(parameters.recursiveUnpack() as unknown[]),
      );
    this._subscriptions = [
      subscribe(CHAT, 'ResponseChunk', ([id, text]) => events.chunk(id as string, text as string)),
      subscribe(CHAT, 'ToolStep', ([id, stepId, tool, description, status]) =>
        events.toolStep(id as string, stepId as string, {
          tool: tool as string,
          description: description as string,
          status: status as string,
        }),
      ),
      subscribe(CHAT, 'ResponseDone', ([requestId, sessionId, status, text, , notice, , errorMessage, proposalIds]) =>
        events.done({
          requestId: requestId as string,
          sessionId: sessionId as string,
          status: status as string,
          text: text as string,
          notice: notice as string,
          errorMessage: errorMessage as string,
          proposalIds: proposalIds as string[],
        }),
      ),
      subscribe(MODELS, 'PullProgress', ([id, done, total]) =>
        events.pullProgress(id as string, Number(done), Number(total)),
      ),
      subscribe(MODELS, 'PullFinished', ([id, status, modelId, , errorMessage]) =>
        events.pullFinished(id as string, status as string, modelId as string, errorMessage as string),
      ),
    ];
  }

  async send(sessionId: string, prompt: string): Promise<{ sessionId: string; requestId: string }> {
    const [session, request] = (await this._call(
      CHAT,
      'Send',
      new GLib.Variant('(ssa{sv})', [sessionId, prompt, {}]),
    )) as [string, string];
    return { sessionId: session, requestId: request };
  }

  async cancel(requestId: string): Promise<void> {
    await this._call(CHAT, 'Cancel', new GLib.Variant('(s)', [requestId]));
  }

  async latestSession(): Promise<ChatSession | null> {
    const [sessions] = (await this._call(CHAT, 'ListSessions', null)) as [Dict[]];
    const first = sessions[0];
    return first ? { id: first.id as string, answering: first.answering as boolean } : null;
  }

  async history(sessionId: string): Promise<ChatMessage[]> {
    const [messages] = (await this._call(CHAT, 'GetHistory', new GLib.Variant('(s)', [sessionId]))) as [Dict[]];
    return messages.map((message) => ({
      role: message.role as string,
      text: message.text as string,
      proposals: (message.proposals as string[] | undefined) ?? [],
    }));
  }

  /** "unconfigured" when no model is set up; see the EngineState property. */
  async engineState(): Promise<string> {
    const [state] = (await this._call(
      'org.freedesktop.DBus.Properties',
      'Get',
      new GLib.Variant('(ss)', [CHAT, 'EngineState']),
    )) as [string];
    return state;
  }

  /** The model the service recommends for this machine, or null when none fits. */
  async recommend(): Promise<Recommendation | null> {
    const [recommendation] = (await this._call(MODELS, 'Recommend', null)) as [Dict];
    if (!recommendation.uri) return null;
    return {
      name: recommendation.name as string,
      uri: recommendation.uri as string,
      bytes: Number(recommendation['approx-bytes'] ?? 0),
      reason: (recommendation.reason as string | undefined) ?? '',
    };
  }

  async pull(uri: string): Promise<string> {
    const [pullId] = (await this._call(MODELS, 'Pull', new GLib.Variant('(ss)', [uri, '']))) as [string];
    return pullId;
  }

  async setActiveModel(id: string): Promise<void> {
    await this._call(MODELS, 'SetActive', new GLib.Variant('(s)', [id]));
  }

  destroy(): void {
    this._cancellable.cancel();
    for (const id of this._subscriptions) Gio.DBus.session.signal_unsubscribe(id);
  }

  private _call(iface: string, method: string, parameters: GLib.Variant | null): Promise<unknown[]> {
    return callSteward(iface, method, parameters, null, this._cancellable);
  }
}
