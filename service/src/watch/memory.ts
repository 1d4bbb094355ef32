// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Logger } from '../logging.js';
import type { EventSource, WatchEvent } from './events.js';
import { findSessionCgroup, type SessionCgroup } from './sessionCgroup.js';

export interface MemoryPressureOptions {
  path?: string;
  intervalMs?: number;
  /** The session cgroup to watch too; found from /proc/self when left out, none when null. */
  session?: SessionCgroup | null;
  /**
   * Where the desktop warns of low memory (lowMemoryMonitor.ts): subscribes the handlers for good, and resolves
   * with whether warnings come now and what unsubscribes. While they come, the files are read only from a warning
   * until the pressure is gone; while they do not (the daemon is not running), at the interval.
   */
  warnings?: LowMemoryWarnings;
  log: Logger;
}

export type LowMemoryWarnings = (handlers: {
  warned: () => void;
  /** The warnings stopped (their daemon left the bus): the files are read at the interval again. */
  gone: () => void;
  /** The warnings come again (their daemon is back on the bus): the files are read on them again. */
  back: () => void;
}) => Promise<{ running: boolean; stop: () => Promise<void> }>;

/** Below this share of stalled time ("some avg10", in percent) pressure is gone, and so is the reason to read. */
const CALM_SOME_AVG10 = 1;

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

/** A pressure file polled: the whole machine's, or the session cgroup's (`unit` set). */
interface Gauge {
  path: string;
  unit?: string;
  last?: MemoryPressure;
  failing: boolean;
}

/**
 * Reads /proc/pressure/memory, and the memory.pressure of the user's session cgroup, and emits `memoryPressure`
 * for each: at an interval, or, where the desktop warns of low memory, from a warning until the pressure is gone;
 * silent where the kernel has no PSI. Node cannot wait on a PSI trigger itself (poll(2) for POLLPRI), so the
 * warnings of a daemon that does are what makes it event-driven.
 */
export class MemoryPressureSource implements EventSource {
  readonly name = 'memoryPressure';
  /** Whether the kernel reports memory pressure; known once started. */
  available = false;
  private readonly path: string;
  private readonly intervalMs: number;
  private gauges: Gauge[] = [];
  private emit?: (event: WatchEvent) => void;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private unsubscribe: (() => Promise<void>) | null = null;
  /** Whether the desktop's warnings come now. */
  private warned = false;

  constructor(private readonly options: MemoryPressureOptions) {
    this.path = options.path ?? '/proc/pressure/memory';
    this.intervalMs = options.intervalMs ?? 10_000;
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    const session = this.options.session === undefined ? await findSessionCgroup() : this.options.session;
    // The session's first: the machine's pressure is judged knowing whether the session's accounts for it.
    const candidates: Gauge[] = [
      ...(session ? [{ path: join(session.directory, 'memory.pressure'), unit: session.unit, failing: false }] : []),
      { path: this.path, failing: false },
    ];
    const firsts = await Promise.all(
      candidates.map(async (gauge) => ({
        gauge,
        pressure: await read(gauge.path).catch((error: Error) => {
          // No PSI (CONFIG_PSI off, or psi=0 on the kernel command line), or no cgroup2: nothing to watch there.
          this.options.log.info('memory pressure is not available', { path: gauge.path, reason: error.message });
          return undefined;
        }),
      })),
    );
    const readable = firsts.filter(
      (first): first is { gauge: Gauge; pressure: MemoryPressure } => first.pressure !== undefined,
    );
    this.gauges = readable.map(({ gauge }) => gauge);
    this.available = this.gauges.length > 0;
    if (!this.available) return;
    this.emit = emit;
    // Subscribed before the first report, so that no warning falls between the two.
    const warnings = await this.options.warnings?.({
      warned: () => this.readNow(),
      gone: () => {
        this.warned = false;
        this.readNow();
      },
      back: () => {
        this.warned = true;
        // What the pressure is now; from here on the warnings say when to read.
        this.readNow();
      },
    });
    this.unsubscribe = warnings?.stop ?? null;
    this.warned = warnings?.running ?? false;
    for (const { gauge, pressure } of readable) this.report(gauge, pressure);
    this.readNext();
  }

  async stop(): Promise<void> {
    this.emit = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.unsubscribe?.();
    this.unsubscribe = null;
    this.warned = false;
    await this.polling;
  }

  /** Whether the files are read on the desktop's warnings rather than at the interval. */
  get readsOnWarning(): boolean {
    return this.warned;
  }

  /** Whether a read is under way or due: with warnings, only while pressure lasts. */
  get reading(): boolean {
    return this.timer !== undefined || this.polling !== undefined;
  }

  /** Reads at the interval, or, with warnings to wake it, only while pressure lasts. */
  private readNext(): void {
    if (!this.emit) return;
    const calm = this.gauges.every((gauge) => (gauge.last?.someAvg10 ?? 0) < CALM_SOME_AVG10);
    if (this.readsOnWarning && calm) return;
    this.timer = setTimeout(() => this.readNow(), this.intervalMs);
  }

  private readNow(): void {
    if (!this.emit || this.polling) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.polling = this.pollInOrder().finally(() => {
      this.polling = undefined;
      this.readNext();
    });
  }

  private async pollInOrder(): Promise<void> {
    for (const gauge of this.gauges) await this.poll(gauge);
  }

  private async poll(gauge: Gauge): Promise<void> {
    try {
      const pressure = await read(gauge.path);
      gauge.failing = false;
      this.report(gauge, pressure);
    } catch (error) {
      if (!gauge.failing) {
        this.options.log.warning('cannot read memory pressure', { path: gauge.path, reason: (error as Error).message });
      }
      gauge.failing = true;
    }
  }

  private report(gauge: Gauge, pressure: MemoryPressure): void {
    // An idle desktop reads 0.00 for hours: only a change is news, and saying nothing keeps idle cost down.
    const last = gauge.last;
    if (last && last.someAvg10 === pressure.someAvg10 && last.fullAvg10 === pressure.fullAvg10) return;
    gauge.last = pressure;
    this.emit?.({
      type: 'memoryPressure',
      at: new Date(),
      ...pressure,
      path: gauge.path,
      ...(gauge.unit !== undefined && { unit: gauge.unit }),
    });
  }
}

async function read(path: string): Promise<MemoryPressure> {
  return parsePressure(await readFile(path, 'utf8'));
}
