// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { diskOf, StorageErrorDetector } from '../../../service/src/kinds/storageError/detector.js';
import { journalEvent, journalEvents, reportsOf, runDetector } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;

/** A kernel log line `seconds` after the start, as journald stores it (_TRANSPORT=kernel). */
const kernel = (message: string, seconds = 0) =>
  journalEvent({
    MESSAGE: message,
    _TRANSPORT: 'kernel',
    SYSLOG_IDENTIFIER: 'kernel',
    __REALTIME_TIMESTAMP: String(START_US + seconds * 1_000_000),
  });

/** [subject, severity] of what a fresh detector reports for one line. */
const verdict = (message: string) =>
  reportsOf(new StorageErrorDetector().detect(kernel(message))).map((r) => [r.subject, r.severity]);

describe('the storage-error detector', () => {
  it('reports each disk once per burst, worse when the burst lost data', () => {
    const reports = reportsOf(runDetector(new StorageErrorDetector(), journalEvents('filesystem-error')));
    expect(reports.map((r) => [r.kind, r.subject, r.severity, r.title])).toEqual([
      ['storage-error', 'ata1', 'error', 'Disk errors on ata1'],
      ['storage-error', 'sdb', 'critical', 'sdb could not read or write some of its data'],
      ['storage-error', 'sdc', 'critical', 'sdc could not read or write some of its data'],
    ]);
    expect(reports[1]!.evidence[0]!.text).toBe('sd 0:0:0:0: [sdb] tag#18 Sense Key : Medium Error [current]');
  });

  it('reads libata, SCSI, block-layer and NVMe lines of several kernel versions', () => {
    const lines: [string, string, string][] = [
      ['ata1.00: failed command: READ FPDMA QUEUED', 'ata1', 'error'],
      ['ata3.00: failed command: WRITE DMA EXT', 'ata3', 'error'],
      ['ata1.00: error: { ICRC ABRT }', 'ata1', 'error'],
      ['ata1: SError: { UnrecovData Proto 10B8B BadCRC TrStaTrns }', 'ata1', 'error'],
      ['ata1.00: irq_stat 0x08000000, interface fatal error', 'ata1', 'error'],
      ['ata1.00: error: { UNC }', 'ata1', 'critical'],
      ['ata2: hard resetting link', 'ata2', 'error'],
      ['sd 0:0:0:0: [sda] tag#0 Sense Key : Medium Error [current]', 'sda', 'critical'],
      ['sd 0:0:0:0: [sda] tag#0 Add. Sense: Unrecovered read error - auto reallocate failed', 'sda', 'critical'],
      // Kernels before 4.x: no tag, two spaces.
      ['sd 0:0:0:0: [sda]  Add. Sense: Unrecovered read error', 'sda', 'critical'],
      ['sd 0:0:0:0: [sda] Sense Key : Medium Error [current] [descriptor]', 'sda', 'critical'],
      ['blk_update_request: I/O error, dev sda, sector 12345', 'sda', 'critical'],
      ['print_req_error: I/O error, dev sdb, sector 2048', 'sdb', 'critical'],
      ['blk_update_request: critical medium error, dev sdc, sector 976754432', 'sdc', 'critical'],
      ['I/O error, dev sda, sector 12345 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0', 'sda', 'critical'],
      [
        'I/O error, dev nvme0n1, sector 3467264 op 0x1:(WRITE) flags 0x8800 phys_seg 2 prio class 2',
        'nvme0',
        'critical',
      ],
      ['Buffer I/O error on dev sda1, logical block 244190208, async page read', 'sda', 'critical'],
      ['Buffer I/O error on device sdb1, logical block 0', 'sdb', 'critical'],
      ['nvme nvme0: I/O 123 QID 4 timeout, aborting', 'nvme0', 'error'],
      [
        'nvme nvme1: I/O tag 960 (43c0) opcode 0x2 (Read) QID 3 timeout, aborting req_op:READ(0) size:4096',
        'nvme1',
        'error',
      ],
      ['nvme nvme0: I/O 5 QID 0 timeout, reset controller', 'nvme0', 'error'],
      ['nvme nvme0: controller is down; will reset: CSTS=0xffffffff, PCI_STATUS=0x10', 'nvme0', 'critical'],
      ['nvme nvme0: controller is down; will reset: CSTS=0xffffffff, PCI_STATUS=0xffff', 'nvme0', 'critical'],
      ['nvme nvme0: Removing after probe failure status: -19', 'nvme0', 'critical'],
      ['nvme nvme0: Device not ready; aborting reset, CSTS=0x1', 'nvme0', 'critical'],
      ['nvme nvme0: Disabling device after reset failure: -19', 'nvme0', 'critical'],
    ];
    for (const [line, subject, severity] of lines) {
      expect(verdict(line))
        .withContext(line)
        .toEqual([[subject, severity]]);
      // As pasted from dmesg, with its time stamp.
      expect(verdict(`[  603.860958] ${line}`))
        .withContext(`dmesg: ${line}`)
        .toEqual([[subject, severity]]);
    }
  });

  it('reads the block layer’s lines of a loop device whose file fails its reads (this kernel, 6.18, seen in the gym)', () => {
    // A direct read (dd iflag=direct), then a buffered one, of sectors of a loop device whose backing file is on a
    // FUSE file system that answers EIO for them (test/gym/scenarios/storage-io-error.json).
    const lines = [
      'I/O error, dev loop0, sector 8192 op 0x0:(READ) flags 0x800 phys_seg 1 prio class 2',
      'I/O error, dev loop0, sector 8192 op 0x0:(READ) flags 0x80700 phys_seg 1 prio class 2',
      'I/O error, dev loop0, sector 8192 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 2',
      'Buffer I/O error on dev loop0, logical block 1024, async page read',
    ];
    for (const line of lines)
      expect(verdict(line))
        .withContext(line)
        .toEqual([['loop0', 'critical']]);
    const reports = reportsOf(
      runDetector(
        new StorageErrorDetector(),
        lines.map((line) => kernel(line)),
      ),
    );
    expect(reports.map((r) => [r.subject, r.title])).toEqual([
      ['loop0', 'loop0 could not read or write some of its data'],
    ]);
    expect(reports[0]!.evidence[0]!.text).toBe(lines[0]!);
    // A partitioned loop device's buffered reads name the partition; the block layer, the whole device.
    expect(verdict('Buffer I/O error on dev loop3p1, logical block 0, async page read')).toEqual([
      ['loop3', 'critical'],
    ]);
  });

  it('stays silent on healthy disks, empty drives and other programs', () => {
    const quiet = [
      // A drive refusing a SET FEATURES at boot: the exception and its status, then configured as usual.
      'ata1.00: exception Emask 0x0 SAct 0x0 SErr 0x0 action 0x0',
      'ata1.00: status: { DRDY ERR }',
      'ata1.00: error: { ABRT }',
      // A disk plugged in.
      'ata2: SError: { PHYRdyChg CommWake }',
      'ata1: SATA link up 6.0 Gbps (SStatus 133 SControl 300)',
      'ata1.00: configured for UDMA/133',
      'ata1: EH complete',
      'sd 0:0:0:0: [sda] 1953525168 512-byte logical blocks: (1.00 TB/932 GiB)',
      'sd 2:0:0:0: [sdb] tag#0 Sense Key : Illegal Request [current]',
      'nvme nvme0: pci function 0000:04:00.0',
      'nvme nvme0: 8/0/0 default/read/poll queues',
      'EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)',
      // A virtual machine's floppy and an empty optical drive fail every read.
      'blk_update_request: I/O error, dev fd0, sector 0',
      'I/O error, dev sr0, sector 0 op 0x0:(READ) flags 0x80700 phys_seg 1 prio class 2',
    ];
    for (const line of quiet) expect(verdict(line)).withContext(line).toEqual([]);
    const program = journalEvent({ MESSAGE: 'I/O error, dev sda, sector 1', SYSLOG_IDENTIFIER: 'kernel' });
    expect(new StorageErrorDetector().detect(program)).toEqual([]);
  });

  it('starts a new burst after a minute of quiet, and reports again when a burst gets worse', () => {
    const detector = new StorageErrorDetector();
    const subjects = (lines: [string, number][]) =>
      reportsOf(
        runDetector(
          detector,
          lines.map(([line, s]) => kernel(line, s)),
        ),
      ).map((r) => [r.subject, r.severity]);
    expect(
      subjects([
        ['nvme nvme0: I/O 123 QID 4 timeout, aborting', 0],
        ['nvme nvme0: I/O 124 QID 4 timeout, aborting', 30],
        ['nvme nvme0: controller is down; will reset: CSTS=0xffffffff, PCI_STATUS=0xffff', 31],
        ['I/O error, dev nvme0n1, sector 3467264 op 0x1:(WRITE) flags 0x8800 phys_seg 2 prio class 2', 32],
        ['nvme nvme0: I/O 125 QID 4 timeout, aborting', 200],
      ]),
    ).toEqual([
      ['nvme0', 'error'],
      ['nvme0', 'critical'],
      ['nvme0', 'error'],
    ]);
  });

  it('names the disk a partition or namespace belongs to', () => {
    expect(['sda1', 'nvme0n1p2', 'nvme1c1n1', 'mmcblk0p1', 'loop3p1', 'vdb', 'ata4.00', 'dm-2'].map(diskOf)).toEqual([
      'sda',
      'nvme0',
      'nvme1',
      'mmcblk0',
      'loop3',
      'vdb',
      'ata4',
      'dm-2',
    ]);
  });
});
