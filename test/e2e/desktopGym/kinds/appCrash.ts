// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// An application that crashes: gjs, started in the session as GNOME starts an app (a scope of app.slice), hits a
// breakpoint instruction as g_error() does and the kernel kills it with SIGTRAP. Its crash record is written by the
// real systemd-coredump: the kernel hands a crash to it only through kernel.core_pattern, which is the whole host's
// and stays as it is, so the gym hands the crash over as a crash reporter does, with systemd-coredump --backtrace
// and the process's PID (kept, unreaped, by its parent until then), UID, GID and signal as the kernel left them.
//
// Not offered, so the row checks that nothing is: the update of the crashed program's package (packages.update),
// which the playbook proposes when PackageKit has one waiting. Steward finds a crashed program's package from the
// record's executable (COREDUMP_EXE), which systemd-coredump reads from /proc while the kernel still holds the
// process: a dead one has none, so this record names no file a package could own. (app-crash-update-waiting, in
// appCrashUpdate.ts, hands the path over as a crash reporter does and has its update applied.)
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';

import { COREDUMP } from '../../../../service/src/kinds/crash/coredumpDetector.js';
import { waitFor } from '../../../support/service.js';
import { command } from '../command.js';
import { childrenOf, spawnInSession } from '../inSession.js';
import type { DesktopScenario, ShellContext } from '../scenario.js';

/** The program that crashes, from the gjs package the shell needs. */
const CRASHED_PROGRAM = '/usr/bin/gjs-console';
/**
 * What the finding names: systemd-coredump reads the executable's path from /proc, which a dead process no longer
 * has, so its record names the program by its kernel name (COREDUMP_COMM).
 */
export const CRASHED_APP = 'gjs-console';
const SYSTEMD_COREDUMP = '/usr/lib/systemd/systemd-coredump';
/** systemd's catalog: a crash handed to systemd-coredump --backtrace. */
const BACKTRACE_RECORD = '1f4e0a44a88649939aaea34fc6da8c95';

interface DeadProcess {
  /** Its PID in the session's PID namespace. */
  sessionPid: number;
  signal: number;
  uid: string;
  gid: string;
}

/** A file of /proc/PID, or null for a process that ended (and was reaped) since it was listed. */
const procFile = (pid: number, name: string) =>
  readFile(`/proc/${pid}/${name}`, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ESRCH') return null;
    throw error;
  });

/**
 * A process's state and wait(2) status, from /proc/PID/stat's fields after the command's name (which may hold
 * spaces): the state is the first, the exit status the 50th. Null for a process that is gone.
 */
async function stateOf(pid: number): Promise<{ state: string; exitStatus: number } | null> {
  const stat = await procFile(pid, 'stat');
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', exitStatus: Number(fields[49]) };
}

/**
 * What the kernel keeps of a dead, unreaped process (proc(5): /proc/PID/stat's state and exit code, status); null
 * while it runs, and for a child listed a moment before it ended and was reaped (not the program, which its
 * parent never reaps).
 */
async function deadProcess(pid: number): Promise<DeadProcess | null> {
  const stat = await stateOf(pid);
  if (stat?.state !== 'Z') return null;
  const status = await procFile(pid, 'status');
  if (status === null) return null;
  return {
    // NSpid lists the PID in each namespace from the host's down to the process's own.
    sessionPid: Number(/^NSpid:.*\s(\d+)$/m.exec(status)?.[1]),
    signal: stat.exitStatus & 0x7f,
    uid: /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '',
    gid: /^Gid:\s+(\d+)/m.exec(status)?.[1] ?? '',
  };
}

/** The first line `child` writes. */
async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  for await (const line of createInterface({ input: child.stdout })) return line;
  throw new Error('the program ended without a word');
}

/** Whether the journal holds a crash record (systemd's catalog's "--backtrace" one) from root's `sessionPid`. */
async function journalHas(journalDir: string, sessionPid: number): Promise<boolean> {
  const { stdout } = await command('journalctl', [
    `--directory=${journalDir}`,
    '--output=cat',
    `_PID=${sessionPid}`,
    '_UID=0',
    `MESSAGE_ID=${BACKTRACE_RECORD}`,
  ]);
  return stdout.trim() !== '';
}

