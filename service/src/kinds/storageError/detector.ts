// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// storage-error: the kernel reports a disk failing to read or write, or a drive or its link going away.
import { Bursts } from '../../findings/detectors/bursts.js';
import { isJournal, isKernel, journalEvidence, withoutDmesgTime } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput, Severity } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const STORAGE_ERROR = 'storage-error';

/** Lines of one incident come within seconds; a disk quiet this long and failing again is a new burst. */
const BURST_QUIET_MS = 60_000;

interface Pattern {
  /** Captures the device (ata1.00, sda, sdb1, nvme0) in group 1. */
  regex: RegExp;
  severity: Severity;
  title: (device: string) => string;
}

const diskErrors = (device: string) => format(_('Disk errors on {device}'), { device });
const unreadable = (device: string) => format(_('{device} could not read or write some of its data'), { device });
const nvmeSlow = (device: string) => format(_('NVMe drive {device} stopped answering in time'), { device });
const nvmeGone = (device: string) => format(_('NVMe drive {device} stopped responding'), { device });

// Kernel wording, with the sources that print it: drivers/ata/libata-eh.c, drivers/scsi/scsi_logging.c and
// constants.c, block/blk-core.c (the "blk_update_request: " and "print_req_error: " prefixes of 4.x and 5.x
// kernels, none since 5.13), fs/buffer.c, drivers/nvme/host/pci.c and core.c.
const PATTERNS: Pattern[] = [
  // "ata1.00: error: { UNC }": an uncorrectable read, the medium itself.
  { regex: /^(ata\d+)(?:\.\d+)?: error: \{[^}]*\bUNC\b/, severity: 'critical', title: unreadable },
  // The exception and status lines alone are not enough: a drive refusing a SET FEATURES at boot writes them
  // too ("exception Emask 0x0 … action 0x0", "res 51/04:…", then "configured for UDMA/133"). A failed read or
  // write, a bad cable's CRC errors, a link's transmission errors (not a hot-plug's PHYRdyChg or CommWake) and a
  // link that needs resetting are.
  {
    regex:
      /^(ata\d+)(?:\.\d+)?: (?:failed command: (?:READ|WRITE|FLUSH|VERIFY|SEND FPDMA|RECEIVE FPDMA)|error: \{[^}]*\b(?:ICRC|IDNF|AMNF)\b|SError: \{[^}]*\b(?:UnrecovData|BadCRC|Handshk|LinkSeq|TrStaTrns|UnrecFIS|10B8B|Dispar|HostInt)\b|irq_stat 0x[0-9a-f]+, interface fatal error|hard resetting link|COMRESET failed|limiting SATA link speed)/,
    severity: 'error',
    title: diskErrors,
  },
  // "sd 0:0:0:0: [sda] tag#0 Sense Key : Medium Error [current]", "… Add. Sense: Unrecovered read error";
  // older kernels put two spaces before "Add. Sense" and no tag.
  {
    regex:
      /^sd [\d:]+: \[(\w+)\]\s+(?:tag#\d+\s+)?(?:Sense Key : (?:Medium|Hardware) Error|Add\. Sense: (?:Unrecovered read error|Write error|Read error|Id CRC or ECC error))/,
    severity: 'critical',
    title: unreadable,
  },
  // "I/O error, dev sda, sector 12345 op 0x0:(READ) …" and its siblings from the block layer's error table.
  {
    regex:
      /^(?:(?:blk_update_request|print_req_error): )?(?:I\/O|critical medium|critical target|critical nexus|recoverable transport|timeout) error, dev (\w+), sector \d+/,
    severity: 'critical',
    title: unreadable,
  },
  // "Buffer I/O error on dev sda1, logical block 123, async page read"; before 3.x: "on device sda1".
  { regex: /^Buffer I\/O error on dev(?:ice)? ([^\s,]+),? logical block \d+/, severity: 'critical', title: unreadable },
  // "nvme nvme0: I/O 123 QID 4 timeout, aborting"; 6.x: "I/O tag 123 (0000) opcode 0x2 (Read) QID 4 timeout, …".
  { regex: /^nvme (nvme\d+): I\/O (?:tag )?\d+ .*?QID \d+ timeout/, severity: 'error', title: nvmeSlow },
  {
    regex:
      /^nvme (nvme\d+): (?:controller is down; will reset|Removing after probe failure|Device not ready; aborting (?:reset|initiali[sz]ation)|Disabling device after reset failure)/,
    severity: 'critical',
    title: nvmeGone,
  },
];

// A floppy drive a virtual machine emulates and an empty optical drive fail every read: no disk is failing.
const NOT_A_DISK = /^(?:fd|sr)\d+$/;

/** The disk a device name belongs to: "ata1.00" → "ata1", "sdb1" → "sdb", "nvme0n1p2" → "nvme0", "loop3p1" → "loop3". */
export function diskOf(device: string): string {
  const named =
    /^(ata\d+)\.\d+$/.exec(device) ??
    // A namespace belongs to its controller, which the driver's own lines name.
    /^(nvme\d+)(?:c\d+)?n\d+(?:p\d+)?$/.exec(device) ??
    /^((?:mmcblk|loop)\d+)p\d+$/.exec(device) ??
    /^((?:sd|vd|xvd|hd)[a-z]+)\d+$/.exec(device);
  return named?.[1] ?? device;
}

export class StorageErrorDetector implements Detector {
  readonly kinds = [STORAGE_ERROR];
  private readonly bursts = new Bursts(BURST_QUIET_MS);
  /** Bursts that already reported lost data, so that a burst reports again only when it gets worse. */
  private readonly criticalBursts = new Bursts(BURST_QUIET_MS);

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event) || !isKernel(event.entry)) return [];
    const text = withoutDmesgTime(event.entry.message);
    for (const { regex, severity, title } of PATTERNS) {
      const named = regex.exec(text)?.[1];
      if (!named) continue;
      const device = diskOf(named);
      if (NOT_A_DISK.test(device)) return [];
      const fresh = this.bursts.starts(device, event.at);
      const worse = severity === 'critical' && this.criticalBursts.starts(device, event.at);
      if (!fresh && !worse) return [];
      return [
        {
          report: {
            kind: STORAGE_ERROR,
            severity,
            subject: device,
            title: title(device),
            evidence: [journalEvidence(event)],
            at: event.at,
          },
        },
      ];
    }
    return [];
  }
}
