// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Who else speaks for a desktop component: a caller printing the component's own D-Bus error (its namespace says
// whose it is), and the login screen, the programs gdm runs as its own account.
import { componentDbusErrorIn } from '../../../service/src/desktop/componentLines.js';
import { UnitFailedDetector } from '../../../service/src/findings/detectors/unitFailed.js';
import type { Detector } from '../../../service/src/findings/types.js';
import { areaOfUnit } from '../../../service/src/findings/writers.js';
import { BLUETOOTH_UNAVAILABLE, BluetoothUnavailableDetector } from '../../../service/src/kinds/bluetooth/detector.js';
import { CLOCK_UNSYNCHRONISED, ClockDetector } from '../../../service/src/kinds/clock/detector.js';
import { PRINTER_PROBLEM, PrinterProblemDetector } from '../../../service/src/kinds/printing/detector.js';
import { SIGN_IN_FAILURE, SignInFailureDetector } from '../../../service/src/kinds/signIn/detector.js';
import { SoundUnavailableDetector } from '../../../service/src/kinds/sound/detector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters, SESSION_UID } from '../../support/desktopWriters.js';
import { journalEntry, journalEvent, reportsOf } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;

/** A program of the session's user in its login session, or another account's, at `priority`. */
const line = (exe: string, message: string, priority: number, fields: Record<string, string> = {}) =>
  journalEvent({
    MESSAGE: message,
    PRIORITY: String(priority),
    _EXE: exe,
    _COMM: exe.slice(exe.lastIndexOf('/') + 1, exe.lastIndexOf('/') + 16),
    _UID: String(SESSION_UID),
    _PID: '2400',
    _SYSTEMD_UNIT: 'session-2.scope',
    _TRANSPORT: 'journal',
    __REALTIME_TIMESTAMP: String(START_US),
    ...fields,
  });

const kindsOf = (detector: Detector, event: WatchEvent) =>
  reportsOf(detector.detect(event)).map((report) => [report.kind, report.subject]);

