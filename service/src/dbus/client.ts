// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Message, type MessageBus, MessageType } from '@jellybrick/dbus-next';

import { PeerLeft, recipientLeft, StewardError } from './errors.js';
import { peerWaits } from './peerWaits.js';
import { UnexpectedAnswer } from './unexpected.js';

const DEFAULT_CALL_TIMEOUT_MS = 25_000;

const BUS_DAEMON = 'org.freedesktop.DBus';

const busDaemon = (member: string, signature: string, body: unknown[]) => ({
  destination: BUS_DAEMON,
  path: '/org/freedesktop/DBus',
  interface: BUS_DAEMON,
  member,
  signature,
  body,
});

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
  /**
   * The reply's D-Bus signature as the peer's interface declares it: a reply of another type is an
   * UnexpectedAnswer, never handed on.
   */
  reply?: string;
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
 * for a reply that never comes, so every call here has a deadline; a peer that
 * leaves the bus meanwhile ends the call (the bus answers NoReply) as PeerLeft.
 */
export async function callMethod(bus: MessageBus, target: CallTarget, options: CallOptions = {}): Promise<unknown[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  let flags = 0;
  if (options.interactive) flags |= ALLOW_INTERACTIVE_AUTHORIZATION;
  if (options.autoStart === false) flags |= NO_AUTO_START;
  const { reply: replySignature, ...header } = target;
  const message = new Message({ ...header, signature: target.signature ?? '', body: target.body ?? [], flags });
  const reply = bus.call(message);
  const end = peerWaits.begin(target.destination, target.member);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // The library keeps a reply handler per serial; drop ours so a late reply is ignored.
      const handlers = (bus as unknown as { _methodReturnHandlers: Record<number, unknown> })._methodReturnHandlers;
      Reflect.deleteProperty(handlers, message.serial as number);
      const what = `did not answer ${target.member} within ${timeoutMs / 1000} s`;
      peerWaits.stuck(target.destination, what);
      reject(new StewardError('Timeout', `${target.destination} ${what}`));
    }, timeoutMs);
  });
  let answered = false;
  try {
    const result = await Promise.race([reply, deadline]).catch((error: unknown) => {
      // An error reply is an answer too: the peer is not stuck. One that left the bus is not stuck either.
      answered = !(error instanceof StewardError && error.errorName === 'Timeout');
      if (recipientLeft(error)) throw new PeerLeft(target.destination, `it answered ${target.member}`);
      throw error;
    });
    answered = true;
    const signature = result?.signature ?? '';
    if (replySignature !== undefined && signature !== replySignature)
      throw new UnexpectedAnswer(
        target.destination,
        target.member,
        `a reply of type "${signature}", not "${replySignature}"`,
      );
    return result?.body ?? [];
  } finally {
    clearTimeout(timer);
    end(answered);
  }
}

/** Whether some connection owns `name` now; asking never starts a bus-activatable service. */
export async function nameHasOwner(bus: MessageBus, name: string): Promise<boolean> {
  const [owned] = await callMethod(bus, { ...busDaemon('NameHasOwner', 's', [name]), reply: 'b' });
  return owned as boolean;
}

/** The unique name of `name`'s owner now, or null when it has none; asking never starts a bus-activatable service. */
export async function nameOwner(bus: MessageBus, name: string, options: CallOptions = {}): Promise<string | null> {
  try {
    const [owner] = await callMethod(bus, { ...busDaemon('GetNameOwner', 's', [name]), reply: 's' }, options);
    return owner as string;
  } catch (error) {
    if ((error as { type?: string }).type === 'org.freedesktop.DBus.Error.NameHasNoOwner') return null;
    throw error;
  }
}

export interface SignalFilter {
  /**
   * Whose signals these are: a unique name (":1.42"), the bus itself (org.freedesktop.DBus), or a well-known name,
   * whose current owner the router follows: the bus's match rule carries that owner's unique name, is made again
   * when the name changes hands, and a signal from any other connection is dropped. Left out only for signals of
   * Steward's own service, which its clients hear.
   */
  sender?: string;
  path?: string;
  interface: string;
  member?: string;
  /** For NameOwnerChanged: the one name whose changes to hear. */
  arg0?: string;
  /**
   * The signal's D-Bus signature as its interface declares it, or each one its signals declare where one filter
   * hears several (cupsd's notifier: its printer signals and its job signals): a signal with another is dropped.
   */
  signature?: string | readonly string[];
}

type SignalHandler = (body: unknown[], message: Message) => void;

/** Told a well-known name's new owner (null: none), once the match rules for it are on the bus. */
export type OwnerHandler = (owner: string | null) => void;

