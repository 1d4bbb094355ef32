// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.disk_health: what UDisks2 knows of a block device that reported
// errors — its file system and mount, whether it is read-only, the drive it
// is on, and the drive's SMART health (ATA or NVMe) — read over D-Bus as GNOME
// Disks does, never by parsing smartctl.
import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { boundedList, objectPath, typedCall } from '../../dbus/typedCalls.js';
import { reportingUnexpected } from '../../dbus/unexpected.js';
import { boundedText, variantOf } from '../../dbus/variants.js';
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

// The properties Steward reads, as UDisks2's interfaces type them (udisks2's org.freedesktop.UDisks2.xml).
const text = boundedText(1024);
const count = z.number().int().min(0);
/** A path as UDisks2 gives it: a NUL-terminated byte array. */
const pathBytes = z.instanceof(Buffer).refine((bytes) => bytes.length <= 4096, 'a path is at most 4096 bytes');
const block = z.object({
  Device: variantOf('ay', pathBytes),
  IdType: variantOf('s', text).optional(),
  ReadOnly: variantOf('b', z.boolean()).optional(),
  Drive: variantOf('o', objectPath).optional(),
});
const filesystem = z.object({ MountPoints: variantOf('aay', boundedList(pathBytes, 256)).optional() });
const drive = z.object({
  Vendor: variantOf('s', text).optional(),
  Model: variantOf('s', text).optional(),
  Serial: variantOf('s', text).optional(),
});
const ata = z.object({
  SmartSupported: variantOf('b', z.boolean()).optional(),
  SmartEnabled: variantOf('b', z.boolean()).optional(),
  SmartUpdated: variantOf('t', z.bigint()).optional(),
  SmartFailing: variantOf('b', z.boolean()).optional(),
  SmartNumBadSectors: variantOf('x', z.bigint()).optional(),
  SmartNumAttributesFailing: variantOf('i', z.number().int()).optional(),
  SmartNumAttributesFailedInThePast: variantOf('i', z.number().int()).optional(),
  SmartTemperature: variantOf('d', z.number()).optional(),
  SmartPowerOnSeconds: variantOf('t', z.bigint()).optional(),
  SmartSelftestStatus: variantOf('s', text).optional(),
});
const nvme = z.object({
  SmartUpdated: variantOf('t', z.bigint()).optional(),
  SmartCriticalWarning: variantOf('as', boundedList(text, 64)).optional(),
  SmartTemperature: variantOf('q', count).optional(),
  SmartPowerOnHours: variantOf('t', z.bigint()).optional(),
  SmartSelftestStatus: variantOf('s', text).optional(),
});
/** One object of UDisks2's tree: each interface Steward reads by its schema, the others unread. */
const udisksObject = z.object({
  [BLOCK]: block.optional(),
  [FILESYSTEM]: filesystem.optional(),
  [DRIVE]: drive.optional(),
  [ATA]: ata.optional(),
  [NVME]: nvme.optional(),
});
/** More block devices and drives than a machine has is no answer to trust. */
const MAX_OBJECTS = 10_000;
const managedObjectsReply = z.tuple([
  z
    .record(objectPath, udisksObject)
    .refine((objects) => Object.keys(objects).length <= MAX_OBJECTS, 'too many objects'),
]);
type UdisksObject = z.output<typeof udisksObject>;

const bytesToPath = (bytes: Buffer) => bytes.toString('utf8').replace(/\0+$/, '');
const celsius = (kelvin: number) => Math.round(kelvin - 273.15);

async function managedObjects(bus: MessageBus): Promise<Record<string, UdisksObject>> {
  const [objects] = await systemCall(
    typedCall(
      bus,
      {
        destination: UDISKS,
        path: UDISKS_PATH,
        interface: 'org.freedesktop.DBus.ObjectManager',
        member: 'GetManagedObjects',
        reply: 'a{oa{sa{sv}}}',
      },
      managedObjectsReply,
    ),
    'UDisks2',
  );
  return objects;
}

function blockLines(
  device: string,
  properties: z.output<typeof block>,
  mounted: z.output<typeof filesystem> | undefined,
): string[] {
  const type = properties.IdType ?? '';
  const mounts = (mounted?.MountPoints ?? []).map(bytesToPath);
  const parts = [`/dev/${device}`, type && `(${type})`].filter(Boolean).join(' ');
  const where =
    mounts.length > 0
      ? format(_('mounted on {mounts}'), { mounts: mounts.map((mount) => cleanLine(mount)).join(', ') })
      : _('not mounted');
  return [
    format(_('Device: {device}, {where}{readOnly}'), {
      device: parts,
      where,
      readOnly: properties.ReadOnly === true ? format(', {ro}', { ro: _('read-only') }) : '',
    }),
  ];
}

