// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The printers' state, event-driven: cupsd's D-Bus notifier (org.cups.cupsd.Notifier, CUPS's notifier/dbus.c)
// signals each change of a queue through a subscription Steward makes; each signal makes Steward read the
// queues again from cupsd's own socket. The signal is only a wake-up: any client of the system bus may send
// one, the socket's answer is cupsd's.
import type { MessageBus } from '@jellybrick/dbus-next';

import { SignalRouter } from '../../dbus/client.js';
import type { Logger } from '../../logging.js';
import type { EventSource, WatchEvent } from '../../watch/events.js';
import { CupsClient } from './cupsClient.js';
import type { PrinterState } from './state.js';

/** job-state "held" (RFC 8011 §5.3.7). */
const JOB_HELD = 4;

export const NOTIFIER = { path: '/org/cups/cupsd/Notifier', interface: 'org.cups.cupsd.Notifier' } as const;

const sameState = (a: PrinterState, b: PrinterState) =>
  a.state === b.state &&
  a.stateMessage === b.stateMessage &&
  a.acceptingJobs === b.acceptingJobs &&
  a.reasons.join(',') === b.reasons.join(',') &&
  a.heldJobs.join(',') === b.heldJobs.join(',');

export class PrinterSource implements EventSource {
  readonly name = 'printers';
  private readonly known = new Map<string, PrinterState>();
  private unsubscribe: (() => Promise<void>) | null = null;
  private subscription: number | null = null;
  private reading: Promise<void> | null = null;
  private readAgain = false;

  constructor(
    private readonly systemBus: MessageBus,
    private readonly log: Logger,
    private readonly cups = new CupsClient(),
  ) {}

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    // Listen before subscribing, so no change between the two is missed.
    this.unsubscribe = await new SignalRouter(this.systemBus).subscribe(NOTIFIER, () => void this.refresh(emit));
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
    if (this.subscription !== null) {
      const id = this.subscription;
      this.subscription = null;
      await this.cups.cancelSubscription(id).catch((error: unknown) => {
        this.log.debug('printers: could not cancel the CUPS subscription', { error: (error as Error).message });
      });
    }
    await this.reading;
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
      this.log.debug('printers: could not read the queues from CUPS', { error: (error as Error).message });
      return;
    }
    const at = new Date();
    for (const queue of printers) {
      // The jobs it holds: a job held until someone releases it waits there for good.
      const jobs = await this.cups.jobs(queue.name).catch(() => []);
      const printer = { ...queue, heldJobs: jobs.filter((job) => job.state === JOB_HELD).map((job) => job.id) };
      const before = this.known.get(printer.name);
      this.known.set(printer.name, printer);
      if (!before || !sameState(before, printer)) emit({ type: 'desktop', at, desktop: { kind: 'printer', printer } });
    }
  }
}
