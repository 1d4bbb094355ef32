// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { chmod, chown, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { packagedPrograms, rootOwned } from '../../service/src/findings/installedPrograms.js';
import { DESKTOP_WRITERS, installedPaths, Writers } from '../../service/src/findings/writers.js';
import { journalEntry, type JournalFields } from '../support/journalEvents.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const SHELL: JournalFields = {
  _COMM: 'gnome-shell',
  _EXE: '/usr/bin/gnome-shell',
  _UID: '1000',
  _PID: '2975',
  _SYSTEMD_UNIT: 'user@1000.service',
  _SYSTEMD_USER_UNIT: 'org.gnome.Shell@wayland.service',
  _SYSTEMD_CGROUP: '/user.slice/user-1000.slice/user@1000.service/session.slice/org.gnome.Shell@wayland.service',
};
const CUPSD: JournalFields = {
  _COMM: 'cupsd',
  _EXE: '/usr/sbin/cupsd',
  _UID: '0',
  _PID: '811',
  _SYSTEMD_UNIT: 'cups.service',
  _SYSTEMD_CGROUP: '/system.slice/cups.service',
};
const TIMESYNCD: JournalFields = {
  _COMM: 'systemd-timesyn',
  _EXE: '/usr/lib/systemd/systemd-timesyncd',
  _UID: '997',
  _PID: '402',
  _SYSTEMD_UNIT: 'systemd-timesyncd.service',
};
const USER_MANAGER: JournalFields = {
  _COMM: 'systemd',
  _EXE: '/usr/lib/systemd/systemd',
  _UID: '1000',
  _PID: '1270',
  _SYSTEMD_UNIT: 'user@1000.service',
  _SYSTEMD_USER_UNIT: 'init.scope',
  _SYSTEMD_CGROUP: '/user.slice/user-1000.slice/user@1000.service/init.scope',
};

/** `fields` as journald would have them in a login session's scope: no user unit. */
const inSessionScope = (fields: JournalFields, scope = 'session-2.scope'): JournalFields => {
  const { _SYSTEMD_USER_UNIT: _userUnit, _SYSTEMD_CGROUP: _cgroup, ...rest } = fields;
  return { ...rest, _SYSTEMD_UNIT: scope, _SYSTEMD_CGROUP: `/user.slice/user-${fields._UID}.slice/${scope}` };
};

const allInstalled = () => new Writers(1000).assumeInstalled(DESKTOP_WRITERS.flatMap((writer) => writer.programs));
const writerOf = (fields: JournalFields, writers = allInstalled()) =>
  writers.provenWriter(journalEntry(fields))?.name ?? null;

