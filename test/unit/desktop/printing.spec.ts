// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { FindingWithEvidence } from '../../../service/src/findings/store.js';
import type { CandidateAction, PlaybookTools } from '../../../service/src/fixes/playbookSteps.js';
import {
  JOB_END_WAIT_MS,
  PRINTER_PROBLEM,
  PrinterProblemDetector,
} from '../../../service/src/kinds/printing/detector.js';
import { printingKind } from '../../../service/src/kinds/printing/kind.js';
import { printerProblemPlaybook } from '../../../service/src/kinds/printing/playbook.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters } from '../../support/desktopWriters.js';
import { findingWithEvidence } from '../../support/findingFixture.js';
import { journalEvent, reportsOf, resolutionsOf, runDetector } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;
const at = (seconds: number) => String(START_US + seconds * 1_000_000);

/** cupsd as journald sees it: root, /usr/sbin/cupsd, in cups.service. */
const cupsd = (message: string, priority: number, seconds = 0, index = 0): WatchEvent =>
  journalEvent(
    {
      MESSAGE: message,
      PRIORITY: String(priority),
      SYSLOG_IDENTIFIER: 'cupsd',
      _COMM: 'cupsd',
      _EXE: '/usr/sbin/cupsd',
      _UID: '0',
      _PID: '884',
      _SYSTEMD_UNIT: 'cups.service',
      _TRANSPORT: 'journal',
      __REALTIME_TIMESTAMP: at(seconds),
    },
    index,
  );

/** [subject, title] of what a fresh detector reports for one cupsd line. */
/** What the detector reports for one line, once a job's error held for the job's end has waited its time out. */
function verdict(message: string, priority: number): string[][] {
  const detector = new PrinterProblemDetector(desktopWriters());
  const outputs = [
    ...detector.detect(cupsd(message, priority)),
    ...detector.expire(Number.POSITIVE_INFINITY).map(({ output }) => output),
  ];
  return reportsOf(outputs).map((r) => [r.subject, r.title]);
}