describe('a caller printing a desktop component’s own D-Bus error', () => {
  it('names the component by the error’s namespace, and only the errors that say it failed', () => {
    expect(
      componentDbusErrorIn('Failed to connect: GDBus.Error:org.bluez.Error.Failed: br-connection-page-timeout'),
    ).toEqual({
      area: 'bluetooth',
      component: 'BlueZ',
      name: 'org.bluez.Error.Failed',
      text: 'br-connection-page-timeout',
    });
    expect(componentDbusErrorIn('Set: org.freedesktop.timedate1.NoNTPSupport: NTP not supported')?.area).toBe('clock');
    expect(componentDbusErrorIn('GDBus.Error:net.reactivated.Fprint.Error.ClaimDevice: busy')?.area).toBe('sign-in');
    expect(
      componentDbusErrorIn(
        'GDBus.Error:org.freedesktop.Secret.Error.IsLocked: Cannot create an item in a locked collection',
      )?.area,
    ).toBe('sign-in');
    // States the caller met, not failures: an adapter switched off or blocked, no fingerprint reader, work under way.
    expect(componentDbusErrorIn('GDBus.Error:org.bluez.Error.NotReady: Resource Not Ready')).toBeNull();
    expect(componentDbusErrorIn('GDBus.Error:org.bluez.Error.Blocked')).toBeNull();
    expect(
      componentDbusErrorIn(
        'Failed to initialize fingerprint manager: GDBus.Error:net.reactivated.Fprint.Error.NoSuchDevice: No devices available',
      ),
    ).toBeNull();
    // GDM's session worker's answers to the lock screen and the login screen (daemon/gdm-session-worker-common.c).
    expect(
      componentDbusErrorIn(
        'Failed to start gdm-authd verification for user: GDBus.Error:org.gnome.DisplayManager.SessionWorker.Error.ServiceUnavailable',
      ),
    ).toEqual({
      area: 'sign-in',
      component: 'GDM',
      name: 'org.gnome.DisplayManager.SessionWorker.Error.ServiceUnavailable',
      text: '',
    });
    expect(componentDbusErrorIn('GDBus.Error:org.gnome.DisplayManager.SessionWorker.Error.WrongState')).toBeNull();
    expect(componentDbusErrorIn('org.freedesktop.home1.HomeBusy: Home is busy')).toBeNull();
    expect(componentDbusErrorIn('GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: no such name')).toBeNull();
  });

  it('raises the component’s kind from any session or system program that printed it, not from a debug line', () => {
    const settings = '/usr/bin/gnome-control-center';
    const clock = () => new ClockDetector(desktopWriters());
    expect(
      kindsOf(
        clock(),
        line(settings, 'Failed to set NTP: GDBus.Error:org.freedesktop.timedate1.NoNTPSupport: NTP not supported', 4),
      ),
    ).toEqual([[CLOCK_UNSYNCHRONISED, 'clock']]);
    expect(
      kindsOf(
        clock(),
        line(settings, 'Failed to set NTP: GDBus.Error:org.freedesktop.timedate1.NoNTPSupport: NTP not supported', 7),
      ),
    ).toEqual([]);
    const bluetooth = () => new BluetoothUnavailableDetector(desktopWriters());
    expect(
      kindsOf(
        bluetooth(),
        line('/usr/bin/blueman-applet', 'Connection failed: org.bluez.Error.Failed: br-connection-page-timeout', 6),
      ),
    ).toEqual([[BLUETOOTH_UNAVAILABLE, 'bluetooth']]);
    // BlueZ's text naming an errno that is no failure of the part: already under way.
    expect(
      kindsOf(bluetooth(), line('/usr/bin/blueman-applet', 'org.bluez.Error.Failed: Operation already in progress', 4)),
    ).toEqual([]);
    // Another person's program is not this session's.
    expect(
      kindsOf(
        bluetooth(),
        line('/usr/bin/blueman-applet', 'org.bluez.Error.Failed: br-connection-page-timeout', 4, { _UID: '1001' }),
      ),
    ).toEqual([]);
    expect(
      kindsOf(
        new SignInFailureDetector(desktopWriters()),
        line(
          '/usr/bin/evolution',
          'Failed to store: GDBus.Error:org.freedesktop.Secret.Error.IsLocked: Cannot create an item in a locked collection',
          4,
        ),
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'login keyring']]);
  });

  it('leaves another part’s component to its own kind: PipeWire’s Bluetooth audio is sound’s', () => {
    const pipewire = line(
      '/usr/bin/pipewire',
      'spa.bluez5: Acquire() failed: org.bluez.Error.Failed: Input/output error',
      3,
      { _SYSTEMD_UNIT: `user@${SESSION_UID}.service`, _SYSTEMD_USER_UNIT: 'pipewire.service' },
    );
    expect(kindsOf(new BluetoothUnavailableDetector(desktopWriters()), pipewire)).toEqual([]);
    expect(reportsOf(new SoundUnavailableDetector(desktopWriters()).detect(pipewire)).length).toBe(1);
  });
});

