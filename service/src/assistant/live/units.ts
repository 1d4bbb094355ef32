// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A unit's state from systemd's manager over D-Bus, for the assistant's unit_status.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, type CallOptions } from '../../dbus/client.js';
import { remoteErrorName } from '../../dbus/errors.js';
import { systemCall } from '../../fixes/actions/polkit.js';
import type { UnitScope, UnitStatus } from '../machine.js';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = `${SYSTEMD}.Manager`;
const UNIT = `${SYSTEMD}.Unit`;
const SERVICE = `${SYSTEMD}.Service`;
const NO_SUCH_UNIT = `${SYSTEMD}.NoSuchUnit`;
const SYSTEMD_IN_WORDS = "systemd's service manager";
// Reading never starts anything: the session bus may name a systemd1 service that cannot start.
const READ: CallOptions = { autoStart: false };

type Properties = Record<string, Variant>;

const call = (bus: MessageBus, path: string, iface: string, member: string, signature: string, body: unknown[]) =>
  systemCall(
    callMethod(bus, { destination: SYSTEMD, path, interface: iface, member, signature, body }, READ),
    SYSTEMD_IN_WORDS,
  );

/** The unit's object path. GetUnit answers for loaded units only; LoadUnit also for the rest. */
async function unitPath(bus: MessageBus, name: string): Promise<string> {
  const [path] = (await call(bus, MANAGER_PATH, MANAGER, 'GetUnit', 's', [name]).catch((error: unknown) => {
    if (remoteErrorName(error) !== NO_SUCH_UNIT) throw error;
    return call(bus, MANAGER_PATH, MANAGER, 'LoadUnit', 's', [name]);
  })) as [string];
  return path;
}

async function properties(bus: MessageBus, path: string, iface: string): Promise<Properties> {
  const [all] = (await call(bus, path, 'org.freedesktop.DBus.Properties', 'GetAll', 's', [iface])) as [Properties];
  return all;
}

/** The unit's state; null when systemd has no such unit. */
export async function readUnit(bus: MessageBus, name: string, scope: UnitScope): Promise<UnitStatus | null> {
  const path = await unitPath(bus, name);
  const unit = await properties(bus, path, UNIT);
  if (unit.LoadState?.value === 'not-found') return null;
  const service = name.endsWith('.service') ? await properties(bus, path, SERVICE) : null;
  // Microseconds since the epoch; 0 when the unit has not changed state since systemd started, absent from a
  // manager that does not keep it (python3-dbusmock's).
  const changedUs = unit.StateChangeTimestamp?.value;
  return {
    name,
    scope,
    description: String(unit.Description?.value),
    loadState: String(unit.LoadState?.value),
    activeState: String(unit.ActiveState?.value),
    subState: String(unit.SubState?.value),
    result: service ? String(service.Result?.value) : '',
    mainPid: service ? Number(service.MainPID?.value) : 0,
    since: typeof changedUs === 'bigint' && changedUs !== 0n ? new Date(Number(changedUs / 1000n)) : null,
  };
}
