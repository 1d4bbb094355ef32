// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.disk_health against a stand-in for UDisks2 (python3-dbusmock, an ObjectManager with UDisks2's interfaces):
// udisksd needs udev and real drives with SMART, which this machine lacks. The objects carry UDisks2's own
// property names and types (udisks2's org.freedesktop.UDisks2.xml).
import { type ChildProcess, spawn } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, nameHasOwner } from '../../service/src/dbus/client.js';
import { diskHealthAction } from '../../service/src/fixes/actions/diskHealth.js';
import { stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { homeContext, runOptions } from '../unit/fixes/actionContext.js';

const UDISKS = 'org.freedesktop.UDisks2';
const ROOT = '/org/freedesktop/UDisks2';
const bytes = (path: string) => new Variant('ay', Buffer.from(`${path}\0`));

describe('info.disk_health (UDisks2 stand-in)', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess;
  let temp: TempDir;

  const addObject = (path: string, interfaces: Record<string, Record<string, Variant>>) =>
    Promise.all(
      Object.entries(interfaces).map(([iface, properties]) =>
        callMethod(client, {
          destination: UDISKS,
          path: ROOT,
          interface: 'org.freedesktop.DBus.Mock',
          member: 'AddObject',
          signature: 'ssa{sv}a(ssss)',
          body: [path, iface, properties, []],
        }).catch(() =>
          // A second interface on an object that exists is added to it.
          callMethod(client, {
            destination: UDISKS,
            path,
            interface: 'org.freedesktop.DBus.Mock',
            member: 'AddProperties',
            signature: 'sa{sv}',
            body: [iface, properties],
          }),
        ),
      ),
    );

  beforeAll(async () => {
    bus = await startPrivateBus({ system: true });
    client = await bus.connect();
    mock = spawn('/usr/bin/python3', ['-m', 'dbusmock', '--system', '-m', UDISKS, ROOT, `${UDISKS}.Manager`], {
      env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bus.address },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(() => nameHasOwner(client, UDISKS), 'the UDisks2 stand-in');
    const ataDrive = `${ROOT}/drives/WDC_WD10EZEX_WD_1234`;
    const nvmeDrive = `${ROOT}/drives/Samsung_SSD_980_S64`;
    await addObject(ataDrive, {
      [`${UDISKS}.Drive`]: {
        Vendor: new Variant('s', ''),
        Model: new Variant('s', 'WDC WD10EZEX'),
        Serial: new Variant('s', 'WD-1234'),
      },
    });
    await addObject(ataDrive, {
      [`${UDISKS}.Drive.Ata`]: {
        SmartSupported: new Variant('b', true),
        SmartEnabled: new Variant('b', true),
        SmartUpdated: new Variant('t', 1_763_900_000n),
        SmartFailing: new Variant('b', true),
        SmartPowerOnSeconds: new Variant('t', 3_600n * 21_000n),
        SmartTemperature: new Variant('d', 318.15),
        SmartNumAttributesFailing: new Variant('i', 1),
        SmartNumAttributesFailedInThePast: new Variant('i', 2),
        SmartNumBadSectors: new Variant('x', 48n),
        SmartSelftestStatus: new Variant('s', 'fatal'),
      },
    });
    await addObject(`${ROOT}/block_devices/sdb1`, {
      [`${UDISKS}.Block`]: {
        Device: bytes('/dev/sdb1'),
        Drive: new Variant('o', ataDrive),
        IdType: new Variant('s', 'ext4'),
        ReadOnly: new Variant('b', false),
      },
    });
    await addObject(`${ROOT}/block_devices/sdb1`, {
      [`${UDISKS}.Filesystem`]: { MountPoints: new Variant('aay', [Buffer.from('/srv/data\0')]) },
    });
    await addObject(nvmeDrive, {
      [`${UDISKS}.Drive`]: {
        Vendor: new Variant('s', ''),
        Model: new Variant('s', 'Samsung SSD 980'),
        Serial: new Variant('s', 'S64'),
      },
    });
    await addObject(nvmeDrive, {
      [`${UDISKS}.NVMe.Controller`]: {
        SmartUpdated: new Variant('t', 1_763_900_000n),
        SmartCriticalWarning: new Variant('as', []),
        SmartPowerOnHours: new Variant('t', 812n),
        SmartTemperature: new Variant('q', 310),
        SmartSelftestStatus: new Variant('s', 'success'),
      },
    });
    await addObject(`${ROOT}/block_devices/nvme0n1`, {
      [`${UDISKS}.Block`]: {
        Device: bytes('/dev/nvme0n1'),
        Drive: new Variant('o', nvmeDrive),
        IdType: new Variant('s', ''),
        ReadOnly: new Variant('b', false),
      },
    });
    await addObject(`${ROOT}/block_devices/loop0`, {
      [`${UDISKS}.Block`]: {
        Device: bytes('/dev/loop0'),
        Drive: new Variant('o', '/'),
        IdType: new Variant('s', 'squashfs'),
        ReadOnly: new Variant('b', true),
      },
    });
  });
  afterAll(async () => {
    await stopMock(mock);
    await bus.stop();
  });
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.remove());

  const context = () => ({ ...homeContext(temp.path), systemBus: client });

  it('shows a partition’s mount and its ATA drive’s failing SMART health', async () => {
    const action = diskHealthAction();
    const preview = await action.preview({ device: 'sdb1' }, context());
    expect(preview.details).toEqual([
      'Device: /dev/sdb1 (ext4), mounted on /srv/data',
      'Drive: WDC WD10EZEX (WD-1234)',
      'SMART: FAILING — the drive predicts its own failure; back up now and replace it',
      'Reallocated or pending bad sectors: 48',
      'Attributes failing now: 1; failed in the past: 2',
      'Temperature: 45 °C',
      'Powered on for 21000 hours',
      'Last self-test: fatal',
    ]);
    expect(action.readOnly).toBeTrue();
    const outcome = await action.run({ device: 'sdb1' }, context(), runOptions());
    expect(outcome.summary.split('\n')[0]).toBe('/dev/sdb1 as UDisks2 sees it:');
  });

  it('reads an NVMe drive’s health, and says when a device is on no drive', async () => {
    const action = diskHealthAction();
    expect((await action.preview({ device: 'nvme0n1' }, context())).details).toEqual([
      'Device: /dev/nvme0n1, not mounted',
      'Drive: Samsung SSD 980 (S64)',
      'SMART: no critical warning',
      'Temperature: 37 °C',
      'Powered on for 812 hours',
      'Last self-test: success',
    ]);
    expect((await action.preview({ device: 'loop0' }, context())).details).toEqual([
      'Device: /dev/loop0 (squashfs), not mounted, read-only',
      'SMART: the device is not on a physical drive UDisks2 knows',
    ]);
  });

  it('is not offered for a device UDisks2 does not know, nor without a system bus, and refuses a path', async () => {
    const action = diskHealthAction();
    await expectAsync(action.preview({ device: 'sdz' }, context())).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'Unavailable' }),
    );
    await expectAsync(action.preview({ device: 'sdb1' }, homeContext(temp.path))).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'Unavailable' }),
    );
    expect(action.params.safeParse({ device: '../sda' }).success).toBeFalse();
    expect(action.params.safeParse({ device: '/dev/sda' }).success).toBeFalse();
  });
});
