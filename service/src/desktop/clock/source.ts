// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The clock's source: timedated's properties, read at start and whenever timedated comes onto the bus (someone
// asked it something), and followed through its PropertiesChanged signal (it signals NTP when it is switched).
// A desktop event goes out when the state changes. Without timedated (a system without systemd) it stays quiet.
// Only timedated's own signals count (BusStateSource follows its owner), and only of its interface's types.
import { type BusSignal, BusStateSource, type BusStateSourceOptions } from '../busStateSource.js';
import type { ClockState } from './state.js';
import { clockFrom, PROPERTIES, readClock, TIMEDATED, TIMEDATED_PATH } from './timedated.js';

export class TimedatedSource extends BusStateSource {
  #last: ClockState | undefined;

  /** `bus`: the system bus. timedated exits when idle; what changed meanwhile is read when it comes back. */
  constructor(options: BusStateSourceOptions) {
    super(options, TIMEDATED);
  }

  protected signals(): BusSignal[] {
    return [
      [
        { path: TIMEDATED_PATH, interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
        ([iface, changed]) => {
          if (iface === TIMEDATED) this.#report(clockFrom(changed, 'PropertiesChanged', this.#last));
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

  #report(next: ClockState): void {
    const previous = this.#last;
    this.#last = next;
    if (previous && previous.ntp === next.ntp && previous.canNtp === next.canNtp) return;
    this.emit({ type: 'desktop', at: new Date(), desktop: { kind: 'clock', clock: next } });
  }
}