describe('the login screen', () => {
  /** A program gdm runs as its own account (uid 42 on Fedora), in the greeter's login session or its manager. */
  const greeter = (exe: string, message: string, fields: Record<string, string> = {}) =>
    line(exe, message, 3, { _UID: '42', _SYSTEMD_UNIT: 'session-c1.scope', ...fields });

  it('is the sign-in kind’s: what its shell and session manager report at err is signing in failing', () => {
    const detector = () => new SignInFailureDetector(desktopWriters());
    expect(
      kindsOf(
        detector(),
        greeter(
          '/usr/libexec/gnome-session-binary',
          'Unrecoverable failure in required component org.gnome.Shell.desktop',
        ),
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'login-screen']]);
    expect(
      kindsOf(
        detector(),
        greeter('/usr/bin/gnome-shell', 'Failed to start the login screen: failed to open display', {
          _SYSTEMD_UNIT: 'user@42.service',
          _SYSTEMD_USER_UNIT: 'org.gnome.Shell@wayland.service',
        }),
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'login-screen']]);
    // Its callers' lines are a shell's: GDM's own error, printed by the login screen at info.
    expect(
      kindsOf(
        detector(),
        line(
          '/usr/bin/gnome-shell',
          'Failed to open reauthentication channel: GDBus.Error:org.gnome.DisplayManager.SessionWorker.Error.Generic: no worker',
          6,
          { _UID: '42', _SYSTEMD_UNIT: 'session-c1.scope' },
        ),
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'login-screen']]);
    // Its warnings are not the screen failing.
    expect(
      kindsOf(
        detector(),
        line('/usr/bin/gnome-shell', 'Some code accessed the property', 4, {
          _UID: '42',
          _SYSTEMD_UNIT: 'session-c1.scope',
        }),
      ),
    ).toEqual([]);
  });

  it('takes SDDM’s daemon for SDDM’s, as root in its unit', () => {
    const writers = desktopWriters();
    expect(
      writers.provenWriter(
        journalEntry({ MESSAGE: 'x', _EXE: '/usr/bin/sddm', _UID: '0', _SYSTEMD_UNIT: 'sddm.service' }),
      )?.name,
    ).toBe('sddm');
  });

  it('is only the display manager’s account’s: root’s or the person’s shell is no login screen', () => {
    const writers = desktopWriters();
    const writerOf = (fields: Record<string, string>) =>
      writers.provenWriter(
        journalEntry({
          MESSAGE: 'x',
          _EXE: '/usr/bin/gnome-shell',
          _UID: '42',
          _SYSTEMD_UNIT: 'session-c1.scope',
          ...fields,
        }),
      )?.name;
    expect(writerOf({})).toBe('login-screen');
    expect(writerOf({ _UID: '0' })).toBeUndefined();
    expect(writerOf({ _UID: String(SESSION_UID), _SYSTEMD_UNIT: 'session-2.scope' })).toBe('gnome-shell');
    // LightDM's and SDDM's greeters, run the same way.
    expect(writerOf({ _EXE: '/usr/sbin/lightdm-gtk-greeter', _UID: '964' })).toBe('login-screen');
    expect(writerOf({ _EXE: '/usr/bin/sddm-greeter-qt6', _UID: '964' })).toBe('login-screen');
    // Arch's and Fedora's merged /usr/sbin.
    expect(writerOf({ _EXE: '/usr/bin/lightdm-gtk-greeter', _UID: '964' })).toBe('login-screen');
    // GDM 49's dynamic login-screen account (projectbluefin/dakota#1480); not a person's.
    expect(writerOf({ _UID: '60578', _SYSTEMD_UNIT: 'session-c1.scope' })).toBe('login-screen');
    expect(writerOf({ _UID: '60001', _SYSTEMD_UNIT: 'session-c1.scope' })).toBeUndefined();
    // A system account's process in a system unit is no login session's.
    expect(writerOf({ _SYSTEMD_UNIT: 'cups.service' })).toBeUndefined();
  });
});

describe('the person’s own service manager failing to start', () => {
  const pid1 = (message: string) =>
    journalEvent({
      MESSAGE: message,
      PRIORITY: '3',
      _PID: '1',
      _UID: '0',
      _COMM: 'systemd',
      _EXE: '/usr/lib/systemd/systemd',
      _SYSTEMD_UNIT: 'init.scope',
      SYSLOG_IDENTIFIER: 'systemd',
      __REALTIME_TIMESTAMP: String(START_US),
    });

  it('is signing in failing, not a unit-failed finding: the session needs it', () => {
    expect(areaOfUnit('user@1000.service')).toBe('sign-in');
    expect(areaOfUnit('user-runtime-dir@1000.service')).toBe('sign-in');
    expect(areaOfUnit('user@.service')).toBeUndefined();
    const failed = pid1("user@1000.service: Failed with result 'protocol'.");
    expect(kindsOf(new SignInFailureDetector(desktopWriters()), failed)).toEqual([
      [SIGN_IN_FAILURE, 'user@1000.service'],
    ]);
    expect(reportsOf(new UnitFailedDetector().detect(failed))).toEqual([]);
  });

  it('is signing in failing where SSSD’s units fail: no account of the directory signs in', () => {
    for (const unit of ['sssd.service', 'sssd-pam.socket', 'sssd-pam-priv.socket', 'sssd-nss.service'])
      expect(areaOfUnit(unit)).withContext(unit).toBe('sign-in');
    expect(areaOfUnit('sssd-tools.timer')).toBeUndefined();
    const failed = pid1("sssd-pam-priv.socket: Failed with result 'exit-code'.");
    expect(kindsOf(new SignInFailureDetector(desktopWriters()), failed)).toEqual([
      [SIGN_IN_FAILURE, 'sssd-pam-priv.socket'],
    ]);
    expect(reportsOf(new UnitFailedDetector().detect(failed))).toEqual([]);
  });
});

