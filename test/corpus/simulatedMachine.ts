// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The machine the corpus's cases happened on, as the service sees it over
// D-Bus (test/corpus/README.md, "The simulated machine"): a session bus with
// the user's systemd, and a system bus with PID 1's systemd, NetworkManager
// with a connection up, and systemd-resolved with answers in its cache, all
// python3-dbusmock. Units come and change state as the cases' lines say (machine.ts).
// The files a case carries lie under a directory that stands for the machine's
// `/` where the service reads a configuration file (STEWARD_TEST_CONFIG_ROOT).
import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { NetworkManagerMock, startMockResolved, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { setUnitState, startMockSystemd } from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import type { CorpusFile } from './cases.js';
import type { MachineUnits, UnitState } from './machine.js';

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
  ) {}

  static async start(): Promise<SimulatedMachine> {
    const session = await startPrivateBus();
    const system = await startPrivateBus({ system: true });
    const [client, systemClient] = [await session.connect(), await system.connect()];
    const mocks = [await startMockSystemd(session, client), await startMockSystemd(system, systemClient)];
    const networkManager = await NetworkManagerMock.start(system, systemClient);
    mocks.push(networkManager.process);
    await networkManager.addWiredConnection(CONNECTION, CONNECTION_UUID);
    mocks.push(await startMockResolved(system, systemClient, CACHED_ANSWERS));
    const root = await makeTempDir('steward-corpus-root-');
    return new SimulatedMachine(session, client, system, systemClient, mocks, root);
  }

  /** What the service's environment needs to find this machine's system bus and files. */
  get env(): NodeJS.ProcessEnv {
    return {
      DBUS_SYSTEM_BUS_ADDRESS: this.system.address,
      STEWARD_TEST_CONFIG_ROOT: this.root.path,
      // dpkg's database is a case's file (var/lib/dpkg/status) like any other, never the machine's own.
      STEWARD_TEST_DPKG_ROOT: this.root.path,
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
  }
}
