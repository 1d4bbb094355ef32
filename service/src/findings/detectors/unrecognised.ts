// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// unrecognised-errors: error lines that no other detector claims, grouped by
// program and message template (templateMiner.ts); a burst of one template
// becomes one finding that says what was seen. Playbooks propose nothing for
// it: only the advisor may, from the catalog.
import { systemErrorIn } from '../../causes/systemError.js';
import { probeDeferred } from '../../desktop/componentLines.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput, Evidence } from '../types.js';
import { isJournal, journalEvidence } from './journal.js';
import { type Template, TemplateMiner, type TemplateMinerOptions, templateText } from './templateMiner.js';

export const UNRECOGNISED_ERRORS = 'unrecognised-errors';

/** syslog's err: emerg, alert, crit and err are errors. */
const ERROR_PRIORITY = 3;
// The kernel's own marks for firmware defects (printk.h's FW_BUG/FW_WARN/FW_INFO,
// ACPICA's BIOS error prefix): nothing on the machine can act on them.
const FIRMWARE = /^(?:\[Firmware (?:Bug|Warn|Info)\]|ACPI (?:BIOS )?(?:Error|Exception|Warning))/;

// A kernel tunable under /proc/sys, named in a line.
const PROC_SYS = /(?<![\w./-])\/proc\/sys\//;

/**
 * A write to a kernel tunable refused with EROFS: the kernel's own /proc/sys takes root's writes on any machine, so only
 * a read-only mount of it refuses them so, one a container's manager made (systemd-nspawn, podman, docker) or a unit's
 * ProtectKernelTunables=. systemd itself takes a read-only /proc/sys as not its to tune (systemd-sysctl.service's
 * ConditionPathIsReadWrite=/proc/sys/): NetworkManager's "sysctl: failed to open '/proc/sys/net/ipv6/conf/eth0/…':
 * (30) Read-only file system" in a container is how that machine is made, nothing to fix on it.
 */
function tunableOfReadOnlyMount(message: string): boolean {
  return PROC_SYS.test(message) && systemErrorIn(message)?.errno.code === 'EROFS';
}

export interface UnrecognisedOptions {
  /** Lines of one template that make a burst… */
  burst?: number;
  /** …within this many milliseconds. */
  windowMs?: number;
  miner?: Omit<TemplateMinerOptions, 'maxRecent'>;
}

export class UnrecognisedErrorsDetector implements Detector {
  readonly kinds = [UNRECOGNISED_ERRORS];
  readonly runsLast = true;
  private readonly miner: TemplateMiner;
  private readonly burst: number;
  private readonly windowMs: number;

  constructor(options: UnrecognisedOptions = {}) {
    this.burst = options.burst ?? 5;
    this.windowMs = options.windowMs ?? 10 * 60_000;
    // One time more than a burst: the line before tells whether this one starts the burst.
    this.miner = new TemplateMiner({ ...options.miner, maxRecent: this.burst + 1 });
  }

  /** The miner's size, for the bench. */
  get templates(): number {
    return this.miner.size;
  }

  detect(event: WatchEvent, claimed = false): DetectorOutput[] {
    if (claimed || !isJournal(event)) return [];
    const { entry } = event;
    if (entry.priority === undefined || entry.priority > ERROR_PRIORITY) return [];
    // Trusted fields only: SYSLOG_IDENTIFIER is whatever the process chose to call itself.
    const kernel = entry.transport === 'kernel';
    if (kernel && FIRMWARE.test(entry.message)) return [];
    // EPROBE_DEFER: the driver core probes the device again once what it waits for has registered; a board logs it
    // on each try at boot, and the driver's own error says when its device did not come up.
    if (kernel && probeDeferred(entry.message)) return [];
    if (tunableOfReadOnlyMount(entry.message)) return [];
    const program = kernel ? 'kernel' : entry.fields._COMM;
    if (!program) return [];
    const template = this.miner.add(program, entry.message, event.at.getTime());
    if (!this.inBurst(template.recent.slice(-this.burst))) return [];
    const starts = !this.inBurst(template.recent.slice(0, -1));
    const evidence: Evidence[] = starts ? this.summary(template, event.at) : [];
    return [
      {
        report: {
          kind: UNRECOGNISED_ERRORS,
          severity: 'warning',
          subject: program,
          title: format(_('Unrecognised errors from {program}'), { program }),
          evidence: [...evidence, journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }

  private inBurst(times: number[]): boolean {
    return times.length >= this.burst && Math.max(...times) - Math.min(...times) <= this.windowMs;
  }

  /** The template with its count, and the lines before this one as examples. */
  private summary(template: Template, at: Date): Evidence[] {
    const text = format(_('{count} errors in {minutes} minutes like: {template}'), {
      count: this.burst,
      minutes: Math.round(this.windowMs / 60_000),
      template: templateText(template),
    });
    return [text, ...template.examples.slice(0, -1)].map((line) => ({ kind: 'text', text: line, at }));
  }
}
