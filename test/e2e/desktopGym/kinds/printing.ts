// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Printing: the real CUPS scheduler (cupsd) with a configuration, spool and socket of the gym's own, its D-Bus
// notifier signalling on the gym's system bus; the real cups-pk-helper, started by D-Bus activation there as the
// system bus starts it, asking the real polkitd. A queue's backend stands for the printer: switched off, it fails
// as a backend that cannot reach its printer does, and cupsd stops the queue itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod, nameHasOwner } from '../../../../service/src/dbus/client.js';
import { PRINTER_PROBLEM } from '../../../../service/src/kinds/printing/detector.js';
import { waitFor } from '../../../support/service.js';
import { makeTempDir, type TempDir } from '../../../support/tempDir.js';
import { command as run } from '../command.js';
import { polkitdPart } from '../polkitd.js';
import { type DesktopScenario, type GymPart, started } from '../scenario.js';

export const QUEUE = 'GymOffice';
/** What the backend says on stderr (its ERROR: line), which cupsd makes the queue's state message. */
export const PRINTER_OFF = "the gym's printer is switched off";
/** cups-pk-helper's bus name, and its D-Bus activation file as Debian installs it for the system bus. */
const HELPER = 'org.opensuse.CupsPkHelper.Mechanism';
const HELPER_ACTIVATION = `/usr/share/dbus-1/system-services/${HELPER}.service`;
/** Where Debian's cups-daemon keeps the helpers cupsd runs its programs through, and its notifiers. */
const CUPS_SERVER_BIN = '/usr/lib/cups';

interface Cups {
  dir: TempDir;
  socket: string;
  /** Its presence switches the printer off: the backend then fails. */
  printerOff: string;
  /** Its presence takes the printer's paper out: the backend then waits. */
  paperOut: string;
  /** Where the backend puts what it printed, one file a job. */
  printed: string;
  cupsd: ChildProcess;
  systemClient: MessageBus;
  log: () => string;
}

let cups: Cups | undefined;

const cupsFiles = (dir: string, systemBus: string) => `SystemGroup root
User lp
Group lp
ServerRoot ${dir}
ServerBin ${dir}/serverbin
RequestRoot ${dir}/spool
TempDir ${dir}/spool/tmp
CacheDir ${dir}/cache
StateDir ${dir}/state
Printcap ${dir}/printcap
AccessLog ${dir}/log/access_log
PageLog ${dir}/log/page_log
ErrorLog stderr
SetEnv DBUS_SYSTEM_BUS_ADDRESS ${systemBus}
`;

// Only a domain socket of the gym's own; the default policy is Debian's own (admin operations need @SYSTEM).
const cupsdConf = (dir: string) => `LogLevel info
Listen ${dir}/cups.sock
Browsing No
WebInterface No
<Location />
  Order allow,deny
  Allow localhost
</Location>
<Policy default>
  JobPrivateAccess default
  JobPrivateValues default
  SubscriptionPrivateAccess default
  SubscriptionPrivateValues default
  <Limit Create-Job Print-Job Print-URI Validate-Job>
    Order deny,allow
  </Limit>
  <Limit Send-Document Send-URI Hold-Job Release-Job Restart-Job Purge-Jobs Set-Job-Attributes Create-Job-Subscription Renew-Subscription Cancel-Subscription Get-Notifications Reprocess-Job Cancel-Current-Job Suspend-Current-Job Resume-Job Cancel-My-Jobs Close-Job CUPS-Move-Job>
    Require user @OWNER @SYSTEM
    Order deny,allow
  </Limit>
  <Limit CUPS-Get-Document>
    AuthType Default
    Require user @OWNER @SYSTEM
    Order deny,allow
  </Limit>
  <Limit CUPS-Add-Modify-Printer CUPS-Delete-Printer CUPS-Add-Modify-Class CUPS-Delete-Class CUPS-Set-Default CUPS-Get-Devices>
    AuthType Default
    Require user @SYSTEM
    Order deny,allow
  </Limit>
  <Limit Pause-Printer Resume-Printer Enable-Printer Disable-Printer Pause-Printer-After-Current-Job Hold-New-Jobs Release-Held-New-Jobs Deactivate-Printer Activate-Printer Restart-Printer Shutdown-Printer Startup-Printer Promote-Job Schedule-Job-After Cancel-Jobs CUPS-Accept-Jobs CUPS-Reject-Jobs>
    AuthType Default
    Require user @SYSTEM
    Order deny,allow
  </Limit>
  <Limit Cancel-Job CUPS-Authenticate-Job>
    Require user @OWNER @SYSTEM
    Order deny,allow
  </Limit>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
`;