describe('PAM’s lines in a root process', () => {
  const root = (message: string, fields: Record<string, string> = {}) =>
    line('/usr/lib/x86_64-linux-gnu/gdm-session-worker', message, 5, {
      _UID: '0',
      _SYSTEMD_UNIT: 'session-c3.scope',
      ...fields,
    });
  const signIn = (event: WatchEvent) => kindsOf(new SignInFailureDetector(desktopWriters()), event);

  it('are the display manager’s for a desktop sign-in service, whatever the program’s path', () => {
    expect(
      signIn(
        root(
          'pam_unix(gdm-password:auth): authentication failure; logname= uid=0 euid=0 tty=/dev/tty1 ruser= rhost=  user=alice',
        ),
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'alice']]);
    expect(
      signIn(root('pam_unix(greetd:auth): authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=  user=bob')),
    ).toEqual([[SIGN_IN_FAILURE, 'bob']]);
    const keyring = new SignInFailureDetector(desktopWriters());
    expect(kindsOf(keyring, root("gkr-pam: couldn't unlock the login keyring."))).toEqual([]);
    // Told once its wait for the session stage's unlock is over.
    const told = reportsOf(keyring.expire(Number.POSITIVE_INFINITY).map((held) => held.output));
    expect(told.map((report) => [report.kind, report.subject])).toEqual([[SIGN_IN_FAILURE, 'login keyring']]);
    // The person's service manager's own PAM service, which every graphical sign-in waits for.
    expect(
      signIn(
        root('pam_unix(systemd-user:account): account alice has expired (account expired)', {
          _SYSTEMD_UNIT: 'user@1000.service',
        }),
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'alice']]);
    expect(
      signIn(
        root('pam_unix(systemd-user:session): session opened for user alice(uid=1000) by alice(uid=0)', {
          _SYSTEMD_UNIT: 'user@1000.service',
        }),
      ),
    ).toEqual([]);
    // Not a desktop service: sshd's and su's are auth-failures' matter.
    expect(
      signIn(root('pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.7')),
    ).toEqual([]);
  });

  it('are a sign-in’s where a service manager’s child says its PAM session was refused', () => {
    const manager = (message: string, uid: number) =>
      signIn(line('/usr/lib/systemd/systemd', message, 3, { _UID: '0', _SYSTEMD_UNIT: `user@${uid}.service` }));
    // systemd's own word that the manager's PAM session was refused, whatever the uid's range: a person's, or the
    // login screen's account, whose session GDM's login screen needs (systemd/systemd#6038).
    expect(manager('PAM failed: Cannot make/remove an entry for the specified session', 1000)).toEqual([
      [SIGN_IN_FAILURE, 'user@1000.service'],
    ]);
    expect(
      manager('user@1977401104.service: Failed to set up PAM session: Operation not permitted', 1977401104),
    ).toEqual([[SIGN_IN_FAILURE, 'user@1977401104.service']]);
    expect(
      manager('user@32.service: Failed at step PAM spawning /usr/lib/systemd/systemd: Operation not permitted', 32),
    ).toEqual([[SIGN_IN_FAILURE, 'user@32.service']]);
    // The manager as the person (not its root child), and another unit's PAM, say nothing of a sign-in.
    expect(
      signIn(
        line('/usr/lib/systemd/systemd', 'PAM failed: Conversation error', 3, {
          _UID: '1000',
          _SYSTEMD_UNIT: 'user@1000.service',
        }),
      ),
    ).toEqual([]);
    expect(
      signIn(
        line('/usr/lib/systemd/systemd', 'PAM failed: Conversation error', 3, {
          _UID: '0',
          _SYSTEMD_UNIT: 'cron.service',
        }),
      ),
    ).toEqual([]);
  });

  it('are nobody’s in a process of the person’s or a system account’s that no table proves', () => {
    const failure =
      'pam_unix(gdm-password:auth): authentication failure; logname= uid=0 euid=0 tty=/dev/tty1 ruser= rhost=  user=alice';
    expect(signIn(root(failure, { _UID: String(SESSION_UID) }))).toEqual([]);
    expect(signIn(root(failure, { _UID: '42' }))).toEqual([]);
  });
});

