// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ActionDefinition, riskOf } from '../../../service/src/fixes/action.js';
import { systemdActions } from '../../../service/src/fixes/actions/systemd.js';
import { createCatalog } from '../../../service/src/fixes/catalog.js';
import { policyFor } from '../../../service/src/fixes/policy.js';
import { endsSession, isSessionCritical } from '../../../service/src/fixes/sessionCritical.js';

const action = (name: string) =>
  systemdActions.find((candidate) => candidate.name === `systemd.${name}`) as unknown as ActionDefinition;

describe('session-critical units and processes', () => {
  it('names the units and processes the session stands on', () => {
    for (const name of [
      'display-manager.service',
      'gdm.service',
      'gdm3.service',
      'sddm.service',
      'lightdm.service',
      'gnome-shell',
      'org.gnome.Shell@wayland.service',
      'org.gnome.Shell@x11.service',
      'gnome-session-manager@gnome.service',
      'dbus.service',
      'dbus.socket',
      'dbus-broker.service',
      'user@1000.service',
      'systemd-logind.service',
      'polkit.service',
      'NetworkManager.service',
      'wpa_supplicant.service',
      'init.scope',
      'session-2.scope',
      'app-gnome-firefox-4242.scope',
      'pipewire.service',
      'pipewire-pulse.socket',
      'wireplumber.service',
      'gvfs-daemon.service',
      'xdg-desktop-portal-gnome.service',
    ])
      expect(isSessionCritical(name)).withContext(name).toBeTrue();
  });

  it('leaves ordinary units and near-misses alone', () => {
    for (const name of [
      'backup.service',
      'nginx.service',
      'bluetooth.service',
      'cups.service',
      'mydbus-helper.service',
      'not-gdm.service',
      'scope.service',
      'syncthing.service',
    ])
      expect(isSessionCritical(name)).withContext(name).toBeFalse();
  });

  it('raises restart, start, stop, enable and disable on them to high risk, so no auto rule runs them', () => {
    const shell = { unit: 'org.gnome.Shell@wayland.service', scope: 'user' as const };
    const backup = { unit: 'backup.service', scope: 'user' as const };
    for (const name of ['restart_unit', 'start_unit', 'stop_unit', 'enable_unit', 'disable_unit']) {
      expect(riskOf(action(name), shell))
        .withContext(name)
        .toBe('high');
      expect(policyFor({ [`systemd.${name}`]: 'auto' }, action(name), shell, true))
        .withContext(name)
        .toBe('ask');
    }
    expect(riskOf(action('restart_unit'), backup)).toBe('low');
    expect(policyFor({ 'systemd.restart_unit': 'auto' }, action('restart_unit'), backup, true)).toBe('auto');
    expect(riskOf(action('restart_unit'), { unit: 'gdm.service', scope: 'system' })).toBe('high');
    expect(riskOf(action('stop_unit'), { unit: 'backup.service', scope: 'system' })).toBe('high');
    expect(riskOf(action('start_unit'), { unit: 'backup.service', scope: 'system' })).toBe('medium');
  });
});

describe('units whose start ends or replaces the session', () => {
  const catalog = createCatalog();
  const ending = [
    ['exit.target', 'user'],
    ['poweroff.target', 'system'],
    ['reboot.target', 'system'],
    ['halt.target', 'system'],
    ['kexec.target', 'system'],
    ['rescue.target', 'system'],
    ['emergency.target', 'system'],
    ['systemd-poweroff.service', 'system'],
    ['gnome-session-manager@gnome.service', 'user'],
    ['gnome-session-restart-dbus.service', 'user'],
    ['display-manager.service', 'system'],
    ['gdm.service', 'system'],
    ['org.gnome.Shell@wayland.service', 'user'],
  ] as const;

  it('are refused with InvalidArgs for every action that starts a unit, from anyone', () => {
    for (const [unit, scope] of ending)
      for (const name of ['systemd.start_unit', 'systemd.restart_unit', 'systemd.enable_unit'])
        expect(() => catalog.validate(name, { unit, scope }))
          .withContext(`${name} ${unit}`)
          .toThrow(
            jasmine.objectContaining({
              errorName: 'InvalidArgs',
              message: jasmine.stringMatching(/would end or replace the session/),
            }),
          );
  });

  it('leave ordinary units and targets alone', () => {
    for (const unit of ['backup.service', 'multi-user.target', 'graphical.target', 'nginx.service', 'bluetooth.target'])
      expect(endsSession(unit)).withContext(unit).toBeFalse();
    expect(catalog.validate('systemd.restart_unit', { unit: 'backup.service', scope: 'user' }).params).toEqual({
      unit: 'backup.service',
      scope: 'user',
    });
  });
});
