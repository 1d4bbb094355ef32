// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The Chat signals of one client: subscribed once, serving answers one after
// another. Signals can arrive before Send returns the request id, so those of
// every request are kept until then, and only those of ours are replayed.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../dbus/client.js';
import { BUS_NAME, CHAT_INTERFACE, OBJECT_PATH } from '../dbus/interfaces.js';
import type { DoneEvent, ToolStep } from './chatReport.js';
import { unpack } from './proposalsReport.js';

export type ProgressEvent =
  { kind: 'chunk'; text: string } | { kind: 'position'; position: number } | ({ kind: 'tool-step' } & ToolStep);

type ChatEvent = ProgressEvent | ({ kind: 'done' } & DoneEvent);

export interface StartedAnswer {
  session: string;
  /** Resolves when the answer ends, however it ends. */
  done: Promise<DoneEvent>;
}

const SERVICE_GONE: DoneEvent = {
  session: '',
  status: 'failed',
  text: '',
  usage: {},
  notice: '',
  error: 'io.github.steward.Steward1.Error.Unavailable',
  message: 'the service stopped before it finished the answer',
  proposalIds: [],
};

const callChat = (bus: MessageBus, member: string, signature: string, body: unknown[]) =>
  callMethod(bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT_INTERFACE, member, signature, body });

export class ChatStream {
  /** Events of requests whose id is not known yet: set only while a Send is in flight. */
  private early: Map<string, ChatEvent[]> | null = null;
  private current: { id: string; deliver(event: ChatEvent): void } | null = null;
  private unsubscribe: (() => Promise<void>)[] = [];

  private constructor(private readonly bus: MessageBus) {}

  /** Subscribes to the signals; resolves once the bus delivers them. */
  static async open(bus: MessageBus): Promise<ChatStream> {
    const stream = new ChatStream(bus);
    const router = new SignalRouter(bus);
    stream.unsubscribe = await Promise.all([
      router.subscribe({ interface: CHAT_INTERFACE, path: OBJECT_PATH }, (body, message) =>
        stream.dispatch(message.member ?? '', body),
      ),
      // Without the service no ResponseDone will come.
      router.subscribe({ interface: 'org.freedesktop.DBus', member: 'NameOwnerChanged' }, ([name, , owner]) => {
        if (name === BUS_NAME && owner === '') stream.current?.deliver({ kind: 'done', ...SERVICE_GONE });
      }),
    ]);
    return stream;
  }

  /** Starts an answer in `session` ('' for a new one); `onProgress` hears its chunks, tool steps and place in line. */
  async send(
    session: string,
    prompt: string,
    options: Record<string, Variant>,
    onProgress: (event: ProgressEvent) => void,
  ): Promise<StartedAnswer> {
    this.early = new Map();
    try {
      const [sessionId, requestId] = (await callChat(this.bus, 'Send', 'ssa{sv}', [session, prompt, options])) as [
        string,
        string,
      ];
      const done = new Promise<DoneEvent>((resolve) => {
        this.current = {
          id: requestId,
          deliver: (event) => {
            if (event.kind !== 'done') return onProgress(event);
            this.current = null;
            resolve({ ...event, session: event.session || sessionId });
          },
        };
      });
      for (const event of this.early.get(requestId) ?? []) this.current?.deliver(event);
      return { session: sessionId, done };
    } finally {
      this.early = null;
    }
  }

  /** Stops the answer in progress, if any. */
  async cancel(): Promise<void> {
    if (!this.current) return;
    // The answer may end while Cancel travels; then there is nothing left to stop.
    await callChat(this.bus, 'Cancel', 's', [this.current.id]).catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all(this.unsubscribe.map((stop) => stop()));
  }

  private record(id: string, event: ChatEvent): void {
    if (this.current?.id === id) this.current.deliver(event);
    else this.early?.set(id, [...(this.early.get(id) ?? []), event]);
  }

  private dispatch(member: string, body: unknown[]): void {
    const id = body[0] as string;
    if (member === 'ResponseChunk') this.record(id, { kind: 'chunk', text: body[1] as string });
    if (member === 'QueuePosition') this.record(id, { kind: 'position', position: body[1] as number });
    if (member === 'ToolStep') {
      const [, stepId, tool, description, status] = body as [string, string, string, string, string];
      this.record(id, { kind: 'tool-step', stepId, tool, description, status });
    }
    if (member === 'ResponseDone') {
      const [, session, status, text, usage, notice, error, message, proposalIds] = body as [
        string,
        string,
        string,
        string,
        Record<string, Variant>,
        string,
        string,
        string,
        string[],
      ];
      this.record(id, {
        kind: 'done',
        session,
        status,
        text,
        usage: unpack(usage) as Record<string, unknown>,
        notice,
        error,
        message,
        proposalIds,
      });
    }
  }
}