describe('the audio daemons in the login session’s scope', () => {
  it('are theirs there too: PulseAudio’s autospawn and sessions without a user manager start them so', () => {
    const writers = desktopWriters();
    const writerOf = (exe: string, uid: string) =>
      writers.provenWriter(journalEntry({ MESSAGE: 'x', _EXE: exe, _UID: uid, _SYSTEMD_UNIT: 'session-2.scope' }))
        ?.name;
    expect(writerOf('/usr/bin/pulseaudio', String(SESSION_UID))).toBe('pulseaudio');
    expect(writerOf('/usr/bin/pipewire', String(SESSION_UID))).toBe('pipewire');
    expect(writerOf('/usr/bin/wireplumber', String(SESSION_UID))).toBe('wireplumber');
    // Another person's, or root's, in a login session is not the session's sound.
    expect(writerOf('/usr/bin/pulseaudio', '1001')).toBeUndefined();
    expect(writerOf('/usr/bin/pulseaudio', '0')).toBeUndefined();
    // BlueZ 4's daemon, where it installed it.
    expect(
      writers.provenWriter(
        journalEntry({ MESSAGE: 'x', _EXE: '/usr/sbin/bluetoothd', _UID: '0', _SYSTEMD_UNIT: 'bluetooth.service' }),
      )?.name,
    ).toBe('bluetoothd');
  });
});

describe('a print job’s line naming what its device did', () => {
  const cupsd = (message: string, priority: number) =>
    line('/usr/sbin/cupsd', message, priority, { _UID: '0', _SYSTEMD_UNIT: 'cups.service' });
  const printing = (event: WatchEvent) => kindsOf(new PrinterProblemDetector(desktopWriters()), event);

  it('is the job failing at any level but debug, where the errno says the device or printer did not work', () => {
    expect(printing(cupsd('[Job 12] Unable to open device file "/dev/usb/lp0": Permission denied', 6))).toEqual([
      [PRINTER_PROBLEM, ''],
    ]);
    expect(printing(cupsd('[Job 12] Unable to open device file "/dev/usb/lp0": Permission denied', 7))).toEqual([]);
    // No errno, or one that says nothing of the device: the backend's progress.
    expect(printing(cupsd('[Job 12] Waiting for printer to become available.', 6))).toEqual([]);
    expect(printing(cupsd('[Job 12] Sending data to printer: Resource temporarily unavailable', 6))).toEqual([]);
  });
});

describe('systemd-logind failing to make a sign-in’s session', () => {
  const logind = (message: string, priority: number) =>
    line('/usr/lib/systemd/systemd-logind', message, priority, { _UID: '0', _SYSTEMD_UNIT: 'systemd-logind.service' });
  const signIn = (event: WatchEvent) => kindsOf(new SignInFailureDetector(desktopWriters()), event);

  it('is signing in failing where its error names the session’s unit', () => {
    expect(
      signIn(logind('Failed to start session scope session-c2.scope: Unit session-c2.scope already exists.', 3)),
    ).toEqual([[SIGN_IN_FAILURE, 'session-c2.scope']]);
    expect(
      signIn(logind("Failed to start user service 'user@1000.service', ignoring: Connection timed out", 3)),
    ).toEqual([[SIGN_IN_FAILURE, 'user@1000.service']]);
    // The same in its own word that it failed, in a journal read without levels; not at debug.
    expect(
      signIn(logind("Failed to start user service 'user@1000.service', ignoring: Connection timed out", 6)),
    ).toEqual([[SIGN_IN_FAILURE, 'user@1000.service']]);
    expect(
      signIn(logind("Failed to start user service 'user@1000.service', ignoring: Connection timed out", 7)),
    ).toEqual([]);
    // Its notices about sessions, and its errors about anything else, are not.
    expect(signIn(logind('New session c2 of user gdm.', 6))).toEqual([]);
    expect(signIn(logind('Removed session 2.', 6))).toEqual([]);
    expect(signIn(logind('Failed to apply ACL on /dev/dri/card0: Operation not supported', 3))).toEqual([]);
  });
});
