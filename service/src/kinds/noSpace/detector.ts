// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// no-space: a program (any program: a full disk is a fact about the machine) or journald itself could not write
// because a file system is full. Tied to the mount that holds the path the line names, else to the program.
import { readFileSync } from 'node:fs';

import { systemErrorIn } from '../../causes/systemError.js';
import { Bursts } from '../../findings/detectors/bursts.js';
import {
  isDaemon,
  isJournal,
  isKernel,
  isServiceManager,
  journalEvidence,
  withoutDmesgTime,
} from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { JournalEntry, WatchEvent } from '../../watch/events.js';

export const NO_SPACE = 'no-space';

/** A full disk makes a program fail on every write: one report per mount (or program) in 10 minutes. */
const QUIET_MS = 10 * 60_000;

// ENOSPC in any runtime's form (the shared errno table: strerror's text, "[Errno 28]", "ENOSPC", "errno=-28"), and
// the words of programs that check free space before they write: OSTree under flatpak ("min-free-space-size 500MB
// would be exceeded"), "not enough disk space".
const FULL_WORDS =
  /\b(?:out of|not enough) (?:free )?(?:disk|storage) space\b|\bmin-free-space-(?:size|percent) \S+ would be exceeded/i;
const full = (text: string) => systemErrorIn(text)?.errno.code === 'ENOSPC' || FULL_WORDS.test(text);
// The kernel names the file system's device: "BTRFS: error (device dm-0 state EA) in …: errno=-28 No space left".
const KERNEL_DEVICE = /\(device ([^)\s]+)/;
// ENOSPC also means a kernel table is full, not a disk: inotify watches ("ENOSPC: System limit for number of file
// watchers reached"), System V semaphores (Apache: "(28)No space left on device: AH00023: Couldn't create the
// proxy mutex") and message queues, cgroups, keyrings; and a USB bus without the bandwidth a device's stream asks
// for (the USB core's -ENOSPC for an isochronous transfer), as a sound server says of the device it could not start
// ("pw.node: (alsa_output.usb-FiiO_…) suspended -> error (Start error: No space left on device)", "snd_pcm_start").
const NOT_A_DISK =
  /inotify|\bwatch(?:es|ers)?\b|\bsem(?:get|aphores?)\b|\bmutex\b|\bmsgget\b|\bmqueue\b|\bcgroup|\bkeyring|\b(?:alsa|bluez)_(?:output|input|card)\.|\bsnd_pcm_\w+|\burb\b/i;
// The absolute paths the line names, quoted or bare; not a URL's "//host", nor a device or kernel file.
const PATHS = /(?:^|[\s'"`(=:[])(\/(?!\/)[^\s'"`:;,)\]]*)/g;
const PSEUDO = /^\/(?:dev|proc|sys)(?:\/|$)/;
// journald's own lines are about the journal's files: "Failed to write entry (23 items, 712 bytes), ignoring: No
// space left on device", "Failed to open system journal: …", "Failed to open runtime journal: …" (in /run).
const RUNTIME_JOURNAL = /\bruntime journal\b/;

/** Mount points from /proc/self/mountinfo (the fifth field, with the kernel's octal escapes undone). */
export function readMountPoints(mountinfo = '/proc/self/mountinfo'): string[] {
  let text: string;
  try {
    text = readFileSync(mountinfo, 'utf8');
  } catch {
    // Without a mount table every path counts as the root's.
    return ['/'];
  }
  return text
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter(Boolean)
    .map((point) => point.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(parseInt(octal, 8))));
}

/** The mount that holds `path`: the longest mount point above it. */
export function mountOf(path: string, mountPoints: readonly string[]): string {
  const above = mountPoints.filter((point) => point === '/' || path === point || path.startsWith(`${point}/`));
  return above.sort((a, b) => b.length - a.length)[0] ?? '/';
}

/** Where journald keeps the journal its line is about: the volatile one in /run, or the persistent one. */
function journalDirectory(text: string): string {
  return RUNTIME_JOURNAL.test(text) ? '/run/log/journal' : '/var/log/journal';
}

/**
 * The first path the line names that is not its writer's own executable: a shell prefixes its errors with the name
 * it was run by ("/bin/sh: 1: cannot create /srv/x: No space left on device"), which says nothing of where it wrote.
 */
function namedPath(text: string, entry: JournalEntry): string | undefined {
  const own = new Set([
    entry.fields._COMM,
    entry.identifier,
    entry.fields._EXE?.slice(entry.fields._EXE.lastIndexOf('/') + 1),
  ]);
  for (const [, path = ''] of text.matchAll(PATHS)) {
    const programPrefix = text.startsWith(`${path}:`) && own.has(path.slice(path.lastIndexOf('/') + 1));
    if (!programPrefix && path !== entry.fields._EXE) return path;
  }
  return undefined;
}

/** The program that wrote the line, by journald's trusted fields. */
function writer(entry: JournalEntry): string {
  if (isKernel(entry)) return 'kernel';
  const exe = entry.fields._EXE;
  return entry.fields._COMM ?? (exe ? exe.slice(exe.lastIndexOf('/') + 1) : (entry.identifier ?? ''));
}

export class NoSpaceDetector implements Detector {
  readonly kinds = [NO_SPACE];
  private readonly reported = new Bursts(QUIET_MS, false);

  /** `mountPoints` is read when a line says a disk is full (rarely): mounts come and go. */
  constructor(private readonly mountPoints: () => readonly string[] = readMountPoints) {}

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const { entry } = event;
    const text = withoutDmesgTime(entry.message);
    if (!full(text) || NOT_A_DISK.test(text)) return [];
    // A service manager's line about a unit's job ("Started x.service - /bin/sh -c \"… || echo 'No space left on
    // device'\"") quotes the unit's description, which is its command line where systemd-run made it: not a write.
    if (isServiceManager(entry) && entry.fields.JOB_TYPE !== undefined) return [];
    const journald = isDaemon(entry, 'systemd-journald');
    const named = namedPath(text, entry) ?? (journald ? journalDirectory(text) : undefined);
    const path = named && !PSEUDO.test(named) ? named : undefined;
    const mount = path ? mountOf(path, this.mountPoints()) : undefined;
    const program = writer(entry);
    const device = isKernel(entry) ? KERNEL_DEVICE.exec(text)?.[1] : undefined;
    const subject = mount ?? device ?? program;
    if (!this.reported.starts(subject, event.at)) return [];
    const title = journald
      ? format(_('The journal could not be written: no space left on {mount}'), { mount: mount ?? '/' })
      : mount
        ? format(_('No space left on {mount}'), { mount })
        : device
          ? format(_('The file system on {device} is full'), { device })
          : format(_('{program} ran out of disk space'), { program: program || _('A program') });
    return [
      {
        report: {
          kind: NO_SPACE,
          severity: 'error',
          subject,
          title,
          evidence: [{ ...journalEvidence(event), ...(path && { path }) }],
          at: event.at,
        },
      },
    ];
  }
}
