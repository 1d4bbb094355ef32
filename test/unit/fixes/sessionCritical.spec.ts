// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ActionDefinition, riskOf } from '../../../service/src/fixes/action.js';
import { systemdActions } from '../../../service/src/fixes/actions/systemd.js';
import { policyFor } from '../../../service/src/fixes/policy.js';
import { isSessionCritical } from '../../../service/src/fixes/sessionCritical.js';

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