/** What a reporter that left no record said, on its error output and in the journal, for the row's reason. */
async function reporterTrace(journalDir: string, reporterPid: number, said: string): Promise<string> {
  const { stdout } = await command('journalctl', [`--directory=${journalDir}`, '--output=cat', `_PID=${reporterPid}`]);
  const lines = [...said.split('\n'), ...stdout.split('\n')].filter(Boolean);
  return `systemd-coredump (PID ${reporterPid}) said: ${lines.length > 0 ? lines.join(' | ') : 'nothing'}`;
}

/** The child of `pid` whose kernel name (at most 15 characters) is `comm`. */
async function childNamed(pid: number | undefined, comm: string): Promise<number | undefined> {
  for (const child of await childrenOf(pid)) if ((await procFile(child, 'comm'))?.trim() === comm) return child;
  return undefined;
}

/**
 * Where the reporter (`hostPid`) is: still running, and waiting in which kernel function, or ended with which
 * status; and what it logged to the kernel's log, where systemd-coredump writes its own errors (it does not log to
 * a journal until it knows journald is not the program that crashed).
 */
async function reporterState(hostPid: number | undefined): Promise<string> {
  const stat = hostPid === undefined ? null : await stateOf(hostPid);
  let state = 'it was not found';
  if (stat?.state === 'Z') state = `it ended with status ${stat.exitStatus >> 8}, signal ${stat.exitStatus & 0x7f}`;
  else if (stat && hostPid !== undefined)
    state = `it still runs (state ${stat.state}, in ${(await procFile(hostPid, 'wchan')) ?? 'an unknown function'})`;
  const kernelLog = await command('dmesg', []).then(
    ({ stdout }) =>
      stdout
        .split('\n')
        .filter((line) => line.includes('systemd-coredump'))
        .slice(-5),
    (error: Error) => [`(dmesg: ${error.message})`],
  );
  return `${state}; the kernel's log: ${kernelLog.length > 0 ? kernelLog.join(' | ') : 'nothing from it'}`;
}

/** The program the repeated crash runs: the shell Debian's /bin/sh is. */
export const REPEATED_PROGRAM = '/usr/bin/dash';

export interface Crash {
  /** The unit the program runs in, a scope of the user's app.slice. */
  unit: string;
  /** The shell command that starts the program (in the background, so that it dies unreaped). */
  program: string;
  /**
   * The program's file, handed to systemd-coredump as a crash reporter's journal entry (COREDUMP_EXE=) on its
   * input: the field systemd-coredump reads from /proc/PID/exe while the kernel holds a crashing process, which a
   * dead one no longer has. Without it the record has no COREDUMP_EXE.
   */
  exe?: string;
}

/** A crash reporter's journal entry (journal export format: one FIELD=value line each, an empty line after). */
function reporterEntry(exe: string, dead: DeadProcess, comm: string): string {
  const message = `Process ${dead.sessionPid} (${comm}) of user ${dead.uid} failed with ${dead.signal}`;
  return `COREDUMP_EXE=${exe}\nMESSAGE=${message}\n\n`;
}

/**
 * Runs `crash.program` as the session's user and has systemd-coredump --backtrace record its death. systemd-coredump
 * stands in for the kernel's core_pattern here: the kernel holds a crashing process until its helper has read it,
 * while this dead one has been seen gone before systemd-coredump opened it ("Failed to initialize pidref from pid 269:
 * No such process", two runs in about thirty), and then nothing was recorded. That crash is staged once more.
 */
export async function crashInSession(context: ShellContext, crash: Crash): Promise<void> {
  await crashOnce(context, crash).catch((error: Error) => {
    if (!(error instanceof CrashNotRead)) throw error;
    return crashOnce(context, crash);
  });
}

/** systemd-coredump found the dead process it was handed gone (src/coredump/coredump.c, pidref_set_pid: ESRCH). */
class CrashNotRead extends Error {}

const lostBeforeRead = (pid: number, said: string) =>
  said.includes(`Failed to initialize pidref from pid ${pid}: No such process`);