const matchRule = (filter: SignalFilter, sender = filter.sender) =>
  [
    "type='signal'",
    sender && `sender='${sender}'`,
    filter.path && `path='${filter.path}'`,
    `interface='${filter.interface}'`,
    filter.member && `member='${filter.member}'`,
    filter.arg0 && `arg0='${filter.arg0}'`,
  ]
    .filter(Boolean)
    .join(',');

/** A well-known name's sender: neither a connection's unique name nor the bus itself. */
const isWellKnown = (sender: string | undefined): sender is string =>
  sender !== undefined && !sender.startsWith(':') && sender !== BUS_DAEMON;

interface Subscription {
  filter: SignalFilter;
  handlers: Set<SignalHandler>;
  /** The rule on the bus (or on its way there): for a well-known sender, its owner's; null while it has none. */
  rule: string | null;
  /** The changes of its rule on the bus, one after the other, so that a rule is never taken back before it is added. */
  changes: Promise<void>;
}

interface OwnedName {
  /** The unique name of the owner now, as the bus last said; null when none. */
  owner: string | null;
  /** Bumped by each NameOwnerChanged: a GetNameOwner answer older than one is not used. */
  changes: number;
  /** The rules made again for each change, one change after the other. */
  remade: Promise<void>;
  watchers: Set<OwnerHandler>;
  /** Subscriptions and watchers that need this name followed. */
  users: number;
  stopFollowing: Promise<() => Promise<void>>;
}

/**
 * Signal subscriptions with one bus match rule per distinct filter, added on the first subscriber and removed
 * with the last, so a long-running service never piles up rules (the bus caps them per connection). A
 * well-known sender is followed to its owner: the rule names the owner's unique name, so that neither the bus
 * nor this router hands on a signal that another connection sent with the same path and interface.
 */
export class SignalRouter {
  private readonly rules = new Map<string, Subscription>();
  private readonly names = new Map<string, OwnedName>();
  private readonly listener = (message: Message) => this.dispatch(message);
  private listening = false;

  constructor(
    private readonly bus: MessageBus,
    private readonly options: CallOptions & {
      /** Told of a signal dropped for its signature (or its sender's), for the unexpected-answer log. */
      dropped?: (filter: SignalFilter, message: Message) => void;
    } = {},
  ) {}

  /** Subscribes `handler`; resolves once the bus has the match rule, with a function that unsubscribes. */
  async subscribe(filter: SignalFilter, handler: SignalHandler): Promise<() => Promise<void>> {
    const key = matchRule(filter);
    let entry = this.rules.get(key);
    if (!entry) {
      entry = { filter, handlers: new Set(), rule: null, changes: Promise.resolve() };
      this.rules.set(key, entry);
      this.listen();
      if (isWellKnown(filter.sender)) {
        const name = await this.follow(filter.sender);
        await name.remade;
        if (this.rules.get(key) === entry)
          await this.setRule(entry, name.owner === null ? null : matchRule(filter, name.owner));
      } else {
        await this.setRule(entry, key);
      }
    }
    entry.handlers.add(handler);
    let subscribed = true;
    return async () => {
      if (!subscribed) return;
      subscribed = false;
      await this.unsubscribe(key, handler);
    };
  }

  /**
   * Follows `name`'s owner: resolves with the owner now (null: none) and a function that stops; `onChange` hears
   * each later change once the rules of this router's subscriptions from that name name the new owner.
   */
  async watchOwner(name: string, onChange: OwnerHandler): Promise<{ owner: string | null; stop: () => Promise<void> }> {
    this.listen();
    const followed = await this.follow(name);
    await followed.remade;
    followed.watchers.add(onChange);
    let watching = true;
    return {
      owner: followed.owner,
      stop: async () => {
        if (!watching) return;
        watching = false;
        followed.watchers.delete(onChange);
        await this.unfollow(name);
      },
    };
  }

  /** The unique name of `name`'s owner as last heard, for a name this router follows. */
  ownerOf(name: string): string | null {
    return this.names.get(name)?.owner ?? null;
  }

  get matchRuleCount(): number {
    let count = 0;
    for (const entry of this.rules.values()) if (entry.rule !== null) count += 1;
    return count + this.names.size;
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.bus.on('message', this.listener);
  }

  private maybeStopListening(): void {
    if (!this.listening || this.rules.size > 0 || this.names.size > 0) return;
    this.listening = false;
    this.bus.off('message', this.listener);
  }

