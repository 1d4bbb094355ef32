// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.disk_health: what UDisks2 knows of a block device that reported
// errors — its file system and mount, whether it is read-only, the drive it
// is on, and the drive's SMART health (ATA or NVMe) — read over D-Bus as GNOME
// Disks does, never by parsing smartctl.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { callMethod } from '../../dbus/client.js';
import { StewardError } from '../../dbus/errors.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';
import { systemBusOf, systemCall } from './polkit.js';

const UDISKS = 'org.freedesktop.UDisks2';
const UDISKS_PATH = '/org/freedesktop/UDisks2';
const BLOCK = `${UDISKS}.Block`;
const FILESYSTEM = `${UDISKS}.Filesystem`;
const DRIVE = `${UDISKS}.Drive`;
const ATA = `${UDISKS}.Drive.Ata`;
const NVME = `${UDISKS}.NVMe.Controller`;

/** A kernel block device name: sda, sda1, nvme0n1p2, mmcblk0p1, dm-0, md127. */
const diskHealthParams = z.object({
  device: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9_-]*$/, 'not a block device name'),
});
type DiskHealthParams = z.infer<typeof diskHealthParams>;

type Properties = Record<string, Variant>;
type Objects = Record<string, Record<string, Properties>>;

const value = (properties: Properties | undefined, name: string): unknown => properties?.[name]?.value;
const textOf = (properties: Properties | undefined, name: string): string => {
  const found = value(properties, name);
  return typeof found === 'string' ? found : '';
};
/** UDisks2 gives paths as NUL-terminated byte arrays. */
const bytesToPath = (bytes: unknown) =>
  Buffer.from((bytes as number[] | Buffer | undefined) ?? [])
    .toString('utf8')
    .replace(/\0+$/, '');
const celsius = (kelvin: unknown) => Math.round(Number(kelvin) - 273.15);

async function managedObjects(bus: MessageBus): Promise<Objects> {
  const [objects] = (await systemCall(
    callMethod(bus, {
      destination: UDISKS,
      path: UDISKS_PATH,
      interface: 'org.freedesktop.DBus.ObjectManager',
      member: 'GetManagedObjects',
    }),
    'UDisks2',
  )) as [Objects];
  return objects;
}

function blockLines(device: string, block: Properties, filesystem: Properties | undefined): string[] {
  const type = textOf(block, 'IdType');
  const mounts = ((value(filesystem, 'MountPoints') as unknown[] | undefined) ?? []).map(bytesToPath);
  const readOnly = value(block, 'ReadOnly') === true;
  const parts = [`/dev/${device}`, type && `(${type})`].filter(Boolean).join(' ');
  const where =
    mounts.length > 0
      ? format(_('mounted on {mounts}'), { mounts: mounts.map((mount) => cleanLine(mount)).join(', ') })
      : _('not mounted');
  return [
    format(_('Device: {device}, {where}{readOnly}'), {
      device: parts,
      where,
      readOnly: readOnly ? format(', {ro}', { ro: _('read-only') }) : '',
    }),
  ];
}

function ataLines(ata: Properties): string[] {
  if (value(ata, 'SmartSupported') !== true) return [_('SMART: the drive does not support it')];
  if (value(ata, 'SmartEnabled') !== true) return [_('SMART: supported but turned off')];
  if (Number(value(ata, 'SmartUpdated') ?? 0) === 0) return [_('SMART: no data read yet')];
  const failing = value(ata, 'SmartFailing') === true;
  const lines = [
    failing
      ? _('SMART: FAILING — the drive predicts its own failure; back up now and replace it')
      : _('SMART: the drive’s overall assessment is good'),
    format(_('Reallocated or pending bad sectors: {count}'), { count: Number(value(ata, 'SmartNumBadSectors') ?? 0) }),
    format(_('Attributes failing now: {now}; failed in the past: {past}'), {
      now: Number(value(ata, 'SmartNumAttributesFailing') ?? 0),
      past: Number(value(ata, 'SmartNumAttributesFailedInThePast') ?? 0),
    }),
  ];
  const temperature = Number(value(ata, 'SmartTemperature') ?? 0);
  if (temperature > 0) lines.push(format(_('Temperature: {degrees} °C'), { degrees: celsius(temperature) }));
  const hours = Math.round(Number(value(ata, 'SmartPowerOnSeconds') ?? 0) / 3600);
  if (hours > 0) lines.push(format(_('Powered on for {hours} hours'), { hours }));
  const test = textOf(ata, 'SmartSelftestStatus');
  if (test) lines.push(format(_('Last self-test: {status}'), { status: cleanLine(test) }));
  return lines;
}

