// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The machine the corpus's cases happened on, as the service sees it over
// D-Bus (test/corpus/README.md, "The simulated machine"): a session bus with
// the user's systemd, and a system bus with PID 1's systemd, NetworkManager
// with a connection up, and systemd-resolved with answers in its cache, all
// python3-dbusmock. Units come and change state as the cases' lines say (machine.ts).
// The files a case carries lie under a directory that stands for the machine's
// `/` where the service reads a configuration file (STEWARD_TEST_CONFIG_ROOT).
// The programs the cases' lines came from are installed, in another such directory (STEWARD_TEST_PROGRAMS_ROOT).
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { DESKTOP_WRITERS } from '../../service/src/findings/writers.js';
import { NetworkManagerMock, startMockResolved, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { setUnitState, startMockSystemd } from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import type { CorpusCase, CorpusFile } from './cases.js';
import type { MachineUnits, UnitState } from './machine.js';
import { SYSTEMD_EXE, USER_UID } from './writer.js';

/** NetworkManager's name for the profile it makes for a wired port by itself. */
const CONNECTION = 'Wired connection 1';
const CONNECTION_UUID = '3f1b6a52-8f0e-4c2b-9d7a-6e5c4b3a2918';
/** What systemd-resolved holds on a machine that has been resolving names: some answers, which a flush forgets. */
const CACHED_ANSWERS = 25;

export class SimulatedMachine {
  private constructor(
    /** The session bus, where the service runs and the user's systemd answers. */
    readonly session: PrivateBus,
    readonly client: MessageBus,
    private readonly system: PrivateBus,
    private readonly systemClient: MessageBus,
    private readonly mocks: ChildProcess[],
    private readonly root: TempDir,
    private readonly programs: TempDir,
  ) {}

  /** The machine of `cases`: their programs installed. */
  static async start(cases: readonly CorpusCase[]): Promise<SimulatedMachine> {
    const session = await startPrivateBus();
    const system = await startPrivateBus({ system: true });
    const [client, systemClient] = [await session.connect(), await system.connect()];
    const mocks = [await startMockSystemd(session, client), await startMockSystemd(system, systemClient)];
    const networkManager = await NetworkManagerMock.start(system, systemClient);
    mocks.push(networkManager.process);
    await networkManager.addWiredConnection(CONNECTION, CONNECTION_UUID);
    mocks.push(await startMockResolved(system, systemClient, CACHED_ANSWERS));
    const root = await makeTempDir('steward-corpus-root-');
    const programs = await makeTempDir('steward-corpus-programs-');
    await installPrograms(programs.path, programsOf(cases));
    return new SimulatedMachine(session, client, system, systemClient, mocks, root, programs);
  }

  /** What the service's environment needs to find this machine's system bus and files. */
  get env(): NodeJS.ProcessEnv {
    return {
      DBUS_SYSTEM_BUS_ADDRESS: this.system.address,
      STEWARD_TEST_CONFIG_ROOT: this.root.path,
      // dpkg's database is a case's file (var/lib/dpkg/status) like any other, never the machine's own.
      STEWARD_TEST_DPKG_ROOT: this.root.path,
      STEWARD_TEST_PROGRAMS_ROOT: this.programs.path,
      // The service runs as root here; the cases' session is the user's.
      STEWARD_TEST_SESSION_UID: String(USER_UID),
    };
  }

  /** Makes `files` the only files under the stand-in root: one case's files never outlive its wave. */
  async setFiles(files: readonly CorpusFile[]): Promise<void> {
    for (const entry of await readdir(this.root.path)) await rm(join(this.root.path, entry), { recursive: true });
    for (const { path, content } of files) {
      const file = join(this.root.path, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  }

  /** Loads each unit (where it is not yet) into its manager, in its state. */
  async setUnits(units: MachineUnits): Promise<void> {
    for (const [unit, state] of units.system) await this.setUnit('system', unit, state);
    for (const [unit, state] of units.user) await this.setUnit('user', unit, state);
  }

  async setUnit(manager: 'system' | 'user', unit: string, state: UnitState): Promise<void> {
    await setUnitState(manager === 'system' ? this.systemClient : this.client, unit, state);
  }

  async stop(): Promise<void> {
    await Promise.all(this.mocks.map(stopMock));
    await this.system.stop();
    await this.session.stop();
    await this.root.remove();
    await this.programs.remove();
  }
}

/**
 * The programs the cases' lines came from (journald's `_EXE` of each writer: PID 1's and the user manager's is
 * systemd's), where a distribution puts programs.
 */
function programsOf(cases: readonly CorpusCase[]): string[] {
  const exes = cases.flatMap((c) =>
    c.lines.flatMap((line) =>
      typeof line.writer === 'object' ? [line.writer.exe] : line.writer === 'kernel' ? [] : [SYSTEMD_EXE],
    ),
  );
  return [...new Set(exes)].filter((exe) => /^\/(?:usr|bin|sbin|lib\w*|nix\/store)\//.test(exe));
}

// A stand-in for the distribution's package, whose file list is every program the cases ran.
const PACKAGE = 'steward-corpus-machine';

/**
 * Installs `paths` under `root` as the distribution would: root's files, listed by dpkg's database (one stand-in
 * package); a NixOS store path is linked from the system profile (/run/current-system) where the service's
 * writers table looks for that program (findings/writers.ts), as NixOS's profile links it. The service asks the real
 * dpkg-query of that database.
 */
async function installPrograms(root: string, paths: readonly string[]): Promise<void> {
  const system = '/nix/store/0000000000000000000000000000000-nixos-system-corpus';
  for (const path of paths) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await writeFile(file, '#!/bin/sh\n', { mode: 0o755 });
    if (!path.startsWith('/nix/store/')) continue;
    const name = posix.basename(path);
    const links = DESKTOP_WRITERS.flatMap((writer) => writer.nixos ?? []).filter(
      (link) => posix.basename(link) === name,
    );
    for (const link of new Set(links)) {
      const at = join(root, system, link);
      await mkdir(dirname(at), { recursive: true, mode: 0o755 });
      await symlink(path, at);
    }
  }
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(root, 'etc', 'NIXOS'), '');
  await mkdir(join(root, 'run'), { recursive: true });
  await symlink(system, join(root, 'run', 'current-system'));
  // /nix/store is root's and sticky, as on NixOS.
  await mkdir(join(root, 'nix', 'store'), { recursive: true });
  await chmod(join(root, 'nix', 'store'), 0o1775);
  const dpkg = join(root, 'var', 'lib', 'dpkg');
  await mkdir(join(dpkg, 'info'), { recursive: true });
  await mkdir(join(dpkg, 'updates'), { recursive: true });
  const listed = paths.filter((path) => !path.startsWith('/nix/store/'));
  await writeFile(join(dpkg, 'info', `${PACKAGE}.list`), `${listed.join('\n')}\n`);
  await writeFile(
    join(dpkg, 'status'),
    [
      `Package: ${PACKAGE}`,
      'Status: install ok installed',
      'Priority: optional',
      'Section: misc',
      'Maintainer: Steward corpus <corpus@steward.invalid>',
      'Architecture: all',
      'Version: 1.0',
      'Description: the programs the corpus cases ran (a stand-in for their packages)',
      '',
    ].join('\n'),
  );
}
