// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { FilesystemErrorDetector } from '../../../service/src/kinds/filesystemError/detector.js';
import { journalEvent, reportsOf } from '../../support/journalEvents.js';

const subjects = (message: string) =>
  reportsOf(new FilesystemErrorDetector().detect(journalEvent({ MESSAGE: message, _TRANSPORT: 'kernel' }))).map((r) => [
    r.subject,
    r.title,
  ]);

describe('the filesystem-error detector on newer and pasted wordings', () => {
  it('names the device of a Btrfs 6.x line, whose state follows a colon, with or without the dmesg time', () => {
    for (const message of [
      'BTRFS error (device nvme0n1p5: state E): open_ctree failed',
      '[  184.120547] BTRFS error (device nvme0n1p5: state E): open_ctree failed',
    ])
      expect(subjects(message))
        .withContext(message)
        .toEqual([['nvme0n1p5', 'Btrfs filesystem errors on nvme0n1p5']]);
  });

  // A 6.18 kernel's lines, read by the gym's journald from /dev/kmsg, as ls read a directory block whose checksum
  // failed on a loop device's ext4 mounted errors=remount-ro: the error names the device; what follows does not.
  it('names the device of an ext4 error on a loop device, and not the journal abort and remount after it', () => {
    expect(
      subjects(
        'EXT4-fs error (device loop0): htree_dirblock_to_tree:1051: inode #13: block 1: comm ls: Directory block failed checksum',
      ),
    ).toEqual([['loop0', 'ext4 filesystem errors on loop0']]);
    for (const message of ['Aborting journal on device loop0-8.', 'EXT4-fs (loop0): Remounting filesystem read-only'])
      expect(subjects(message)).withContext(message).toEqual([]);
  });

  it('leaves failing disks to storage-error and mounts alone', () => {
    for (const message of [
      'I/O error, dev sdb, sector 1953521664 op 0x0:(READ) flags 0x80700 phys_seg 1 prio class 2',
      'Buffer I/O error on dev sdb1, logical block 244190208, async page read',
      'EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)',
    ])
      expect(subjects(message)).withContext(message).toEqual([]);
  });
});
