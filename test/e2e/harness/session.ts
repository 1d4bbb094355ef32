// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { chmod, chown, copyFile, cp, mkdir, open, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { type DBusError, type MessageBus, sessionBus } from '@jellybrick/dbus-next';

import { callMethod } from '../../../service/src/dbus/client.js';
import { nameHasOwner, waitFor } from '../../support/service.js';
import { makeTempDir } from '../../support/tempDir.js';
import { mountsUnder, removeTree } from './mounts.js';
import type { RootfsOverlay } from './packages.js';
import { TEST_USER } from './rootfs.js';
import { run, SYSTEM_PATH } from './run.js';
import { shellEval } from './shell.js';

const HARNESS_DIR = join(process.cwd(), 'test', 'e2e', 'harness');
const STARTUP_TIMEOUT_MS = 60_000;

export interface SessionOptions {
  rootfs: string;
  /** A built extension directory, named after its UUID. */
  extensionDir: string;
  /** Arguments for gnome-extensions pack besides the source directory. */
  packArgs: string[];
  /**
   * The built test hook (dist/extension-test-hook), copied into the installed extension after it is
   * packed and installed, never into the bundle; the shell then exports the hook (session.sh).
   */
  testHookDir?: string;
  /** Where stop() leaves the shell's log and the session's output. */
  logDir: string;
  /**
   * A built checkout (dist/, node_modules/) whose service the session bus starts when asked for its
   * name, through an activation file like build/install.sh's; `config` is the test user's config.json.
   */
  activation?: { root: string; config: unknown };
  /**
   * Packages installed on an overlay of `rootfs` (see packages.ts): the session runs on it, the shell
   * loads the system's copy of the extension (extensionDir only names its UUID) and the session bus
   * starts the service from the package's activation file; `config` is the test user's config.json.
   */
  installed?: { overlay: RootfsOverlay; config: unknown };
  /**
   * An overlay of `rootfs` the session runs on, without `installed`'s packaged extension and service: what the
   * session changes in its root filesystem (packages it installs) lands in the overlay, never in the cached tree.
   */
  overlay?: RootfsOverlay;
  /** The session's locale, one the root filesystem has generated (rootfs.ts); C.UTF-8 when unset. */
  locale?: string;
  /**
   * Further extension directories, each named after its UUID, installed for the test user before the shell
   * starts and left turned off: the shell loads them, and a test turns them on as the Extensions app does.
   */
  extraExtensions?: string[];
  /**
   * A journal as a desktop has (journal.sh): the root filesystem's systemd-journald, the shell in
   * org.gnome.Shell@wayland.service's cgroup with its output in the journal; the log file follows its lines there.
   */
  journal?: boolean;
}

export interface ShellSession {
  /** The session bus, reachable from the host. */
  busAddress: string;
  /** A connection to that bus, closed by stop(). */
  bus: MessageBus;
  /** The shell's stdout and stderr, as it runs. */
  shellLogPath: string;
  /** The session's output, as it runs: the bus's messages and what the services it starts write. */
  outputPath: string;
  /** The session's /tmp, as this machine sees it. */
  tmpDir: string;
  /** With `journal`: the folder of the session's journal files, as this machine sees it (journalctl --directory). */
  journalDir?: string;
  /** The session's PID namespace ("pid:[inode]"), where every process of the session runs. */
  pidNamespace: string;
  /** Saves a PNG of the whole screen, or of `area` only. */
  screenshot(destination: string, area?: { x: number; y: number; width: number; height: number }): Promise<void>;
  /** Ends every process of the session; afterwards nothing of it is mounted or running. */
  stop(): Promise<void>;
}

/**
 * Starts GNOME Shell headless in `rootfs` as the test user, with the extension installed and
 * enabled, and resolves once the shell has finished starting up and shows the desktop.
 */
