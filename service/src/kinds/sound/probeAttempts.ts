// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A kernel sound driver's error while its device is probed, held until that probe is seen not to be put off. A probe
// that returns EPROBE_DEFER is tried again once what the driver waits for (a codec, a clock, a DAI) has registered,
// and what the driver logged on the way belongs to that attempt, not to a device that failed: Linux's dev_err_probe()
// keeps such errors out of the log for that reason, and drivers that print before it or predate it log them at err on
// boots whose card then comes up ("snow-audio sound: Failed parsing codec node", then "ASoC: failed to instantiate
// card -517"). The driver core's "deferred probe pending" once the boot's probing is over (lines.ts) says when the
// device never came up.
import { kernelComponentOf, probeDeferred } from '../../desktop/componentLines.js';
import { type JournalEvent, kernelText } from '../../findings/detectors/journal.js';
import { type DetectorOutput, earliestDeadline, type HeldOutput } from '../../findings/types.js';
import type { JournalEntry } from '../../watch/events.js';

/**
 * How long a driver's error waits for its probe to be put off. The driver returns EPROBE_DEFER from the call that
 * logged the error and the driver core's line follows at once; the rest is the journal's reading of the kernel's.
 */
export const PROBE_WAIT_MS = 5_000;

// The driver core's own note of a deferral (drivers/base/dd.c, really_probe; info before Linux 3.x's move to debug):
// "platform sound: Driver imx-sgtl5000 requests probe deferral", the device under its bus, the driver by its name.
const DEFERRAL_REQUESTED = /^[\w.-]+ ([\w.:@-]+): Driver ([\w.-]+) requests probe deferral$/;

interface Held {
  event: JournalEvent;
  outputs: DetectorOutput[];
  /** When its wait ends on this machine's clock. */
  until: number;
}

/** The probe a kernel line is about (its driver and its device), and whether the line puts that probe off. */
function probeOf(entry: JournalEntry): { probe: string; deferred: boolean } | null {
  const requested = DEFERRAL_REQUESTED.exec(kernelText(entry));
  if (requested) return { probe: `${requested[2]} ${requested[1]}`, deferred: true };
  const component = kernelComponentOf(entry);
  return component
    ? { probe: `${component.driver} ${component.device}`, deferred: probeDeferred(component.rest) }
    : null;
}

export class ProbeAttempts {
  private readonly held = new Map<string, Held[]>();

  /** Keeps what the driver's line raised until its probe is seen not to be put off; false where it names none. */
  hold(event: JournalEvent, outputs: DetectorOutput[]): boolean {
    const probe = probeOf(event.entry)?.probe;
    if (probe === undefined) return false;
    const held = this.held.get(probe) ?? [];
    held.push({ event, outputs, until: Date.now() + PROBE_WAIT_MS });
    this.held.set(probe, held);
    return true;
  }

  /** Drops what the device's probe raised where the line puts that probe off. */
  forgetDeferred(entry: JournalEntry): void {
    const line = probeOf(entry);
    if (line?.deferred) this.held.delete(line.probe);
  }

  /** What waited its time by the journal's clock, told at a later line (`at`, ms). */
  due(at: number): DetectorOutput[] {
    return this.release((held) => at - held.event.at.getTime() >= PROBE_WAIT_MS).map(({ output }) => output);
  }

  heldUntil(): number | undefined {
    return earliestDeadline([...this.held.values()].flat());
  }

  /** What waited its time on this machine's clock, though the journal fell silent. */
  expire(now: number): HeldOutput[] {
    return this.release((held) => held.until <= now);
  }

  private release(over: (held: Held) => boolean): HeldOutput[] {
    const released: HeldOutput[] = [];
    for (const [probe, list] of this.held) {
      const left = list.filter((held) => {
        if (!over(held)) return true;
        for (const output of held.outputs) released.push({ event: held.event, output });
        return false;
      });
      if (left.length > 0) this.held.set(probe, left);
      else this.held.delete(probe);
    }
    return released;
  }
}