// A backend as CUPS runs it (backend(7)): no arguments lists devices (none); a job's arguments print the job. With
// the printer off it says why on stderr and exits CUPS_BACKEND_FAILED (1), as the socket or ipp backend does when
// the printer does not answer: the queue's error policy (stop-printer) has cupsd stop the queue. With the paper out
// it passes on the printer's reason (a STATE: line, as the ipp backend relays a device's printer-state-reasons) and
// waits until paper is loaded, as a printer does, then takes the reason back and prints.
const backend = (printerOff: string, paperOut: string, printed: string) => `#!/bin/sh
[ $# -eq 0 ] && exit 0
if [ -e ${printerOff} ]; then
  echo "ERROR: ${PRINTER_OFF}" >&2
  exit 1
fi
if [ -e ${paperOut} ]; then
  echo "STATE: +media-empty-error" >&2
  while [ -e ${paperOut} ]; do sleep 0.1; done
  echo "STATE: -media-empty-error" >&2
fi
if [ $# -ge 6 ]; then cat "$6"; else cat; fi >${printed}/job-$1
`;

/** A cups-client command (lp, lpstat, cupsenable, lpadmin) against the gym's cupsd; its output, in English. */
async function cupsCommand(command: string, args: string[]): Promise<string> {
  const { socket } = started(cups, 'cupsd');
  const { stdout } = await run(command, args, {
    env: { ...process.env, CUPS_SERVER: socket, LC_ALL: 'C' },
  });
  return stdout;
}

async function waitForCupsd(socket: string, part: Cups) {
  await waitFor(async () => {
    if (part.cupsd.exitCode !== null) throw new Error(`cupsd exited with ${part.cupsd.exitCode}:\n${part.log()}`);
    return cupsCommand('lpstat', ['-r']).then(
      (said) => said.includes('scheduler is running'),
      () => false,
    );
  }, `cupsd on ${socket}`);
}

/** cups-pk-helper, where the bus started it (it leaves by itself only after a while idle). */
async function stopHelper(systemClient: MessageBus): Promise<void> {
  if (!(await nameHasOwner(systemClient, HELPER))) return;
  const [pid] = (await callMethod(systemClient, {
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'GetConnectionUnixProcessID',
    signature: 's',
    body: [HELPER],
  })) as [number];
  process.kill(pid, 'SIGTERM');
  await waitFor(async () => !(await nameHasOwner(systemClient, HELPER)), 'cups-pk-helper to stop');
}