export async function startShellSession(options: SessionOptions): Promise<ShellSession> {
  const share = await makeTempDir('steward-e2e-');
  const tmp = join(share.path, 'tmp');
  const home = join(share.path, 'home');
  await mkdir(tmp, { mode: 0o1777 });
  await chmod(tmp, 0o1777);
  await mkdir(home);
  await chown(home, TEST_USER.uid, TEST_USER.uid);
  if (!options.installed) await cp(options.extensionDir, join(tmp, 'extension'), { recursive: true });
  if (options.testHookDir) await cp(options.testHookDir, join(tmp, 'test-hook'), { recursive: true });
  await copyFile(join(HARNESS_DIR, 'session-bus.conf'), join(tmp, 'session-bus.conf'));
  await copyFile(join(HARNESS_DIR, 'session.sh'), join(tmp, 'session.sh'));
  if (options.extraExtensions) await installExtensions(home, options.extraExtensions);
  const config = options.activation?.config ?? options.installed?.config;
  if (config !== undefined) await writeServiceConfig(home, config);

  const outputPath = join(share.path, 'session.log');
  const output = await open(outputPath, 'w');
  const uuid = basename(options.extensionDir);
  const overlay = options.installed?.overlay ?? options.overlay;
  // The death signal ends unshare when this process dies; --kill-child then ends the namespace.
  const namespace = spawn(
    'setpriv',
    [
      '--pdeathsig=KILL',
      '--',
      ...['unshare', '--mount', '--pid', '--fork', '--kill-child', '--propagation=private', '--'],
      ...['bash', join(HARNESS_DIR, 'namespace.sh'), options.rootfs, share.path, String(TEST_USER.uid)],
      ...[uuid, ...options.packArgs],
    ],
    {
      stdio: ['ignore', output.fd, output.fd],
      env: {
        PATH: SYSTEM_PATH,
        ...(options.locale && { STEWARD_SESSION_LANG: options.locale }),
        ...(options.journal && { STEWARD_SESSION_JOURNAL: '1' }),
        ...(options.activation && {
          STEWARD_SERVICE_ROOT: options.activation.root,
          STEWARD_SERVICE_NODE: process.execPath,
        }),
        ...(overlay && { STEWARD_ROOTFS_UPPER: overlay.upper, STEWARD_ROOTFS_WORK: overlay.work }),
      },
    },
  );
  await output.close();
  const exited = new Promise<void>((resolve) => namespace.once('exit', () => resolve()));

  const shellLogPath = join(tmp, 'shell.log');
  const busAddress = `unix:path=${join(tmp, 'bus')}`;
  const ended = () => namespace.exitCode !== null || namespace.signalCode !== null;
  const endedHow = () =>
    namespace.signalCode ? `killed by ${namespace.signalCode}` : `exit status ${namespace.exitCode}`;
  let bus: MessageBus | undefined;

  const saveLogs = async () => {
    await mkdir(options.logDir, { recursive: true });
    for (const [from, to] of [
      [shellLogPath, 'shell.log'],
      [outputPath, 'session.log'],
    ] as const) {
      await copyFile(from, join(options.logDir, to)).catch(() => undefined);
    }
  };

  const stop = async () => {
    bus?.disconnect();
    const pidNamespace = await namespaceOf(namespace.pid);
    if (namespace.exitCode === null && namespace.signalCode === null) namespace.kill('SIGKILL');
    await exited;
    // The kernel ends the other processes of a PID namespace once its first one is gone, a moment later.
    if (pidNamespace) await waitFor(async () => !(await anyProcessIn(pidNamespace)), 'the session to end');
    const mounted = await mountsUnder(options.rootfs);
    if (mounted.length > 0) throw new Error(`the session left mounts behind: ${mounted.join(', ')}`);
    // The session's cgroups outlive it, empty, in the host's cgroup2 hierarchy.
    if (options.journal) await sweepSessionCgroups();
    await saveLogs();
    await removeTree(share.path);
  };

  try {
    await waitFor(
      async () => {
        if (ended()) throw new Error(`the session ended while starting (${endedHow()})`);
        return (await readdir(tmp)).includes('bus-listening');
      },
      'the session bus to listen (session.sh marks it)',
      STARTUP_TIMEOUT_MS,
    );
    bus = await connect(busAddress).catch(async (error: Error) => {
      // Once it listened, only a bus that has ended refuses; dbus-run-session then says how it ended.
      const said = async () => busEnding(await readFile(outputPath, 'utf8'));
      await waitFor(
        async () => ended() || (await said()) !== undefined,
        'dbus-run-session to say how the session bus ended',
        STARTUP_TIMEOUT_MS,
      ).catch(() => undefined);
      const why =
        (await said()) ?? (ended() ? `the session ended (${endedHow()})` : 'dbus-run-session said nothing of it');
      throw new Error(`the session bus listened, then refused the connection (${error.message}): ${why}`);
    });
    const shellBus = bus;
    await waitFor(
      async () => {
        if (ended()) throw new Error(`the session ended while starting (${endedHow()})`);
        return await nameHasOwner(shellBus, 'org.gnome.Shell');
      },
      'GNOME Shell to take its bus name',
      STARTUP_TIMEOUT_MS,
    );
    await waitFor(
      async () => (await shellEval(shellBus, 'Main.layoutManager._startingUp').catch(unlessUnexported)) === false,
      'GNOME Shell to finish starting up',
      STARTUP_TIMEOUT_MS,
    );
    // The shell starts in the overview when no window is open; the tests want the desktop.
    await shellEval(shellBus, 'Main.overview.hide()');
    await waitFor(
      async () => (await shellEval(shellBus, 'Main.overview.visible || Main.overview.animationInProgress')) === false,
      'the overview to close',
    );
    const pidNamespace = await namespaceOf(namespace.pid);
    if (!pidNamespace) throw new Error('the session has no PID namespace of its own');
    return {
      busAddress,
      bus: shellBus,
      shellLogPath,
      outputPath,
      tmpDir: tmp,
      pidNamespace,
      ...(options.journal && { journalDir: join(share.path, 'journal') }),
      async screenshot(destination, area) {
        const name = `screenshot-${Date.now()}.png`;
        const call = area
          ? { member: 'ScreenshotArea', signature: 'iiiibs', body: [area.x, area.y, area.width, area.height, false] }
          : { member: 'Screenshot', signature: 'bbs', body: [false, false] };
        await callMethod(shellBus, {
          destination: 'org.gnome.Shell.Screenshot',
          path: '/org/gnome/Shell/Screenshot',
          interface: 'org.gnome.Shell.Screenshot',
          member: call.member,
          signature: call.signature,
          body: [...call.body, `/tmp/${name}`],
        });
        await copyFile(join(tmp, name), destination);
      },
      stop,
    };
  } catch (error) {
    await stop();
    const log = await readFile(join(options.logDir, 'session.log'), 'utf8');
    const shellLog = await readFile(join(options.logDir, 'shell.log'), 'utf8').catch(() => '(none)');
    throw new Error(`${(error as Error).message}\nsession output:\n${log}\nshell log:\n${shellLog}`, { cause: error });
  }
}

