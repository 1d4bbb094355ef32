// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// An application that crashes while its fixed version waits: gym-app 1.0, a real Debian package built here (a C
// program that writes through a null pointer, SIGSEGV), is installed in the session's root filesystem (an overlay
// of the cached one), and 1.1, which does not crash, waits in a local apt repository. The real PackageKit daemon
// with its apt backend runs in the session on that root filesystem, on the gym's system bus, where it asks the
// gym's real polkitd; Steward's packages.update goes through it as on a desktop, and its own verification reads the
// version PackageKit says is installed. The crash is recorded by the real systemd-coredump, as in appCrash.ts.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { callMethod, nameHasOwner } from '../../../../service/src/dbus/client.js';
import { COREDUMP } from '../../../../service/src/kinds/crash/coredumpDetector.js';
import { waitFor } from '../../../support/service.js';
import { sessionOwnerOf } from '../../harness/activation.js';
import { inOverlay, type RootfsOverlay } from '../../harness/packages.js';
import { SYSTEM_PATH } from '../../harness/run.js';
import type { ShellSession } from '../../harness/session.js';
import { command } from '../command.js';
import { spawnInSession } from '../inSession.js';
import { polkitdPart } from '../polkitd.js';
import { type DesktopScenario, type GymPart, type ShellContext, started } from '../scenario.js';
import { crashInSession } from './appCrash.js';

/** gcc, dpkg-deb and the mounts: each within a deadline (command.ts); apt's work is PackageKit's, timed by it. */
const exec = (file: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}) =>
  command(file, args, { ...options, timeout: 120_000 });

/** The package, and its program as the crash record names it (COREDUMP_EXE). */
export const APP_PACKAGE = 'gym-app';
export const APP_PROGRAM = `/usr/bin/${APP_PACKAGE}`;
const CRASHING = '1.0';
const FIXED = '1.1';
/** The local repository in the session's root filesystem, as apt's sources name it. */
const REPOSITORY = '/srv/gym-apt';
const PACKAGEKIT = 'org.freedesktop.PackageKit';
/** Where the gym's system bus socket is bound in the session's root filesystem (its /run is the session's own). */
const BUS_MOUNT = '/run/gym-system-bus';

// 1.0 writes through a null pointer; 1.1 has that fixed.
const SOURCES: Record<string, string> = {
  [CRASHING]: 'int main(void) { *(volatile int *)0 = 1; return 0; }\n',
  [FIXED]: 'int main(void) { return 0; }\n',
};

interface Deb {
  path: string;
  control: string;
}

/** gym-app `version` as a Debian package: the program compiled with the host's gcc, packed with dpkg-deb. */
async function buildDeb(home: string, version: string, architecture: string): Promise<Deb> {
  const root = join(home, `${APP_PACKAGE}-${version}`);
  await mkdir(join(root, 'DEBIAN'), { recursive: true });
  await mkdir(join(root, 'usr', 'bin'), { recursive: true });
  const source = join(home, `${APP_PACKAGE}-${version}.c`);
  await writeFile(source, SOURCES[version] ?? '');
  await exec('gcc', ['-O0', '-o', join(root, APP_PROGRAM), source]);
  const control = [
    `Package: ${APP_PACKAGE}`,
    `Version: ${version}`,
    `Architecture: ${architecture}`,
    'Maintainer: Steward desktop gym <gym@steward.invalid>',
    'Depends: libc6',
    'Section: misc',
    'Priority: optional',
    'Description: desktop gym app whose version 1.0 crashes',
    '',
  ].join('\n');
  await writeFile(join(root, 'DEBIAN', 'control'), control);
  const path = join(home, `${APP_PACKAGE}_${version}_${architecture}.deb`);
  await exec('dpkg-deb', ['--root-owner-group', '--build', root, path]);
  return { path, control };
}

/** A flat repository's index (apt's "Packages") for `debs`, which lie beside it. */
async function packagesIndex(debs: Deb[]): Promise<string> {
  const stanzas = [];
  for (const deb of debs) {
    const bytes = await readFile(deb.path);
    const file = [
      `Filename: ./${basename(deb.path)}`,
      `Size: ${(await stat(deb.path)).size}`,
      `SHA256: ${createHash('sha256').update(bytes).digest('hex')}`,
    ];
    stanzas.push(`${deb.control.trimEnd()}\n${file.join('\n')}\n`);
  }
  return stanzas.join('\n');
}

interface PackageKitDaemon {
  daemon: ChildProcessWithoutNullStreams;
  session: ShellSession;
  rootfs: string;
  systemClient: ShellContext['systemBus'];
  log: () => string;
}

let packagekit: PackageKitDaemon | undefined;

/** Runs `script` as root in the session's mount namespace, outside its root filesystem (to mount into it). */
async function inSessionMounts(session: ShellSession, script: string, ...args: string[]): Promise<void> {
  const shell = await sessionOwnerOf(session, 'org.gnome.Shell');
  await exec('nsenter', [`--target=${shell.pid}`, '--mount', '--', 'sh', '-euc', script, 'sh', ...args], {
    env: { PATH: SYSTEM_PATH },
  });
}

