// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Why a unit failed, as far as systemd's own state and the wordings real
// software prints say: what decides whether a restart can help. A restart is
// worth offering only for a cause that can pass; a missing program, user or
// directory, a port another process holds, a full disk or a bad configuration
// line fail the next start the same way.
import { PASSING_SETUP_STEPS, SETUP_EXIT_STATUSES } from '../causes/exitStatus.js';
import { missingCommandIn } from '../causes/missingModule.js';
import { type MissingInterface, missingInterfaceIn } from '../causes/networkInterface.js';
import { resultPasses } from '../causes/systemdResult.js';
import { type SystemError, systemErrorOf } from '../causes/systemError.js';
import { configErrorIn } from '../findings/detectors/configError.js';
import { missingExecutableIn, PID_FILE_MISSING } from '../findings/detectors/unitFailed.js';

export type FailureCause =
  /** systemd could not set the process up (status 2xx): the same start fails again until the unit or system changes. */
  | { kind: 'setup'; step: string; status?: number; evidence: string }
  /** The program could not bind its address: another process holds the port. */
  | { kind: 'port-in-use'; port?: number; evidence: string }
  | { kind: 'no-space'; evidence: string }
  /**
   * The program was refused a file (EACCES), or a port below 1024 that only root or CAP_NET_BIND_SERVICE may bind:
   * the same start is refused again until an owner, mode, User= or the unit's capabilities change.
   */
  | { kind: 'permission'; path?: string; privilegedPort?: number; evidence: string }
  | { kind: 'config-line'; path: string; line: number; evidence: string }
  /**
   * Another system error the program reported (a missing file, a read-only file system, no descriptors left, a
   * refused connection, a name that does not resolve): whether a restart can help is what checking its object says.
   */
  | { kind: 'system-error'; error: SystemError; evidence: string }
  /** The shell could not find a command the unit's script runs (status 127): it fails the same way until it is there. */
  | { kind: 'missing-command'; command: string; evidence: string }
  /** The program was told of an interface or local address the machine does not have. */
  | { kind: 'interface'; missing: MissingInterface; evidence: string }
  /** A unit it requires is masked: no start of it can succeed until that unit is unmasked. */
  | { kind: 'masked-dependency'; unit: string; evidence: string }
  /**
   * A forking daemon's PID file never appeared where PIDFile= says: systemd cannot tell which process is the
   * service, and the next start waits for the same file.
   */
  | { kind: 'pid-file'; path: string; evidence: string }
  /** The program printed its own error (an exception, "error:", "fatal:"): the next start meets the same. */
  | { kind: 'program-error'; evidence: string }
  /** A cause that can pass: a timeout, a watchdog, a signal from outside. */
  | { kind: 'transient'; result: string }
  | { kind: 'unknown' };

/** How the unit last ended, from systemd over D-Bus (Service.Result, ExecMainStatus for an exited process). */
export interface EndedState {
  result?: string;
  exitCode?: number;
}

// "status=203/EXEC" in "Main process exited, code=exited, status=203/EXEC" (PID 1, every version since 2014).
const EXIT_STATUS = /code=exited,? status=(\d+)(?:\/([A-Z_]+))?/;
// "Failed at step EXEC spawning /usr/bin/foo: No such file or directory" (systemd before 249; later as the
// unit's own line), "Failed to spawn 'start' task: …".
const FAILED_AT_STEP = /Failed at step ([A-Z_]+) spawning/;
// PID 1 could not read a file EnvironmentFile= names, before it forked the process: "Failed to load environment
// files: No such file or directory" (service.c, every version since 2012); Result is "resources".
const ENVIRONMENT_FILES = /Failed to load environment files/;
// The ports below it need root or CAP_NET_BIND_SERVICE (net.ipv4.ip_unprivileged_port_start, 1024 by default).
const PRIVILEGED_PORTS = 1024;
// PID 1's words for a start refused because a required unit is masked (job.c, unit.c).
const MASKED = /Unit ([\w@:.\\-]+) is masked/;
// How programs print an error that stops them: Python's traceback and exceptions, Java's and Node's, "error:" and
// "fatal:" prefixes (GCC style, Go's log.Fatal, Rust's anyhow), "[emerg]"/"[crit]" (nginx), "panic:", and a line that
// ends saying it stops ("sshd: no hostkeys available -- exiting.", "… Aborting.", "giving up").
const PROGRAM_ERROR =
  /Traceback \(most recent call last\)|^(?:\w+\.)*\w*(?:Error|Exception)(?::|$)|(?:^|[\s\]])(?:error|fatal|FATAL|ERROR|panic)(?:\]|:)|\[(?:emerg|crit|alert)\]|(?:^|[\s,;:-])(?:[Ee]xiting|[Aa]borting|[Gg]iving up|[Cc]annot continue)[.!]?$/;
