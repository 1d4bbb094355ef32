// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { defaultConfig } from '../../service/src/config.js';
import { callMethod } from '../../service/src/dbus/client.js';
import { createDetectors } from '../../service/src/findings/detectors/index.js';
import { FindingsPipeline } from '../../service/src/findings/pipeline.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import { CAPTIVE_PORTAL, NO_CONNECTIVITY } from '../../service/src/kinds/connectivity/detector.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { Watchers } from '../../service/src/service/watchers.js';
import type { WatchEvent } from '../../service/src/watch/events.js';
import { NetworkManagerSource } from '../../service/src/watch/networkManager.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { nameHasOwner, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const NM = 'org.freedesktop.NetworkManager';
const NM_PATH = '/org/freedesktop/NetworkManager';
/** The template's main object, which carries its mock methods. */
const MOCK_PATH = '/org/freedesktop';
const TEMPLATE = join(process.cwd(), 'test', 'support', 'networkManagerTemplate.py');
const MOCK = 'org.freedesktop.DBus.Mock';
const NM_CONNECTIVITY = { none: 1, portal: 2, full: 4 } as const;
const NM_STATE_ASLEEP = 10;
const NM_STATE_CONNECTED_GLOBAL = 70;

type Connectivity = Extract<WatchEvent, { type: 'connectivity' }>['state'];

