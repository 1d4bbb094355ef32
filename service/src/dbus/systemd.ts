// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// systemd's manager as Steward reads it, typed as org.freedesktop.systemd1(5) types it: the properties of units
// Steward reads (each with its D-Bus type), ListUnits' rows, and the calls that answer an object path. A property
// or reply of another type is an UnexpectedAnswer, never used.
import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import type { CallOptions } from './client.js';
import { boundedList, getProperty, objectPath, typedCall } from './typedCalls.js';
import { boundedText } from './variants.js';

export const SYSTEMD = 'org.freedesktop.systemd1';
export const MANAGER_PATH = '/org/freedesktop/systemd1';
export const MANAGER = `${SYSTEMD}.Manager`;

/** A unit's name: systemd allows 255 characters (UNIT_NAME_MAX). */
export const unitName = boundedText(255).regex(/^[^/\s]+\.[a-z]+$/, 'must be a unit name');
const text = boundedText(4096);
const texts = z.array(text).max(10_000);
const names = z.array(unitName).max(10_000);
const uint = z.number().int().min(0);
const int = z.number().int();
/** One command of an Exec*= property: (path, argv, ignore errors, start and exit times, PID, code, status). */
const execCommand = z.tuple([
  text,
  z.array(text).max(10_000),
  z.boolean(),
  z.bigint(),
  z.bigint(),
  z.bigint(),
  z.bigint(),
  uint,
  int,
  int,
]);
const execCommands = z.array(execCommand).max(1000);

/** The unit properties Steward reads, by name: their D-Bus type and what a value may be. */
const PROPERTIES = {
  Id: ['s', unitName],
  Description: ['s', text],
  LoadState: ['s', boundedText(64)],
  ActiveState: ['s', boundedText(64)],
  SubState: ['s', boundedText(64)],
  UnitFileState: ['s', boundedText(64)],
  FragmentPath: ['s', text],
  SourcePath: ['s', text],
  DropInPaths: ['as', texts],
  InvocationID: ['ay', z.instanceof(Buffer).refine((id) => id.length <= 16, 'an id of 16 bytes')],
  Requires: ['as', names],
  BindsTo: ['as', names],
  Requisite: ['as', names],
  Wants: ['as', names],
  Triggers: ['as', names],
  ActiveEnterTimestamp: ['t', z.bigint()],
  InactiveEnterTimestamp: ['t', z.bigint()],
  InactiveExitTimestamp: ['t', z.bigint()],
  StateChangeTimestamp: ['t', z.bigint()],
  Result: ['s', boundedText(64)],
  ExecMainCode: ['i', int],
  ExecMainStatus: ['i', int],
  MainPID: ['u', uint],
  NRestarts: ['u', uint],
  ExecStart: ['a(sasbttttuii)', execCommands],
  ExecStartPre: ['a(sasbttttuii)', execCommands],
  ExecCondition: ['a(sasbttttuii)', execCommands],
  ExecMount: ['a(sasbttttuii)', execCommands],
  ExecStartPost: ['a(sasbttttuii)', execCommands],
  ExecReload: ['a(sasbttttuii)', execCommands],
  Names: ['as', names],
  ReadWritePaths: ['as', texts],
  ConfigurationDirectory: ['as', texts],
  StateDirectory: ['as', texts],
  CacheDirectory: ['as', texts],
  LogsDirectory: ['as', texts],
  RuntimeDirectory: ['as', texts],
  EnvironmentFiles: ['a(sb)', z.array(z.tuple([text, z.boolean()])).max(1000)],
  WorkingDirectory: ['s', text],
  User: ['s', text],
  Group: ['s', text],
  DynamicUser: ['b', z.boolean()],
  LimitNOFILE: ['t', z.bigint()],
  LimitNOFILESoft: ['t', z.bigint()],
  Listen: ['a(ss)', z.array(z.tuple([text, text])).max(1000)],
  What: ['s', text],
  Where: ['s', text],
  Type: ['s', text],
  NotifyAccess: ['s', boundedText(64)],
  PIDFile: ['s', text],
  BusName: ['s', text],
  TimeoutStartUSec: ['t', z.bigint()],
  StatusText: ['s', text],
  ExecMainStartTimestamp: ['t', z.bigint()],
  ExecMainExitTimestamp: ['t', z.bigint()],
  MemoryMax: ['t', z.bigint()],
  MemoryHigh: ['t', z.bigint()],
  MemoryCurrent: ['t', z.bigint()],
  MemoryPeak: ['t', z.bigint()],
} as const satisfies Record<string, readonly [string, z.ZodType]>;

export type UnitPropertyName = keyof typeof PROPERTIES;
export type UnitPropertyValue<Name extends UnitPropertyName> = z.output<(typeof PROPERTIES)[Name][1]>;

/** One property of the unit at `path` on `iface` (Properties.Get), of the type systemd gives it. */
export function unitProperty<Name extends UnitPropertyName>(
  bus: MessageBus,
  path: string,
  iface: string,
  name: Name,
  options?: CallOptions,
): Promise<UnitPropertyValue<Name>> {
  const [signature, schema] = PROPERTIES[name];
  return getProperty(
    bus,
    { destination: SYSTEMD, path, interface: iface },
    name,
    signature,
    schema,
    options,
  ) as Promise<UnitPropertyValue<Name>>;
}

/** ListUnits' and ListUnitsFiltered's rows: (name, description, load, active, sub, followed, path, job id, job type, job path). */
const unitRows = z.tuple([
  boundedList(
    z.tuple([
      unitName,
      text,
      boundedText(64),
      boundedText(64),
      boundedText(64),
      text,
      objectPath,
      uint,
      text,
      objectPath,
    ]),
    100_000,
  ),
]);
export type UnitRow = z.output<typeof unitRows>[0][number];

/** The manager's units (ListUnits), or those in `states` (ListUnitsFiltered). */
export async function listUnits(bus: MessageBus, states?: string[], options?: CallOptions): Promise<UnitRow[]> {
  const [rows] = await typedCall(
    bus,
    {
      destination: SYSTEMD,
      path: MANAGER_PATH,
      interface: MANAGER,
      ...(states ? { member: 'ListUnitsFiltered', signature: 'as', body: [states] } : { member: 'ListUnits' }),
      reply: 'a(ssssssouso)',
    },
    unitRows,
    options,
  );
  return rows;
}

/** A manager call that answers an object path (GetUnit, LoadUnit). */
export async function unitPath(
  bus: MessageBus,
  member: 'GetUnit' | 'LoadUnit',
  unit: string,
  options?: CallOptions,
): Promise<string> {
  const [path] = await typedCall(
    bus,
    { destination: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member, signature: 's', body: [unit], reply: 'o' },
    z.tuple([objectPath]),
    options,
  );
  return path;
}
