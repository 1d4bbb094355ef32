// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The printers' state, event-driven: cupsd's D-Bus notifier (org.cups.cupsd.Notifier, CUPS's notifier/dbus.c)
// signals each change of a queue through a subscription Steward makes; each signal makes Steward read the
// queues again from cupsd's own socket. The notifier owns no bus name (it is a child of cupsd that connects to the
// system bus as cupsd's User, lp): its connection is recognised by the bus's word for its user, a system account,
// never a login user's, whose processes anyone logged in could start. Only that connection's signals are taken
// (through the same router as every other peer's), until it leaves the bus; a signal from any other is dropped,
// and said so, rate-limited.
import type { MessageBus } from '@jellybrick/dbus-next';

import { type CallerIdentity, callerIdentity } from '../../dbus/callerIdentity.js';
import { SignalRouter } from '../../dbus/client.js';
import { watchNameVanishing } from '../../dbus/nameWatch.js';
import { reportUnexpected, UnexpectedAnswer } from '../../dbus/unexpected.js';
import type { Logger } from '../../logging.js';
import type { EventSource, WatchEvent } from '../../watch/events.js';
import { CupsClient } from './cupsClient.js';
import type { PrinterState } from './state.js';

/** job-state "held" (RFC 8011 §5.3.7). */
const JOB_HELD = 4;

export const NOTIFIER = { path: '/org/cups/cupsd/Notifier', interface: 'org.cups.cupsd.Notifier' } as const;
/** The printer signals' arguments (notifier/dbus.c): text, printer-uri, printer-name, state, reasons, accepting. */
const PRINTER_SIGNAL = 'sssusb';
/**
 * The job signals' (JobCreated, JobState, JobCompleted…): the printer's six, then job-id, job-state,
 * job-state-reasons, job-name, job-impressions-completed. A job held or released is told only by these.
 */
const JOB_SIGNAL = 'sssusbuussu';
/** How the notifier is named where it signalled something unexpected. */
const NOTIFIER_NAME = 'cupsd’s D-Bus notifier';
/** The first uid of a login user (login.defs' UID_MIN on Debian, Fedora and Arch). */
const FIRST_LOGIN_UID = 1000;
/** Connections refused, remembered so that a flood of signals costs one look each; unique names never come back. */
const REMEMBERED_REFUSALS = 256;

/**
 * Whether `identity` may be cupsd's notifier, by the bus's word: a process of a system account (cupsd runs it as its
 * User, lp) that is not Steward's own user.
 */
export function isNotifierIdentity(identity: CallerIdentity, ownUid: number): boolean {
  return identity.uid !== null && identity.uid !== ownUid && identity.uid < FIRST_LOGIN_UID;
}

const sameState = (a: PrinterState, b: PrinterState) =>
  a.state === b.state &&
  a.stateMessage === b.stateMessage &&
  a.acceptingJobs === b.acceptingJobs &&
  a.reasons.join(',') === b.reasons.join(',') &&
  a.heldJobs.join(',') === b.heldJobs.join(',');

/** The queues whose jobs one look reads (Get-Jobs), in cupsd's order. */
const MAX_QUEUES_ASKED_FOR_JOBS = 64;
export class PrinterSource implements EventSource {
  readonly name = 'printers';
  private readonly known = new Map<string, PrinterState>();
  private readonly router: SignalRouter;
  private unsubscribe: (() => Promise<void>) | null = null;
  private subscription: number | null = null;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  /** The notifier's connection now, once recognised; null until its first signal and after it left. */
  private notifier: string | null = null;
  private stopWatchingNotifier: (() => void) | null = null;
  private readonly identifying = new Map<string, Promise<boolean>>();
  private readonly refused = new Set<string>();

