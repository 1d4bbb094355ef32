// The machine the corpus's cases happened on, as the service sees it over
// D-Bus (test/corpus/README.md, "The simulated machine"): a session bus with
// the user's systemd, and a system bus with PID 1's systemd, NetworkManager
// with a connection up, and systemd-resolved with answers in its cache, all
// python3-dbusmock. Units come and change state as the cases' lines say (machine.ts).
import type { ChildProcess } from 'node:child_process';
import type { MessageBus } from '@jellybrick/dbus-next';
import { NetworkManagerMock, startMockResolved, stopMock } from '../support/networkMocks.js';
import { startPrivateBus, type PrivateBus } from '../support/privateBus.js';
import { setUnitState, startMockSystemd } from '../support/systemdMock.js';
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
    return new SimulatedMachine(session, client, system, systemClient, mocks);
  }

  /** What the service's environment needs to find this machine's system bus. */
  get env(): NodeJS.ProcessEnv {
    return { DBUS_SYSTEM_BUS_ADDRESS: this.system.address };
  }

  /** Loads each unit (where it is not yet) into its manager, in its state. */
  async setUnits(units: MachineUnits): Promise<void> {
    for (const [unit, state] of units.system) await setUnitState(this.systemClient, unit, state);
    for (const [unit, state] of units.user) await setUnitState(this.client, unit, state);
  }

  async setSystemUnit(unit: string, state: UnitState): Promise<void> {
    await setUnitState(this.systemClient, unit, state);
  }

  async stop(): Promise<void> {
    await Promise.all(this.mocks.map(stopMock));
    await this.system.stop();
    await this.session.stop();
  }
}
