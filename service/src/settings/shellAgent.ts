// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The user's confirmation through GNOME Shell, where polkit does not have
// Steward's action: the extension registers the shell's own bus connection as
// the agent, the service sends each request to that connection alone, and only
// an answer from that same connection counts. The shell is recognised by the
// bus's and the kernel's word (its credentials, /proc/PID/exe), never by a name
// a peer could take: any peer may own org.gnome.Shell on a bus where the shell
// does not, but it cannot run as the root-installed shell binary.
import type { MessageBus } from '@jellybrick/dbus-next';

import { type CallerIdentity, callerIdentity } from '../dbus/callerIdentity.js';
import { nameHasOwner, nameOwner, SignalRouter } from '../dbus/client.js';
import { PeerLeft, StewardError } from '../dbus/errors.js';
import { watchNameVanishing } from '../dbus/nameWatch.js';
import { _ } from '../i18n.js';

export const SHELL_BUS_NAME = 'org.gnome.Shell';
/** Where distributions install GNOME Shell: root's files, unlike a copy of any program the user could name gnome-shell. */
export const SHELL_EXECUTABLES: readonly string[] = ['/usr/bin/gnome-shell'];
/** How long the dialog may wait for the user. */
const ANSWER_TIMEOUT_MS = 5 * 60_000;

/** Whether `identity` is GNOME Shell's own connection: the owner of org.gnome.Shell, the shell binary, the user's uid, unsandboxed. */
export function isGnomeShell(identity: CallerIdentity, shellOwner: string | null, ownUid: number): boolean {
  // After an upgrade replaced the binary, the running shell's exe reads "… (deleted)".
  const executable = identity.executable?.replace(/ \(deleted\)$/, '') ?? null;
  return (
    shellOwner !== null &&
    identity.sender === shellOwner &&
    identity.uid === ownUid &&
    identity.sandboxedApp === null &&
    executable !== null &&
    SHELL_EXECUTABLES.includes(executable)
  );
}

/** The owner of `name` now; null when it has none or the bus does not say. */
const ownerOrNull = (bus: MessageBus, name: string) => nameOwner(bus, name).catch(() => null);

export interface ShellAgentDependencies {
  bus: MessageBus;
  ownUid: number;
  /** Sends ConfirmationRequested to `destination` alone. */
  request(destination: string, id: number, caller: string, changes: string[]): void;
  answerTimeoutMs?: number;
  /**
   * Calls `gone` once the agent's connection leaves the bus; resolves with what stops watching. By default through
   * the bus (NameOwnerChanged of the agent's unique name).
   */
  watchAgent?(agent: string, gone: () => void): Promise<() => void>;
}

interface Waiting {
  agent: string;
  settle(allowed: boolean): void;
}

export class ShellAgent {
  private agent: string | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private router: SignalRouter | null = null;

  constructor(private readonly deps: ShellAgentDependencies) {}

  /** Makes `sender` the agent when it is GNOME Shell's own connection; NotAuthorized otherwise. */
  async register(sender: string): Promise<void> {
    const [owner, identity] = await Promise.all([
      ownerOrNull(this.deps.bus, SHELL_BUS_NAME),
      callerIdentity(this.deps.bus, sender),
    ]);
    if (!isGnomeShell(identity, owner, this.deps.ownUid)) {
      throw new StewardError('NotAuthorized', _('Only GNOME Shell itself may confirm changes to what Steward may do.'));
    }
    this.agent = sender;
  }

  /** The agent's unique name while it still owns org.gnome.Shell; null when there is none. */
  async current(): Promise<string | null> {
    if (this.agent === null) return null;
    if ((await ownerOrNull(this.deps.bus, SHELL_BUS_NAME)) !== this.agent) this.agent = null;
    return this.agent;
  }

  /**
   * Asks `agent` to show `changes` that `caller` asked for; true when the user allowed them, false when refused or
   * unanswered in time. The dialog is the shell's: once the agent's connection leaves the bus (the shell crashed or
   * restarted), no answer can come, and the wait ends as PeerLeft.
   */
  async ask(agent: string, caller: string, changes: string[]): Promise<boolean> {
    const id = this.nextId++;
    let settle: (allowed: boolean) => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    const answer = new Promise<boolean>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    // Awaited below; the shell gone already is no unhandled rejection meanwhile.
    answer.catch(() => undefined);
    const stopWatching = await this.watchAgent(agent, () =>
      fail(new PeerLeft(SHELL_BUS_NAME, 'the user answered its confirmation dialog')),
    );
    const timer = setTimeout(() => settle(false), this.deps.answerTimeoutMs ?? ANSWER_TIMEOUT_MS);
    this.waiting.set(id, { agent, settle });
    try {
      this.deps.request(agent, id, caller, changes);
      return await answer;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
      stopWatching();
    }
  }

  private async watchAgent(agent: string, gone: () => void): Promise<() => void> {
    if (this.deps.watchAgent) return this.deps.watchAgent(agent, gone);
    this.router ??= new SignalRouter(this.deps.bus);
    const stop = await watchNameVanishing(this.router, agent, gone);
    // Gone before the bus would have told: a unique name never comes back.
    if (!(await nameHasOwner(this.deps.bus, agent).catch(() => false))) gone();
    return stop;
  }

  /** The user's answer to request `id`, accepted only from the connection it was sent to. */
  answer(sender: string, id: number, allowed: boolean): void {
    const request = this.waiting.get(id);
    if (!request || request.agent !== sender) {
      throw new StewardError('NotFound', _('There is no such confirmation request for this connection.'));
    }
    request.settle(allowed);
  }
}
