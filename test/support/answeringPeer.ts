// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A peer on a private bus that owns a desktop service's name and answers each call with whatever the spec says, of
// any D-Bus type: a stand-in for a daemon that answers garbage, and one that can hand its name to another and back
// in a millisecond (python3-dbusmock takes a process start for each).
import { Message, type MessageBus, MessageType, NameFlag } from '@jellybrick/dbus-next';

export interface Answer {
  signature: string;
  body: unknown[];
}

/**
 * How the peer answers a call: a reply of any type, null for the bus's UnknownMethod, or SILENCE for none at all (a
 * peer busy with the work, or hung).
 */
export type Answering = (call: Message) => Answer | null | typeof SILENCE;

export const SILENCE = Symbol('no answer');

export class AnsweringPeer {
  /** The calls answered so far, by member. */
  readonly answered = new Map<string, number>();
  /** The calls left unanswered so far, by member. */
  readonly unanswered = new Map<string, number>();

  constructor(
    readonly connection: MessageBus,
    private answering: Answering,
  ) {
    connection.addMethodHandler((call: Message) => {
      const answer = this.answering(call);
      if (!answer) return false;
      if (answer === SILENCE) {
        this.unanswered.set(call.member ?? '', (this.unanswered.get(call.member ?? '') ?? 0) + 1);
        return true;
      }
      this.answered.set(call.member ?? '', (this.answered.get(call.member ?? '') ?? 0) + 1);
      // A value the library cannot write as that type answers as an error, as a daemon's failure would.
      if (!sent(connection, Message.newMethodReturn(call, answer.signature, answer.body)))
        connection.send(Message.newError(call, 'org.example.Error.Failed', 'cannot write that answer'));
      return true;
    });
  }

  /** From now on the peer answers this way. */
  answer(answering: Answering): void {
    this.answering = answering;
  }

  /** Takes `name`, queued behind its owner where it has one (the bus hands it on when that one lets go). */
  own(name: string): Promise<number> {
    return this.connection.requestName(name, NameFlag.ALLOW_REPLACEMENT);
  }

  release(name: string): Promise<number> {
    return this.connection.releaseName(name);
  }

  /** Sends a signal; one the library cannot write as that type is not sent. */
  signal(path: string, iface: string, member: string, signature: string, body: unknown[]): void {
    sent(this.connection, new Message({ type: MessageType.SIGNAL, path, interface: iface, member, signature, body }));
  }
}

/** Whether the library could write `message`: it marshals before it writes, and throws for a value of another type. */
function sent(connection: MessageBus, message: Message): boolean {
  try {
    connection.send(message);
    return true;
  } catch {
    return false;
  }
}