const cupsPart: GymPart = {
  name: 'cupsd and cups-pk-helper',
  async start({ systemBus, systemClient, systemServices }) {
    const dir = await makeTempDir('steward-gym-cups-');
    // cupsd runs backends and its notifier as lp, who must reach them and the system bus.
    await chmod(dir.path, 0o755);
    for (const sub of ['serverbin/backend', 'serverbin/daemon', 'serverbin/notifier', 'spool/tmp', 'log', 'printed'])
      await mkdir(join(dir.path, sub), { recursive: true });
    await chmod(join(dir.path, 'printed'), 0o777);
    const printerOff = join(dir.path, 'printer-off');
    const paperOut = join(dir.path, 'paper-out');
    const printed = join(dir.path, 'printed');
    // cupsd runs each program through its cups-exec; the D-Bus notifier is CUPS's own.
    await symlink(`${CUPS_SERVER_BIN}/daemon/cups-exec`, join(dir.path, 'serverbin/daemon/cups-exec'));
    await symlink(`${CUPS_SERVER_BIN}/notifier/dbus`, join(dir.path, 'serverbin/notifier/dbus'));
    await writeFile(join(dir.path, 'serverbin/backend/gymprinter'), backend(printerOff, paperOut, printed), {
      mode: 0o755,
    });
    await writeFile(join(dir.path, 'cups-files.conf'), cupsFiles(dir.path, systemBus.address));
    await writeFile(join(dir.path, 'cupsd.conf'), cupsdConf(dir.path));
    const socket = join(dir.path, 'cups.sock');
    let output = '';
    const cupsd = spawn('cupsd', ['-f', '-c', join(dir.path, 'cupsd.conf'), '-s', join(dir.path, 'cups-files.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cupsd.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cupsd.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cups = { dir, socket, printerOff, paperOut, printed, cupsd, systemClient, log: () => output };
    await waitForCupsd(socket, cups);
    await cupsCommand('lpadmin', [
      ...['-p', QUEUE, '-E', '-v', 'gymprinter://office', '-o', 'printer-error-policy=stop-printer'],
    ]);
    // cups-pk-helper, started as the system bus starts it when called (the installed activation file's program),
    // on this cupsd and this bus.
    const program = /^Exec=(.+)$/m.exec(await readFile(HELPER_ACTIVATION, 'utf8'))?.[1];
    if (!program) throw new Error(`${HELPER_ACTIVATION} names no program`);
    await writeFile(
      join(systemServices, `${HELPER}.service`),
      `[D-BUS Service]\nName=${HELPER}\nExec=/usr/bin/env DBUS_SYSTEM_BUS_ADDRESS=${systemBus.address} CUPS_SERVER=${socket} ${program}\nUser=root\n`,
    );
    return { CUPS_SERVER: socket };
  },
  async stop() {
    const running = cups;
    cups = undefined;
    if (!running) return;
    await stopHelper(running.systemClient);
    if (running.cupsd.exitCode === null) {
      const exited = new Promise((resolve) => running.cupsd.once('exit', resolve));
      running.cupsd.kill('SIGTERM');
      await exited;
    }
    await running.dir.remove();
  },
};

/**
 * The queue as cupsd's lpstat tells it: stopped (disabled) or not, why (its state message, lpstat's indented second
 * line), accepting jobs or not, its jobs not ended.
 */
async function queueState(): Promise<{
  stopped: boolean;
  message: string;
  accepting: boolean;
  jobs: number;
  alerts: string[];
}> {
  const printer = await cupsCommand('lpstat', ['-l', '-p', QUEUE]);
  const accepting = await cupsCommand('lpstat', ['-a', QUEUE]);
  const jobs = await cupsCommand('lpstat', ['-o', QUEUE]);
  return {
    stopped: printer.startsWith(`printer ${QUEUE} disabled`),
    message: /^\t(.*)$/m.exec(printer)?.[1]?.trim() ?? '',
    accepting: accepting.startsWith(`${QUEUE} accepting requests`),
    jobs: jobs.split('\n').filter(Boolean).length,
    // lpstat -l's "Alerts:" line: the queue's printer-state-reasons.
    alerts: /^\s*Alerts: (.*)$/m.exec(printer)?.[1]?.trim().split(/\s+/) ?? [],
  };
}

/** An administrator's reason for stopping the queue, as `cupsdisable -r` gives one. */
export const STOP_REASON = 'Toner being replaced: back at noon';
/** An administrator's reason for refusing new jobs, as `cupsreject -r` gives one. */
export const REJECT_REASON = 'Moved to the second floor: print to Office2';
/** How many pages the printer had printed when a scenario began. */
let printedBefore = 0;

const printedJobs = async () => (await readdir(started(cups, 'cupsd').printed)).length;

export const PRINTING_SCENARIOS: DesktopScenario[] = [
  {
    name: 'printing-backend-fails',
    title: 'A job printed while the printer was off: cupsd stopped the queue (real cupsd, cups-pk-helper, polkitd)',
    core: true,
    needs: [polkitdPart, cupsPart],
    // The printer is off when a page is printed: the backend fails and cupsd stops the queue, holding the job.
    // Then the printer is switched on again, as a person does; cupsd does not try a stopped queue again, so the
    // queue stays stopped with the job in it until someone resumes it, which is what Steward is to find.
    async fault() {
      const part = started(cups, 'cupsd');
      await writeFile(part.printerOff, '');
      const page = join(part.dir.path, 'page.txt');
      await writeFile(page, 'A page from the desktop gym\n');
      await cupsCommand('lp', ['-d', QUEUE, '-t', 'gym-page', page]);
      await waitFor(async () => (await queueState()).stopped, `cupsd to stop ${QUEUE}`);
      await rm(part.printerOff);
    },
    expect: {
      finding: { kind: PRINTER_PROBLEM, subject: QUEUE },
      // The queue's state and its reason first (the backend's error, which cupsd made its state message).
      firstStep: 'info.printer',
      apply: 'printing.resume_printer',
      applyState: 'fixed',
      // Healthy is what the person wanted: the queue runs and accepts jobs, and the page it held is printed.
      healthy: async () => {
        const queue = await queueState();
        return !queue.stopped && queue.accepting && queue.jobs === 0 && (await printedJobs()) === 1;
      },
      // Stopped again (cups-pk-helper's PrinterSetEnabled false, cupsd's Pause-Printer).
      afterUndo: async () => (await queueState()).stopped,
    },
    cleanup: async () => {
      await cupsCommand('cupsenable', [QUEUE]);
    },
  },
  {
    name: 'printing-stopped-with-reason',
    title: 'A queue an administrator stopped with a reason (real cupsd, cups-pk-helper, polkitd)',
    core: true,
    needs: [polkitdPart, cupsPart],
    fault: async () => {
      await cupsCommand('cupsdisable', ['-r', STOP_REASON, QUEUE]);
      await waitFor(async () => (await queueState()).message === STOP_REASON, `cupsd to stop ${QUEUE}`);
    },
    expect: {
      finding: { kind: PRINTER_PROBLEM, subject: QUEUE },
      // The reason first, in the administrator's own words; the resume second.
      firstStep: 'info.printer',
      apply: 'printing.resume_printer',
      applyState: 'fixed',
      says: [STOP_REASON],
      healthy: async () => !(await queueState()).stopped,
      // Stopped again with the same reason, not cups-pk-helper's bare "Paused".
      afterUndo: async () => {
        const queue = await queueState();
        return queue.stopped && queue.message === STOP_REASON;
      },
    },
    cleanup: async () => {
      await cupsCommand('cupsenable', [QUEUE]);
    },
  },
  {
    name: 'printing-rejecting-jobs',
    title: 'A queue an administrator made refuse new jobs, with a reason (real cupsd, cups-pk-helper, polkitd)',
    core: true,
    needs: [polkitdPart, cupsPart],
    fault: async () => {
      await cupsCommand('cupsreject', ['-r', REJECT_REASON, QUEUE]);
      await waitFor(async () => !(await queueState()).accepting, `cupsd to refuse jobs for ${QUEUE}`);
    },
    expect: {
      finding: { kind: PRINTER_PROBLEM, subject: QUEUE },
      // The reason first, in the administrator's own words; accepting jobs again second.
      firstStep: 'info.printer',
      apply: 'printing.accept_jobs',
      applyState: 'fixed',
      says: [REJECT_REASON, `Let printer ${QUEUE} accept jobs again`],
      healthy: async () => (await queueState()).accepting,
      // Refusing again with the same reason, as cupsreject -r left it.
      afterUndo: async () => {
        const queue = await queueState();
        return !queue.accepting && queue.message === REJECT_REASON;
      },
    },
    cleanup: async () => {
      await cupsCommand('cupsaccept', [QUEUE]);
    },
  },
  {
    name: 'printing-out-of-paper',
    title: 'A page printed while the printer is out of paper: the printer says so, and the job waits (real cupsd)',
    core: true,
    needs: [cupsPart],
    async fault() {
      const part = started(cups, 'cupsd');
      printedBefore = await printedJobs();
      await writeFile(part.paperOut, '');
      const page = join(part.dir.path, 'paper.txt');
      await writeFile(page, 'A page for an empty tray\n');
      await cupsCommand('lp', ['-d', QUEUE, '-t', 'gym-paper', page]);
      await waitFor(async () => (await queueState()).alerts.includes('media-empty-error'), `${QUEUE} out of paper`);
    },
    // Nothing on the computer loads paper: Steward says what the printer said, in a person's words, and changes
    // nothing (no resume, no release: the queue runs and the job waits for the paper).
    expect: {
      finding: { kind: PRINTER_PROBLEM, subject: QUEUE },
      firstStep: 'info.printer',
      noChange: true,
      says: [`Printer ${QUEUE} cannot print: it is out of paper`, 'The printer reports: it is out of paper'],
    },
    // Paper loaded: the job prints, and the printer takes its reason back.
    cleanup: async () => {
      await rm(started(cups, 'cupsd').paperOut, { force: true });
      await waitFor(async () => {
        const queue = await queueState();
        return queue.jobs === 0 && !queue.alerts.includes('media-empty-error');
      }, `the page to print on ${QUEUE}`);
      if ((await printedJobs()) !== printedBefore + 1) throw new Error('the page waiting for paper was not printed');
    },
  },
  {
    name: 'printing-job-held',
    title: 'A job held until someone releases it (real cupsd, cups-pk-helper, polkitd)',
    core: true,
    needs: [polkitdPart, cupsPart],
    async fault() {
      const part = started(cups, 'cupsd');
      printedBefore = await printedJobs();
      const page = join(part.dir.path, 'held.txt');
      await writeFile(page, 'A page printed later\n');
      await cupsCommand('lp', ['-d', QUEUE, '-H', 'indefinite', '-t', 'gym-held', page]);
      await waitFor(async () => (await queueState()).jobs === 1, `cupsd to hold the job on ${QUEUE}`);
    },
    // Released, the job prints: once printed it cannot be held again, so there is no undo (the runner checks that
    // Steward says so).
    expect: {
      finding: { kind: PRINTER_PROBLEM, subject: QUEUE },
      firstStep: 'info.printer',
      apply: 'printing.release_job',
      applyState: 'fixed',
      says: ['held'],
      healthy: async () => (await queueState()).jobs === 0 && (await printedJobs()) === printedBefore + 1,
    },
    cleanup: async () => {
      await cupsCommand('cancel', ['-a', QUEUE]);
    },
  },
];
