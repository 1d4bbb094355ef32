// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { directoryRoots, readUnitPaths } from '../../service/src/watch/unitPaths.js';

const SERVICE = 'org.freedesktop.systemd1.Service';
const UNIT = 'org.freedesktop.systemd1.Unit';

/** A manager that has `properties` (interface → name → value) and refuses the rest, as systemd does per unit type. */
const manager = (properties: Record<string, Record<string, unknown>>) => async (iface: string, name: string) => {
  const value = properties[iface]?.[name];
  if (value === undefined) throw new Error(`no property ${name}`);
  return value;
};

describe('the paths a unit’s file names', () => {
  it('reads what it runs, its settings and where it writes, as systemd resolves them', async () => {
    const paths = await readUnitPaths(
      'gym-sync.service',
      'system',
      manager({
        [UNIT]: {
          FragmentPath: '/etc/systemd/system/gym-sync.service',
          DropInPaths: ['/etc/systemd/system/gym-sync.service.d/override.conf'],
        },
        [SERVICE]: {
          ExecStartPre: [['/usr/bin/gym-sync', ['/usr/bin/gym-sync', '--check'], false, 0n, 0n, 0n, 0n, 0, 0, 0]],
          ExecStart: [
            ['/usr/bin/gym-sync', ['/usr/bin/gym-sync', '--config=/etc/gym/sync.toml'], false, 0n, 0n, 0n, 0n, 0, 0, 0],
          ],
          EnvironmentFiles: [['/etc/default/gym-sync', true]],
          WorkingDirectory: '-/srv/gym-sync',
          ConfigurationDirectory: ['gym-sync'],
          StateDirectory: ['gym-sync'],
          LogsDirectory: ['gym-sync'],
          ReadWritePaths: ['-/srv/gym-share'],
        },
      }),
    );
    expect(paths).toEqual({
      files: ['/etc/systemd/system/gym-sync.service', '/etc/systemd/system/gym-sync.service.d/override.conf'],
      programs: ['/usr/bin/gym-sync'],
      arguments: ['--check', '--config=/etc/gym/sync.toml'],
      environmentFiles: ['/etc/default/gym-sync'],
      workingDirectory: '/srv/gym-sync',
      configuration: ['/etc/gym-sync'],
      written: ['/var/lib/gym-sync', '/var/log/gym-sync', '/srv/gym-share', '/srv/gym-sync'],
    });
  });

  it('gives a user’s unit its directories under the XDG base folders, and a socket no command line', async () => {
    expect(directoryRoots('user', { XDG_CONFIG_HOME: '/home/a/cfg' }, '/home/a')).toEqual(
      jasmine.objectContaining({
        configuration: '/home/a/cfg',
        state: '/home/a/.local/state',
        logs: '/home/a/.local/state/log',
      }),
    );
    const socket = await readUnitPaths('gym.socket', 'user', manager({ [UNIT]: { FragmentPath: '/x/gym.socket' } }));
    expect(socket).toEqual(jasmine.objectContaining({ files: ['/x/gym.socket'], programs: [], arguments: [] }));
  });
});
