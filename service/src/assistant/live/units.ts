// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A unit's state from systemd's manager over D-Bus, for the assistant's unit_status.
import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import type { CallOptions } from '../../dbus/client.js';
import { remoteErrorName } from '../../dbus/errors.js';
import { SYSTEMD, unitPath as managerUnitPath } from '../../dbus/systemd.js';
import { getAllProperties } from '../../dbus/typedCalls.js';
import { boundedText, variantOf } from '../../dbus/variants.js';
import { systemCall } from '../../fixes/actions/polkit.js';
import type { UnitScope, UnitStatus } from '../machine.js';

const UNIT = `${SYSTEMD}.Unit`;
const SERVICE = `${SYSTEMD}.Service`;
const NO_SUCH_UNIT = `${SYSTEMD}.NoSuchUnit`;
const SYSTEMD_IN_WORDS = "systemd's service manager";
// Reading never starts anything: the session bus may name a systemd1 service that cannot start.
const READ: CallOptions = { autoStart: false };

const word = boundedText(64);
/** The unit's properties unit_status reads, as systemd types them (python3-dbusmock's manager lacks a few). */
const unitProperties = z.object({
  Description: variantOf('s', boundedText(4096)).optional(),
  LoadState: variantOf('s', word),
  ActiveState: variantOf('s', word),
  SubState: variantOf('s', word).optional(),
  StateChangeTimestamp: variantOf('t', z.bigint()).optional(),
});
const serviceProperties = z.object({
  Result: variantOf('s', word).optional(),
  MainPID: variantOf('u', z.number().int().min(0)).optional(),
});

/** The unit's object path. GetUnit answers for loaded units only; LoadUnit also for the rest. */
async function unitPath(bus: MessageBus, name: string): Promise<string> {
  return systemCall(
    managerUnitPath(bus, 'GetUnit', name, READ).catch((error: unknown) => {
      if (remoteErrorName(error) !== NO_SUCH_UNIT) throw error;
      return managerUnitPath(bus, 'LoadUnit', name, READ);
    }),
    SYSTEMD_IN_WORDS,
  );
}

function properties<T extends z.ZodType>(bus: MessageBus, path: string, iface: string, schema: T) {
  return systemCall(
    getAllProperties(bus, { destination: SYSTEMD, path, interface: iface }, schema, READ),
    SYSTEMD_IN_WORDS,
  );
}

/** The unit's state; null when systemd has no such unit. */
export async function readUnit(bus: MessageBus, name: string, scope: UnitScope): Promise<UnitStatus | null> {
  const path = await unitPath(bus, name);
  const unit = await properties(bus, path, UNIT, unitProperties);
  if (unit.LoadState === 'not-found') return null;
  const service = name.endsWith('.service') ? await properties(bus, path, SERVICE, serviceProperties) : null;
  // Microseconds since the epoch; 0 when the unit has not changed state since systemd started, absent from a
  // manager that does not keep it (python3-dbusmock's).
  const changedUs = unit.StateChangeTimestamp;
  return {
    name,
    scope,
    description: unit.Description ?? '',
    loadState: unit.LoadState,
    activeState: unit.ActiveState,
    subState: unit.SubState ?? '',
    result: service?.Result ?? '',
    mainPid: service?.MainPID ?? 0,
    since: changedUs !== undefined && changedUs !== 0n ? new Date(Number(changedUs / 1000n)) : null,
  };
}