/** Stops packagekitd (the process the gym's bus names as PackageKit's owner) and unbinds the bus from the session. */
async function stopPackageKit(running: PackageKitDaemon): Promise<void> {
  if (await nameHasOwner(running.systemClient, PACKAGEKIT)) {
    const [pid] = (await callMethod(running.systemClient, {
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetConnectionUnixProcessID',
      signature: 's',
      body: [PACKAGEKIT],
    })) as [number];
    process.kill(pid, 'SIGTERM');
    await waitFor(async () => !(await nameHasOwner(running.systemClient, PACKAGEKIT)), 'packagekitd to stop');
  }
  await inSessionMounts(running.session, 'umount "$1"', `${running.rootfs}${BUS_MOUNT}`);
}

const packageKitPart: GymPart = {
  name: 'PackageKit (apt backend) and gym-app',
  // gym-app 1.0 installed, 1.1 in the local repository apt knows, and PackageKit itself, from Debian's mirror.
  // PackageKit runs on the gym's system bus (start): the session's own system bus (namespace.sh's, which gnome-shell
  // asks for PackageKit as it starts) must not activate a second packagekitd on the same packages, so its
  // activation file goes.
  async prepare(overlay: RootfsOverlay, suite: string, home: string) {
    const dir = join(home, 'gym-app');
    await mkdir(dir, { recursive: true });
    const architecture = (await exec('dpkg', ['--print-architecture'])).stdout.trim();
    const crashing = await buildDeb(dir, CRASHING, architecture);
    const fixed = await buildDeb(dir, FIXED, architecture);
    const index = join(dir, 'Packages');
    await writeFile(index, await packagesIndex([fixed]));
    const script = `mkdir -p ${REPOSITORY}
cp /tmp/debs/${basename(fixed.path)} /tmp/debs/Packages ${REPOSITORY}/
chmod -R a+rX ${REPOSITORY}
echo 'deb [trusted=yes] file:${REPOSITORY} ./' >/etc/apt/sources.list.d/gym-apt.list
apt-get -o Acquire::Check-Valid-Until=false -qq update
apt-get install -y -qq --no-install-recommends packagekit /tmp/debs/${basename(crashing.path)} >/dev/null
rm /usr/share/dbus-1/system-services/org.freedesktop.PackageKit.service
test "$(dpkg-query -W -f='\${Version}' ${APP_PACKAGE})" = ${CRASHING}`;
    await inOverlay(overlay, suite, script, [crashing.path, fixed.path, index]);
  },
  // packagekitd as root in the session, on its root filesystem, connected to the gym's system bus through its
  // socket bound into the session's /run; no idle timer, so that it stays for the run.
  async start({ session, rootfs, systemBus, systemClient }) {
    const socket = /^unix:path=([^,]+)/.exec(systemBus.address)?.[1];
    if (!socket) throw new Error(`the gym's system bus has no socket path: ${systemBus.address}`);
    await inSessionMounts(session, 'mkdir -p "$1" && mount --bind "$2" "$1"', `${rootfs}${BUS_MOUNT}`, dirname(socket));
    const daemon = await spawnInSession(session, {
      as: 'root',
      unit: 'packagekit.service',
      argv: [
        'env',
        `DBUS_SYSTEM_BUS_ADDRESS=unix:path=${BUS_MOUNT}/${basename(socket)}`,
        '/usr/libexec/packagekitd',
        '--backend=apt',
        '--disable-timer',
        '--keep-environment',
      ],
    });
    let output = '';
    daemon.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    daemon.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    packagekit = { daemon, session, rootfs, systemClient, log: () => output };
    await waitFor(async () => {
      if (daemon.exitCode !== null) throw new Error(`packagekitd exited with ${daemon.exitCode}:\n${output}`);
      return nameHasOwner(systemClient, PACKAGEKIT);
    }, 'packagekitd on the gym’s system bus');
    return {};
  },
  async stop() {
    const running = packagekit;
    packagekit = undefined;
    if (running) await stopPackageKit(running);
  },
};

/** The output and exit status of `argv` run in the session (as `as`). */
async function runInSession(
  session: ShellSession,
  as: 'user' | 'root',
  unit: string,
  argv: string[],
): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  const child = await spawnInSession(session, { as, unit, argv });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stdin.end();
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (...ended) => resolve(ended)),
  );
  return { code, signal, stdout };
}

const installedVersion = async (session: ShellSession) =>
  (
    await runInSession(session, 'root', 'gym-dpkg-query.service', ['dpkg-query', '-W', '-f=${Version}', APP_PACKAGE])
  ).stdout.trim();

export const APP_CRASH_UPDATE_SCENARIOS: DesktopScenario[] = [
  {
    name: 'app-crash-update-waiting',
    title: `An app that crashes (${APP_PACKAGE} ${CRASHING}, SIGSEGV) while ${FIXED} waits: updated through the real PackageKit (apt)`,
    core: true,
    needs: [polkitdPart, packageKitPart],
    fault: (context) =>
      crashInSession(context, { unit: `app-${APP_PACKAGE}.scope`, program: APP_PROGRAM, exe: APP_PROGRAM }),
    expect: {
      finding: { kind: COREDUMP, subject: APP_PROGRAM },
      firstStep: 'info.coredump',
      apply: 'packages.update',
      applyState: 'fixed',
      // The fixed version is installed, and the program, started as before, no longer crashes.
      healthy: async ({ session }) => {
        started(packagekit, 'PackageKit');
        if ((await installedVersion(session)) !== FIXED) return false;
        const { code } = await runInSession(session, 'user', `app-${APP_PACKAGE}-again.scope`, [APP_PROGRAM]);
        return code === 0;
      },
      // No afterUndo: PackageKit cannot go back to a version the repository no longer offers (the action says so).
    },
    cleanup: () => Promise.resolve(),
  },
];
