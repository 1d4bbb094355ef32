// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A real Debian system booted with systemd as PID 1 of its own namespaces (see namespace.sh), and the ways
// into it: commands as root or as the test user, run with nsenter in all of its namespaces.
import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { removeTree } from '../e2e/harness/mounts.js';
import { TEST_USER } from '../e2e/harness/rootfs.js';
import { SYSTEM_PATH } from '../e2e/harness/run.js';
import { waitFor } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';

const GYM_DIR = join(process.cwd(), 'test', 'gym');
/** The name of a run's cgroup and temporary directory begins with this and the run's PID. */
const LEFTOVER_PREFIX = 'steward-gym-';
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
  const cgroups = await cgroup2Mount();
  const memcgs = await memoryCgroupV1();
  await sweepDeadRuns([cgroups, ...(memcgs ? [memcgs] : [])]);
  const state = await makeTempDir(`${LEFTOVER_PREFIX}${process.pid}-`);
  const name = `${LEFTOVER_PREFIX}${process.pid}-${Date.now()}`;
  const cgroup = join(cgroups, name);
  await mkdir(cgroup);
  // Where the host keeps the memory controller on cgroup v1, the system gets a memory cgroup of its own too: the
  // root of the v1 memory hierarchy that a scenario mounts inside (its cgroup namespace's), and what stop() and a
  // later run's sweep remove with whatever a scenario made below it.
  const memcg = memcgs && join(memcgs, name);
  if (memcg) await mkdir(memcg);
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
      'echo $$ >"$0/cgroup.procs" && { [ -z "$2" ] || echo $$ >"$2/cgroup.procs"; } && exec "${@:3}" >"$1" 2>&1',
      cgroup,
      log,
      memcg ?? '',
      ...unshare,
    ],
    { stdio: 'ignore', env: { PATH: SYSTEM_PATH } },
  );
  const exited = new Promise<void>((resolve) => starter.once('exit', () => resolve()));
  const ended = () => starter.exitCode !== null || starter.signalCode !== null;
  let pid = 0;
  /** The device number of the system's root (its overlay): what a loop device backed by one of its files names. */
  let overlay: string | null = null;

  const stop = async () => {
    // Before the end, while the backing files' paths still name the state directory; one still mounted is
    // detached as its file system goes with the system.
    await detachLoops(state.path, overlay);
    if (pid) killGone(pid);
    if (!ended()) starter.kill('SIGKILL');
    await exited;
    try {
      // The kernel counts a process in its cgroup until it is reaped, a moment after it is listed no more.
      await waitFor(async () => !(await populated(cgroup)), 'the system’s processes to end', 30_000);
      await removeCgroup(cgroup);
      if (memcg) await removeCgroup(memcg);
      // A system that ended before stop() (its PID 1 killed) left its loop devices' paths without the state
      // directory: they are found by the overlay's device number.
      await detachLoops(state.path, overlay);
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
    overlay = (await system.check(['stat', '--format=%Hd:%Ld', '/'])).trim();
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
  // nsenter opens --wd's directory before it enters the system's root: "/" is the host's, outside the system, where
  // getcwd(3) fails (a compiler, the JVM). env -C makes the system's own root the working directory.
  const commandLine = (argv: readonly string[], who: Who) => [
    ...['nsenter', `--target=${pid}`, '--mount', '--pid', '--uts', '--ipc', '--net', '--cgroup', '--root', '--wd=/'],
    ...(who === 'user'
      ? ['runuser', '-u', TEST_USER.name, '--', 'env', '-i', '-C', '/', ...USER_ENV]
      : ['env', '-i', '-C', '/', ...ROOT_ENV]),
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

/**
 * A run killed outright (SIGKILL, a terminal closed) ends its system through the death signal, but leaves
 * its empty cgroups (and the memory cgroups a scenario made below its own) and its temporary directory: removed
 * here once the run that made them (the PID in their name) is gone. What cannot be removed (a cgroup still in
 * use, a directory with a mount inside) stays.
 */
async function sweepDeadRuns(hierarchies: readonly string[]): Promise<void> {
  const deadRun = (name: string) => {
    const pid = /^steward-gym-(\d+)-/.exec(name)?.[1];
    if (!pid) return false;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch {
      return true;
    }
  };
  for (const cgroups of hierarchies) {
    for (const name of (await readdir(cgroups)).filter(deadRun)) {
      if (!(await populated(join(cgroups, name)))) await removeCgroup(join(cgroups, name)).catch(() => undefined);
    }
  }
  for (const name of (await readdir(tmpdir())).filter(deadRun)) {
    await removeTree(join(tmpdir(), name)).catch(() => undefined);
  }
}

/** SIGKILL to `pid`, which may have ended already (a system whose PID 1 was killed). */
function killGone(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

interface LoopDevice {
  name: string;
  'back-maj:min': string | null;
  'back-file': string | null;
}

/**
 * Detaches the host's loop devices backed by a file of the system whose state directory is `state`: a path in it,
 * or, once the system's mounts are gone (the path then starts at the overlay's root), a file on its overlay
 * (`overlay`, "major:minor") that no other gym's path names. A device still in use is detached at its last close.
 */
async function detachLoops(state: string, overlay: string | null): Promise<void> {
  const { stdout } = await promisify(execFile)(
    'losetup',
    ['--json', '--list', '--output', 'NAME,BACK-MAJ:MIN,BACK-FILE'],
    { env: { PATH: SYSTEM_PATH } },
  );
  const devices = stdout.trim() ? (JSON.parse(stdout) as { loopdevices: LoopDevice[] }).loopdevices : [];
  const ours = (device: LoopDevice) => {
    const file = device['back-file'] ?? '';
    if (file.startsWith(`${state}/`)) return true;
    return device['back-maj:min']?.trim() === overlay && !file.startsWith(join(tmpdir(), LEFTOVER_PREFIX));
  };
  for (const device of devices.filter(ours)) {
    await promisify(execFile)('losetup', ['--detach', device.name], { env: { PATH: SYSTEM_PATH } }).catch(
      () => undefined,
    );
  }
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

/**
 * This process's memory cgroup in the host's v1 memory hierarchy (/sys/fs/cgroup/memory/…), or null where the
 * memory controller is on cgroup2 (the system's own cgroup then has it) or not mounted.
 */
async function memoryCgroupV1(): Promise<string | null> {
  const own = (await readFile('/proc/self/cgroup', 'utf8'))
    .split('\n')
    .map((line) => /^\d+:([^:]*):(.*)$/.exec(line))
    .find((match) => match?.[1]?.split(',').includes('memory'))?.[2];
  if (own === undefined) return null;
  // mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAGS…] - TYPE SOURCE SUPER_OPTIONS"
  const mount = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((line) => line.split(' - '))
    .filter(([, after]) => after?.startsWith('cgroup ') && after.split(' ')[2]?.split(',').includes('memory'))
    .map(([before = '']) => before.split(' '))
    .find(([, , , root = '']) => own === root || own.startsWith(`${root.replace(/\/$/, '')}/`));
  if (!mount) return null;
  const [, , , root = '/', point = ''] = mount;
  return join(point, own.slice(root === '/' ? 0 : root.length));
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