async function crashOnce({ session }: ShellContext, crash: Crash): Promise<void> {
  const { journalDir } = session;
  if (!journalDir) throw new Error('the session has no journal');
  // The crashing program's parent is cat, which never waits for it: the dead process keeps its PID until cat
  // ends. No core file: the host's core_pattern names a file in the program's working folder.
  const app = await spawnInSession(session, {
    as: 'user',
    unit: crash.unit,
    argv: ['/bin/sh', '-c', `ulimit -c 0; ${crash.program} & exec cat`],
  });
  try {
    const found: { dead?: DeadProcess | null; comm?: string } = {};
    await waitFor(async () => {
      // nsenter's child, the shell that became cat, and its child, the program.
      const [cat] = await childrenOf(app.pid);
      const [program] = await childrenOf(cat);
      if (program === undefined) return false;
      found.dead = await deadProcess(program);
      if (found.dead) found.comm = (await procFile(program, 'comm'))?.trim();
      return found.dead !== null;
    }, `${crash.program} to crash`);
    if (!found.dead) throw new Error(`${crash.program} did not crash`);
    const { sessionPid, signal, uid, gid } = found.dead;
    // As the kernel's core_pattern passes them (%P %u %g %s %t %c %h).
    const args = [sessionPid, uid, gid, signal, Math.floor(Date.now() / 1000), 0, hostname()];
    // Without an entry, nothing on its input (no trace): the background command's input is /dev/null.
    const entry = crash.exe ? reporterEntry(crash.exe, found.dead, found.comm ?? '') : '';
    // journald reads a writer's _EXE and _COMM from /proc after its line arrives, and systemd-coredump --backtrace
    // ends as soon as it has logged (systemd#2913): reaped at once, it may leave its record without them. Its parent
    // here is cat again, so that it stays, dead, with its name (_COMM) until journald has its record.
    const reporter = await spawnInSession(session, {
      as: 'root',
      unit: 'gym-crash-report.service',
      argv: [
        '/bin/sh',
        '-c',
        entry ? 'printf %s "$0" | "$@" & echo "$!"; exec cat' : '"$@" & echo "$!"; exec cat',
        entry || 'report',
        SYSTEMD_COREDUMP,
        '--backtrace',
        ...args.map(String),
      ],
    });
    let reporterSaid = '';
    reporter.stderr.on('data', (chunk: Buffer) => (reporterSaid += chunk.toString()));
    try {
      const reporterPid = Number(await firstLine(reporter));
      // nsenter's child, the shell that became cat, and its children: printf's, and systemd-coredump's.
      const coredump = async () => childNamed((await childrenOf(reporter.pid))[0], 'systemd-coredum');
      // It ended without recording: nothing more will come.
      const failed = async () => {
        const pid = await coredump();
        const stat = pid === undefined ? null : await stateOf(pid);
        return stat?.state === 'Z' && stat.exitStatus !== 0;
      };
      let recorded = false;
      await waitFor(
        async () => (recorded = await journalHas(journalDir, reporterPid)) || (await failed()),
        'systemd-coredump’s record in the journal',
      ).catch(() => undefined);
      if (!recorded) {
        const said = `no systemd-coredump record in the journal; ${await reporterTrace(journalDir, reporterPid, reporterSaid)}; ${await reporterState(await coredump())}`;
        throw lostBeforeRead(sessionPid, said) ? new CrashNotRead(said) : new Error(said);
      }
    } finally {
      reporter.stdin.end();
    }
  } finally {
    app.stdin.end();
  }
}

export const APP_CRASH_SCENARIOS: DesktopScenario[] = [
  {
    name: 'app-crash',
    title: 'An app that crashes (gjs, SIGTRAP), recorded by the real systemd-coredump (--backtrace)',
    core: true,
    fault: (context) =>
      crashInSession(context, {
        unit: 'app-gym-gjs.scope',
        program: `${CRASHED_PROGRAM} -c 'imports.system.breakpoint()'`,
      }),
    expect: { finding: { kind: COREDUMP, subject: CRASHED_APP }, firstStep: 'info.coredump', noChange: true },
    cleanup: () => Promise.resolve(),
  },
  {
    name: 'app-crash-repeated',
    title: 'An app that crashes three times (a shell, SIGSEGV), each recorded by the real systemd-coredump',
    core: true,
    async fault(context) {
      for (let time = 0; time < 3; time++)
        await crashInSession(context, {
          unit: 'app-gym-shell.scope',
          program: `/bin/sh -c 'kill -SEGV $$'`,
          exe: REPEATED_PROGRAM,
        });
    },
    // The count in the title: a person says "it crashed three times", not "it crashed".
    expect: {
      finding: { kind: COREDUMP, subject: REPEATED_PROGRAM },
      firstStep: 'info.coredump',
      noChange: true,
      says: ['dash crashed 3 times (SIGSEGV)'],
    },
    cleanup: () => Promise.resolve(),
  },
];