  constructor(
    private readonly systemBus: MessageBus,
    private readonly log: Logger,
    private readonly cups = new CupsClient(),
    private readonly ownUid = process.getuid?.() ?? -1,
  ) {
    this.router = new SignalRouter(systemBus, {
      dropped: (_filter, message) =>
        this.unexpected(
          new UnexpectedAnswer(NOTIFIER_NAME, message.member ?? '', `a signal of type "${message.signature}"`),
        ),
    });
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    // Listen before subscribing, so no change between the two is missed.
    const signature = [PRINTER_SIGNAL, JOB_SIGNAL];
    this.unsubscribe = await this.router.subscribe({ ...NOTIFIER, signature }, (_body, message) => {
      void this.fromNotifier(message.sender, message.member ?? '').then((taken) => {
        if (taken) return this.refresh(emit);
      });
    });
    try {
      // A subscription never expires (lease 0): one left by a Steward that did not stop cleanly goes first.
      for (const stale of await this.cups.ownDbusSubscriptions()) await this.cups.cancelSubscription(stale);
      this.subscription = await this.cups.subscribeOverDbus();
    } catch (error) {
      this.log.info('printers: no CUPS scheduler to watch', { error: (error as Error).message });
      return;
    }
    await this.refresh(emit);
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = null;
    this.stopWatchingNotifier?.();
    this.stopWatchingNotifier = null;
    this.notifier = null;
    if (this.subscription !== null) {
      const id = this.subscription;
      this.subscription = null;
      await this.cups.cancelSubscription(id).catch((error: unknown) => {
        this.log.debug('printers: could not cancel the CUPS subscription', { error: (error as Error).message });
      });
    }
    await Promise.all(this.identifying.values());
    await this.reading;
  }

  /** Whether a signal from `sender` is the notifier's: known, or recognised now by its credentials. */
  private fromNotifier(sender: string, member: string): Promise<boolean> {
    if (sender === this.notifier) return Promise.resolve(true);
    if (this.refused.has(sender)) return Promise.resolve(false);
    let identified = this.identifying.get(sender);
    if (!identified) {
      identified = this.identify(sender, member).finally(() => this.identifying.delete(sender));
      this.identifying.set(sender, identified);
    }
    return identified;
  }

  private async identify(sender: string, member: string): Promise<boolean> {
    if (!isNotifierIdentity(await callerIdentity(this.systemBus, sender), this.ownUid)) {
      this.refused.add(sender);
      for (const oldest of this.refused) {
        if (this.refused.size <= REMEMBERED_REFUSALS) break;
        this.refused.delete(oldest);
      }
      this.unexpected(new UnexpectedAnswer(NOTIFIER_NAME, member, `a signal from ${sender}, not cupsd’s notifier`));
      return false;
    }
    if (this.unsubscribe === null) return false;
    // A new notifier (cupsd restarted it) takes the place of the one before.
    this.stopWatchingNotifier?.();
    this.notifier = sender;
    this.stopWatchingNotifier = await watchNameVanishing(this.router, sender, () => {
      if (this.notifier === sender) this.notifier = null;
    });
    return true;
  }

  private unexpected(answer: UnexpectedAnswer): void {
    reportUnexpected(this.log, answer);
  }

  /** Reads the queues once more, at most one read at a time; signals during a read ask for one more after it. */
  private refresh(emit: (event: WatchEvent) => void): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        await this.readOnce(emit);
      } while (this.readAgain);
    })().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async readOnce(emit: (event: WatchEvent) => void): Promise<void> {
    let printers: PrinterState[];
    try {
      printers = await this.cups.printers();
    } catch (error) {
      if (error instanceof UnexpectedAnswer) return this.unexpected(error);
      this.log.debug('printers: could not read the queues from CUPS', { error: (error as Error).message });
      return;
    }
    const at = new Date();
    for (const [index, queue] of printers.entries()) {
      // The jobs it holds: a job held until someone releases it waits there for good. One request per queue, so only
      // the first queues' are asked for: a print server's thousands of queues would be thousands of requests a look.
      const jobs = index < MAX_QUEUES_ASKED_FOR_JOBS ? await this.cups.jobs(queue.name).catch(() => []) : [];
      const printer = { ...queue, heldJobs: jobs.filter((job) => job.state === JOB_HELD).map((job) => job.id) };
      const before = this.known.get(printer.name);
      this.known.set(printer.name, printer);
      if (!before || !sameState(before, printer)) emit({ type: 'desktop', at, desktop: { kind: 'printer', printer } });
    }
  }
}
