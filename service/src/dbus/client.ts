// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Message, type MessageBus, MessageType } from '@jellybrick/dbus-next';

import { StewardError } from './errors.js';

const DEFAULT_CALL_TIMEOUT_MS = 25_000;

// D-Bus message header flags (the library names only the first two).
const NO_AUTO_START = 0x2;
const ALLOW_INTERACTIVE_AUTHORIZATION = 0x4;

export interface CallTarget {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: unknown[];
}

export interface CallOptions {
  timeoutMs?: number;
  /** Let polkit ask the user for a password in the desktop's own dialog. */
  interactive?: boolean;
  /** Start the destination through D-Bus activation if it is not running (the default). */
  autoStart?: boolean;
}

/**
 * Calls a method and resolves with the reply body. The library waits forever
 * for a reply that never comes, so every call here has a deadline.
 */
export async function callMethod(bus: MessageBus, target: CallTarget, options: CallOptions = {}): Promise<unknown[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  let flags = 0;
  if (options.interactive) flags |= ALLOW_INTERACTIVE_AUTHORIZATION;
  if (options.autoStart === false) flags |= NO_AUTO_START;
  const message = new Message({ ...target, signature: target.signature ?? '', body: target.body ?? [], flags });
  const reply = bus.call(message);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // The library keeps a reply handler per serial; drop ours so a late reply is ignored.
      const handlers = (bus as unknown as { _methodReturnHandlers: Record<number, unknown> })._methodReturnHandlers;
      Reflect.deleteProperty(handlers, message.serial as number);
      reject(
        new StewardError(
          'Timeout',
          `${target.destination} did not answer ${target.member} within ${timeoutMs / 1000} s`,
        ),
      );
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([reply, deadline]);
    return result?.body ?? [];
  } finally {
    clearTimeout(timer);
  }
}

/** Whether some connection owns `name` now; asking never starts a bus-activatable service. */
export async function nameHasOwner(bus: MessageBus, name: string): Promise<boolean> {
  const [owned] = await callMethod(bus, {
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'NameHasOwner',
    signature: 's',
    body: [name],
  });
  return owned as boolean;
}

export interface SignalFilter {
  sender?: string;
  path?: string;
  interface: string;
  member?: string;
}

type SignalHandler = (body: unknown[], message: Message) => void;

const matchRule = (filter: SignalFilter) =>
  [
    "type='signal'",
    filter.sender && `sender='${filter.sender}'`,
    filter.path && `path='${filter.path}'`,
    `interface='${filter.interface}'`,
    filter.member && `member='${filter.member}'`,
  ]
    .filter(Boolean)
    .join(',');

/**
 * Signal subscriptions with one bus match rule per distinct filter, added on
 * the first subscriber and removed with the last, so a long-running service
 * never piles up rules (the bus caps them per connection).
 */
export class SignalRouter {
  private readonly rules = new Map<string, { filter: SignalFilter; handlers: Set<SignalHandler> }>();
  private readonly listener = (message: Message) => this.dispatch(message);

  constructor(
    private readonly bus: MessageBus,
    private readonly options: CallOptions = {},
  ) {}

  /** Subscribes `handler`; resolves once the bus has the match rule, with a function that unsubscribes. */
  async subscribe(filter: SignalFilter, handler: SignalHandler): Promise<() => Promise<void>> {
    const rule = matchRule(filter);
    let entry = this.rules.get(rule);
    if (!entry) {
      entry = { filter, handlers: new Set() };
      this.rules.set(rule, entry);
      if (this.rules.size === 1) this.bus.on('message', this.listener);
      await this.busCall('AddMatch', rule);
    }
    entry.handlers.add(handler);
    let subscribed = true;
    return async () => {
      if (!subscribed) return;
      subscribed = false;
      await this.unsubscribe(rule, handler);
    };
  }

  get matchRuleCount(): number {
    return this.rules.size;
  }

  private async unsubscribe(rule: string, handler: SignalHandler): Promise<void> {
    const entry = this.rules.get(rule);
    if (!entry) return;
    entry.handlers.delete(handler);
    if (entry.handlers.size > 0) return;
    this.rules.delete(rule);
    if (this.rules.size === 0) this.bus.off('message', this.listener);
    await this.busCall('RemoveMatch', rule);
  }

  private busCall(member: 'AddMatch' | 'RemoveMatch', rule: string): Promise<unknown[]> {
    return callMethod(
      this.bus,
      {
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member,
        signature: 's',
        body: [rule],
      },
      this.options,
    );
  }

  private dispatch(message: Message): void {
    if (message.type !== MessageType.SIGNAL) return;
    for (const { filter, handlers } of this.rules.values()) {
      if (!matches(filter, message)) continue;
      for (const handler of handlers) handler(message.body, message);
    }
  }
}

// The bus already applied the match rules, but one signal reaches every
// subscriber whose rule it satisfies, so each filter is checked again here. A
// well-known sender name cannot be compared with the unique name a message
// carries; only unique names are checked.
function matches(filter: SignalFilter, message: Message): boolean {
  return (
    message.interface === filter.interface &&
    (filter.path === undefined || message.path === filter.path) &&
    (filter.member === undefined || message.member === filter.member) &&
    (!filter.sender?.startsWith(':') || message.sender === filter.sender)
  );
}
