// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ActionDefinition, riskOf } from '../../../service/src/fixes/action.js';
import { systemdActions } from '../../../service/src/fixes/actions/systemd.js';
import { createCatalog } from '../../../service/src/fixes/catalog.js';
import { policyFor } from '../../../service/src/fixes/policy.js';
import { endsSession, isSessionCritical } from '../../../service/src/fixes/sessionCritical.js';
import { KINDS } from '../../../service/src/kinds/index.js';

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

describe('units whose change ends or replaces the session or the system', () => {
  const catalog = createCatalog({ kinds: KINDS });
  /** Every action of the catalog that changes a unit: each verb systemd offers Steward. */
  const changing = catalog.all().filter((action) => !action.readOnly && action.name.startsWith('systemd.'));
  /** One or more of each group SECURITY.md lists, as the attack review named them and as systemd aliases them. */
  const ending = [
    // The display manager.
    'gdm.service',
    'gdm3.service',
    'display-manager.service',
    'sddm.service',
    'lightdm.service',
    // The shell's units and the session manager's.
    'org.gnome.Shell@wayland.service',
    'org.gnome.Shell@x11.service',
    'gnome-shell-wayland.service',
    'gnome-session-manager@gnome.service',
    'gnome-session-restart-dbus.service',
    'gnome-session-wayland@gnome.target',
    'graphical-session.target',
    // The user's manager, logins, session scopes and slices.
    'user@1000.service',
    'user-runtime-dir@1000.service',
    'user-1000.slice',
    'user.slice',
    'system.slice',
    'session.slice',
    'app.slice',
    'session-2.scope',
    'session-c1.scope',
    'init.scope',
    // logind, the bus, journald, polkit.
    'systemd-logind.service',
    'dbus-org.freedesktop.login1.service',
    'dbus.service',
    'dbus.socket',
    'dbus-broker.service',
    'messagebus.service',
    'systemd-journald.service',
    'systemd-journald.socket',
    'systemd-journald-dev-log.socket',
    'polkit.service',
    // The power, exit, rescue, graphical and multi-user targets, their services and aliases.
    'poweroff.target',
    'reboot.target',
    'halt.target',
    'kexec.target',
    'soft-reboot.target',
    'shutdown.target',
    'exit.target',
    'rescue.target',
    'emergency.target',
    'rescue.service',
    'emergency.service',
    'suspend.target',
    'systemd-poweroff.service',
    'systemd-reboot.service',
    'systemd-exit.service',
    'systemd-suspend.service',
    'graphical.target',
    'multi-user.target',
    'default.target',
    'runlevel5.target',
    'basic.target',
    'sysinit.target',
  ];

  it('covers every verb: start, stop, restart, enable, disable, mask, unmask and reset-failed', () => {
    expect(changing.map((action) => action.name).sort()).toEqual([
      'systemd.disable_unit',
      'systemd.enable_unit',
      'systemd.mask_unit',
      'systemd.reset_failed',
      'systemd.restart_unit',
      'systemd.start_unit',
      'systemd.stop_unit',
      'systemd.unmask_unit',
    ]);
  });

  it('are refused by the catalog with SessionEnding for every verb, in both managers, whoever asks', () => {
    for (const unit of ending)
      for (const scope of ['user', 'system'] as const)
        for (const { name } of changing)
          expect(() => catalog.validate(name, { unit, scope }))
            .withContext(`${name} ${unit} (${scope})`)
            .toThrow(
              jasmine.objectContaining({
                errorName: 'SessionEnding',
                dbusName: 'io.github.steward.Steward1.Error.SessionEnding',
                message: jasmine.stringMatching(/could end or replace the session/),
              }),
            );
  });

  it("are refused in the chat's catalog too, the expert shell on or off", () => {
    const chat = createCatalog({ kinds: KINDS, expertShell: () => true });
    for (const unit of ['gdm.service', 'user@1000.service', 'graphical.target'])
      expect(() => chat.validate('systemd.stop_unit', { unit, scope: 'system' })).toThrow(
        jasmine.objectContaining({ errorName: 'SessionEnding' }),
      );
  });

  it('are never rated low risk', () => {
    for (const unit of ending) expect(isSessionCritical(unit)).withContext(unit).toBeTrue();
  });

  it('may still be looked at: steps that only read take them', () => {
    for (const unit of ['gdm.service', 'user@1000.service', 'systemd-logind.service'])
      expect(catalog.validate('info.show_logs', { unit, scope: 'system' }).params).toEqual(
        jasmine.objectContaining({ unit }),
      );
  });

  it('leave ordinary units and near-misses alone', () => {
    for (const unit of [
      'backup.service',
      'nginx.service',
      'bluetooth.target',
      'not-gdm.service',
      'mydbus.service',
      'userdb.service',
      'graphical-app.service',
      'sessions.service',
      'app-gnome-firefox-4242.scope',
    ])
      expect(endsSession(unit)).withContext(unit).toBeFalse();
    for (const { name } of changing)
      expect(catalog.validate(name, { unit: 'backup.service', scope: 'user' }).params).toEqual(
        jasmine.objectContaining({ unit: 'backup.service', scope: 'user' }),
      );
  });
});