describe('NetworkManagerSource', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess | null;
  let sources: NetworkManagerSource[];
  let logLines: string[];
  const log = () => createLogger({ level: 'debug', journal: false, write: (line) => logLines.push(line) });

  /**
   * python3-dbusmock's NetworkManager template on the private bus; `parameters` set its initial properties, as
   * NetworkManager types them (networkManagerTemplate.py).
   */
  async function startMockNetworkManager(parameters: Record<string, unknown> = {}): Promise<void> {
    // /usr/bin/python3: the `python3` on PATH may be another interpreter without dbusmock.
    const args = ['-m', 'dbusmock', '--template', TEMPLATE, '--session', '-p', JSON.stringify(parameters)];
    const started = spawn('/usr/bin/python3', args, {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    mock = started;
    await waitFor(async () => {
      if (started.exitCode !== null) throw new Error(`python3-dbusmock exited with ${started.exitCode}`);
      return nameHasOwner(client, NM);
    }, 'the NetworkManager mock');
  }

  async function stopMockNetworkManager(): Promise<void> {
    const running = mock;
    mock = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  }

  const mockCall = (member: string, signature: string, body: unknown[], path = MOCK_PATH) =>
    callMethod(client, { destination: NM, path, interface: MOCK, member, signature, body });
  const managerCall = (member: string, signature: string, body: unknown[]) =>
    callMethod(client, { destination: NM, path: NM_PATH, interface: NM, member, signature, body });
  const setConnectivity = (state: keyof typeof NM_CONNECTIVITY) =>
    mockCall('SetConnectivity', 'u', [NM_CONNECTIVITY[state]]);

  const matchRules = async (connection: MessageBus) => {
    const [stats] = await callMethod(client, {
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus.Debug.Stats',
      member: 'GetConnectionStats',
      signature: 's',
      body: [connection.name],
    });
    return (stats as Record<string, Variant>).MatchRules?.value as number;
  };

  async function watch() {
    const connection = await bus.connect();
    const source = new NetworkManagerSource({ name: 'network.manager', bus: connection, log: log() });
    sources.push(source);
    const states: Connectivity[] = [];
    await source.start((event) => {
      if (event.type === 'connectivity') states.push(event.state);
    });
    const until = (...expected: Connectivity[]) =>
      waitFor(() => states.length >= expected.length, `${expected.join(' → ')}; seen ${states.join(' → ')}`).then(() =>
        expect(states).toEqual(expected),
      );
    return { source, connection, states, until };
  }

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    mock = null;
    sources = [];
    logLines = [];
  });

  afterEach(async () => {
    await Promise.all(sources.map((source) => source.stop()));
    await stopMockNetworkManager();
    await bus.stop();
  });

  it('reports the connectivity at start and each change after, once', async () => {
    await startMockNetworkManager();
    const { states, until } = await watch();
    expect(states).toEqual(['full']);

    // The same value again is no change; a State change alone leaves connectivity as it is.
    await setConnectivity('full');
    await mockCall('SetGlobalConnectionState', 'u', [NM_STATE_CONNECTED_GLOBAL]);
    await setConnectivity('none');
    await until('full', 'none');
    await setConnectivity('portal');
    await until('full', 'none', 'portal');
    await setConnectivity('full');
    await until('full', 'none', 'portal', 'full');
  });

  it('reads the state NetworkManager starts in', async () => {
    await startMockNetworkManager({ Connectivity: NM_CONNECTIVITY.portal });
    const { states } = await watch();
    expect(states).toEqual(['portal']);
  });

  it('says nothing either way while networking is off', async () => {
    await startMockNetworkManager({ State: NM_STATE_ASLEEP, Connectivity: NM_CONNECTIVITY.none });
    const { states, until } = await watch();
    expect(states).toEqual(['unknown']);

    // Enable(true) walks State through CONNECTING and CONNECTED_LOCAL to CONNECTED_GLOBAL.
    await managerCall('Enable', 'b', [true]);
    await until('unknown', 'none');
    await setConnectivity('full');
    await until('unknown', 'none', 'full');
    // Enable(false) ends in ASLEEP; NetworkManager's own StateChanged signal is enough to follow it.
    await managerCall('Enable', 'b', [false]);
    await until('unknown', 'none', 'full', 'unknown');
    await mockCall(
      'EmitSignal',
      'sssav',
      [NM, 'StateChanged', 'u', [new Variant('u', NM_STATE_CONNECTED_GLOBAL)]],
      NM_PATH,
    );
    await until('unknown', 'none', 'full', 'unknown', 'full');
  });

  it('feeds the detectors: no connectivity, then a captive portal, then both resolved', async () => {
    const home: TempDir = await makeTempDir();
    const store = new FindingsStore(join(home.path, 'findings.db'));
    const pipeline = new FindingsPipeline({
      store,
      detectors: createDetectors(KINDS),
      onChanges: () => undefined,
      log: log(),
    });
    /** The connectivity findings' states, as [kind, state] pairs in the order of their kinds. */
    const findings = () =>
      store
        .list({ state: 'all' })
        .filter((finding) => [NO_CONNECTIVITY, CAPTIVE_PORTAL].includes(finding.kind))
        .map((finding) => [finding.kind, finding.state])
        .sort();
    const findingsAre = (expected: Record<string, string>) => {
      const wanted = JSON.stringify(Object.entries(expected).sort());
      return waitFor(
        () => JSON.stringify(findings()) === wanted,
        `findings ${wanted}; have ${JSON.stringify(findings())}`,
      );
    };
    try {
      await startMockNetworkManager();
      const watchers = new Watchers({
        config: {
          ...defaultConfig.watch,
          journal: { system: false, user: false, directories: [] },
          units: false,
          disks: { ...defaultConfig.watch.disks, mounts: [] },
          files: { watchDefaults: false, paths: [] },
        },
        capabilities: ['network'],
        pipeline,
        store,
        configHome: home.path,
        stateDirectory: home.path,
        secrets: { home: home.path },
        sessionBus: client,
        systemBus: await bus.connect(),
        log: log(),
      });
      await watchers.start();
      expect(logLines.find((line) => line.includes('watching'))).toMatch(/network\.manager/);
      pipeline.flush();
      expect(findings()).toEqual([]);

      await setConnectivity('none');
      await findingsAre({ [NO_CONNECTIVITY]: 'active' });
      await setConnectivity('portal');
      await findingsAre({ [NO_CONNECTIVITY]: 'resolved', [CAPTIVE_PORTAL]: 'active' });
      await setConnectivity('full');
      await findingsAre({ [NO_CONNECTIVITY]: 'resolved', [CAPTIVE_PORTAL]: 'resolved' });
      await watchers.stop();
    } finally {
      store.close();
      await home.remove();
    }
  });

  it('is not among the sources without the network capability', async () => {
    const home = await makeTempDir();
    const store = new FindingsStore(join(home.path, 'findings.db'));
    const logger = log();
    const watchers = new Watchers({
      config: {
        ...defaultConfig.watch,
        journal: { system: false, user: false, directories: [] },
        units: false,
        disks: { ...defaultConfig.watch.disks, mounts: [] },
        files: { watchDefaults: false, paths: [] },
      },
      capabilities: [],
      pipeline: new FindingsPipeline({
        store,
        detectors: createDetectors(KINDS),
        onChanges: () => undefined,
        log: logger,
      }),
      store,
      configHome: home.path,
      stateDirectory: home.path,
      secrets: { home: home.path },
      sessionBus: client,
      systemBus: client,
      log: logger,
    });
    await watchers.start();
    await watchers.stop();
    store.close();
    await home.remove();
    const watching = logLines.find((line) => line.includes('watching'));
    expect(watching).toMatch(/network/);
    expect(watching).not.toMatch(/network\.manager/);
  });

  it('re-reads the state when NetworkManager leaves the bus and comes back', async () => {
    await startMockNetworkManager();
    const { until } = await watch();

    await stopMockNetworkManager();
    await until('full', 'unknown');
    await startMockNetworkManager({ Connectivity: NM_CONNECTIVITY.portal });
    await until('full', 'unknown', 'portal');
    // And follows the new instance's signals.
    await setConnectivity('full');
    await until('full', 'unknown', 'portal', 'full');
  });

  it('drops its match rules when it stops, and reports nothing after', async () => {
    await startMockNetworkManager();
    const { source, connection, states } = await watch();
    expect(await matchRules(connection)).toBeGreaterThan(0);

    await source.stop();

    expect(await matchRules(connection)).toBe(0);
    const { until } = await watch();
    await setConnectivity('none');
    await until('full', 'none');
    expect(states).toEqual(['full']);
  });

  it('fails to start, saying so, when NetworkManager is not on the bus', async () => {
    const connection = await bus.connect();
    const source = new NetworkManagerSource({ name: 'network.manager', bus: connection, log: log() });
    await expectAsync(source.start(() => undefined)).toBeRejectedWithError(
      /NetworkManager \(org\.freedesktop\.NetworkManager\) is not on the bus/,
    );
    expect(await matchRules(connection)).toBe(0);
  });
});