describe('the desktop writers', () => {
  it('name the component whose installed program wrote the line, as its user, in its own unit', () => {
    expect(writerOf(SHELL)).toBe('gnome-shell');
    expect(writerOf(inSessionScope(SHELL))).toBe('gnome-shell');
    expect(writerOf(CUPSD)).toBe('cupsd');
    // A daemon's own system account.
    expect(writerOf(TIMESYNCD)).toBe('systemd-timesyncd');
    expect(writerOf(USER_MANAGER)).toBe('user-manager');
    // pipewire-pulse is a link to pipewire, which _EXE names; its unit says which it is.
    const pulse = { ...SHELL, _EXE: '/usr/bin/pipewire', _SYSTEMD_USER_UNIT: 'pipewire-pulse.service' };
    expect(writerOf(pulse)).toBe('pipewire-pulse');
    expect(writerOf({ ...pulse, _SYSTEMD_USER_UNIT: 'pipewire.service' })).toBe('pipewire');
  });

  it('take no name for the writer: not _COMM, not the last part of _EXE', () => {
    expect(writerOf({ ...SHELL, _EXE: '/home/alice/.local/bin/gnome-shell' })).toBeNull();
    expect(writerOf({ ...SHELL, _EXE: '/usr/local/bin/gnome-shell' })).toBeNull();
    expect(writerOf({ ...CUPSD, _EXE: '/tmp/cupsd' })).toBeNull();
    expect(writerOf({ ...SHELL, _EXE: '/usr/bin/logger' })).toBeNull();
  });

  it('take no line of another user, nor a system account’s or root’s in the session’s place', () => {
    expect(writerOf(inSessionScope({ ...SHELL, _UID: '1001' }, 'session-9.scope'))).toBeNull();
    // Only root opens a login session (PAM's pam_systemd), and for a system account it is a display manager's
    // greeter: its shell is the login screen, never the person's.
    expect(writerOf(inSessionScope({ ...SHELL, _UID: '33' }, 'session-c5.scope'))).toBe('login-screen');
    expect(writerOf({ ...SHELL, _UID: '1001', _SYSTEMD_UNIT: 'user@1001.service' })).toBeNull();
    expect(writerOf({ ...SHELL, _UID: '33' })).toBeNull();
    expect(writerOf({ ...SHELL, _UID: '0' })).toBeNull();
    expect(writerOf({ ...USER_MANAGER, _UID: '1001', _SYSTEMD_UNIT: 'user@1001.service' })).toBeNull();
    expect(writerOf({ ...CUPSD, _UID: '1000' })).toBeNull();
  });

  it('take no unit but the component’s own: a system daemon only in its system unit, the manager only in its init.scope', () => {
    expect(writerOf({ ...CUPSD, _SYSTEMD_UNIT: 'cron.service' })).toBeNull();
    expect(writerOf({ ...SHELL, _SYSTEMD_USER_UNIT: 'app-gnome-terminal-1.scope' })).toBeNull();
    expect(
      writerOf({ ...USER_MANAGER, _SYSTEMD_CGROUP: '/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope' }),
    ).toBeNull();
    // A root process in a login session's scope is the system's (gdm's worker), a user's there is not.
    const worker = inSessionScope({ ...CUPSD, _COMM: 'gdm-session-wor', _EXE: '/usr/libexec/gdm-session-worker' });
    expect(writerOf(worker)).toBe('gdm');
    expect(writerOf({ ...worker, _UID: '120' })).toBeNull();
  });

  it('take root’s clock tools run from a terminal, in the login session’s scope, and no user’s', () => {
    const hwclock = inSessionScope({ ...CUPSD, _COMM: 'hwclock', _EXE: '/usr/sbin/hwclock' });
    expect(writerOf(hwclock)).toBe('hwclock');
    expect(writerOf({ ...hwclock, _EXE: '/usr/sbin/ntpd', _COMM: 'ntpd' })).toBe('ntpd');
    expect(writerOf({ ...hwclock, _EXE: '/usr/sbin/chronyd', _COMM: 'chronyd' })).toBe('chronyd');
    expect(writerOf({ ...hwclock, _UID: '1000' })).toBeNull();
    // The daemons' own system units still; never a user's unit.
    expect(writerOf({ ...hwclock, _SYSTEMD_UNIT: 'user@1000.service', _SYSTEMD_USER_UNIT: 'x.service' })).toBeNull();
  });

  it('take a program where each distribution installs it: merged /usr or not, sbin in bin, any multiarch folder', () => {
    expect(installedPaths('/usr/sbin/hwclock')).toEqual(
      jasmine.arrayWithExactContents(['/usr/sbin/hwclock', '/usr/bin/hwclock', '/sbin/hwclock', '/bin/hwclock']),
    );
    expect(installedPaths('/usr/lib/systemd/systemd-timesyncd')).toEqual(
      jasmine.arrayWithExactContents(['/usr/lib/systemd/systemd-timesyncd', '/lib/systemd/systemd-timesyncd']),
    );
    expect(installedPaths('/usr/lib/x86_64-linux-gnu/sddm/sddm-helper')).toContain(
      '/usr/lib/aarch64-linux-gnu/sddm/sddm-helper',
    );
    expect(installedPaths('/usr/libexec/fprintd')).toEqual(['/usr/libexec/fprintd']);
    // A Raspberry Pi's SDDM helper is proven as the listed x86-64 one.
    const sddm = { ...CUPSD, _COMM: 'sddm-helper', _SYSTEMD_UNIT: 'sddm.service' };
    expect(writerOf({ ...sddm, _EXE: '/usr/lib/aarch64-linux-gnu/sddm/sddm-helper' })).toBe('sddm');
  });

  it('take KDE’s wallet, AccountsService and timedatex only as themselves, in their own place', () => {
    const kwallet = inSessionScope({ ...SHELL, _COMM: 'kwalletd6', _EXE: '/usr/bin/kwalletd6' });
    const accounts: JournalFields = {
      ...CUPSD,
      _COMM: 'accounts-daemon',
      _EXE: '/usr/libexec/accounts-daemon',
      _SYSTEMD_UNIT: 'accounts-daemon.service',
    };
    const timedatex: JournalFields = {
      ...CUPSD,
      _COMM: 'timedatex',
      _EXE: '/usr/sbin/timedatex',
      _SYSTEMD_UNIT: 'timedatex.service',
    };
    expect([kwallet, accounts, timedatex].map((fields) => writerOf(fields))).toEqual([
      'kwallet',
      'accounts-daemon',
      'timedatex',
    ]);
    // The same names from a copy in the home folder, from another person, or from another unit.
    expect(writerOf({ ...kwallet, _EXE: '/home/alice/kwalletd6' })).toBeNull();
    expect(writerOf(inSessionScope({ ...kwallet, _UID: '1001' }, 'session-9.scope'))).toBeNull();
    expect(writerOf({ ...accounts, _EXE: '/usr/bin/logger' })).toBeNull();
    expect(writerOf({ ...accounts, _SYSTEMD_UNIT: 'cron.service' })).toBeNull();
    expect(writerOf({ ...accounts, _UID: '1000', _SYSTEMD_UNIT: 'user@1000.service' })).toBeNull();
    expect(writerOf({ ...timedatex, _SYSTEMD_UNIT: 'session-2.scope', _UID: '1000' })).toBeNull();
    expect(writerOf({ ...timedatex, _EXE: '/tmp/timedatex' })).toBeNull();
  });

  it('take nothing from an entry journald could not complete', () => {
    for (const field of ['_EXE', '_UID', '_SYSTEMD_UNIT'] as const) {
      const { [field]: _missing, ...rest } = SHELL;
      expect(writerOf(rest)).withContext(field).toBeNull();
    }
  });

  it('take nothing the distribution did not install', () => {
    expect(writerOf(SHELL, new Writers(1000))).toBeNull();
    expect(
      new Writers(1000).assumeInstalled(['/usr/bin/gnome-shell']).isProgramOf('gnome-shell', '/usr/bin/gnome-shell'),
    ).toBeTrue();
    expect(allInstalled().isProgramOf('gnome-shell', '/usr/bin/logger')).toBeFalse();
  });
});

