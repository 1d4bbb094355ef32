// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The clock's sources. timedated's properties, read at start and whenever timedated comes onto the bus (someone
// asked it something), and followed through its PropertiesChanged signal (it signals NTP when it is switched); a
// desktop event goes out when the state changes, and once more when automatic time has been on long enough for a clock
// still not synchronised to matter. And systemd-timesyncd's last exchange with its server (how far off the clock
// was), followed through its own PropertiesChanged. Without them (a system without systemd, chrony's machine) each
// stays quiet. Only each daemon's own signals count (BusStateSource follows its owner), of its interface's types.
import { uptime } from 'node:os';

import { type BusSignal, BusStateSource, type BusStateSourceOptions } from '../../watch/busStateSource.js';
import { type ClockState, ntpOnForSeconds, type TimesyncState } from './state.js';
import { UNSYNCHRONISED_LONG_SECONDS } from './stateDetector.js';
import {
  clockFrom,
  PROPERTIES,
  readClock,
  readTimesync,
  TIMEDATED,
  TIMEDATED_PATH,
  TIMESYNCD,
  TIMESYNCD_MANAGER,
  TIMESYNCD_PATH,
} from './timedated.js';

/** An offset is reported again when it moved by this much: the state is minutes, not milliseconds. */
const OFFSET_STEP_SECONDS = 30;

export class TimedatedSource extends BusStateSource {
  #last: ClockState | undefined;
  /** The one timer that reads the clock again once the machine has run long enough. */
  #later: NodeJS.Timeout | undefined;

  /** `bus`: the system bus. timedated exits when idle; what changed meanwhile is read when it comes back. */
  constructor(
    options: BusStateSourceOptions,
    private readonly uptimeSeconds: () => number = uptime,
  ) {
    super(options, TIMEDATED);
  }

  override async stop(): Promise<void> {
    clearTimeout(this.#later);
    this.#later = undefined;
    await super.stop();
  }

  protected signals(): BusSignal[] {
    return [
      [
        { path: TIMEDATED_PATH, interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
        ([iface, changed]) => {
          if (iface === TIMEDATED)
            this.#report({ ...this.#last, ...clockFrom(changed, 'PropertiesChanged', this.#last) });
        },
      ],
    ];
  }

  protected async read(): Promise<void> {
    this.#report(await readClock(this.bus));
  }

  protected readFailed(error: Error): void {
    this.log.debug('could not read the clock from timedated', { source: this.name, error: error.message });
  }

  #report(read: ClockState): void {
    const previous = this.#last;
    const uptimeSeconds = this.uptimeSeconds();
    // Switched on now (GNOME Settings' switch, clock.ntp_on): the time daemon gets its quarter of an hour from now.
    const ntpOnSinceSeconds = !read.ntp
      ? undefined
      : previous && !previous.ntp
        ? uptimeSeconds
        : previous?.ntpOnSinceSeconds;
    const next: ClockState = {
      ntp: read.ntp,
      canNtp: read.canNtp,
      synchronized: read.synchronized,
      uptimeSeconds,
      ...(ntpOnSinceSeconds !== undefined && { ntpOnSinceSeconds }),
    };
    this.#last = next;
    this.#readWhenLong(next);
    if (previous && !changed(previous, next)) return;
    this.emit({ type: 'desktop', at: new Date(), desktop: { kind: 'clock', clock: next } });
  }

  /** A clock not synchronised while automatic time is on matters once it has been on for long: read it then. */
  #readWhenLong(clock: ClockState): void {
    clearTimeout(this.#later);
    this.#later = undefined;
    const left = UNSYNCHRONISED_LONG_SECONDS - ntpOnForSeconds(clock);
    if (!clock.ntp || clock.synchronized || left <= 0) return;
    this.#later = setTimeout(() => this.enqueueRead(), left * 1000 + 1000);
    this.#later.unref();
  }
}

function changed(previous: ClockState, next: ClockState): boolean {
  const long = (clock: ClockState) => ntpOnForSeconds(clock) >= UNSYNCHRONISED_LONG_SECONDS;
  return (
    previous.ntp !== next.ntp ||
    previous.canNtp !== next.canNtp ||
    previous.synchronized !== next.synchronized ||
    long(previous) !== long(next)
  );
}

/** systemd-timesyncd's last exchange with its server, read at start, when it comes back and when it signals. */
export class TimesyncSource extends BusStateSource {
  #last: TimesyncState | undefined;

  /** `bus`: the system bus. */
  constructor(options: BusStateSourceOptions) {
    super(options, TIMESYNCD);
  }

  protected signals(): BusSignal[] {
    return [
      [
        { path: TIMESYNCD_PATH, interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
        ([iface]) => {
          if (iface === TIMESYNCD_MANAGER) this.enqueueRead();
        },
      ],
    ];
  }

  protected async read(): Promise<void> {
    const next = await readTimesync(this.bus);
    const previous = this.#last;
    this.#last = next;
    const step = (state: TimesyncState | undefined) =>
      state?.offsetSeconds === undefined ? null : Math.round(state.offsetSeconds / OFFSET_STEP_SECONDS);
    if (previous && step(previous) === step(next) && previous.server === next.server) return;
    this.emit({ type: 'desktop', at: new Date(), desktop: { kind: 'timesync', timesync: next } });
  }

  protected readFailed(error: Error): void {
    this.log.debug('could not read systemd-timesyncd', { source: this.name, error: error.message });
  }
}
