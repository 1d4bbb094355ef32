// thermal-throttling: the CPU slows itself down because it is too hot
// (arch/x86/kernel/cpu/mce/therm_throt.c).
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { isJournal, isKernel, journalEvidence } from './journal.js';
import { _, format } from '../../i18n.js';

export const THERMAL_THROTTLING = 'thermal-throttling';

// "CPU2: Core temperature above threshold, cpu clock throttled (total events = 31)"
// (with an "mce: " prefix on some kernels; since 5.5: "… temperature is above threshold, cpu clock is throttled …")
const THROTTLED =
  /^(?:mce: )?CPU(\d+): (Core|Package) temperature (?:is )?above threshold, cpu clock (?:is )?throttled/;
// "CPU2: Core temperature/speed normal" (with " (total events = 31)" since 5.5)
const NORMAL = /^(?:mce: )?CPU(\d+): (Core|Package) temperature\/speed normal/;

export class ThermalThrottlingDetector implements Detector {
  readonly kinds = [THERMAL_THROTTLING];
  /** "CPU2 Core", "CPU0 Package": what is throttled now. One finding for the machine, resolved when all are normal. */
  private readonly throttled = new Set<string>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event) || !isKernel(event.entry)) return [];
    const message = event.entry.message;
    const hot = THROTTLED.exec(message);
    if (hot) {
      this.throttled.add(`CPU${hot[1]} ${hot[2]}`);
      const what =
        hot[2] === 'Package'
          ? _('The CPU is overheating and slowed down (CPU package above its temperature limit)')
          : _('The CPU is overheating and slowed down (CPU core {core} above its temperature limit)');
      return [
        {
          report: {
            kind: THERMAL_THROTTLING,
            severity: 'warning',
            subject: '',
            title: format(what, { core: hot[1] ?? '' }),
            evidence: [journalEvidence(event)],
            at: event.at,
          },
        },
      ];
    }
    const normal = NORMAL.exec(message);
    if (!normal || !this.throttled.delete(`CPU${normal[1]} ${normal[2]}`) || this.throttled.size > 0) return [];
    return [{ resolve: { kind: THERMAL_THROTTLING, subject: '', at: event.at } }];
  }
}