describe('the installed programs', () => {
  let root: TempDir;
  const asked: string[][] = [];

  /** A file of `root`'s machine, root's unless `owner` says otherwise. */
  const file = async (path: string, mode = 0o755, owner = 0) => {
    const at = join(root.path, path);
    await mkdir(dirname(at), { recursive: true, mode: 0o755 });
    await writeFile(at, '#!/bin/sh\n', { mode });
    await chmod(at, mode);
    await chown(at, owner, owner);
  };
  /** dpkg's database listing `paths` in one package. */
  const dpkgLists = async (paths: string[]) => {
    const admin = join(root.path, 'var', 'lib', 'dpkg');
    await mkdir(join(admin, 'info'), { recursive: true });
    await mkdir(join(admin, 'updates'), { recursive: true });
    await writeFile(join(admin, 'info', 'gnome-shell.list'), `${paths.join('\n')}\n`);
    await writeFile(
      join(admin, 'status'),
      'Package: gnome-shell\nStatus: install ok installed\nPriority: optional\nSection: gnome\nMaintainer: x <x@x>\nArchitecture: all\nVersion: 48.0-1\nDescription: x\n',
    );
  };

  beforeEach(async () => {
    root = await makeTempDir('steward-writers-');
    asked.length = 0;
  });
  afterEach(() => root.remove());

  it('are the package database’s files that only root may change', async () => {
    await file('/usr/bin/gnome-shell');
    await file('/usr/bin/pipewire', 0o755, 1000);
    await file('/usr/bin/wireplumber', 0o777);
    await file('/usr/sbin/cupsd');
    await dpkgLists(['/usr/bin/gnome-shell', '/usr/bin/pipewire', '/usr/bin/wireplumber']);
    // Real dpkg-query, asked of this database.
    const found = await packagedPrograms(
      ['/usr/bin/gnome-shell', '/usr/bin/pipewire', '/usr/bin/wireplumber', '/usr/sbin/cupsd', '/usr/bin/none'],
      { root: root.path },
    );
    expect(found).toEqual([{ path: '/usr/bin/gnome-shell', from: 'gnome-shell' }]);
  });

  it('are reached through no link and in no folder others may write', async () => {
    await file('/usr/bin/gnome-shell');
    expect(await rootOwned(root.path, '/usr/bin/gnome-shell')).toBeTrue();
    await mkdir(join(root.path, 'opt', 'shell'), { recursive: true });
    await symlink('/usr/bin/gnome-shell', join(root.path, 'opt', 'shell', 'gnome-shell'));
    expect(await rootOwned(root.path, '/opt/shell/gnome-shell')).toBeFalse();
    await chmod(join(root.path, 'usr', 'bin'), 0o777);
    expect(await rootOwned(root.path, '/usr/bin/gnome-shell')).toBeFalse();
    // The sticky bit keeps others from replacing what is not theirs (/nix/store).
    await chmod(join(root.path, 'usr', 'bin'), 0o1775);
    expect(await rootOwned(root.path, '/usr/bin/gnome-shell')).toBeTrue();
  });

  it('find a usr-merged program that dpkg lists under its old name', async () => {
    await file('/usr/lib/systemd/systemd-timesyncd');
    await symlink('usr/lib', join(root.path, 'lib'));
    await dpkgLists(['/lib/systemd/systemd-timesyncd']);
    const found = await packagedPrograms(['/usr/lib/systemd/systemd-timesyncd'], { root: root.path });
    expect(found).toEqual([{ path: '/usr/lib/systemd/systemd-timesyncd', from: 'gnome-shell' }]);
  });

  it('ask rpm and pacman, where their databases are, as they answer (stand-ins for their commands)', async () => {
    await file('/usr/bin/gnome-shell');
    await file('/usr/bin/gnome-keyring-daemon');
    await mkdir(join(root.path, 'var', 'lib', 'rpm'), { recursive: true });
    const rpm = (program: string, args: string[]) => {
      asked.push([program, ...args]);
      const path = args.at(-1) ?? '';
      return Promise.resolve(
        path === '/usr/bin/gnome-shell' ? 'gnome-shell\n' : `file ${path} is not owned by any package\n`,
      );
    };
    const found = await packagedPrograms(['/usr/bin/gnome-shell', '/usr/bin/gnome-keyring-daemon'], {
      root: root.path,
      query: rpm,
    });
    expect(found).toEqual([{ path: '/usr/bin/gnome-shell', from: 'gnome-shell' }]);
    expect(asked[0]).toEqual([
      'rpm',
      '--root',
      root.path,
      '--query',
      '--file',
      '--queryformat',
      '%{NAME}\\n',
      '--',
      '/usr/bin/gnome-shell',
    ]);
    await mkdir(join(root.path, 'var', 'lib', 'pacman', 'local'), { recursive: true });
    const pacman = (program: string, args: string[]) =>
      Promise.resolve(program === 'pacman' && args.at(-1) === '/usr/bin/gnome-keyring-daemon' ? 'gnome-keyring\n' : '');
    expect(await packagedPrograms(['/usr/bin/gnome-keyring-daemon'], { root: root.path, query: pacman })).toEqual([
      { path: '/usr/bin/gnome-keyring-daemon', from: 'gnome-keyring' },
    ]);
  });

  it('are, on NixOS, what the system profile links, its wrapped program included', async () => {
    const store = '/nix/store/8kq3a1b7c4d6e2f9g0h5i8j1k3l6m9n0-gnome-shell-48.2';
    await file(`${store}/bin/gnome-shell`, 0o555);
    await file(`${store}/bin/.gnome-shell-wrapped`, 0o555);
    await file('/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-evil/bin/gnome-shell', 0o555);
    await chmod(join(root.path, 'nix', 'store'), 0o1775);
    const system = '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system';
    await mkdir(join(root.path, system, 'sw', 'bin'), { recursive: true });
    await symlink(`${store}/bin/gnome-shell`, join(root.path, system, 'sw', 'bin', 'gnome-shell'));
    await mkdir(join(root.path, 'run'), { recursive: true });
    await symlink(system, join(root.path, 'run', 'current-system'));
    await mkdir(join(root.path, 'etc'));
    await writeFile(join(root.path, 'etc', 'NIXOS'), '');
    const writers = new Writers(1000);
    await writers.prove({ root: root.path });
    expect(writers.isProgramOf('gnome-shell', `${store}/bin/.gnome-shell-wrapped`)).toBeTrue();
    expect(writers.isProgramOf('gnome-shell', `${store}/bin/gnome-shell`)).toBeTrue();
    // In the store, but not the system's.
    expect(
      writers.isProgramOf('gnome-shell', '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-evil/bin/gnome-shell'),
    ).toBeFalse();
    expect(writerOf({ ...SHELL, _EXE: `${store}/bin/.gnome-shell-wrapped` }, writers)).toBe('gnome-shell');
  });

  it('prove a machine’s writers once, from its package database', async () => {
    await file('/usr/bin/gnome-shell');
    await file('/usr/lib/systemd/systemd');
    await dpkgLists(['/usr/bin/gnome-shell', '/usr/lib/systemd/systemd']);
    const writers = new Writers(1000);
    await writers.prove({ root: root.path });
    expect(writerOf(SHELL, writers)).toBe('gnome-shell');
    expect(writerOf(USER_MANAGER, writers)).toBe('user-manager');
    expect(writerOf(CUPSD, writers)).toBeNull();
  });

  it('prove a listed helper wherever a distribution’s libexec folder put it, still only from the package database', async () => {
    // openSUSE's gdm keeps its helpers in a folder of its own under /usr/libexec; not one the table lists.
    const worker = '/usr/libexec/gdm/gdm-session-worker';
    await file(worker);
    await file('/usr/lib/x86_64-linux-gnu/fprintd/fprintd');
    // The same name, but no package installed it.
    await file('/usr/lib/stray/accounts-daemon');
    await dpkgLists([worker, '/usr/lib/x86_64-linux-gnu/fprintd/fprintd']);
    const writers = new Writers(1000);
    await writers.prove({ root: root.path });
    expect(writers.isProgramOf('gdm', worker)).toBeTrue();
    expect(writers.isProgramOf('fprintd', '/usr/lib/x86_64-linux-gnu/fprintd/fprintd')).toBeTrue();
    expect(writers.isProgramOf('accounts-daemon', '/usr/lib/stray/accounts-daemon')).toBeFalse();
    const gdm = { ...CUPSD, _COMM: 'gdm-session-wor', _EXE: worker, _SYSTEMD_UNIT: 'gdm.service' };
    expect(writerOf(gdm, writers)).toBe('gdm');
    // A helper's name is no program's outside the libexec folders.
    expect(writerOf({ ...gdm, _EXE: '/usr/local/bin/gdm-session-worker' }, writers)).toBeNull();
  });
});