function ataLines(smart: z.output<typeof ata>): string[] {
  if (smart.SmartSupported !== true) return [_('SMART: the drive does not support it')];
  if (smart.SmartEnabled !== true) return [_('SMART: supported but turned off')];
  if ((smart.SmartUpdated ?? 0n) === 0n) return [_('SMART: no data read yet')];
  const lines = [
    smart.SmartFailing === true
      ? _('SMART: FAILING — the drive predicts its own failure; back up now and replace it')
      : _('SMART: the drive’s overall assessment is good'),
    format(_('Reallocated or pending bad sectors: {count}'), { count: Number(smart.SmartNumBadSectors ?? 0n) }),
    format(_('Attributes failing now: {now}; failed in the past: {past}'), {
      now: smart.SmartNumAttributesFailing ?? 0,
      past: smart.SmartNumAttributesFailedInThePast ?? 0,
    }),
  ];
  const temperature = smart.SmartTemperature ?? 0;
  if (temperature > 0) lines.push(format(_('Temperature: {degrees} °C'), { degrees: celsius(temperature) }));
  const hours = Math.round(Number(smart.SmartPowerOnSeconds ?? 0n) / 3600);
  if (hours > 0) lines.push(format(_('Powered on for {hours} hours'), { hours }));
  const test = smart.SmartSelftestStatus;
  if (test) lines.push(format(_('Last self-test: {status}'), { status: cleanLine(test) }));
  return lines;
}

function nvmeLines(smart: z.output<typeof nvme>): string[] {
  if ((smart.SmartUpdated ?? 0n) === 0n) return [_('SMART: no data read yet')];
  const warnings = (smart.SmartCriticalWarning ?? []).map((warning) => cleanLine(warning));
  const lines = [
    warnings.length > 0
      ? format(_('SMART: critical warnings: {warnings} — back up now'), { warnings: warnings.join(', ') })
      : _('SMART: no critical warning'),
  ];
  const temperature = smart.SmartTemperature ?? 0;
  if (temperature > 0) lines.push(format(_('Temperature: {degrees} °C'), { degrees: celsius(temperature) }));
  const hours = Number(smart.SmartPowerOnHours ?? 0n);
  if (hours > 0) lines.push(format(_('Powered on for {hours} hours'), { hours }));
  const test = smart.SmartSelftestStatus;
  if (test) lines.push(format(_('Last self-test: {status}'), { status: cleanLine(test) }));
  return lines;
}

/** The device's lines: itself, its drive, the drive's SMART health; Unavailable when UDisks2 does not know it. */
export async function diskHealth(bus: MessageBus, device: string): Promise<string[]> {
  const objects = await managedObjects(bus);
  const found = Object.values(objects).find((object) => {
    const properties = object[BLOCK];
    return properties && bytesToPath(properties.Device) === `/dev/${device}`;
  });
  const properties = found?.[BLOCK];
  if (!found || !properties) throw new StewardError('Unavailable', `UDisks2 knows no block device /dev/${device}`);
  const lines = blockLines(device, properties, found[FILESYSTEM]);
  const onDrive = objects[properties.Drive ?? '/'];
  const driveProperties = onDrive?.[DRIVE];
  if (!onDrive || !driveProperties) return [...lines, _('SMART: the device is not on a physical drive UDisks2 knows')];
  const model = [driveProperties.Vendor ?? '', driveProperties.Model ?? '']
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ');
  const serial = driveProperties.Serial ?? '';
  lines.push(
    format(_('Drive: {model}{serial}'), {
      model: cleanLine(model || _('unnamed')),
      serial: serial ? ` (${cleanLine(serial)})` : '',
    }),
  );
  const smart = { ata: onDrive[ATA], nvme: onDrive[NVME] };
  if (smart.ata) return [...lines, ...ataLines(smart.ata)];
  if (smart.nvme) return [...lines, ...nvmeLines(smart.nvme)];
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
        details: await reportingUnexpected(context.log, diskHealth(systemBusOf(context), device)),
        changesNothing: false,
      };
    },
    async run({ device }, context) {
      const lines = await reportingUnexpected(context.log, diskHealth(systemBusOf(context), device));
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