describe('the printer-problem detector', () => {
  it("reads the scheduler's words for a backend's or filter's exit, crash and failure, in every CUPS version's form", () => {
    const lines: [string, number, string][] = [
      [
        '[Job 5] PID 3979 (/usr/lib/cups/backend/ipps) stopped with status 127 (File too large)',
        7,
        'Print job 5: ipps exited with status 127',
      ],
      ['PID 1177 (/usr/lib/cups/backend/ipp) stopped with status 1!', 3, 'Printing: ipp exited with status 1'],
      ['PID 16801 stopped with status 1!', 3, 'Printing: a filter or backend exited with status 1'],
      [
        '[Job 27] PID 19289 (/usr/local/libexec/cups/filter/universal) crashed on signal 11.',
        7,
        'Print job 27: universal crashed on signal 11',
      ],
      [
        '[Job 532618] Backend returned status 1 (failed)',
        4,
        'Print job 532618: the backend returned status 1 (failed)',
      ],
      [
        '[Job 9] Backend lpd returned status 4 (stop printer)',
        4,
        'Print job 9: the lpd backend returned status 4 (stop printer)',
      ],
      [
        '[Job 250] Printer stopped due to backend errors; please consult the error_log file for details.',
        3,
        'Print job 250: the queue stopped after backend errors',
      ],
      ['Job stopped due to filter errors; please consult the error_log file for details.', 3, 'Printing: a job failed'],
      [
        '[Job 8] Job held due to backend errors; please consult the error_log file for details.',
        6,
        'Print job 8: a job failed',
      ],
      [
        '[Job 8] Job held temporarily due to backend errors; please consult the syslog file for details.',
        6,
        'Print job 8: a job failed',
      ],
      ['[Job 3] Unable to start filter "pdftopdf" - Permission denied.', 3, 'Print job 3: pdftopdf could not start'],
    ];
    for (const [message, priority, title] of lines) expect(verdict(message, priority)).toEqual([['', title]]);
  });

  it('takes any error a backend or filter printed for a job (cupsd logs its ERROR: lines at LOG_ERR), as text', () => {
    expect(verdict('[Job 42721] recoverable: Unable to connect to printer; will retry in 30 seconds...', 3)).toEqual([
      ['', 'Print job 42721: “recoverable: Unable to connect to printer; will retry in 30 seconds...”'],
    ]);
    // The same words at the info level, marked recoverable by the backend, and a cupsd error about no job or
    // printer, are not a printer's problem.
    expect(verdict('[Job 42721] recoverable: Unable to connect to printer; will retry in 30 seconds...', 6)).toEqual(
      [],
    );
    // A backend's own word that it failed, at any level but debug, is the job failing.
    expect(verdict('[Job 7] Unable to locate printer "HP_LaserJet".', 6)).toEqual([
      ['', 'Print job 7: “Unable to locate printer "HP_LaserJet".”'],
    ]);
    expect(verdict('[Job 7] Unable to locate printer "HP_LaserJet".', 7)).toEqual([]);
    expect(verdict('[Job 7] PID 4785 (/usr/lib/cups/backend/lpd) exited with no errors.', 6)).toEqual([]);
    expect(
      verdict('Unable to open listen socket for address [v1.::1]:631 - Cannot assign requested address.', 3),
    ).toEqual([]);
  });

  it("names the job's queue once cupsd said where the job was queued, and one burst is one report", () => {
    const detector = new PrinterProblemDetector(desktopWriters());
    const events = [
      cupsd('[Job 72] Queued on "C454e" by "user".', 6, 0, 0),
      cupsd('[Job 72] PID 4783 (/usr/lib/cups/filter/universal) stopped with status 1.', 7, 1, 1),
      cupsd('[Job 72] Job stopped due to filter errors; please consult the error_log file for details.', 3, 1, 2),
    ];
    const reports = reportsOf(runDetector(detector, events));
    expect(reports.map((r) => [r.kind, r.subject, r.severity, r.title])).toEqual([
      [PRINTER_PROBLEM, 'C454e', 'error', 'Printer C454e, job 72: universal exited with status 1'],
    ]);
    expect(reports[0]?.evidence[0]?.text).toBe(
      '[Job 72] PID 4783 (/usr/lib/cups/filter/universal) stopped with status 1.',
    );
    // A later job that completes on the queue clears it.
    const later = [
      cupsd('[Job 73] Queued on "C454e" by "user".', 6, 600, 3),
      cupsd('[Job 73] Job completed.', 6, 610, 4),
    ];
    expect(resolutionsOf(runDetector(detector, later)).map((r) => [r.kind, r.subject])).toEqual([
      [PRINTER_PROBLEM, 'C454e'],
    ]);
  });

  it('names the queue from the URI field cupsd gives its journal lines', () => {
    const event = journalEvent({
      MESSAGE: '[Job 12] Backend returned status 1 (failed)',
      PRIORITY: '4',
      URI: 'ipp://localhost/printers/HP_LaserJet_1020',
      _COMM: 'cupsd',
      _EXE: '/usr/sbin/cupsd',
      _UID: '0',
      _SYSTEMD_UNIT: 'cups.service',
      __REALTIME_TIMESTAMP: at(0),
    });
    expect(
      reportsOf(new PrinterProblemDetector(desktopWriters()).detect(event)).map((r) => [r.subject, r.title]),
    ).toEqual([['HP_LaserJet_1020', 'Printer HP_LaserJet_1020, job 12: the backend returned status 1 (failed)']]);
  });

  it('reads "[Printer name]" lines as about that queue', () => {
    expect(verdict('[Printer Office] Unable to register as "Office".', 3)).toEqual([
      ['Office', 'Printer Office: “Unable to register as "Office".”'],
    ]);
  });

  it("believes only cupsd's own lines, by journald's trusted fields", () => {
    const message = '[Job 5] PID 3979 (/usr/lib/cups/backend/ipp) stopped with status 1.';
    const forged: Record<string, string>[] = [
      // A user's program calling itself cupsd.
      { SYSLOG_IDENTIFIER: 'cupsd', _COMM: 'python3', _EXE: '/usr/bin/python3', _UID: '1000' },
      // A cupsd binary run by a user, not the system's scheduler.
      { SYSLOG_IDENTIFIER: 'cupsd', _COMM: 'cupsd', _EXE: '/home/u/cupsd', _UID: '1000' },
      // Root, but in another unit.
      { SYSLOG_IDENTIFIER: 'cupsd', _COMM: 'cupsd', _EXE: '/usr/sbin/cupsd', _UID: '0', _SYSTEMD_UNIT: 'evil.service' },
    ];
    for (const fields of forged) {
      const event = journalEvent({ MESSAGE: message, PRIORITY: '3', __REALTIME_TIMESTAMP: at(0), ...fields });
      expect(new PrinterProblemDetector(desktopWriters()).detect(event)).toEqual([]);
    }
    // CUPS before 2.3 ran it in org.cups.cupsd.service, as Arch Linux did until 2021.
    const upstreamUnit = journalEvent({
      MESSAGE: message,
      PRIORITY: '3',
      __REALTIME_TIMESTAMP: at(0),
      _COMM: 'cupsd',
      _EXE: '/usr/bin/cupsd',
      _UID: '0',
      _SYSTEMD_UNIT: 'org.cups.cupsd.service',
    });
    expect(reportsOf(new PrinterProblemDetector(desktopWriters()).detect(upstreamUnit)).map((r) => r.title)).toEqual([
      'Print job 5: ipp exited with status 1',
    ]);
  });

  it('reads ipp-usb’s own error mark on its lines', () => {
    const program = (exe: string, unit: string, message: string, priority = 6) =>
      journalEvent({
        MESSAGE: message,
        PRIORITY: String(priority),
        _COMM: exe.slice(exe.lastIndexOf('/') + 1),
        _EXE: exe,
        _UID: '0',
        _PID: '604',
        _SYSTEMD_UNIT: unit,
        __REALTIME_TIMESTAMP: at(0),
      });
    const titles = (event: WatchEvent) =>
      reportsOf(new PrinterProblemDetector(desktopWriters()).detect(event)).map((r) => r.title);
    // ipp-usb on its standard output marks its errors "!" (OpenPrinting/ipp-usb#17), its other lines otherwise.
    const ippUsb = (message: string) => program('/usr/sbin/ipp-usb', 'ipp-usb.service', message);
    expect(titles(ippUsb('! PNP Bus 001 Device 006: Device initialization timed out'))).toEqual([
      'ipp-usb reported an error: ! PNP Bus 001 Device 006: Device initialization timed out',
    ]);
    expect(titles(ippUsb('+ PNP Bus 001 Device 006: added'))).toEqual([]);
    expect(titles(ippUsb('  USB[1]: connection released, 1 in use: a-- ---'))).toEqual([]);
  });

  it('reads HPLIP’s error mark, its source file and line, on what its backend and filter log through syslog', () => {
    const writers = desktopWriters().assumeInstalled(['/usr/lib/cups/backend/hp']);
    const hplip = (exe: string, message: string) =>
      journalEvent({
        MESSAGE: message,
        PRIORITY: '6',
        _COMM: exe.slice(exe.lastIndexOf('/') + 1),
        _EXE: exe,
        _UID: '7',
        _PID: '31222',
        _SYSTEMD_UNIT: 'cups.service',
        __REALTIME_TIMESTAMP: at(0),
      });
    const titles = (event: WatchEvent) =>
      reportsOf(new PrinterProblemDetector(writers).detect(event)).map((r) => r.title);
    // BUG() is syslog(LOG_ERR, …) (io/hpmud/musb.c: BUG("invalid usb_open: %s\n", libusb_error_name(r))): a line
    // copied without its level is still an error, whatever its words.
    expect(
      titles(hplip('/usr/lib/cups/backend/hp', 'io/hpmud/musb.c 1132: invalid usb_open: LIBUSB_ERROR_ACCESS')),
    ).toEqual([
      'CUPS’s printer drivers reported an error: io/hpmud/musb.c 1132: invalid usb_open: LIBUSB_ERROR_ACCESS',
    ]);
    // Its ordinary lines carry no such mark.
    expect(titles(hplip('/usr/lib/cups/backend/hp', 'hp backend: sending job to printer'))).toEqual([]);
  });

  it('reads cupsd’s error_log as a report copies it, with its level letter or without', () => {
    // apple/cups#4714.
    expect(
      verdict(
        '[10/Sep/2015:12:49:25 +0200] PID 2087 (/usr/lib/cups/filter/imagetoraster) stopped with status 113 (Permission denied)',
        6,
      ),
    ).toEqual([['', 'Printing: imagetoraster exited with status 113']]);
    expect(verdict('E [25/Jun/2005:13:53:30 +0200] PID 17086 stopped with status 1!', 6)).toEqual([
      ['', 'Printing: a filter or backend exited with status 1'],
    ]);
  });

  it('reads the scheduler’s helpers’ lines on the backends and drivers they ran, behind their names', () => {
    // cups-deviced.c, process_children: "ERROR: [cups-deviced] PID %d (%s) stopped with status %d!". A backend run to
    // list devices exits 1 where its way of finding printers is not there (dnssd without Avahi): no job failed.
    expect(verdict('E [08/Jun/2021:08:57:35 +0200] [cups-deviced] PID 2342 (dnssd) stopped with status 1!', 6)).toEqual(
      [],
    );
    expect(verdict('[cups-deviced] PID 6729 (driverless) stopped with status 1!', 3)).toEqual([]);
    // cupsd's error line all the same: the kind claims it, and no other kind calls it unrecognised.
    expect(
      new PrinterProblemDetector(desktopWriters()).claims(
        cupsd('[cups-deviced] PID 6729 (driverless) stopped with status 1!', 3),
      ),
    ).toBeTrue();
    // A job's backend exiting so is still told.
    expect(verdict('[Job 12] PID 2344 (/usr/lib/cups/backend/usb) stopped with status 1.', 3)).toEqual([
      ['', 'Print job 12: usb exited with status 1'],
    ]);
    expect(verdict('E [12/Mar/2014:10:00:00 +0100] [cups-deviced] PID 2343 (usb) crashed on signal 11!', 6)).toEqual([
      ['', 'Printing: usb crashed on signal 11'],
    ]);
    expect(verdict('[cups-deviced] Started backend /usr/lib/cups/backend/usb (PID 2343)', 6)).toEqual([]);
  });

  it('reads the scheduler stopping a queue whose filter is not there or may not run, about that queue', () => {
    expect(
      verdict('Filter "hpcups" for printer "HP_LaserJet_1020" not available: No such file or directory', 6),
    ).toEqual([
      ['HP_LaserJet_1020', 'Printer HP_LaserJet_1020: its filter hpcups is not available (No such file or directory)'],
    ]);
  });

  it('reads CUPS’s check of a program before it runs it: the file it will not use, and the queue that asked', () => {
    expect(verdict('File "/usr/lib/cups/notifier/dbus" has insecure permissions (0100775/uid=0/gid=0).', 3)).toEqual([
      ['', 'Printing: CUPS will not use /usr/lib/cups/notifier/dbus: has insecure permissions (0100775/uid=0/gid=0)'],
    ]);
    expect(
      verdict('HP_LaserJet: File "/usr/lib/cups/filter/hpcups" not available: No such file or directory', 3),
    ).toEqual([
      [
        'HP_LaserJet',
        'Printer HP_LaserJet: CUPS will not use /usr/lib/cups/filter/hpcups: not available: No such file or directory',
      ],
    ]);
    // A report that copied the quotes escaped.
    expect(
      verdict('Directory \\"/usr/lib/cups/backend\\" has insecure permissions (040777/uid=0/gid=0).', 3).length,
    ).toBe(1);
    // Its debug line on a file that passed.
    expect(verdict('File "/usr/lib/cups/backend/ipp" permissions OK (0100755/uid=0/gid=0).', 7)).toEqual([]);
  });

  it('reads cupsd failing to save a file of its own state, whatever level a copy kept, and not a program’s output it could not create', () => {
    expect(verdict('Unable to create "/etc/cups/subscriptions.conf.N": No such file or directory', 6)).toEqual([
      ['', 'Printing: CUPS could not save /etc/cups/subscriptions.conf.N: No such file or directory'],
    ]);
    expect(verdict('Unable to write changes to "/etc/cups/printers.conf.N": No space left on device', 3)).toEqual([
      ['', 'Printing: CUPS could not save /etc/cups/printers.conf.N: No space left on device'],
    ]);
    // cupsfilter's own message on the output file a person named, in its form with a dash.
    expect(verdict('ERROR: Unable to create "/tmp/out.pdf" - Permission denied', 6)).toEqual([]);
  });

  it('reads cupsd logging a job’s recorded messages as the job’s filter or backend having failed, at debug as cupsd logs it', () => {
    expect(verdict('[Job 72] The following messages were recorded from 15:05:19 to 15:05:20', 7)).toEqual([
      ['', 'Print job 72: a filter or the backend failed, and CUPS logged what the job recorded'],
    ]);
    expect(verdict('[Job 72] End of messages', 7)).toEqual([]);
  });

  it('reads cupsd refusing a line of its configuration at err, with or without the file, and not its warnings', () => {
    expect(verdict('Unknown directive IdleExitTimeout on line 12 of /etc/cups/cupsd.conf.', 3)).toEqual([
      [
        '',
        'Printing: CUPS did not use a line of its configuration: “Unknown directive IdleExitTimeout on line 12 of /etc/cups/cupsd.conf.”',
      ],
    ]);
    // CUPS 1.3's error_log, its level in its own letter.
    expect(verdict('E [18/Jul/2007:13:57:53 -0400] Unknown Location directive RunAsUser on line 23.', 6)).toEqual([
      [
        '',
        'Printing: CUPS did not use a line of its configuration: “Unknown Location directive RunAsUser on line 23.”',
      ],
    ]);
    expect(verdict('Duplicate <Location /admin> on line 60 of /etc/cups/cupsd.conf.', 4)).toEqual([]);
    expect(
      verdict('W [18/Jul/2007:13:57:53 -0400] Unknown LogLevel verbose on line 3 of /etc/cups/cupsd.conf.', 6),
    ).toEqual([]);
    expect(verdict('Missing value on line 22.', 6)).toEqual([]);
  });

  it('takes no refused client request for a printer’s state: IPP’s status codes are not its reasons', () => {
    expect(
      verdict(
        '[Client 12] Returning IPP client-error-not-authorized for CUPS-Add-Modify-Printer (ipp://localhost/printers/Office) from localhost.',
        3,
      ),
    ).toEqual([]);
    expect(verdict('[Printer Office] media-empty-error', 6)).toEqual([
      ['Office', 'Printer Office: CUPS reported an error: media-empty-error'],
    ]);
  });

  it('reads what CUPS’s backends print of a printer that does not answer or refused the job, at any level but debug', () => {
    // backend/usb-unix.c, socket.c, ipp.c, network.c: their catalogued messages name no failure in words.
    expect(verdict('[Job 12] The printer is not responding.', 6)).toEqual([
      ['', 'Print job 12: “The printer is not responding.”'],
    ]);
    expect(verdict('[Job 7] There was an unrecoverable USB error.', 6)).toEqual([
      ['', 'Print job 7: “There was an unrecoverable USB error.”'],
    ]);
    expect(verdict('[Job 4] Printer not connected; will retry in 30 seconds...', 6)).toEqual([
      ['', 'Print job 4: “Printer not connected; will retry in 30 seconds...”'],
    ]);
    expect(verdict('Remote host did not respond with command status byte after 300 seconds', 6)).toEqual([
      ['', 'Printing: “Remote host did not respond with command status byte after 300 seconds”'],
    ]);
    expect(verdict('Unable to open device file "/dev/usb/lp0": Permission denied', 6)).toEqual([
      ['', 'Printing: “Unable to open device file "/dev/usb/lp0": Permission denied”'],
    ]);
    expect(verdict('Unable to locate printer "officejet.local".', 6)).toEqual([
      ['', 'Printing: “Unable to locate printer "officejet.local".”'],
    ]);
    // The scheduler's own "Unable to …" about itself is not a backend's.
    expect(verdict('Unable to bind socket for address [v1.::1]:631 - Cannot assign requested address.', 6)).toEqual([]);
    expect(verdict('[Job 12] The printer is not responding.', 7)).toEqual([]);
    // What they print while they wait is no failure.
    expect(verdict('[Job 12] Waiting for printer to become available.', 6)).toEqual([]);
    expect(verdict('[Job 12] The printer is in use.', 6)).toEqual([]);
  });

  it('reads the Windows share refusing the smb backend by Samba’s status names', () => {
    expect(verdict('[Job 12] NT_STATUS_ACCESS_DENIED opening remote spool HP', 6)).toEqual([
      ['', 'Print job 12: “NT_STATUS_ACCESS_DENIED opening remote spool HP”'],
    ]);
    expect(verdict('[Job 12] NT_STATUS_OK', 6)).toEqual([]);
    expect(verdict('[Job 12] NT_STATUS_ACCESS_DENIED opening remote spool HP', 7)).toEqual([]);
  });

  it('reads Ghostscript ending a job it could not render: its exit and PostScript’s error names', () => {
    expect(verdict('[Job 30] GPL Ghostscript 9.26: Unrecoverable error, exit code 1', 6)).toEqual([
      ['', 'Print job 30: “GPL Ghostscript 9.26: Unrecoverable error, exit code 1”'],
    ]);
    expect(verdict('[Job 8] Error: /invalidfont in findfont', 6)).toEqual([
      ['', 'Print job 8: “Error: /invalidfont in findfont”'],
    ]);
    expect(verdict('[Job 8] Error: /invalidfont in findfont', 7)).toEqual([]);
    // Only a filter prints it, through cupsd: a report that dropped the job's prefix still shows a job's line.
    expect(verdict('Error: /invalidfont in findfont', 6)).toEqual([
      ['', 'Printing: “Error: /invalidfont in findfont”'],
    ]);
  });

  it('reads the USB printer driver’s report of the printer’s status and usbfs refusing CUPS’s USB backend', () => {
    const kernel = (message: string, priority: string) =>
      journalEvent({ MESSAGE: message, _TRANSPORT: 'kernel', PRIORITY: priority, __REALTIME_TIMESTAMP: at(0) });
    const titles = (event: WatchEvent) =>
      reportsOf(new PrinterProblemDetector(desktopWriters()).detect(event)).map((r) => r.title);
    // usblp.c logs the printer's status at info.
    expect(titles(kernel('usblp0: out of paper', '6'))).toEqual(['usblp0 reported a failure: out of paper']);
    expect(titles(kernel('usblp1: on fire', '6'))).toEqual(['usblp1 reported a failure: on fire']);
    // lp.c words it without a colon.
    expect(titles(kernel('lp0 on fire', '6'))).toEqual(['lp reported a failure: on fire']);
    expect(titles(kernel('lp0: using parport0 (interrupt-driven).', '6'))).toEqual([]);
    // devio.c refuses the configuration with EBUSY, logged as a warning.
    expect(titles(kernel("usb 1-3.1: usbfs: interface 0 claimed by usblp while 'usb' sets config #1", '4'))).toEqual([
      "usblp reported a failure: usbfs: interface 0 claimed by usblp while 'usb' sets config #1",
    ]);
    // The driver core's word that the printer driver could not start its device, a warning before Linux 5.13.
    expect(titles(kernel('usblp: probe of 1-1:1.0 failed with error -5', '4'))).toEqual([
      'usblp reported an error: Input/output error (EIO)',
    ]);
    // The driver's ordinary lines, and another part's interface, are not the printer's.
    // usblp.c's completion handlers log a transfer that ended in error as a warning; not one unlinked on unplug.
    expect(titles(kernel('usblp0: nonzero write bulk status received: -71', '4'))).toEqual([
      'usblp0 reported an error: Protocol error (EPROTO)',
    ]);
    expect(
      titles(kernel('drivers/usb/class/usblp.c: usblp0: nonzero read/write bulk status received: -32', '6')),
    ).toEqual(['usblp reported an error: Broken pipe (EPIPE)']);
    expect(titles(kernel('usblp0: nonzero read bulk status received: -108', '4'))).toEqual([]);
    // Its every line of failure is an error (printk(KERN_ERR)): a journal copied without levels still has its words.
    expect(titles(kernel("usblp: can't set desired altsetting 0 on interface 0", '6'))).toEqual([
      "usblp reported a failure: can't set desired altsetting 0 on interface 0",
    ]);
    expect(titles(kernel('usblp1: error -32 reading printer status', '6'))).toEqual([
      'usblp1 reported an error: Broken pipe (EPIPE)',
    ]);
    expect(titles(kernel('usblp1: error -32 reading printer status', '7'))).toEqual([]);
    expect(titles(kernel('usblp0: removed', '6'))).toEqual([]);
    expect(titles(kernel('usblp 1-1:1.0: usblp0: USB Bidirectional printer dev 2 if 0 alt 0 proto 2', '6'))).toEqual(
      [],
    );
    expect(titles(kernel("usb 1-4: usbfs: interface 0 claimed by usbhid while 'lsusb' sets config #1", '4'))).toEqual(
      [],
    );
  });

  it('reads a security module refusing CUPS from the kernel’s audit records, in the journal’s audit transport too', () => {
    const denial =
      'apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/cups/ppd/Office.ppd" pid=1203 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0';
    const audit = journalEvent({
      MESSAGE: denial,
      _TRANSPORT: 'audit',
      SYSLOG_IDENTIFIER: 'audit',
      __REALTIME_TIMESTAMP: at(0),
    });
    expect(reportsOf(new PrinterProblemDetector(desktopWriters()).detect(audit)).map((r) => r.title)).toEqual([
      'AppArmor kept CUPS from /etc/cups/ppd/Office.ppd',
    ]);
    // A program's own line quoting one is not the audit subsystem's.
    const quoted = journalEvent({
      MESSAGE: denial,
      _TRANSPORT: 'syslog',
      _COMM: 'logger',
      _UID: '1000',
      __REALTIME_TIMESTAMP: at(0),
    });
    expect(reportsOf(new PrinterProblemDetector(desktopWriters()).detect(quoted))).toEqual([]);
  });

  it('takes a backend’s or filter’s warning for a job (the printer’s state message), not its waits or retries', () => {
    expect(verdict('[Job 9] Printer reports: paper jam in tray 2', 4)).toEqual([
      ['', 'Print job 9: “Printer reports: paper jam in tray 2”'],
    ]);
    expect(verdict('[Job 9] The printer is in use.', 4)).toEqual([]);
    expect(verdict('[Job 9] Waiting for printer to become available.', 4)).toEqual([]);
    expect(verdict('[Job 9] recoverable: Network host "printer.local" is not answering', 4)).toEqual([]);
    // A warning about no job, and the job's notices, are not the job failing.
    expect(verdict('[Printer Office] Printer reports: paper jam in tray 2', 4)).toEqual([]);
    expect(verdict('[Job 9] Printer reports: paper jam in tray 2', 5)).toEqual([]);
  });

  it('reads the system bus failing to start cups-pk-helper or colord on demand, not one the machine lacks', () => {
    const bus = (message: string) =>
      journalEvent({
        MESSAGE: message,
        SYSLOG_IDENTIFIER: 'dbus-daemon',
        _COMM: 'dbus-daemon',
        _EXE: '/usr/bin/dbus-daemon',
        _UID: '81',
        _PID: '655',
        _SYSTEMD_UNIT: 'dbus.service',
        _TRANSPORT: 'journal',
        __REALTIME_TIMESTAMP: at(0),
      });
    const titles = (message: string) =>
      reportsOf(new PrinterProblemDetector(desktopWriters()).detect(bus(message))).map((r) => [r.subject, r.title]);
    // clearlinux/distribution#2534: Settings could not add a printer.
    expect(
      titles(
        "[system] Activated service 'org.opensuse.CupsPkHelper.Mechanism' failed: The permission of the setuid helper is not correct",
      ),
    ).toEqual([
      [
        '',
        'The bus could not start org.opensuse.CupsPkHelper.Mechanism: The permission of the setuid helper is not correct',
      ],
    ]);
    expect(titles("Activation request for 'org.freedesktop.ColorManager' failed.")).toEqual([
      ['', 'The bus could not start org.freedesktop.ColorManager'],
    ]);
    // Not installed, and another part's service: not printing's.
    expect(
      titles("[system] Activation via systemd failed for unit 'colord.service': Unit colord.service not found."),
    ).toEqual([]);
    expect(titles("[system] Failed to activate service 'org.freedesktop.Accounts': timed out")).toEqual([]);
    // The same words from another program are its own.
    const forged = journalEvent({
      MESSAGE: "Activated service 'org.opensuse.CupsPkHelper.Mechanism' failed: forged",
      _COMM: 'python3',
      _EXE: '/usr/bin/python3.12',
      _UID: '1000',
      _SYSTEMD_UNIT: 'session-2.scope',
      _TRANSPORT: 'journal',
    });
    expect(reportsOf(new PrinterProblemDetector(desktopWriters()).detect(forged))).toEqual([]);
  });

  it('lets the job’s end decide a filter’s error for it: a job that completes printed all the same', () => {
    const seen = (detector: PrinterProblemDetector, events: WatchEvent[]) =>
      reportsOf(runDetector(detector, events)).map((r) => [r.subject, r.title]);
    // apple/cups#3790: pstops complains, the job completes (CUPS 1.3's words).
    const completes = new PrinterProblemDetector(desktopWriters());
    expect(
      seen(completes, [
        cupsd('[Job 60637] Queued on "lp1" by "user123".', 6, 0, 0),
        cupsd('E [04/Feb/2011:16:58:00 -0800] [Job 60637] No %%Pages: comment in header!', 6, 0, 1),
        cupsd('I [04/Feb/2011:16:58:12 -0800] [Job 60637] Completed successfully.', 6, 12, 2),
      ]),
    ).toEqual([]);
    expect(completes.heldUntil()).toBeUndefined();
    // Another program's "completed" for the job is not cupsd's: the job's error is still told.
    const forged = new PrinterProblemDetector(desktopWriters());
    expect(seen(forged, [cupsd('[Job 12] Printer not connected; will retry in 30 seconds', 3, 0, 0)])).toEqual([]);
    const claim = journalEvent({
      MESSAGE: '[Job 12] Job completed.',
      SYSLOG_IDENTIFIER: 'cupsd',
      _COMM: 'python3',
      _EXE: '/usr/bin/python3',
      _UID: '1000',
      _TRANSPORT: 'journal',
      __REALTIME_TIMESTAMP: at(1),
    });
    expect(seen(forged, [claim])).toEqual([]);
    expect(reportsOf(forged.expire(Number.POSITIVE_INFINITY).map(({ output }) => output))).toHaveSize(1);
    // The job stopped: its first error is told with it, once.
    const stops = new PrinterProblemDetector(desktopWriters());
    const error = '[Job 9] Unable to open device file "/dev/usb/lp0": Permission denied';
    expect(
      seen(stops, [
        cupsd(error, 3, 0, 0),
        cupsd('[Job 9] Job stopped due to backend errors; please consult the error_log file for details.', 3, 1, 1),
      ]),
    ).toEqual([['', `Print job 9: “Unable to open device file "/dev/usb/lp0": Permission denied”`]]);
    // No end within the wait: told by a later line, or by this machine's clock where the journal falls silent.
    const silent = new PrinterProblemDetector(desktopWriters());
    expect(seen(silent, [cupsd('[Job 10] Printer not connected; will retry in 30 seconds', 3, 0, 0)])).toEqual([]);
    expect(silent.heldUntil()).toBeGreaterThan(Date.now());
    expect(silent.expire(Date.now())).toEqual([]);
    const told = silent.expire(Date.now() + JOB_END_WAIT_MS).map(({ output }) => output);
    expect(reportsOf(told).map((r) => r.subject)).toEqual(['']);
    const later = new PrinterProblemDetector(desktopWriters());
    expect(seen(later, [cupsd('[Job 11] Printer not connected; will retry in 30 seconds', 3, 0, 0)])).toEqual([]);
    expect(seen(later, [cupsd('Saving job.cache...', 6, JOB_END_WAIT_MS / 1000, 1)])).toHaveSize(1);
  });

  it('stays quiet on normal job progress', () => {
    const detector = new PrinterProblemDetector(desktopWriters());
    const events = [
      cupsd('[Job 3] Started backend /usr/lib/cups/backend/socket (PID 17597)', 6, 0, 0),
      cupsd('[Job 3] PID 16142 (/usr/lib/cups/filter/gziptoany) exited with no errors.', 7, 1, 1),
      cupsd('[Job 3] PID 16143 (/usr/lib/cups/backend/ipp) was terminated normally with signal 15.', 7, 2, 2),
      cupsd('[Job 3] Job completed.', 6, 3, 3),
    ];
    expect(runDetector(detector, events)).toEqual([]);
  });
});

