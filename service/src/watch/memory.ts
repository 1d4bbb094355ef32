// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readFile } from 'node:fs/promises';

import type { Logger } from '../logging.js';
import type { EventSource, WatchEvent } from './events.js';

export interface MemoryPressureOptions {
  path?: string;
  intervalMs?: number;
  log: Logger;
}

export interface MemoryPressure {
  /** Share of the last 10 s in which some task stalled on memory, in percent. */
  someAvg10: number;
  /** Share of the last 10 s in which all non-idle tasks stalled on memory, in percent. */
  fullAvg10: number;
}

/** Parses a PSI file ("some avg10=0.00 avg60=… total=…" and "full avg10=…" lines). */
export function parsePressure(text: string): MemoryPressure {
  const avg10 = (kind: string): number | undefined => {
    const match = new RegExp(`^${kind}\\s.*\\bavg10=([0-9.]+)`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const someAvg10 = avg10('some');
  if (someAvg10 === undefined) throw new Error(`not a pressure file: ${JSON.stringify(text.slice(0, 80))}`);
  // Kernels before 5.13 may lack the "full" line for some resources.
  return { someAvg10, fullAvg10: avg10('full') ?? 0 };
}

/** Reads /proc/pressure/memory at an interval and emits `memoryPressure`; silent where the kernel has no PSI. */
export class MemoryPressureSource implements EventSource {
  readonly name = 'memoryPressure';
  /** Whether the kernel reports memory pressure; known once started. */
  available = false;
  private readonly path: string;
  private readonly intervalMs: number;
  private emit?: (event: WatchEvent) => void;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private failing = false;
  private last?: MemoryPressure;

  constructor(private readonly options: MemoryPressureOptions) {
    this.path = options.path ?? '/proc/pressure/memory';
    this.intervalMs = options.intervalMs ?? 10_000;
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    const first = await this.read().catch((error: Error) => {
      // No PSI (CONFIG_PSI off, or psi=0 on the kernel command line): nothing to watch.
      this.options.log.info('memory pressure is not available', { path: this.path, reason: error.message });
      return undefined;
    });
    this.available = first !== undefined;
    if (!first) return;
    this.emit = emit;
    this.last = undefined;
    this.report(first);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.emit = undefined;
    clearTimeout(this.timer);
    await this.polling;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.polling = this.read()
        .then(
          (pressure) => {
            this.failing = false;
            this.report(pressure);
          },
          (error: Error) => {
            if (!this.failing) this.options.log.warning('cannot read memory pressure', { reason: error.message });
            this.failing = true;
          },
        )
        .finally(() => {
          this.polling = undefined;
          if (this.emit) this.schedule();
        });
    }, this.intervalMs);
  }

  private async read(): Promise<MemoryPressure> {
    return parsePressure(await readFile(this.path, 'utf8'));
  }

  private report(pressure: MemoryPressure): void {
    // An idle desktop reads 0.00 for hours: only a change is news, and saying nothing keeps idle cost down.
    const last = this.last;
    if (last && last.someAvg10 === pressure.someAvg10 && last.fullAvg10 === pressure.fullAvg10) return;
    this.last = pressure;
    this.emit?.({ type: 'memoryPressure', at: new Date(), ...pressure });
  }
}
