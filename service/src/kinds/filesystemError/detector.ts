// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// filesystem-error: the kernel reports a damaged file system. (A disk failing to read or write is storage-error's.)
import { isJournal, isKernel, journalEvidence, withoutDmesgTime } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const FILESYSTEM_ERROR = 'filesystem-error';

interface Pattern {
  regex: RegExp;
  title: (device: string) => string;
}

// Each regex captures the device in group 1. Kernel wording: fs/ext4/super.c,
// fs/btrfs/messages.c ("BTRFS error (device sda2 state EA): …" since 6.x),
// fs/xfs/xfs_message.c and xfs_buf.c.

const PATTERNS: Pattern[] = [
  {
    regex: /^EXT4-fs error \(device ([^)\s]+)\)/,
    title: (device) => format(_('ext4 filesystem errors on {device}'), { device }),
  },
  {
    // "(device nvme0n1p5: state E)" since 6.x: the device ends at the colon.
    regex: /^BTRFS (?:error|critical) \(device ([^)\s:]+)/,
    title: (device) => format(_('Btrfs filesystem errors on {device}'), { device }),
  },
  {
    regex:
      /^XFS \(([^)\s]+)\): (?:metadata I\/O error|Corruption detected|Metadata corruption detected|Corruption of in-memory data)/,
    title: (device) => format(_('XFS filesystem errors on {device}'), { device }),
  },
];

export class FilesystemErrorDetector implements Detector {
  readonly kinds = [FILESYSTEM_ERROR];

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event) || !isKernel(event.entry)) return [];
    for (const { regex, title } of PATTERNS) {
      const device = regex.exec(withoutDmesgTime(event.entry.message))?.[1];
      if (!device) continue;
      return [
        {
          report: {
            kind: FILESYSTEM_ERROR,
            severity: 'critical',
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
