// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A real Debian system booted with systemd as PID 1 of its own namespaces (see namespace.sh), and the ways
// into it: commands as root or as the test user, run with nsenter in all of its namespaces.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

import { removeTree } from '../e2e/harness/mounts.js';
import { TEST_USER } from '../e2e/harness/rootfs.js';
import { SYSTEM_PATH } from '../e2e/harness/run.js';
import { waitFor } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';

const GYM_DIR = join(process.cwd(), 'test', 'gym');
/** systemd reaches `running` (or `degraded`) in seconds; a busy two-core machine may take many times that. */
const BOOT_TIMEOUT_MS = 120_000;

export const USER_ENV = [
  `HOME=${TEST_USER.home}`,
  `USER=${TEST_USER.name}`,
  `LOGNAME=${TEST_USER.name}`,
  'PATH=/usr/local/bin:/usr/bin:/bin',
  'LANG=C.UTF-8',
  `XDG_RUNTIME_DIR=/run/user/${TEST_USER.uid}`,
  `DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/${TEST_USER.uid}/bus`,
];
const ROOT_ENV = ['HOME=/root', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8'];

export type Who = 'root' | 'user';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface GymSystem {
  /** The host's PID of the system's PID 1 (systemd). */
  pid: number;
  /** The argv that runs a command inside the system as `who`, with a clean environment. */
  commandLine(argv: readonly string[], who: Who): string[];
  /** Runs a command inside the system to its end; `input` is its stdin. */
  exec(argv: readonly string[], who?: Who, input?: string): Promise<CommandResult>;
  /** As exec, and fails with its output unless it exits 0. */
  check(argv: readonly string[], who?: Who, input?: string): Promise<string>;
  /** Writes a file inside the system, as `who`, with the directories it needs. */
  writeFile(path: string, content: string, mode?: string, who?: Who): Promise<void>;
  /** Ends the system: SIGKILL to PID 1 ends every process and mount of it; then its files are removed. */
  stop(): Promise<void>;
}

/**
 * Boots `rootfs` (a tree made with GYM_RECIPE) on an overlay, with `checkout`'s build installed as the
 * test user's Steward service, and resolves once systemd has finished starting the system.
 */
export async function bootSystem(rootfs: string, checkout: string): Promise<GymSystem> {
  const state = await makeTempDir('steward-gym-');
  const cgroup = join(await cgroup2Mount(), `steward-gym-${process.pid}-${Date.now()}`);
  await mkdir(cgroup);
  const log = join(state.path, 'boot.log');
  // The death signal ends unshare when this process dies; --kill-child then ends the system's PID 1,
  // which the kernel follows with every other process of the namespace, and the mounts go with them.
  const unshare = [
    ...['unshare', '--mount', '--pid', '--cgroup', '--net', '--uts', '--ipc', '--fork', '--kill-child'],
    ...['--propagation=private', '--', 'bash', join(GYM_DIR, 'namespace.sh')],
    ...[rootfs, state.path, checkout, String(TEST_USER.uid)],
  ];
  // Moved into a cgroup of its own first, which becomes the root of the system's cgroup namespace: its
  // systemd manages that subtree, never the host's, nor another gym's beside it.
  const starter = spawn(
    'setpriv',
    [
      '--pdeathsig=KILL',
      '--',
      'bash',
      '-c',
      'echo $$ >"$0/cgroup.procs" && exec "${@:2}" >"$1" 2>&1',
      cgroup,
      log,
      ...unshare,
    ],
    { stdio: 'ignore', env: { PATH: SYSTEM_PATH } },
  );
  const exited = new Promise<void>((resolve) => starter.once('exit', () => resolve()));
  const ended = () => starter.exitCode !== null || starter.signalCode !== null;
  let pid = 0;

  const stop = async () => {
    if (pid) process.kill(pid, 'SIGKILL');
    if (!ended()) starter.kill('SIGKILL');
    await exited;
    try {
      // The kernel counts a process in its cgroup until it is reaped, a moment after it is listed no more.
      await waitFor(async () => !(await populated(cgroup)), 'the system’s processes to end', 30_000);
      await removeCgroup(cgroup);
    } finally {
      await removeTree(state.path);
    }
  };

  try {
    await waitFor(
      async () => {
        if (ended()) throw new Error('the system ended while booting');
        pid = await initOf(cgroup);
        return pid !== 0;
      },
      'systemd to start as PID 1',
      BOOT_TIMEOUT_MS,
    );
    const system = makeSystem(pid, stop);
    await waitFor(
      async () => (await system.exec(['test', '-S', '/run/systemd/private'])).code === 0,
      'systemd to listen on its private socket',
      BOOT_TIMEOUT_MS,
    );
    // --wait returns once the boot's jobs are done, whatever the state they leave.
    const state = await system.exec([
      'timeout',
      String(BOOT_TIMEOUT_MS / 1000),
      'systemctl',
      'is-system-running',
      '--wait',
    ]);
    if (!/^(running|degraded)$/m.test(state.stdout)) {
      throw new Error(`the system did not finish booting: ${state.stdout}${state.stderr}`);
    }
    return system;
  } catch (error) {
    const output = await readFile(log, 'utf8').catch(() => '');
    await stop();
    throw new Error(`${(error as Error).message}\nboot output:\n${output}`, { cause: error });
  }
}

function makeSystem(pid: number, stop: () => Promise<void>): GymSystem {
  const commandLine = (argv: readonly string[], who: Who) => [
    ...['nsenter', `--target=${pid}`, '--mount', '--pid', '--uts', '--ipc', '--net', '--cgroup', '--root', '--wd=/'],
    ...(who === 'user'
      ? ['runuser', '-u', TEST_USER.name, '--', 'env', '-i', ...USER_ENV]
      : ['env', '-i', ...ROOT_ENV]),
    ...argv,
  ];
  const exec = (argv: readonly string[], who: Who = 'root', input?: string) =>
    new Promise<CommandResult>((resolve, reject) => {
      const [command = '', ...args] = commandLine(argv, who);
      const child = spawn(command, args, { env: { PATH: SYSTEM_PATH }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
      // A command that reads no input may be gone before it is written: EPIPE then says nothing.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
  const check = async (argv: readonly string[], who: Who = 'root', input?: string) => {
    const result = await exec(argv, who, input);
    if (result.code !== 0) {
      throw new Error(`${argv.join(' ')} (as ${who}) exited ${result.code}: ${result.stdout}${result.stderr}`);
    }
    return result.stdout;
  };
  return {
    pid,
    commandLine,
    exec,
    check,
    async writeFile(path, content, mode = '0644', who = 'root') {
      // cat, not install /dev/stdin: the stdin that node gives a child is a socket, which open(2) refuses.
      const write = 'mkdir -p "$(dirname "$0")" && cat >"$0" && chmod "$1" "$0"';
      await check(['sh', '-c', write, path, mode], who, content);
    },
    stop,
  };
}

/** Where the host's cgroup2 hierarchy is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified beside v1 controllers. */
async function cgroup2Mount(): Promise<string> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  const point = mounts
    .split('\n')
    .map((line) => line.split(' '))
    .find((fields) => fields[2] === 'cgroup2')?.[1];
  if (!point) throw new Error('no cgroup2 hierarchy is mounted: systemd cannot boot without one');
  return point;
}

/** The host PID of the system's systemd: the one process in the init.scope it makes, 0 until then. */
async function initOf(cgroup: string): Promise<number> {
  const procs = await readFile(join(cgroup, 'init.scope', 'cgroup.procs'), 'utf8').catch(() => '');
  return Number(procs.trim().split('\n')[0] ?? 0) || 0;
}

/** Whether any process is left in `cgroup` or below (cgroup.events says "populated 1"). */
async function populated(cgroup: string): Promise<boolean> {
  const events = await readFile(join(cgroup, 'cgroup.events'), 'utf8').catch(() => 'populated 0');
  return /^populated 1$/m.test(events);
}

/** Removes an empty cgroup tree, deepest first (a cgroup with children cannot be removed). */
async function removeCgroup(cgroup: string): Promise<void> {
  const entries = await readdir(cgroup, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.filter((e) => e.isDirectory())) await removeCgroup(join(cgroup, entry.name));
  await rmdir(cgroup).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
