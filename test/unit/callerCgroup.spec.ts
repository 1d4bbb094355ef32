// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { flatpakAppOfCgroups } from '../../service/src/dbus/callerIdentity.js';

describe("a caller's Flatpak app, from the cgroup systemd placed it in", () => {
  it('is the app id of its app-flatpak scope', () => {
    const cgroups =
      '0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-flatpak-org.gnome.Calculator-81234.scope\n';
    expect(flatpakAppOfCgroups(cgroups)).toBe('org.gnome.Calculator');
    expect(flatpakAppOfCgroups('12:pids:/\n0::/user.slice/app-flatpak-com.example.My_App-Beta-7.scope/sub\n')).toBe(
      'com.example.My_App-Beta',
    );
  });

  it('is none for a process in any other unit, or in a v1 hierarchy only', () => {
    expect(
      flatpakAppOfCgroups(
        '0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-org.gnome.Shell-1.scope\n',
      ),
    ).toBeNull();
    expect(flatpakAppOfCgroups('4:memory:/app-flatpak-org.example.App-1.scope\n')).toBeNull();
    expect(flatpakAppOfCgroups('0::/app-flatpak-shell-1.scope\n')).toBeNull();
    expect(flatpakAppOfCgroups('')).toBeNull();
  });
});