  /** Starts following `name` (or counts one more user): its NameOwnerChanged, then its owner now. */
  private async follow(name: string): Promise<OwnedName> {
    const known = this.names.get(name);
    if (known) {
      known.users += 1;
      await known.stopFollowing;
      return known;
    }
    let ready: () => void = () => undefined;
    const followed: OwnedName = {
      owner: null,
      changes: 0,
      remade: new Promise<void>((resolve) => (ready = resolve)),
      watchers: new Set(),
      users: 1,
      stopFollowing: Promise.resolve(async () => undefined),
    };
    this.names.set(name, followed);
    const ownerChanges = matchRule({
      sender: BUS_DAEMON,
      interface: BUS_DAEMON,
      member: 'NameOwnerChanged',
      arg0: name,
    });
    followed.stopFollowing = this.busCall('AddMatch', ownerChanges).then(
      () => () => this.busCall('RemoveMatch', ownerChanges).then(() => undefined),
    );
    try {
      await followed.stopFollowing;
      const changes = followed.changes;
      const owner = await nameOwner(this.bus, name, this.options);
      if (followed.changes === changes) followed.owner = owner;
    } finally {
      ready();
    }
    return followed;
  }

  private async unfollow(name: string): Promise<void> {
    const followed = this.names.get(name);
    if (!followed) return;
    followed.users -= 1;
    if (followed.users > 0) return;
    this.names.delete(name);
    this.maybeStopListening();
    await (
      await followed.stopFollowing
    )();
  }

  /** `name` changed hands: the rules of the subscriptions from it are made again for the new owner. */
  private ownerChanged(name: string, owner: string | null): void {
    const followed = this.names.get(name);
    if (!followed) return;
    followed.changes += 1;
    followed.owner = owner;
    const remaking = followed.remade.then(async () => {
      // A later change is on its way: that one remakes the rules.
      if (followed.owner !== owner) return;
      await Promise.all(
        [...this.rules.values()]
          .filter((entry) => entry.filter.sender === name)
          .map((entry) =>
            this.setRule(entry, owner === null ? null : matchRule(entry.filter, owner)).catch(() => undefined),
          ),
      );
      if (this.names.get(name) !== followed || followed.owner !== owner) return;
      for (const watcher of followed.watchers) watcher(owner);
    });
    // Whatever failed in one change (the bus closing), the next change is remade all the same.
    followed.remade = remaking.catch(() => undefined);
  }

  private async unsubscribe(key: string, handler: SignalHandler): Promise<void> {
    const entry = this.rules.get(key);
    if (!entry) return;
    entry.handlers.delete(handler);
    if (entry.handlers.size > 0) return;
    this.rules.delete(key);
    this.maybeStopListening();
    try {
      await this.setRule(entry, null);
    } finally {
      if (isWellKnown(entry.filter.sender)) await this.unfollow(entry.filter.sender);
    }
  }

  /** Puts `next` on the bus in place of `entry`'s rule, once the changes before it are made. */
  private setRule(entry: Subscription, next: string | null): Promise<void> {
    const change = entry.changes.then(async () => {
      const old = entry.rule;
      if (old === next) return;
      entry.rule = next;
      if (old !== null) await this.busCall('RemoveMatch', old);
      if (next !== null) await this.busCall('AddMatch', next);
    });
    entry.changes = change.catch(() => undefined);
    return change;
  }

  private busCall(member: 'AddMatch' | 'RemoveMatch', rule: string): Promise<unknown[]> {
    return callMethod(this.bus, busDaemon(member, 's', [rule]), this.options);
  }

  private dispatch(message: Message): void {
    if (message.type !== MessageType.SIGNAL) return;
    if (message.sender === BUS_DAEMON && message.member === 'NameOwnerChanged' && message.signature === 'sss') {
      const [name, , owner] = message.body as [string, string, string];
      this.ownerChanged(name, owner === '' ? null : owner);
    }
    for (const { filter, handlers } of this.rules.values()) {
      if (!this.matches(filter, message)) continue;
      if (filter.signature !== undefined && ![filter.signature].flat().includes(message.signature)) {
        this.options.dropped?.(filter, message);
        continue;
      }
      for (const handler of handlers) handler(message.body, message);
    }
  }

  // The bus already applied the match rules, but one signal reaches every subscriber of this connection whose
  // rule it satisfies, so each filter is checked again here, the sender included: a well-known name's signals
  // come only from its owner now.
  private matches(filter: SignalFilter, message: Message): boolean {
    if (
      message.interface !== filter.interface ||
      (filter.path !== undefined && message.path !== filter.path) ||
      (filter.member !== undefined && message.member !== filter.member) ||
      (filter.arg0 !== undefined && message.body[0] !== filter.arg0)
    )
      return false;
    if (filter.sender === undefined) return true;
    if (isWellKnown(filter.sender)) {
      const owner = this.names.get(filter.sender)?.owner ?? null;
      return owner !== null && message.sender === owner;
    }
    return message.sender === filter.sender;
  }
}