function nvmeLines(nvme: Properties): string[] {
  if (Number(value(nvme, 'SmartUpdated') ?? 0) === 0) return [_('SMART: no data read yet')];
  const warnings = ((value(nvme, 'SmartCriticalWarning') as string[] | undefined) ?? []).map((w) => cleanLine(w));
  const lines = [
    warnings.length > 0
      ? format(_('SMART: critical warnings: {warnings} — back up now'), { warnings: warnings.join(', ') })
      : _('SMART: no critical warning'),
  ];
  const temperature = Number(value(nvme, 'SmartTemperature') ?? 0);
  if (temperature > 0) lines.push(format(_('Temperature: {degrees} °C'), { degrees: celsius(temperature) }));
  const hours = Number(value(nvme, 'SmartPowerOnHours') ?? 0);
  if (hours > 0) lines.push(format(_('Powered on for {hours} hours'), { hours }));
  const test = textOf(nvme, 'SmartSelftestStatus');
  if (test) lines.push(format(_('Last self-test: {status}'), { status: cleanLine(test) }));
  return lines;
}

/** The device's lines: itself, its drive, the drive's SMART health; Unavailable when UDisks2 does not know it. */
export async function diskHealth(bus: MessageBus, device: string): Promise<string[]> {
  const objects = await managedObjects(bus);
  const found = Object.values(objects).find((object) => {
    const block = object[BLOCK];
    return block && bytesToPath(value(block, 'Device')) === `/dev/${device}`;
  });
  const block = found?.[BLOCK];
  if (!found || !block) throw new StewardError('Unavailable', `UDisks2 knows no block device /dev/${device}`);
  const lines = blockLines(device, block, found[FILESYSTEM]);
  const drive = objects[textOf(block, 'Drive') || '/'];
  if (!drive?.[DRIVE]) return [...lines, _('SMART: the device is not on a physical drive UDisks2 knows')];
  const model = [textOf(drive[DRIVE], 'Vendor'), textOf(drive[DRIVE], 'Model')]
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ');
  const serial = textOf(drive[DRIVE], 'Serial');
  lines.push(
    format(_('Drive: {model}{serial}'), {
      model: cleanLine(model || _('unnamed')),
      serial: serial ? ` (${cleanLine(serial)})` : '',
    }),
  );
  if (drive[ATA]) return [...lines, ...ataLines(drive[ATA])];
  if (drive[NVME]) return [...lines, ...nvmeLines(drive[NVME])];
  return [...lines, _('SMART: the drive reports no health data (a USB bridge or a virtual disk)')];
}

export function diskHealthAction(): ActionDefinition<DiskHealthParams> {
  return {
    name: 'info.disk_health',
    title: N_('Show a disk’s health'),
    params: diskHealthParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview({ device }, context) {
      return {
        summary: format(_('Show the health of /dev/{device} (SMART) and where it is mounted'), { device }),
        details: await diskHealth(systemBusOf(context), device),
        changesNothing: false,
      };
    },
    async run({ device }, context) {
      const lines = await diskHealth(systemBusOf(context), device);
      return {
        summary: [format(_('/dev/{device} as UDisks2 sees it:'), { device }), ...lines].join('\n'),
        undo: { impossible: _('reading a disk’s health changes nothing') },
      };
    },
    async verify({ device }) {
      return { ok: true, observed: format(_('read the health of /dev/{device}'), { device }) };
    },
  };
}