// systemd's own lines about the failure, which say that it failed and not why.
const SYSTEMD_WORDS = /Failed with result|process exited|entered failed state|Failed to start|failed\.$/;

/** The cause a system error in the program's own line is: the port, space and permission causes by their errno. */
function systemErrorCause(error: SystemError, evidence: string): FailureCause {
  switch (error.errno.code) {
    case 'EADDRINUSE':
      return { kind: 'port-in-use', port: error.port, evidence };
    case 'ENOSPC':
    case 'EDQUOT':
      return { kind: 'no-space', evidence };
    case 'EACCES':
    case 'EPERM': {
      const { path, port } = error;
      const privilegedPort = !path && port !== undefined && port < PRIVILEGED_PORTS ? port : undefined;
      return { kind: 'permission', ...(path && { path }), ...(privilegedPort && { privilegedPort }), evidence };
    }
    default:
      return { kind: 'system-error', error, evidence };
  }
}

/**
 * The cause the unit's state and lines show, the most specific first: what systemd says over D-Bus, then its
 * own lines and the program's. `lines` are the texts of the finding's evidence and its title.
 */
export function failureCause(lines: readonly string[], ended: EndedState = {}): FailureCause {
  const status = ended.exitCode;
  const step = status !== undefined ? SETUP_EXIT_STATUSES[status] : undefined;
  const line = (pattern: RegExp) => lines.find((text) => pattern.test(text));
  if (step && !PASSING_SETUP_STEPS.has(step)) {
    const evidence =
      line(FAILED_AT_STEP) ?? line(EXIT_STATUS) ?? `ExecMainStatus=${status} (${step}), Result=${ended.result}`;
    return { kind: 'setup', step, status, evidence };
  }
  const environment = line(ENVIRONMENT_FILES);
  if (environment) return { kind: 'setup', step: 'ENVIRONMENT_FILE', evidence: environment };
  for (const text of lines) {
    const atStep = FAILED_AT_STEP.exec(text)?.[1] ?? (missingExecutableIn(text) ? 'EXEC' : undefined);
    if (atStep && !PASSING_SETUP_STEPS.has(atStep)) return { kind: 'setup', step: atStep, evidence: text };
    const exited = EXIT_STATUS.exec(text);
    const named = exited && (exited[2] ?? SETUP_EXIT_STATUSES[Number(exited[1])]);
    if (named && SETUP_EXIT_STATUSES[Number(exited[1])] === named && !PASSING_SETUP_STEPS.has(named)) {
      return { kind: 'setup', step: named, status: Number(exited[1]), evidence: text };
    }
  }
  const masked = line(MASKED);
  if (masked) return { kind: 'masked-dependency', unit: MASKED.exec(masked)?.[1] ?? '', evidence: masked };
  for (const text of lines) {
    const command = missingCommandIn(text);
    if (command) return { kind: 'missing-command', command, evidence: text };
    const missing = missingInterfaceIn(text);
    if (missing) return { kind: 'interface', missing, evidence: text };
  }
  // systemd's own lines say that the unit failed, and its "Can't open PID file" is about PIDFile=, not the program.
  const system = systemErrorOf(lines.filter((text) => !SYSTEMD_WORDS.test(text) && !PID_FILE_MISSING.test(text)));
  if (system) return systemErrorCause(system, system.line);
  for (const text of lines) {
    const location = configErrorIn(text.trimStart());
    if (location) return { kind: 'config-line', ...location, evidence: text };
  }
  const error = lines.find((text) => !SYSTEMD_WORDS.test(text) && PROGRAM_ERROR.test(text.trim()));
  // A daemon that failed on its own error never wrote its PID file either: its error is the cause then.
  const pidFile = !error && (ended.result === 'timeout' || ended.result === 'protocol') && line(PID_FILE_MISSING);
  if (pidFile) return { kind: 'pid-file', path: PID_FILE_MISSING.exec(pidFile)?.[1] ?? '', evidence: pidFile };
  if (ended.result && resultPasses(ended.result)) return { kind: 'transient', result: ended.result };
  if (error) return { kind: 'program-error', evidence: error };
  return { kind: 'unknown' };
}