/** Removes the cgroups of ended sessions (journal.sh), through a cgroup2 mount of a mount namespace of its own. */
async function sweepSessionCgroups(): Promise<void> {
  const script =
    'set -e; source "$0"; dir=$(mktemp -d); mount -t cgroup2 cgroup2 "$dir"; ' +
    'sweep_session_cgroups "$dir"; umount "$dir"; rmdir "$dir"';
  await run('unshare', ['--mount', '--propagation=private', 'bash', '-c', script, join(HARNESS_DIR, 'journal.sh')]);
}

/** Writes `config` as the test user's Steward configuration into `home`, owned by that user. */
async function writeServiceConfig(home: string, config: unknown): Promise<void> {
  const dir = join(home, '.config', 'steward');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  for (const path of [join(home, '.config'), dir, join(dir, 'config.json')]) {
    await chown(path, TEST_USER.uid, TEST_USER.uid);
  }
}

/** Copies each of `dirs` into the test user's extensions folder in `home`, owned by that user. */
async function installExtensions(home: string, dirs: string[]): Promise<void> {
  const extensions = join(home, '.local', 'share', 'gnome-shell', 'extensions');
  await mkdir(extensions, { recursive: true });
  for (const dir of dirs) await cp(dir, join(extensions, basename(dir)), { recursive: true });
  const owned = [join(home, '.local'), join(home, '.local', 'share'), join(home, '.local', 'share', 'gnome-shell')];
  const files = (await readdir(extensions, { recursive: true })).map((file) => join(extensions, file));
  for (const path of [...owned, extensions, ...files]) await chown(path, TEST_USER.uid, TEST_USER.uid);
}

async function connect(address: string): Promise<MessageBus> {
  const bus = sessionBus({ busAddress: address });
  // The library's types leave out the 'error' event that it emits.
  const events = bus as unknown as EventEmitter;
  await new Promise<void>((resolve, reject) => {
    bus.once('connect', () => resolve());
    events.once('error', reject);
  });
  // Should the session die under a test, calls time out; an unhandled 'error' would end the test run.
  events.on('error', () => undefined);
  return bus;
}

/** dbus-run-session's line on how the bus it started ended ("dbus-daemon exited with code 1"), if `output` has it. */
function busEnding(output: string): string | undefined {
  return /^dbus-run-session: dbus-daemon .*$/m.exec(output)?.[0];
}

/** The shell takes its bus name before it exports its objects; calls to them fail until then. */
function unlessUnexported(error: DBusError): undefined {
  if (error.type === 'org.freedesktop.DBus.Error.UnknownMethod') return undefined;
  throw error;
}

/** The PID namespace that unshare (`pid`) made for its child, once it has made it. */
async function namespaceOf(pid: number | undefined): Promise<string | undefined> {
  if (pid === undefined) return undefined;
  const [own, childs] = await Promise.all([
    readlink('/proc/self/ns/pid'),
    readlink(`/proc/${pid}/ns/pid_for_children`).catch(() => undefined),
  ]);
  return childs === own ? undefined : childs;
}

/** Whether any process still runs in the PID namespace `namespace` ("pid:[inode]"). */
async function anyProcessIn(namespace: string): Promise<boolean> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    if ((await readlink(`/proc/${pid}/ns/pid`).catch(() => undefined)) === namespace) return true;
  }
  return false;
}
