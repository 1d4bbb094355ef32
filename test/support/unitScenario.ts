// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A service watching a fake systemd user manager (python3-dbusmock) on a
// private bus, with a temporary home: the setting of the unit and fixes specs.
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { type PrivateBus, startPrivateBus } from './privateBus.js';
import { BUS_NAME, OBJECT_PATH, type RunningService, startConfiguredService, waitFor } from './service.js';
import { addService, startMockSystemd, stopMockSystemd } from './systemdMock.js';
import { makeTempDir, type TempDir } from './tempDir.js';

export interface UnitScenario {
  bus: PrivateBus;
  client: MessageBus;
  home: TempDir;
  service: RunningService;
  /** Calls a method of one of Steward's interfaces. */
  call(iface: string, member: string, signature?: string, body?: unknown[]): Promise<unknown[]>;
  /** A list method's a{sv} dictionaries (List, ListJobs, History) as plain objects. */
  list(iface: string, member: string, filter?: Record<string, Variant>): Promise<Record<string, unknown>[]>;
  /** `waitFor`, whose timeout carries the end of the service's log: a wait that fails once in CI says why. */
  waitFor(condition: () => Promise<boolean> | boolean, what: string): Promise<void>;
  stop(): Promise<void>;
}

export const plain = (dict: Record<string, Variant>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(dict).map(([key, value]) => [key, value.value]));

/**
 * Starts the mock with `units` loaded and inactive, then the service with the
 * configuration `configure` returns; `configure` may first write files into the home.
 */
export async function startUnitScenario(
  units: string[],
  configure: (home: string) => Promise<unknown>,
): Promise<UnitScenario> {
  const bus = await startPrivateBus();
  const client = await bus.connect();
  const systemd: ChildProcess = await startMockSystemd(bus, client);
  for (const unit of units) await addService(client, unit);
  const home = await makeTempDir();
  const service = await startConfiguredService(bus, client, home.path, await configure(home.path));
  const call = (iface: string, member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: iface, member, signature, body });
  return {
    bus,
    client,
    home,
    service,
    call,
    list: async (iface, member, filter = {}) =>
      ((await call(iface, member, 'a{sv}', [filter]))[0] as Record<string, Variant>[]).map(plain),
    waitFor: (condition, what) =>
      waitFor(condition, what).catch((error: Error) => {
        throw new Error(`${error.message}\nthe service's log, last lines:\n${service.log().slice(-6000)}`);
      }),
    async stop() {
      await service.stop();
      await stopMockSystemd(systemd);
      await bus.stop();
      await home.remove();
    },
  };
}