describe('the printer-problem playbook', () => {
  const finding = (subject: string) =>
    findingWithEvidence(PRINTER_PROBLEM, subject, {
      title: 'Printer C454e, job 72: universal exited with status 1',
      vouchedBy: null,
      reportedBy: 'cupsd',
      evidence: [{ kind: 'journal', text: '…', cursor: 's=abc;i=7', journal: 'system', at: new Date(0) }],
    });
  const tools = {} as PlaybookTools;

  it("first shows cupsd's own lines around the failure, then offers to resume the queue", async () => {
    const draft = await printerProblemPlaybook(finding('C454e'), tools);
    expect(draft?.actions).toEqual([
      { name: 'info.show_logs', params: { scope: 'system', cursor: 's=abc;i=7', sameWriter: true } },
      { name: 'printing.resume_printer', params: { printer: 'C454e' } },
    ]);
    expect(draft?.title).toContain('C454e');
  });

  it('cancels first the job a filter failed on, as cupsd’s job lines name it; a backend’s failure cancels nothing', async () => {
    const withLines = (...texts: string[]): FindingWithEvidence => ({
      ...finding('C454e'),
      evidence: texts.map((text, index) => ({
        kind: 'journal' as const,
        text,
        cursor: `s=abc;i=${index}`,
        journal: 'system',
        at: new Date(0),
      })),
    });
    const filterFailed = await printerProblemPlaybook(
      withLines(
        '[Job 71] Backend returned status 1 (failed)',
        '[Job 72] PID 4711 (/usr/lib/cups/filter/foomatic-rip) stopped with status 3.',
        '[Job 72] Job stopped due to filter errors; please consult the error_log file for details.',
      ),
      tools,
    );
    expect(filterFailed?.actions.slice(1)).toEqual([
      { name: 'printing.cancel_job', params: { printer: 'C454e', job: 72 } },
      { name: 'printing.resume_printer', params: { printer: 'C454e' } },
    ]);
    const backendFailed = await printerProblemPlaybook(
      withLines('[Job 71] Job stopped due to backend errors; please consult the error_log file for details.'),
      tools,
    );
    expect(backendFailed?.actions.map((action) => action.name)).toEqual(['info.show_logs', 'printing.resume_printer']);
  });

  it('only shows the lines when no queue is named', async () => {
    const draft = await printerProblemPlaybook(finding(''), tools);
    expect(draft?.actions.map((action) => action.name)).toEqual(['info.show_logs']);
  });

  it('shows a failed unit’s own log, whatever its last evidence (its D-Bus state names no queue)', async () => {
    const known = {
      preview: (candidate: CandidateAction) =>
        Promise.resolve(
          (candidate.params as { scope?: string }).scope === 'system'
            ? { summary: candidate.name, details: [], changesNothing: false }
            : null,
        ),
    } as unknown as PlaybookTools;
    for (const subject of ['cups.service', 'org.cups.cupsd.socket']) {
      const stated: FindingWithEvidence = {
        ...finding(subject),
        evidence: [{ kind: 'text', text: `${subject} failed`, at: new Date(0) }],
      };
      const draft = await printerProblemPlaybook(stated, known);
      expect(draft?.actions).toEqual([{ name: 'info.show_logs', params: { unit: subject, scope: 'system' } }]);
    }
    // A unit systemd does not know: the lines around the failure.
    const unknown = { preview: () => Promise.resolve(null) } as unknown as PlaybookTools;
    const draft = await printerProblemPlaybook(finding('cups.service'), unknown);
    expect(draft?.actions).toEqual([{ name: 'info.show_logs', params: { scope: 'system', cursor: 's=abc;i=7' } }]);
  });

  it('is the playbook the printing kind registers for printer-problem, beside its detector', () => {
    expect(printingKind.playbooks[PRINTER_PROBLEM]).toBe(printerProblemPlaybook);
    expect(
      printingKind.detectors(desktopWriters()).some((detector) => detector.kinds.includes(PRINTER_PROBLEM)),
    ).toBeTrue();
  });
});
