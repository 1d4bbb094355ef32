// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// thermal-throttling: the CPU slows itself down because it is too hot
// (arch/x86/kernel/cpu/mce/therm_throt.c), a GPU runs past its temperature
// range, or the kernel shuts the machine down at a critical temperature.
import {
  isJournal,
  isKernel,
  isRootProgram,
  type JournalEvent,
  journalEvidence,
  kernelText,
} from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput, Severity } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const THERMAL_THROTTLING = 'thermal-throttling';

// "CPU2: Core temperature above threshold, cpu clock throttled (total events = 31)", with an "mce: " prefix on
// some kernels, "CPU clock" on others; kernels before 2.6.36 name neither core nor package: "CPU1: Temperature
// above threshold, cpu clock throttled (total events = 6836)".
const THROTTLED =
  /^(?:mce: )?CPU(\d+): (?:(Core|Package) )?temperature (?:is )?above threshold, cpu clock (?:is )?throttled/i;
// "CPU2: Core temperature/speed normal" (with " (total events = 31)" on newer kernels)
const NORMAL = /^(?:mce: )?CPU(\d+): (?:(Core|Package) )?temperature\/speed normal/i;
// mcelog decoding the same machine check: "Processor 1 heated above trip temperature. Throttling enabled." and
// "Processor 1 below trip temperature. Throttling disabled"
const MCELOG_THROTTLED = /^Processor (\d+) heated above trip temperature\. Throttling enabled/;
const MCELOG_NORMAL = /^Processor (\d+) below trip temperature\. Throttling disabled/;
// The thermal core before 5.12: "thermal thermal_zone3: critical temperature reached (80 C), shutting down";
// since: "thermal thermal_zone0: acpitz: critical temperature reached"; the ACPI thermal driver: "Critical
// temperature reached (100 C), shutting down."; the shutdown itself (5.17+): "reboot: HARDWARE PROTECTION shutdown
// (Temperature too high)".
const CRITICAL =
  /(?:^|: )critical temperature reached(?: \((-?\d+) C\))?|HARDWARE PROTECTION shutdown \(Temperature too high\)/i;
// amdgpu: "amdgpu: [powerplay] GPU over temperature range detected on PCIe 0:0.0!" and, on SMU 11+, "amdgpu
// 0000:03:00.0: amdgpu: ERROR: GPU over temperature range(SW CTF) detected!"
const GPU_HOT = /\bGPU over temperature range/;

export class ThermalThrottlingDetector implements Detector {
  readonly kinds = [THERMAL_THROTTLING];
  /** "CPU2 Core", "CPU0 Package": what is throttled now. One finding for the machine, resolved when all are normal. */
  private readonly throttled = new Set<string>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    if (event.entry.identifier === 'mcelog' && isRootProgram(event.entry, 'mcelog')) return this.mcelog(event);
    if (!isKernel(event.entry)) return [];
    const message = kernelText(event.entry);
    const hot = THROTTLED.exec(message);
    if (hot) return this.throttle(event, hot[1] ?? '', hot[2] ?? 'Core');
    const critical = CRITICAL.exec(message);
    if (critical) {
      const title = critical[1]
        ? format(_('The computer is shutting down because it overheated ({temperature} °C)'), {
            temperature: critical[1],
          })
        : _('The computer is shutting down because it overheated');
      return report(event, 'critical', title);
    }
    if (GPU_HOT.test(message)) return report(event, 'warning', _('The graphics card is overheating'));
    const normal = NORMAL.exec(message);
    return normal ? this.cool(event, `CPU${normal[1]} ${normal[2] ?? 'Core'}`) : [];
  }

  private mcelog(event: JournalEvent): DetectorOutput[] {
    const hot = MCELOG_THROTTLED.exec(event.entry.message);
    if (hot) return this.throttle(event, hot[1] ?? '', 'Core');
    const normal = MCELOG_NORMAL.exec(event.entry.message);
    return normal ? this.cool(event, `CPU${normal[1]} Core`) : [];
  }

  private throttle(event: JournalEvent, cpu: string, part: string): DetectorOutput[] {
    this.throttled.add(`CPU${cpu} ${part}`);
    const what =
      part === 'Package'
        ? _('The CPU is overheating and slowed down (CPU package above its temperature limit)')
        : _('The CPU is overheating and slowed down (CPU core {core} above its temperature limit)');
    return report(event, 'warning', format(what, { core: cpu }));
  }

  private cool(event: JournalEvent, part: string): DetectorOutput[] {
    if (!this.throttled.delete(part) || this.throttled.size > 0) return [];
    return [{ resolve: { kind: THERMAL_THROTTLING, subject: '', at: event.at } }];
  }
}

function report(event: JournalEvent, severity: Severity, title: string): DetectorOutput[] {
  return [
    {
      report: {
        kind: THERMAL_THROTTLING,
        severity,
        subject: '',
        title,
        evidence: [journalEvidence(event)],
        at: event.at,
      },
    },
  ];
}
