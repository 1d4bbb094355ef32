// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { PlaybookTools } from '../../../service/src/fixes/playbookSteps.js';
import { AuthFailuresDetector } from '../../../service/src/kinds/authFailures/detector.js';
import { SIGN_IN_FAILURE, SignInFailureDetector } from '../../../service/src/kinds/signIn/detector.js';
import { signInKind } from '../../../service/src/kinds/signIn/kind.js';
import { signInFailurePlaybook } from '../../../service/src/kinds/signIn/playbook.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters } from '../../support/desktopWriters.js';
import { findingWithEvidence } from '../../support/findingFixture.js';
import { journalEvent, reportsOf } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;

interface Writer {
  comm: string;
  exe: string;
  uid: number;
  unit?: string;
  userUnit?: string;
  identifier?: string;
}

const GDM: Writer = {
  comm: 'gdm-session-wor',
  identifier: 'gdm-password]',
  exe: '/usr/libexec/gdm-session-worker',
  unit: 'session-c1.scope',
  uid: 0,
};
const CHKPWD: Writer = { comm: 'unix_chkpwd', exe: '/usr/sbin/unix_chkpwd', uid: 1000, unit: 'session-2.scope' };
const HOMED: Writer = {
  comm: 'systemd-homed',
  exe: '/usr/lib/systemd/systemd-homed',
  unit: 'systemd-homed.service',
  uid: 0,
};
const SHELL: Writer = {
  comm: 'gnome-shell',
  exe: '/usr/bin/gnome-shell',
  unit: 'session-2.scope',
  uid: 1000,
};

const line = (writer: Writer, message: string, priority = 5, index = 0): WatchEvent =>
  journalEvent(
    {
      MESSAGE: message,
      PRIORITY: String(priority),
      SYSLOG_IDENTIFIER: writer.identifier ?? writer.comm,
      _COMM: writer.comm,
      _EXE: writer.exe,
      _UID: String(writer.uid),
      _PID: '2101',
      ...(writer.unit && { _SYSTEMD_UNIT: writer.unit }),
      ...(writer.userUnit && { _SYSTEMD_USER_UNIT: writer.userUnit }),
      _TRANSPORT: 'syslog',
      __REALTIME_TIMESTAMP: String(START_US + index * 1_000_000),
    },
    index,
  );

/** What the detector reports for one line, once anything it held for a later line has waited its time out. */
function verdict(writer: Writer, message: string, priority = 5) {
  const detector = new SignInFailureDetector(desktopWriters());
  const outputs = [
    ...detector.detect(line(writer, message, priority)),
    ...detector.expire(Number.POSITIVE_INFINITY).map((held) => held.output),
  ];
  return reportsOf(outputs).map((r) => [r.kind, r.subject, r.title]);
}

describe('the sign-in-failure detector', () => {
  it("reads any PAM module's failure in a desktop sign-in service, by PAM's own line structure", () => {
    expect(
      verdict(
        GDM,
        'pam_unix(gdm-password:auth): authentication failure; logname= uid=0 euid=0 tty=/dev/tty1 ruser= rhost=  user=alice',
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'alice', 'Signing in or unlocking the screen failed for alice']]);
    expect(
      verdict(
        GDM,
        'pam_faillock(gdm-password:auth): Consecutive login failures for user dev account temporarily locked',
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'dev', 'dev was locked out of signing in after repeated failures']]);
    expect(verdict(CHKPWD, 'password check failed for user (alice)')).toEqual([
      [SIGN_IN_FAILURE, 'alice', 'Signing in or unlocking the screen failed for alice'],
    ]);
    expect(verdict(CHKPWD, 'could not obtain user info (alice)')).toEqual([
      [SIGN_IN_FAILURE, 'alice', 'Signing in or unlocking the screen failed for alice'],
    ]);
    expect(verdict(GDM, "gkr-pam: couldn't unlock the login keyring.")).toEqual([
      [SIGN_IN_FAILURE, 'login keyring', 'The login keyring was not unlocked at sign-in'],
    ]);
    // At the auth stage, before the session starts the daemon: the password is stashed for it.
    expect(verdict(GDM, 'gkr-pam: unable to locate daemon control file')).toEqual([]);
  });

  it('reads pam_systemd’s error at the session stage as the session not made, not its closing one', () => {
    expect(
      verdict(
        GDM,
        'pam_systemd(gdm-password:session): Cannot create session: Already running in a session or user slice',
        3,
      ),
    ).toEqual([
      [
        SIGN_IN_FAILURE,
        'gdm-password',
        'Signing in could not start a session: Cannot create session: Already running in a session or user slice',
      ],
    ]);
    expect(
      verdict(GDM, 'pam_systemd(gdm-password:session): Failed to release session: Interrupted system call', 3),
    ).toEqual([]);
    // Its word that the call to logind failed says it at any level but debug, as a journal pasted without levels
    // keeps it (kmscon/kmscon#232).
    expect(
      verdict(
        GDM,
        'pam_systemd(gdm-password:session): Varlink call io.systemd.Login.CreateSession failed: org.varlink.service.InvalidParameter',
        6,
      ),
    ).toEqual([
      [
        SIGN_IN_FAILURE,
        'gdm-password',
        'Signing in could not start a session: Varlink call io.systemd.Login.CreateSession failed: org.varlink.service.InvalidParameter',
      ],
    ]);
    expect(
      verdict(GDM, 'pam_systemd(gdm-password:session): Not creating session: io.systemd.Login.AlreadySessionMember', 6),
    ).toEqual([]);
    // Below err it is not the session failing; another service's (sudo's) is not the desktop's.
    expect(
      verdict(GDM, 'pam_systemd(gdm-password:session): Cannot create session: Already running in a session', 5),
    ).toEqual([]);
    expect(verdict(GDM, 'pam_systemd(sudo:session): Cannot create session: Already running in a session', 3)).toEqual(
      [],
    );
    // Nor another root program's, which runs login's service inside a session and goes on without a second one.
    const hub: Writer = { comm: 'python3', exe: '/usr/bin/python3.11', unit: 'jupyterhub.service', uid: 0 };
    expect(verdict(hub, 'pam_systemd(login:session): Cannot create session: Already running in a session', 3)).toEqual(
      [],
    );
  });

  it('reads PAM’s return codes by their words or names, and pam_unix refusing an account, whichever module', () => {
    const refused = (message: string) => verdict(GDM, message).map(([, subject]) => subject);
    expect(refused('pam_sss(gdm-password:auth): received for user alice: 4 (System error)')).toEqual(['alice']);
    expect(
      refused(
        'pam_winbind(gdm-password:auth): request wbcLogonUser failed: WBC_ERR_AUTH_ERROR, PAM error: PAM_AUTH_ERR (7), NTSTATUS: NT_STATUS_LOGON_FAILURE',
      ),
    ).toEqual(['gdm-password']);
    expect(refused('pam_unix(gdm-password:account): account alice has expired (account expired)')).toEqual(['alice']);
    expect(refused('pam_unix(gdm-password:account): expired password for user alice (root enforced)')).toEqual([
      'alice',
    ]);
    expect(refused('pam_unix(gdm-password:auth): check pass; user unknown')).toEqual(['gdm-password']);
    expect(
      refused('pam_sss(gdm-password:setcred): received for user alice: 17 (Failure setting user credentials)'),
    ).toEqual(['alice']);
    expect(refused('pam_foo(gdm-password:session): PAM error: PAM_SESSION_ERR (14)')).toEqual(['gdm-password']);
    // A warning ahead of time refuses nothing.
    expect(refused('pam_unix(gdm-password:account): password for user alice will expire in 5 days')).toEqual([]);
  });

  it('reads the tally modules’ lock-outs and pam_limits refusing a session', () => {
    const locked = (message: string) => verdict(GDM, message);
    // pam_tally2.c: the count reached the limit, or a lock-out is running.
    expect(locked('pam_tally2(gdm-password:auth): user alice (1000) tally 4, deny 3')).toEqual([
      [SIGN_IN_FAILURE, 'alice', 'alice was locked out of signing in after repeated failures'],
    ]);
    expect(locked('pam_tally(gdm:auth): user alice (1000) tally 3, deny 3').length).toBe(1);
    expect(
      locked('pam_tally2(gdm-password:auth): user alice (1000) has time limit [30s left] since last failure').length,
    ).toBe(1);
    // Below the limit, or without one, it only counts.
    expect(locked('pam_tally2(gdm-password:auth): user alice (1000) tally 1, deny 3')).toEqual([]);
    expect(locked('pam_tally2(gdm-password:auth): user alice (1000) tally 5, deny 0')).toEqual([]);
    // Another module's words of the same shape are not a tally.
    expect(locked('pam_echo(gdm-password:auth): user alice (1000) tally 4, deny 3')).toEqual([]);
    // systemd#21141: pam_limits' maxlogins refused the session (PAM_PERM_DENIED).
    const login: Writer = { comm: 'login', exe: '/usr/bin/login', unit: 'getty@tty1.service', uid: 0 };
    expect(verdict(login, 'pam_limits(login:session): Too many logins (max 2) for admin')).toEqual([
      [SIGN_IN_FAILURE, 'admin', 'Signing in or unlocking the screen failed for admin'],
    ]);
  });

  it('reads gnome-keyring’s PAM module’s own errors: the keyring got no password', () => {
    expect(verdict(GDM, 'gkr-pam: error looking up user information', 3)).toEqual([
      [SIGN_IN_FAILURE, 'login keyring', 'The login keyring was not unlocked at sign-in'],
    ]);
    expect(verdict(GDM, 'gkr-pam: error stashing password for session', 3).length).toBe(1);
    expect(verdict(GDM, 'gkr-pam: unlocked login keyring', 5)).toEqual([]);
  });

  it('reads libpam’s audit records of a deciding call that failed in a sign-in program, from the kernel or journald', () => {
    const record = (op: string, exe: string, res = 'failed') =>
      `pid=2101 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:${op} grantors=? acct="alice" exe="${exe}" hostname=fedora addr=? terminal=/dev/tty1 res=${res}'`;
    const kernel = (message: string) =>
      reportsOf(
        new SignInFailureDetector(desktopWriters()).detect(
          journalEvent({ MESSAGE: message, PRIORITY: '5', _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel' }),
        ),
      ).map((r) => [r.subject, r.title]);
    const audit = (message: string) =>
      reportsOf(
        new SignInFailureDetector(desktopWriters()).detect(
          journalEvent({ MESSAGE: message, _TRANSPORT: 'audit', SYSLOG_IDENTIFIER: 'audit', _PID: '2101' }),
        ),
      ).map((r) => r.subject);
    const worker = '/usr/libexec/gdm-session-worker';
    expect(kernel(`audit: type=1100 audit(1660034923.459:187): ${record('authentication', worker)}`)).toEqual([
      ['alice', 'Signing in or unlocking the screen failed for alice'],
    ]);
    expect(audit(`USER_ACCT ${record('accounting', '/usr/lib/sddm/sddm-helper')}`)).toEqual(['alice']);
    expect(audit(`USER_START ${record('session_open', worker)}`)).toEqual(['alice']);
    // A success, a session closing, another program's call (sudo's is auth-failures'), the same words from a process.
    expect(audit(`USER_AUTH ${record('authentication', worker, 'success')}`)).toEqual([]);
    expect(audit(`USER_END ${record('session_close', worker)}`)).toEqual([]);
    expect(audit(`CRED_DISP ${record('setcred', worker)}`)).toEqual([]);
    // Newer journald names the types it does not know by number (ublue-os/bluefin#3690: "AUDIT1101 pid=…").
    expect(audit(`AUDIT1101 ${record('accounting', worker)}`)).toEqual(['alice']);
    expect(audit(`AUDIT1104 ${record('setcred', worker)}`)).toEqual([]);
    // Older libpam wrote no grantors.
    expect(
      kernel(
        `type=1100 audit(1289329823.466:24570): user pid=1729 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication acct="wojox" exe="${worker}" hostname=? addr=? terminal=:0 res=failed'`,
      ).map(([subject]) => subject),
    ).toEqual(['wojox']);
    expect(audit(`USER_AUTH ${record('authentication', '/usr/bin/sudo')}`)).toEqual([]);
    expect(verdict(SHELL, `USER_AUTH ${record('authentication', worker)}`)).toEqual([]);
  });

  it('reads a sign-in program’s crash from systemd-coredump’s record, by its installed program and its user', () => {
    const crash = (exe: string, uid: string) =>
      reportsOf(
        new SignInFailureDetector(desktopWriters()).detect(
          journalEvent({
            MESSAGE: `Process 2101 (${exe.slice(exe.lastIndexOf('/') + 1, exe.lastIndexOf('/') + 16)}) of user ${uid} dumped core.`,
            PRIORITY: '2',
            _COMM: 'systemd-coredum',
            _EXE: '/usr/lib/systemd/systemd-coredump',
            _UID: '0',
            _SYSTEMD_UNIT: 'systemd-coredump@0-2102-0.service',
            _TRANSPORT: 'journal',
            COREDUMP_EXE: exe,
            COREDUMP_UID: uid,
          }),
        ),
      ).map((r) => [r.subject, r.title]);
    expect(crash('/usr/libexec/gdm-session-worker', '0')).toEqual([['gdm', 'GDM crashed']]);
    expect(crash('/usr/bin/gnome-keyring-daemon', '1000')).toEqual([['gnome-keyring', 'GNOME Keyring crashed']]);
    // The person's shell, another user's keyring, gdm's program as someone else, any other program.
    expect(crash('/usr/bin/gnome-shell', '1000')).toEqual([]);
    expect(crash('/usr/bin/gnome-keyring-daemon', '1001')).toEqual([]);
    expect(crash('/usr/libexec/gdm-session-worker', '1000')).toEqual([]);
    expect(crash('/usr/bin/nautilus', '1000')).toEqual([]);
  });

  it('reads KDE’s wallet module saying it could not open the wallet, at any stage', () => {
    const helper: Writer = { comm: 'sddm-helper', exe: '/usr/lib/sddm/sddm-helper', unit: 'sddm.service', uid: 0 };
    const closed = [[SIGN_IN_FAILURE, 'KDE Wallet', 'KDE Wallet was not opened at sign-in']];
    // NixOS/nixpkgs#28469 and sddm/sddm#487.
    expect(
      verdict(helper, 'pam_kwallet5(sddm:session): pam_kwallet5: Impossible to write walletKey to walletPipe'),
    ).toEqual(closed);
    expect(verdict(helper, 'pam_kwallet(sddm:auth): pam_kwallet: Fail into creating the hash')).toEqual(closed);
    expect(verdict(helper, 'pam_kwallet5(sddm:auth): pam_kwallet5: Empty or missing password, doing nothing')).toEqual(
      closed,
    );
    // Its trace of each call, and its socket, say nothing failed.
    expect(verdict(helper, 'pam_kwallet5(sddm:auth): pam_kwallet5: pam_sm_authenticate', 3)).toEqual([]);
    expect(
      verdict(helper, 'pam_kwallet5(sddm:session): pam_kwallet5: final socket path: /run/user/1000/kwallet5.socket'),
    ).toEqual([]);
  });

  it('reads the buses failing to start a sign-in component on demand, not one the machine lacks', () => {
    const bus: Writer = { comm: 'dbus-daemon', exe: '/usr/bin/dbus-daemon', unit: 'dbus.service', uid: 81 };
    const broker: Writer = {
      comm: 'dbus-broker-lau',
      exe: '/usr/bin/dbus-broker-launch',
      unit: 'dbus-broker.service',
      uid: 0,
    };
    expect(
      verdict(
        bus,
        "[system] Failed to activate service 'org.freedesktop.Accounts': timed out (service_start_timeout=25000ms)",
      ),
    ).toEqual([
      [
        SIGN_IN_FAILURE,
        'org.freedesktop.Accounts',
        'The bus could not start org.freedesktop.Accounts: timed out (service_start_timeout=25000ms)',
      ],
    ]);
    expect(verdict(broker, "Activation request for 'net.reactivated.Fprint' failed.")).toEqual([
      [SIGN_IN_FAILURE, 'net.reactivated.Fprint', 'The bus could not start net.reactivated.Fprint'],
    ]);
    // The person's session bus starting the keyring.
    const session: Writer = { ...bus, uid: 1000, unit: 'user@1000.service', userUnit: 'dbus.service' };
    expect(
      verdict(
        session,
        "Failed to activate service 'org.freedesktop.secrets': timed out (service_start_timeout=120000ms)",
      ).length,
    ).toBe(1);
    // linuxmint/cinnamon-screensaver#412: homed is not installed; pam_systemd_home asks for it on every sign-in.
    expect(
      verdict(
        bus,
        "[system] Activation via systemd failed for unit 'dbus-org.freedesktop.home1.service': Unit dbus-org.freedesktop.home1.service not found.",
      ),
    ).toEqual([]);
    // Another service, and the same words from a program that is not the bus.
    expect(verdict(bus, "[system] Failed to activate service 'org.freedesktop.PackageKit': timed out")).toEqual([]);
    expect(
      verdict(
        { ...bus, exe: '/usr/local/bin/dbus-daemon' },
        "[system] Failed to activate service 'org.freedesktop.Accounts': timed out",
      ),
    ).toEqual([]);
  });

  it('takes the sign-in program’s own services, whatever the distribution named them', () => {
    const failure = (service: string) =>
      `pam_unix(${service}:auth): authentication failure; logname= uid=0 euid=0 tty=:0 ruser= rhost=  user=alice`;
    // GDM before 2.30 ran "gdm"; Debian's gdm3 "gdm3"; authd adds "gdm-authd".
    for (const service of ['gdm', 'gdm3', 'gdm-authd'])
      expect(verdict(GDM, failure(service)).map(([, subject]) => subject)).toEqual(['alice']);
    // Another program's service is not gdm's, even in gdm's worker.
    expect(verdict(GDM, failure('sudo'))).toEqual([]);
    expect(verdict(GDM, failure('gdmx'))).toEqual([]);
  });

  it('reads any module’s error in the stages that decide the sign-in, by its priority, not its words', () => {
    expect(
      verdict(GDM, 'pam_sss(gdm-password:auth): Request to sssd failed. Connection refused', 3).map(([, s]) => s),
    ).toEqual(['gdm-password']);
    expect(verdict(GDM, 'pam_krb5(gdm-password:account): no such user alice', 3).length).toBe(1);
    // The same line as a notice still says the module failed, in its own word; not at debug, nor a notice that
    // says nothing failed, nor a module's error in a stage every working sign-in passes.
    expect(verdict(GDM, 'pam_sss(gdm-password:auth): Request to sssd failed. Connection refused', 5).length).toBe(1);
    expect(verdict(GDM, 'pam_sss(gdm-password:auth): Request to sssd failed. Connection refused', 7)).toEqual([]);
    expect(verdict(GDM, 'pam_sss(gdm-password:auth): system info: [Cannot read config]', 7)).toEqual([]);
    expect(verdict(GDM, 'pam_krb5(gdm-password:auth): user alice authenticated as alice@EXAMPLE.ORG', 5)).toEqual([]);
    // pam_fprintd's errors (pam/pam_fprintd.c, at err) in a journal pasted without levels: its word for an error.
    expect(verdict(GDM, 'pam_fprintd(gdm-fingerprint:auth): Error waiting for events: 4', 6).length).toBe(1);
    expect(verdict(GDM, 'pam_fprintd(gdm-fingerprint:auth): Error waiting for events: 4', 7)).toEqual([]);
    expect(verdict(GDM, 'pam_fprintd(gdm-fingerprint:session): Error with getting the bus: 2', 6)).toEqual([]);
    expect(
      verdict(
        GDM,
        'pam_env(gdm-password:setcred): Unable to open config file: /etc/security/pam_env.conf: No such file or directory',
        3,
      ),
    ).toEqual([]);
  });

  it('reads pam_unix readying its helper for a caller that is not root by its level, not its words', () => {
    const setuid = 'pam_unix(xscreensaver:account): setuid failed: Operation not permitted';
    const locker: Writer = {
      comm: 'xscreensaver-au',
      exe: '/usr/lib/xscreensaver/xscreensaver-auth',
      unit: 'session-1.scope',
      uid: 1000,
    };
    // Linux-PAM 1.6.0 and later: a debug line, unix_chkpwd's verdict follows; copied without its level, no refusal.
    expect(verdict(locker, setuid, 6)).toEqual([]);
    expect(verdict(locker, setuid, 7)).toEqual([]);
    // Linux-PAM 1.5.3 logged it at err and ended the stage.
    expect(verdict(locker, setuid, 3)).toHaveSize(1);
    // A root caller's ends the stage in every version.
    expect(verdict(GDM, 'pam_unix(gdm-password:account): setuid failed: Operation not permitted', 6)).toHaveSize(1);
  });

  it('reads PAM’s fallback stack answering a sign-in service that has no configuration of its own', () => {
    const SDDM_HELPER: Writer = {
      comm: 'sddm-helper',
      exe: '/usr/lib/sddm/sddm-helper',
      unit: 'sddm.service',
      uid: 0,
    };
    const warned =
      'pam_warn(sddm-greeter:auth): function=[pam_sm_authenticate] flags=0 service=[sddm-greeter] terminal=[<unknown>] ' +
      'user=[sddm] ruser=[<unknown>] rhost=[<unknown>]';
    expect(verdict(SDDM_HELPER, warned, 5)).toEqual([
      [
        SIGN_IN_FAILURE,
        'sddm-greeter',
        'The sign-in service sddm-greeter has no PAM configuration of its own: PAM’s fallback stack (pam_warn) answered it',
      ],
    ]);
    // Not a stage every sign-in passes after the decision, nor at debug, nor another program's stack.
    expect(verdict(SDDM_HELPER, warned.replace(':auth)', ':session)'), 5)).toEqual([]);
    expect(verdict(SDDM_HELPER, warned, 7)).toEqual([]);
    const sudo: Writer = { comm: 'sudo', exe: '/usr/bin/sudo', uid: 0, unit: 'session-2.scope' };
    expect(verdict(sudo, warned.replaceAll('sddm-greeter', 'sudo'), 5)).toEqual([]);
  });

  it('takes the keyring daemon’s own word that the sign-in password did not open the login keyring', () => {
    const KEYRING: Writer = {
      comm: 'gnome-keyring-d',
      exe: '/usr/bin/gnome-keyring-daemon',
      unit: 'session-2.scope',
      uid: 1000,
    };
    const locked = [[SIGN_IN_FAILURE, 'login keyring', 'The login keyring was not unlocked at sign-in']];
    expect(verdict(KEYRING, "Couldn't unlock login keyring with provided password")).toEqual(locked);
    expect(verdict(KEYRING, 'Failed to unlock login on startup')).toEqual(locked);
    expect(verdict(KEYRING, "couldn't unlock login keyring")).toEqual(locked);
    expect(verdict(GDM, "gkr-pam: gnome-keyring-daemon didn't start properly properly", 3)).toEqual(locked);
    // Signed in without a password (a fingerprint): nothing to unlock it with.
    expect(
      verdict({ ...GDM, identifier: 'gdm-fingerprint]' }, 'gkr-pam: no password is available for user', 4),
    ).toEqual(locked);
    // Its other failures, which it logs as notices (g_message), are the keyring daemon's.
    expect(verdict(KEYRING, "couldn't connect to dbus session bus: Could not connect: Connection refused")).toEqual([
      [
        SIGN_IN_FAILURE,
        'gnome-keyring',
        "GNOME Keyring reported a failure: couldn't connect to dbus session bus: Could not connect: Connection refused",
      ],
    ]);
    // Its other lines, and the same words from another of the user's programs.
    expect(verdict(KEYRING, 'The Secret Service was already initialized')).toEqual([]);
    expect(verdict(SHELL, "couldn't connect to dbus session bus: Could not connect: Connection refused")).toEqual([]);
    expect(verdict(SHELL, "Couldn't unlock login keyring with provided password")).toEqual([]);
    expect(
      verdict({ ...KEYRING, exe: '/home/alice/gnome-keyring-daemon' }, 'Failed to unlock login on startup'),
    ).toEqual([]);
  });

  it('reads the sign-in programs’ own errors as failures, and leaves PAM’s loading and configuration lines in them', () => {
    expect(verdict(GDM, 'GdmDisplay: Session never registered, failing', 3)).toEqual([
      [SIGN_IN_FAILURE, 'gdm', 'GDM reported an error: GdmDisplay: Session never registered, failing'],
    ]);
    // Below err, in the program's own words that something failed, at any level but debug.
    expect(verdict(GDM, 'GdmDisplay: Session never registered, failing', 4)).toEqual([
      [SIGN_IN_FAILURE, 'gdm', 'GDM reported a failure: GdmDisplay: Session never registered, failing'],
    ]);
    expect(verdict(GDM, 'GdmDisplay: Session never registered, failing', 7)).toEqual([]);
    expect(verdict(GDM, 'GdmSessionWorkerJob: child (pid:2123) done (status:0)', 6)).toEqual([]);
    // GLib's programming-error criticals, which gdm logs on sign-ins that work.
    expect(verdict(GDM, "on_display_added: assertion 'GDM_IS_REMOTE_DISPLAY (display)' failed", 4)).toEqual([]);
    const LIGHTDM: Writer = { comm: 'lightdm', exe: '/usr/sbin/lightdm', unit: 'lightdm.service', uid: 0 };
    expect(
      verdict(LIGHTDM, 'PAM unable to dlopen(pam_kwallet5.so): /lib/security/pam_kwallet5.so: cannot open', 3),
    ).toEqual([]);
    expect(verdict(LIGHTDM, 'PAM adding faulty module: pam_kwallet5.so', 3)).toEqual([]);
    expect(
      verdict(
        GDM,
        'pam_env(gdm-password:setcred): Unable to open config file: /etc/security/pam_env.conf: No such file or directory',
        3,
      ),
    ).toEqual([]);
    // The session's own programs at err are the shell's or the app's, not sign-in's.
    expect(verdict(SHELL, 'GdmDisplay: Session never registered, failing', 3)).toEqual([]);
  });

  it('takes systemd-homed’s failed operations on a home only from its own unit', () => {
    const wrong = 'Authentication failed: Password for home rui is incorrect or not sufficient for authentication.';
    expect(verdict(HOMED, wrong)).toEqual([
      [SIGN_IN_FAILURE, 'rui', 'The home area of rui could not be opened at sign-in'],
    ]);
    expect(verdict(HOMED, 'Activation failed: Required key not available').length).toBe(1);
    expect(verdict(HOMED, 'rui: changing state authenticating-for-acquire → active')).toEqual([]);
    expect(verdict({ ...HOMED, unit: 'session-2.scope', uid: 1000 }, wrong)).toEqual([]);
    // pam_systemd_home's refusal names the user as "Home of user …", not its service.
    expect(
      verdict(
        GDM,
        'pam_systemd_home(gdm-password:auth): Home of user rui is currently not active, please log in locally first.',
        3,
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'rui', 'The home area of rui could not be opened at sign-in']]);
  });

  it('reads gnome-session’s word that the session cannot go on: a required component lost, or no screen to say so', () => {
    const session: Writer = {
      comm: 'gnome-session-b',
      exe: '/usr/libexec/gnome-session-binary',
      uid: 1000,
      unit: 'session-2.scope',
    };
    expect(verdict(session, 'Unrecoverable failure in required component org.gnome.Shell.desktop', 3)).toEqual([
      [
        SIGN_IN_FAILURE,
        'org.gnome.Shell',
        'The desktop session could not start or go on: org.gnome.Shell, which it needs, stopped',
      ],
    ]);
    expect(
      verdict(session, 'gnome-session-binary[1874]: CRITICAL: We failed, but the fail whale is dead. Sorry....', 2),
    ).toEqual([
      [SIGN_IN_FAILURE, 'gnome-session', 'The desktop session could not start or go on, and could not say why'],
    ]);
    // The login screen's own session, run as GDM's account: no login screen comes.
    const greeterSession: Writer = { ...session, uid: 120, unit: 'session-c1.scope' };
    expect(verdict(greeterSession, 'Unrecoverable failure in required component org.gnome.Shell.desktop', 4)).toEqual([
      [
        SIGN_IN_FAILURE,
        'login-screen',
        'The login screen could not start or go on: org.gnome.Shell, which it needs, stopped',
      ],
    ]);
    // The login screen's shell prints no such words of its own.
    expect(
      verdict(
        { ...greeterSession, comm: 'gnome-shell', exe: '/usr/bin/gnome-shell' },
        'Unrecoverable failure in required component org.gnome.Shell.desktop',
        4,
      ),
    ).toEqual([]);
    // A required component that exits now and then is restarted: only the loss is the session's end.
    expect(verdict(session, "WARNING: App 'org.gnome.SettingsDaemon.MediaKeys.desktop' exited with code 1", 4)).toEqual(
      [],
    );
    // The same words from another program of the person's.
    expect(
      verdict(
        { ...session, comm: 'python3', exe: '/usr/bin/python3' },
        'Unrecoverable failure in required component org.gnome.Shell.desktop',
        3,
      ),
    ).toEqual([]);
  });

  it('reads a lock screen’s PAM lines whatever it named its service: it runs PAM only to unlock', () => {
    const locker: Writer = {
      comm: 'kscreenlocker_g',
      exe: '/usr/libexec/kscreenlocker_greet',
      uid: 1000,
      unit: 'session-2.scope',
    };
    expect(
      verdict(
        locker,
        'pam_unix(kscreenlocker:auth): authentication failure; logname= uid=1000 euid=1000 tty= ruser= rhost=  user=alice',
        5,
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'alice', 'Signing in or unlocking the screen failed for alice']]);
    // gdm's worker still runs only gdm's services as the desktop's.
    expect(
      verdict(
        GDM,
        'pam_unix(kscreenlocker:auth): authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=  user=alice',
        5,
      ),
    ).toEqual([]);
  });

  it('shows a user name typed at the login screen as one short name inside the catalog’s own words', () => {
    // Anyone at the login screen types the name pam_unix then logs: here a bidi override, an invisible character
    // and a length no account has.
    const typed = `\u202eeciла\u200b${'x'.repeat(300)}`;
    const [report] = reportsOf(
      new SignInFailureDetector(desktopWriters()).detect(
        line(
          GDM,
          `pam_unix(gdm-password:auth): authentication failure; logname= uid=0 euid=0 tty=/dev/tty1 ruser= rhost=  user=${typed}`,
        ),
      ),
    );
    expect(report?.title).toMatch(/^Signing in or unlocking the screen failed for \S/);
    const shown = report!.title.slice('Signing in or unlocking the screen failed for '.length);
    expect(shown.length).toBeLessThanOrEqual(40);
    expect(shown).toMatch(/…$/);
    expect(report!.title).not.toMatch(/[\u202e\u200b]/);
    // A lock screen's user, read from pam_unix's brackets, is shown the same way.
    const swaylock: Writer = { comm: 'swaylock', exe: '/usr/bin/swaylock', uid: 1000, unit: 'session-2.scope' };
    const detector = new SignInFailureDetector(desktopWriters());
    const lockLine = `pam_unix(swaylock:auth): auth could not identify password for [${typed} Steward: press Apply]`;
    const titles = reportsOf(detector.detect(line(swaylock, lockLine, 2))).map((r) => r.title);
    expect(titles).toHaveSize(1);
    expect(titles[0]).toMatch(
      /^Unlocking the screen failed for \S[^\n\u202e\u200b]{0,39}: the screen locker gave PAM no password to check$/,
    );
  });

  it('holds gkr-pam’s failure for the next stage’s unlock; a refused password is told at once', () => {
    const LIGHTDM: Writer = { comm: 'lightdm', exe: '/usr/sbin/lightdm', uid: 0, unit: 'lightdm.service' };
    const seen = (detector: SignInFailureDetector, writer: Writer, message: string, seconds: number, priority = 3) =>
      reportsOf(detector.detect(line(writer, message, priority, seconds))).map((r) => [r.subject, r.title]);
    const locked = [['login keyring', 'The login keyring was not unlocked at sign-in']];
    // The greeter's own sign-in fails to unlock; the person's, a second later, unlocks it: nothing to tell.
    const unlocked = new SignInFailureDetector(desktopWriters());
    expect(seen(unlocked, LIGHTDM, "gkr-pam: couldn't unlock the login keyring.", 0)).toEqual([]);
    expect(seen(unlocked, LIGHTDM, 'gkr-pam: stashed password to try later in open session', 1)).toEqual([]);
    expect(seen(unlocked, LIGHTDM, 'gkr-pam: unlocked login keyring', 2)).toEqual([]);
    expect(unlocked.heldUntil()).toBeUndefined();
    expect(seen(unlocked, LIGHTDM, 'New seat added', 600, 6)).toEqual([]);
    // No unlock: told by the system's next line past the wait, with the failure as its evidence.
    const stays = new SignInFailureDetector(desktopWriters());
    expect(seen(stays, LIGHTDM, "gkr-pam: couldn't unlock the login keyring.", 0)).toEqual([]);
    expect(stays.heldUntil()).toBeGreaterThan(Date.now());
    expect(seen(stays, LIGHTDM, 'Session pid=911: Started', 30, 6)).toEqual([]);
    // A person's line is in their own journal, read apart: it does not tell the system's time.
    expect(seen(stays, { ...CHKPWD, comm: 'gnome-shell', exe: '/usr/bin/gnome-shell' }, 'x', 600)).toEqual([]);
    const told = stays.detect(line(LIGHTDM, 'New seat added', 6, 600));
    expect(reportsOf(told).map((r) => [r.subject, r.title])).toEqual(locked);
    expect(reportsOf(told)[0]?.evidence[0]?.text).toContain("couldn't unlock the login keyring");
    // Or by this machine's clock where the journal falls silent.
    const silent = new SignInFailureDetector(desktopWriters());
    expect(seen(silent, LIGHTDM, "gkr-pam: gnome-keyring-daemon didn't start properly", 0)).toEqual([]);
    expect(silent.expire(Date.now())).toEqual([]);
    expect(reportsOf(silent.expire(Date.now() + 3 * 60_000).map((held) => held.output))).toHaveSize(1);
    // An automatic login, as the same program's PAM service says: no password was typed, the keyring stays locked
    // by the person's choice (clearlinux/distribution#2442's working start).
    const automatic = new SignInFailureDetector(desktopWriters());
    const AUTOLOGIN: Writer = { ...GDM, identifier: 'gdm-autologin]' };
    expect(seen(automatic, AUTOLOGIN, 'gkr-pam: no password is available for user', 0, 4)).toEqual([]);
    const opened = 'pam_unix(gdm-autologin:session): session opened for user alice(uid=1000) by (uid=0)';
    expect(seen(automatic, AUTOLOGIN, opened, 1, 6)).toEqual([]);
    expect(automatic.heldUntil()).toBeUndefined();
    expect(reportsOf(automatic.expire(Number.POSITIVE_INFINITY).map((held) => held.output))).toEqual([]);
    // Another program naming an automatic login (the person's, with gdm's name) leaves the wait as it was.
    const forged = new SignInFailureDetector(desktopWriters());
    expect(seen(forged, GDM, 'gkr-pam: no password is available for user', 0, 4)).toEqual([]);
    const impostor: Writer = { ...CHKPWD, comm: 'python3', exe: '/usr/bin/python3', identifier: 'gdm-autologin]' };
    expect(seen(forged, impostor, opened, 1, 6)).toEqual([]);
    const stillHeld = reportsOf(forged.expire(Number.POSITIVE_INFINITY).map((held) => held.output));
    expect(stillHeld.map((r) => [r.subject, r.title])).toEqual(locked);
    // The password refused: no later stage tries it again.
    const refused = new SignInFailureDetector(desktopWriters());
    expect(seen(refused, LIGHTDM, 'gkr-pam: the password for the login keyring was invalid.', 0)).toEqual(locked);
  });

  it('reads libpam’s own word that a sign-in program’s stack can let no one in, or lacks one of Linux-PAM’s own modules; another package’s stays quiet', () => {
    const swaylock: Writer = { comm: 'swaylock', exe: '/usr/bin/swaylock', uid: 1000, unit: 'session-2.scope' };
    expect(verdict(swaylock, "PAM no modules loaded for `swaylock' service", 3)).toEqual([
      [
        SIGN_IN_FAILURE,
        'screen-locker',
        "The password could not be checked: PAM no modules loaded for `swaylock' service",
      ],
    ]);
    expect(verdict(GDM, 'PAM audit_open() failed: Permission denied', 2)).toEqual([
      [SIGN_IN_FAILURE, 'gdm', 'The password could not be checked: PAM audit_open() failed: Permission denied'],
    ]);
    expect(verdict(GDM, 'PAM _pam_init_handlers: could not open /etc/pam.conf', 3)).toHaveSize(1);
    // i3lock's "auth include system-auth" where the distribution has no such file: a handler that must fail instead.
    const i3lock: Writer = { comm: 'i3lock', exe: '/usr/bin/i3lock', uid: 1000, unit: 'session-2.scope' };
    expect(verdict(i3lock, 'PAM _pam_load_conf_file: unable to open config for system-auth', 3)).toEqual([
      [
        SIGN_IN_FAILURE,
        'screen-locker',
        'The password could not be checked: PAM _pam_load_conf_file: unable to open config for system-auth',
      ],
    ]);
    // libaudit refused the call's record: libpam fails the call itself (PAM_SYSTEM_ERR).
    expect(verdict(GDM, 'PAM audit_log_acct_message() failed: Connection refused', 2)).toEqual([
      [
        SIGN_IN_FAILURE,
        'gdm',
        'The password could not be checked: PAM audit_log_acct_message() failed: Connection refused',
      ],
    ]);
    // Another package's module missing: the stack names it as optional and goes on without it.
    expect(verdict(swaylock, 'PAM unable to dlopen(pam_kwallet5.so): cannot open shared object file', 3)).toEqual([]);
    expect(verdict(swaylock, 'PAM adding faulty module: pam_kwallet5.so', 3)).toEqual([]);
    expect(verdict(GDM, 'PAM adding faulty module: /usr/lib64/security/pam_gnome_keyring.so', 3)).toEqual([]);
    // One of Linux-PAM's own, which comes with libpam itself: PAM upgraded past the stack's configuration.
    const login: Writer = { comm: 'login', exe: '/usr/bin/login', unit: 'getty@tty1.service', uid: 0 };
    const tally = 'PAM adding faulty module: /usr/lib/security/pam_tally.so';
    const named = 'PAM could not load its own module pam_tally, which a sign-in’s configuration names';
    expect(verdict(login, tally, 3)).toEqual([[SIGN_IN_FAILURE, 'pam_tally', named]]);
    expect(
      verdict(
        swaylock,
        'PAM unable to dlopen(/usr/lib/security/pam_unix.so): /usr/lib/libc.so.6: version `GLIBC_2.38’ not found',
        3,
      ),
    ).toEqual([
      [
        SIGN_IN_FAILURE,
        'pam_unix',
        'PAM could not load its own module pam_unix, which a sign-in’s configuration names',
      ],
    ]);
    // Nor a module Linux-PAM builds only with SELinux, nor at debug, nor in sudo's stack.
    expect(verdict(GDM, 'PAM adding faulty module: /usr/lib/security/pam_selinux.so', 3)).toEqual([]);
    expect(verdict(login, tally, 7)).toEqual([]);
    // Another program's PAM: sudo's stack is auth-failures'.
    const sudo: Writer = { comm: 'sudo', exe: '/usr/bin/sudo', uid: 0, unit: 'session-2.scope' };
    expect(verdict(sudo, "PAM no modules loaded for `sudo' service", 3)).toEqual([]);
    expect(verdict(sudo, tally, 3)).toEqual([]);
  });

  it('reads the lock screens that run PAM themselves by their installed programs: vlock as the person, physlock as root', () => {
    const vlock: Writer = { comm: 'vlock', exe: '/usr/bin/vlock', uid: 1000, unit: 'session-2.scope' };
    expect(
      verdict(vlock, 'pam_unix(vlock:auth): authentication failure; logname= uid=1000 euid=1000 user=alice'),
    ).toEqual([[SIGN_IN_FAILURE, 'alice', 'Signing in or unlocking the screen failed for alice']]);
    // physlock takes the consoles as root (xyb3rt/physlock#110): its stack's module refusing at the auth stage.
    const physlock: Writer = { comm: 'physlock', exe: '/usr/bin/physlock', uid: 0, unit: 'session-2.scope' };
    expect(verdict(physlock, "pam_securetty(physlock:auth): cannot determine user's tty", 3)).toEqual([
      [SIGN_IN_FAILURE, 'physlock', 'Signing in or unlocking the screen failed for physlock'],
    ]);
    // Not a copy of it the person runs, nor the program as the person: only root's is the console lock.
    expect(verdict({ ...physlock, uid: 1000 }, "pam_securetty(physlock:auth): cannot determine user's tty", 3)).toEqual(
      [],
    );
    expect(
      verdict(
        { ...physlock, exe: '/home/alice/physlock' },
        "pam_securetty(physlock:auth): cannot determine user's tty",
        3,
      ),
    ).toEqual([]);
  });

  it('reads a lock screen getting no password on a second try as unlocking failing; one such try stays quiet', () => {
    const xscreensaver: Writer = {
      comm: 'xscreensaver-au',
      exe: '/usr/libexec/xscreensaver/xscreensaver-auth',
      uid: 1000,
      unit: 'session-2.scope',
    };
    const detector = new SignInFailureDetector(desktopWriters());
    const at = (writer: Writer, message: string, index: number) =>
      reportsOf(detector.detect(line(writer, message, 2, index))).map((r) => [r.subject, r.title]);
    const firstTry = [
      'pam_unix(xscreensaver:auth): conversation failed',
      'pam_unix(xscreensaver:auth): auth could not identify password for [alice]',
    ];
    // A dialog cancelled or timed out, or a fingerprint that answered first: once, nothing.
    expect(firstTry.flatMap((message, index) => at(xscreensaver, message, index))).toEqual([]);
    expect(at(xscreensaver, 'pam_unix(xscreensaver:auth): conversation failed', 30)).toEqual([
      ['alice', 'Unlocking the screen failed again for alice: the screen locker gave PAM no password to check'],
    ]);
    // A try long after the last is a first try again.
    expect(
      at(xscreensaver, 'pam_unix(xscreensaver:auth): auth could not identify password for [alice]', 31),
    ).toHaveSize(1);
    expect(at(xscreensaver, 'pam_unix(xscreensaver:auth): conversation failed', 31 + 11 * 60)).toEqual([]);
    // swaylock asks PAM only with the password typed, and has no dialog to cancel: once is enough, told at the try's
    // end.
    const swaylock: Writer = { comm: 'swaylock', exe: '/usr/bin/swaylock', uid: 1000, unit: 'session-2.scope' };
    const typed = new SignInFailureDetector(desktopWriters());
    expect(
      firstTry.flatMap((message, index) =>
        reportsOf(typed.detect(line(swaylock, message.replace('xscreensaver', 'swaylock'), 2, index))).map((r) => [
          r.subject,
          r.title,
        ]),
      ),
    ).toEqual([['alice', 'Unlocking the screen failed for alice: the screen locker gave PAM no password to check']]);
    // Not a lock screen: sudo's prompt left with Ctrl+C, twice, is not the desktop's sign-in.
    const sudo: Writer = { comm: 'sudo', exe: '/usr/bin/sudo', uid: 1000, unit: 'session-2.scope' };
    const other = new SignInFailureDetector(desktopWriters());
    const sudoLines = [
      'pam_unix(sudo:auth): conversation failed',
      'pam_unix(sudo:auth): auth could not identify password for [alice]',
      'pam_unix(sudo:auth): conversation failed',
      'pam_unix(sudo:auth): auth could not identify password for [alice]',
    ];
    expect(sudoLines.flatMap((message, index) => reportsOf(other.detect(line(sudo, message, 2, index))))).toEqual([]);
  });

  it('reads any line of unix_chkpwd’s but a debug one as the password check not passing: it logs nothing else', () => {
    expect(verdict(CHKPWD, 'password check failed for user (alice)', 3)).toEqual([
      [SIGN_IN_FAILURE, 'alice', 'Signing in or unlocking the screen failed for alice'],
    ]);
    expect(verdict(CHKPWD, 'inappropriate use of Unix helper binary [UID=1000]', 5)).toEqual([
      [
        SIGN_IN_FAILURE,
        'unix_chkpwd',
        'The password could not be checked: inappropriate use of Unix helper binary [UID=1000]',
      ],
    ]);
    expect(verdict(CHKPWD, 'could not obtain user info (alice)', 7)).toEqual([]);
  });

  it('ignores successes, cancelled prompts, other services and writers that merely claim the words', () => {
    expect(verdict(GDM, 'gkr-pam: unlocked login keyring')).toEqual([]);
    expect(verdict(GDM, 'gkr-pam: gnome-keyring-daemon started properly and unlocked keyring')).toEqual([]);
    expect(
      verdict(GDM, 'pam_unix(gdm-launch-environment:session): session opened for user gdm(uid=120) by (uid=0)'),
    ).toEqual([]);
    expect(verdict(GDM, 'pam_unix(gdm-password:auth): conversation failed')).toEqual([]);
    // unix_chkpwd for root: sshd under SELinux, counted by auth-failures.
    expect(verdict({ ...CHKPWD, uid: 0, unit: 'sshd.service' }, 'password check failed for user (brent)')).toEqual([]);
    expect(verdict(GDM, 'pam_unix(gdm-password:auth): auth could not identify password for [alice]')).toEqual([]);
    expect(
      verdict(
        GDM,
        'pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice',
      ),
    ).toEqual([]);
    // The same words from a user's own process (gnome-shell, or a root-named program running as the user).
    expect(
      verdict(
        SHELL,
        'pam_unix(gdm-password:auth): authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=  user=alice',
      ),
    ).toEqual([]);
    expect(verdict({ ...GDM, uid: 1000 }, "gkr-pam: couldn't unlock the login keyring.")).toEqual([]);
  });

  it('takes no program by its name: a copy of gdm’s worker, another user’s unix_chkpwd, a line missing its _EXE', () => {
    const failure =
      'pam_unix(gdm-password:auth): authentication failure; logname= uid=0 euid=0 tty=/dev/tty1 ruser= rhost=  user=alice';
    // A person's copy; root's own lines are root's whatever the program (PAM runs in the process that asked it).
    expect(verdict({ ...GDM, exe: '/tmp/gdm-session-worker', uid: 1000, unit: 'session-2.scope' }, failure)).toEqual(
      [],
    );
    expect(verdict({ ...GDM, exe: '' }, failure)).toEqual([]);
    expect(verdict({ ...CHKPWD, uid: 1001, unit: 'session-9.scope' }, 'password check failed for user (bob)')).toEqual(
      [],
    );
    expect(verdict({ ...CHKPWD, exe: '/home/alice/unix_chkpwd' }, 'password check failed for user (alice)')).toEqual(
      [],
    );
  });
});

describe('auth-failures and the desktop sign-in', () => {
  it('leaves the desktop services to the sign-in kind and keeps su, sudo and sshd', () => {
    const detector = new AuthFailuresDetector({ threshold: 1 });
    const at = new Date(START_US / 1000);
    expect(
      detector.count(
        'gdm-password]',
        'pam_unix(gdm-password:auth): authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=  user=alice',
        at,
      ),
    ).toBeNull();
    expect(
      detector.count(
        'gdm-password]',
        'pam_faillock(gdm-password:auth): Consecutive login failures for user dev account temporarily locked',
        at,
      ),
    ).toBeNull();
    expect(
      detector.count(
        'su',
        'pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=pts/0 ruser=alice rhost=  user=root',
        at,
      )?.failure.source,
    ).toBe('root');
    expect(
      detector.count(
        'sshd',
        'pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily locked',
        at,
      )?.failure.source,
    ).toBe('root');
  });
});

describe('the sign-in programs the sign-in-failure detector proves', () => {
  const LIGHTDM: Writer = { comm: 'lightdm', exe: '/usr/sbin/lightdm', unit: 'lightdm.service', uid: 0 };
  const FPRINTD: Writer = { comm: 'fprintd', exe: '/usr/libexec/fprintd', unit: 'fprintd.service', uid: 0 };

  it('reads a GError, a refusal, a time-out or a crash in a sign-in program’s own words, at any level but debug', () => {
    // ubuntu/lightdm#236: the login screen's list of people never came.
    expect(verdict(LIGHTDM, 'Error getting user list from org.freedesktop.Accounts: Timeout was reached', 6)).toEqual([
      [
        SIGN_IN_FAILURE,
        'lightdm',
        'LightDM reported a failure: Error getting user list from org.freedesktop.Accounts: Timeout was reached',
      ],
    ]);
    // fprintd's device.c: a client refused the reader it asked for, and the device's own error.
    const denied =
      "Authorization denied to :1.90 to call method 'Release' for device 'Goodix Fingerprint Sensor 53xc': Device was not claimed before use";
    expect(verdict(FPRINTD, denied, 4).map(([kind, subject]) => [kind, subject])).toEqual([
      [SIGN_IN_FAILURE, 'fprintd'],
    ]);
    expect(verdict(FPRINTD, 'Device reported an error during verify: Device disconnected', 4).length).toBe(1);
    // Arch's fprintd is /usr/lib/fprintd itself.
    expect(verdict({ ...FPRINTD, exe: '/usr/lib/fprintd' }, denied, 4).length).toBe(1);
    expect(verdict(FPRINTD, denied, 7)).toEqual([]);
    const sddm: Writer = { comm: 'sddm', exe: '/usr/bin/sddm', unit: 'sddm.service', uid: 0 };
    expect(
      verdict(
        sddm,
        'Auth: sddm-helper (--socket /tmp/sddm-auth-1 --id 1 --start /usr/bin/startplasma-x11 --user ana) crashed (exit code 1)',
        4,
      ).length,
    ).toBe(1);
    // gdm's g_error when no session is installed: it aborts, and the login screen never comes.
    const gdm: Writer = { comm: 'gdm3', exe: '/usr/sbin/gdm3', unit: 'gdm.service', uid: 0 };
    expect(verdict(gdm, 'Gdm: GdmSession: no session desktop files installed, aborting...', 6).length).toBe(1);
    expect(verdict(LIGHTDM, 'Session finished with no errors', 6)).toEqual([]);
  });

  it('reads gdm’s debug word that a sign-in got no session or no PAM, which gdm gives at debug only', () => {
    const gdm: Writer = { comm: 'gdm', exe: '/usr/sbin/gdm', unit: 'gdm.service', uid: 0 };
    expect(
      verdict(
        gdm,
        'GdmManager: session failed to start: Failed to execute child process “/usr/bin/gnome-session” (No such file or directory)',
        7,
      ),
    ).toEqual([
      [
        SIGN_IN_FAILURE,
        'gdm',
        'GDM could not start the session: Failed to execute child process “/usr/bin/gnome-session” (No such file or directory)',
      ],
    ]);
    // The worker's word that PAM did not start, and its relay of what PAM answered: [line, title].
    const told: [string, string][] = [
      ['could not initialize PAM: (error code 28)', 'GDM could not start PAM for a sign-in (error code 28)'],
      [
        'authentication module unavailable',
        'GDM could not check the password: its sign-in steps name a PAM module that did not load',
      ],
      ['authentication returned 7: Authentication failure', 'GDM refused the sign-in: Authentication failure'],
      [
        'user is not authorized to log in: User account has expired',
        'GDM refused the sign-in: User account has expired',
      ],
    ];
    for (const [message, title] of told)
      expect(verdict(GDM, `GdmSessionWorker: ${message}`, 7)).toEqual([[SIGN_IN_FAILURE, 'gdm', title]]);
    expect(verdict(GDM, 'GdmSessionWorker: authentication service had too many retries', 7).length).toBe(1);
    // A fingerprint or smartcard conversation with no finger enrolled or no card, and a cancelled conversation.
    expect(verdict(GDM, 'GdmSessionWorker: authentication service unavailable', 7)).toEqual([]);
    expect(verdict(GDM, 'GdmSessionWorker: authentication returned 19: Conversation error', 7)).toEqual([]);
    // The session it started ending in failure; not one ended on purpose.
    const ended = (how: string) => verdict(GDM, `GdmSessionWorker: child (pid:2211) done (${how})`, 7);
    expect(ended('status:1')).toEqual([[SIGN_IN_FAILURE, 'gdm', 'The session GDM started ended with status 1']]);
    expect(ended('signal:11')).toEqual([[SIGN_IN_FAILURE, 'gdm', 'The session GDM started crashed on signal 11']]);
    expect(ended('status:0')).toEqual([]);
    expect(ended('signal:15')).toEqual([]);
    // The same end as the daemon's session object and manager relay it, the signal by strsignal's name there.
    const daemonSaid: [string, string][] = [
      [
        "GdmSession: Emitting 'session-exited' signal with exit code '1'",
        'The session GDM started ended with status 1',
      ],
      [
        "GdmSession: Emitting 'session-died' signal with signal number '6'",
        'The session GDM started crashed on signal 6',
      ],
      ['GdmManager: session exited with status 127', 'The session GDM started ended with status 127'],
      ['GdmManager: session died with signal Segmentation fault', 'The session GDM started crashed on signal 11'],
      [
        "GdmSessionWorker: child '/usr/bin/gnome-session' could not be started: Failed to execute child process (No such file or directory)",
        'GDM could not start the session: /usr/bin/gnome-session: Failed to execute child process (No such file or directory)',
      ],
    ];
    for (const [message, title] of daemonSaid)
      expect(verdict(gdm, message, 7))
        .withContext(message)
        .toEqual([[SIGN_IN_FAILURE, 'gdm', title]]);
    // PAM's session stage refusing, which only the session object's word says.
    expect(verdict(gdm, "GdmSession: Emitting 'session-start-failed' signal", 7)).toEqual([
      [SIGN_IN_FAILURE, 'gdm', 'GDM could not open or start the session after the sign-in'],
    ]);
    expect(verdict(gdm, "GdmSession: Emitting 'session-opened' signal", 7)).toEqual([]);
    expect(verdict(gdm, "GdmSession: Emitting 'session-exited' signal with exit code '0'", 7)).toEqual([]);
    expect(verdict(gdm, "GdmSession: Emitting 'session-died' signal with signal number '15'", 7)).toEqual([]);
    expect(verdict(gdm, 'GdmManager: session died with signal Terminated', 7)).toEqual([]);
    // The login screen's session ending so: GDM starts another, and no login screen stays.
    expect(verdict(gdm, 'GdmDisplay: Greeter exited: 1', 7)).toEqual([
      [SIGN_IN_FAILURE, 'login-screen', 'The login screen ended with status 1, and GDM started it again'],
    ]);
    expect(verdict(gdm, 'GdmDisplay: Greeter died: 11', 7)).toEqual([
      [SIGN_IN_FAILURE, 'login-screen', 'The login screen crashed on signal 11, and GDM started it again'],
    ]);
    expect(verdict(gdm, 'GdmDisplay: Greeter exited: 0', 7)).toEqual([]);
    expect(verdict(gdm, 'GdmDisplay: Greeter died: 15', 7)).toEqual([]);
    // gdm's other debug lines narrate sign-ins that work.
    expect(verdict(gdm, 'GdmManager: session exited with status 0', 7)).toEqual([]);
    expect(verdict(GDM, 'GdmSessionWorker: state SESSION_STARTED', 7)).toEqual([]);
    // The same words from a person's program prove nothing.
    expect(verdict(SHELL, 'GdmManager: session failed to start: forged', 7)).toEqual([]);
    expect(verdict(SHELL, 'GdmDisplay: Greeter exited: 1', 7)).toEqual([]);
  });

  it('reads what SDDM’s helper relays of the PAM calls that decide a sign-in, in pam_strerror’s words', () => {
    const helper: Writer = { comm: 'sddm-helper', exe: '/usr/lib/sddm/sddm-helper', unit: 'sddm.service', uid: 0 };
    expect(verdict(helper, '[PAM] authenticate: Authentication failure', 4)).toEqual([
      [SIGN_IN_FAILURE, 'sddm', 'Signing in or unlocking the screen failed for sddm'],
    ]);
    expect(verdict(helper, '[PAM] acctMgmt: User account has expired', 4).length).toBe(1);
    // The codes pam_strerror shares with strerror count where the helper relays a PAM call's result.
    expect(verdict(helper, '[PAM] authenticate: Permission denied', 4).length).toBe(1);
    expect(verdict(helper, '[PAM] openSession: Cannot make/remove an entry for the specified session', 4).length).toBe(
      1,
    );
    expect(verdict(helper, '[PAM] closeSession: Authentication failure', 4)).toEqual([]);
    expect(verdict(helper, '[PAM] authenticate: Success', 4)).toEqual([]);
  });

  it('reads SDDM’s daemon saying its helper ended with one of the helper’s failures, not a signal', () => {
    const sddm: Writer = { comm: 'sddm', exe: '/usr/bin/sddm', unit: 'sddm.service', uid: 0 };
    // src/daemon/Auth.cpp: the helper's HelperExitStatus (src/auth/Auth.h), logged as a warning.
    expect(verdict(sddm, 'Auth: sddm-helper exited with 5', 6)).toEqual([
      [SIGN_IN_FAILURE, 'sddm', 'SDDM’s sign-in helper ended with an error: HELPER_TTY_ERROR'],
    ]);
    expect(verdict(sddm, 'Auth: sddm-helper exited with 1', 4).length).toBe(1);
    // Killed when the session replaces the greeter, or at shutdown; and its success.
    expect(verdict(sddm, 'Auth: sddm-helper exited with 9', 4)).toEqual([]);
    expect(verdict(sddm, 'Auth: sddm-helper exited with 15', 4)).toEqual([]);
    expect(verdict(sddm, 'Auth: sddm-helper exited successfully', 6)).toEqual([]);
    // Only the daemon itself, as root.
    expect(verdict({ ...sddm, exe: '/usr/local/bin/sddm' }, 'Auth: sddm-helper exited with 5', 4)).toEqual([]);
  });

  it('takes SDDM’s greeter ending after SDDM stopped it for the person’s session as the stop, not a failure', () => {
    const sddm: Writer = { comm: 'sddm', exe: '/usr/bin/sddm', unit: 'sddm.service', uid: 0 };
    const crashed = 'Error from greeter session: "Process crashed"';
    // marfrit/fresnel-fourier's note: the greeter's teardown five seconds after SDDM stopped it.
    const stopped = new SignInFailureDetector(desktopWriters());
    expect(reportsOf(stopped.detect(line(sddm, 'Greeter stopping...', 6, 0)))).toEqual([]);
    expect(reportsOf(stopped.detect(line(sddm, crashed, 4, 5)))).toEqual([]);
    // Unasked, or long after, the greeter crashing is the login screen failing.
    expect(verdict(sddm, crashed, 4).length).toBe(1);
    expect(reportsOf(stopped.detect(line(sddm, crashed, 4, 600))).length).toBe(1);
  });

  it('reads the helper ending with its session’s “could not run” or “not found” status as a failure', () => {
    const sddm: Writer = { comm: 'sddm', exe: '/usr/bin/sddm', unit: 'sddm.service', uid: 0 };
    // sddm/sddm#291: "sddm[205]: Auth: sddm-helper exited with 127" at every sign-in (HelperApp.cpp, sessionFinished).
    expect(verdict(sddm, 'Auth: sddm-helper exited with 127', 6)).toEqual([
      [SIGN_IN_FAILURE, 'sddm', 'SDDM’s sign-in helper ended with an error: 127'],
    ]);
    expect(verdict(sddm, 'Auth: sddm-helper exited with 126', 4).length).toBe(1);
    expect(verdict(sddm, 'Auth: sddm-helper exited with 128', 4)).toEqual([]);
  });

  it('reads SDDM’s own log file as its journal lines, at the level its prefix gives', () => {
    const sddm: Writer = { comm: 'sddm', exe: '/usr/bin/sddm', unit: 'sddm.service', uid: 0 };
    const helper: Writer = { comm: 'sddm-helper', exe: '/usr/libexec/sddm-helper', unit: 'sddm.service', uid: 0 };
    // sddm/sddm#1807 and #1725: /var/log/sddm.log (MessageHandler.h, standardLogger), no level of journald's.
    expect(verdict(sddm, '[06:45:22.122] (WW) DAEMON: Auth: sddm-helper exited with 5', 6)).toEqual([
      [SIGN_IN_FAILURE, 'sddm', 'SDDM’s sign-in helper ended with an error: HELPER_TTY_ERROR'],
    ]);
    expect(verdict(helper, '[03:18:05.105] (WW) HELPER: [PAM] authenticate: Permission denied', 6)).toEqual([
      [SIGN_IN_FAILURE, 'sddm', 'Signing in or unlocking the screen failed for sddm'],
    ]);
    expect(verdict(sddm, '[06:45:22.120] (II) DAEMON: Greeter session started successfully', 6)).toEqual([]);
    expect(verdict(sddm, '[03:57:03.266] (II) DAEMON: Display server starting...', 6)).toEqual([]);
    expect(verdict(sddm, '[22:49:02.480] (EE) DAEMON: Failed to write xauth file', 6).length).toBe(1);
    // The error level of the prefix counts as journald's would: an error of SDDM's, whatever its words.
    expect(
      verdict(sddm, '[22:49:02.480] (EE) DAEMON: Tried to start Xorg before previous instance exited', 6).length,
    ).toBe(1);
    // The teardown of the greeter after SDDM stopped it, in the file's form too.
    const stopped = new SignInFailureDetector(desktopWriters());
    expect(reportsOf(stopped.detect(line(sddm, '[10:00:00.000] (II) DAEMON: Greeter stopping...', 6, 0)))).toEqual([]);
    const crashed = '[10:00:05.000] (WW) DAEMON: Error from greeter session: "Process crashed"';
    expect(reportsOf(stopped.detect(line(sddm, crashed, 6, 5)))).toEqual([]);
    // Only SDDM's own prefix, from SDDM: another program's line in that form is read as it stands.
    const lightdm: Writer = { comm: 'lightdm', exe: '/usr/sbin/lightdm', unit: 'lightdm.service', uid: 0 };
    expect(verdict(lightdm, '[06:45:22.122] (WW) DAEMON: Auth: sddm-helper exited with 5', 6)).toEqual([]);
  });

  it('takes SDDM’s relay of what a PAM module told the person as the module’s message, not SDDM’s failure', () => {
    const sddm: Writer = { comm: 'sddm', exe: '/usr/bin/sddm', unit: 'sddm.service', uid: 0 };
    // sddm/sddm#1481 (Display.cpp, slotAuthInfo): pam_faillock's and lastlog's notes at a sign-in that worked.
    const noted =
      '[22:35:58.469] (WW) DAEMON: Authentication information: "There were 14 failed login attempts since the last successful login."';
    expect(verdict(sddm, noted, 6)).toEqual([]);
    expect(
      verdict(
        sddm,
        'Authentication information: SDDM::Auth::INFO_UNKNOWN "Last failed login: Tue Dec 7 16:07:31 GMT 2021"',
        4,
      ),
    ).toEqual([]);
    // Its own errors stay failures.
    expect(verdict(sddm, 'Authentication error: SDDM::Auth::ERROR_INTERNAL "Process crashed"', 4).length).toBe(1);
  });

  it('reads LightDM’s log file, and a session of LightDM’s ending in failure', () => {
    const lightdm: Writer = { comm: 'lightdm', exe: '/usr/sbin/lightdm', unit: 'lightdm.service', uid: 0 };
    // ubuntu/lightdm#181: the session's command not found (session.c, session_watch_cb).
    expect(verdict(lightdm, '[+4.11s] DEBUG: Session pid=911: Exited with return value 127', 6)).toEqual([
      [SIGN_IN_FAILURE, 'lightdm', 'LightDM reported a failure: Session pid=911: Exited with return value 127'],
    ]);
    expect(verdict(lightdm, 'Session pid=2101: Terminated with signal 11', 6).length).toBe(1);
    // A session that ended well, or that LightDM ended itself; a process of its own, such as the X server, exiting.
    expect(verdict(lightdm, '[+2.50s] DEBUG: Session pid=5234: Exited with return value 0', 6)).toEqual([]);
    expect(verdict(lightdm, '[+2.50s] DEBUG: Session pid=5332: Terminated with signal 15', 6)).toEqual([]);
    expect(verdict(lightdm, '[+4.54s] DEBUG: Process 879 exited with return value 0', 6)).toEqual([]);
    // elementary/greeter#568: LightDM's failures are its debug lines; its words still tell them.
    expect(verdict(lightdm, '[+2.50s] DEBUG: Seat seat0: Stopping; failed to start a greeter', 6).length).toBe(1);
    // Its warnings say nothing failed unless their words do.
    expect(verdict(lightdm, "[+0.00s] WARNING: Seat type 'xlocal' is deprecated, use 'type=local' instead", 6)).toEqual(
      [],
    );
    // Only LightDM itself, as root.
    expect(
      verdict({ ...lightdm, exe: '/usr/local/bin/lightdm' }, 'Session pid=911: Exited with return value 127', 6),
    ).toEqual([]);
  });

  it('reads pam_unix asking for a password in an automatic login’s service as the automatic login refused', () => {
    const lightdm: Writer = { comm: 'lightdm', exe: '/usr/sbin/lightdm', unit: 'lightdm.service', uid: 0 };
    expect(
      verdict(lightdm, 'pam_unix(lightdm-autologin:auth): auth could not identify password for [alice]', 2),
    ).toEqual([[SIGN_IN_FAILURE, 'alice', 'Automatic login was refused for alice: the sign-in asked for a password']]);
    expect(verdict(GDM, 'pam_unix(gdm-autologin:auth): auth could not identify password for [alice]', 2).length).toBe(
      1,
    );
    // Its first line of the same try says it again; the try's end tells it once.
    expect(verdict(lightdm, 'pam_unix(lightdm-autologin:auth): conversation failed', 3)).toEqual([]);
    // pam_succeed_if's branch in an automatic login's stack: the next module decides.
    expect(
      verdict(
        lightdm,
        'pam_succeed_if(lightdm-autologin:auth): requirement "user ingroup autologin" not met by user "alice"',
        6,
      ),
    ).toEqual([]);
  });

  it('proves the other display managers and reads their PAM lines and their own failures', () => {
    const greetd: Writer = { comm: 'greetd', exe: '/usr/bin/greetd', unit: 'greetd.service', uid: 0 };
    // boltgolt/howdy#991.
    expect(
      verdict(
        greetd,
        'unable to start greeter: session start failed: authentication error: pam_setcred: PERM_DENIED',
        6,
      ),
    ).toEqual([
      [
        SIGN_IN_FAILURE,
        'display-manager',
        'the display manager reported a failure: unable to start greeter: session start failed: authentication error: pam_setcred: PERM_DENIED',
      ],
    ]);
    expect(
      verdict(
        greetd,
        'pam_unix(greetd:auth): authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=  user=alice',
        5,
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'alice', 'Signing in or unlocking the screen failed for alice']]);
    expect(verdict(greetd, 'pam_unix(greetd:session): session opened for user alice(uid=1000) by (uid=0)', 6)).toEqual(
      [],
    );
    // COSMIC's greeter runs greetd as its own unit (fsvm88/cosmic-overlay#15).
    expect(
      verdict({ ...greetd, unit: 'cosmic-greeter.service' }, "error: PAM 'cosmic-greeter' service missing", 6),
    ).toEqual([
      [
        SIGN_IN_FAILURE,
        'display-manager',
        "the display manager reported an error: PAM 'cosmic-greeter' service missing",
      ],
    ]);
    // Its own "error: " marks its errors, whatever level its standard error got: here it quits, the greeter gone
    // (lilyinstarlight/nixos-cosmic#126).
    expect(verdict(greetd, 'error: check_children: greeter exited without creating a session', 6)).toEqual([
      [
        SIGN_IN_FAILURE,
        'display-manager',
        'the display manager reported an error: check_children: greeter exited without creating a session',
      ],
    ]);
    const lxdm: Writer = { comm: 'lxdm-binary', exe: '/usr/sbin/lxdm-binary', unit: 'lxdm.service', uid: 0 };
    expect(
      verdict(
        lxdm,
        'pam_unix(lxdm:auth): authentication failure; logname= uid=0 euid=0 tty=:0 ruser= rhost=  user=bob',
        5,
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'bob', 'Signing in or unlocking the screen failed for bob']]);
    // Not a copy elsewhere, nor one outside the display managers' units.
    expect(
      verdict({ ...greetd, exe: '/home/alice/greetd' }, 'error: authentication error: pam_setcred: PERM_DENIED', 6),
    ).toEqual([]);
    expect(
      verdict({ ...greetd, unit: 'cron.service' }, 'error: authentication error: pam_setcred: PERM_DENIED', 6),
    ).toEqual([]);
  });

  it('reads GNOME Shell’s verifier failing to start one of GDM’s sign-in conversations, by the service it names', () => {
    // gnome-shell's js/gdm/util.js (_startService), as its JS ERROR quotes it.
    const message =
      'JS ERROR: Failed to start gdm-fingerprint for u: Gio.DBusError: GDBus.Error:org.freedesktop.DBus.Error.Spawn.Failed: Could not create authentication helper process\n_startService@resource:///org/gnome/shell/gdm/util.js:470:42';
    expect(verdict(SHELL, message, 6)).toEqual([
      [
        SIGN_IN_FAILURE,
        'u',
        'GDM could not start gdm-fingerprint for u: Gio.DBusError: GDBus.Error:org.freedesktop.DBus.Error.Spawn.Failed: Could not create authentication helper process',
      ],
    ]);
    expect(verdict(SHELL, 'Failed to start gdm-password verification for alice: Timeout was reached', 4).length).toBe(
      1,
    );
    // Its other init errors: GDM gave it no conversation at all, and the screen says "Authentication error".
    const channel =
      'JS ERROR: Failed to open reauthentication channel: Gio.DBusError: GDBus.Error:org.freedesktop.DBus.Error.NoReply: Message recipient disconnected from message bus without replying\n_openReauthenticationChannel@resource:///org/gnome/shell/gdm/util.js:527:38';
    expect(verdict(SHELL, channel, 4)).toEqual([
      [
        SIGN_IN_FAILURE,
        'lock-screen',
        'The login or lock screen could not get a password check from GDM: Gio.DBusError: GDBus.Error:org.freedesktop.DBus.Error.NoReply: Message recipient disconnected from message bus without replying',
      ],
    ]);
    expect(
      verdict(SHELL, 'JS ERROR: Failed to obtain user verifier: Gio.IOErrorEnum: Timeout was reached', 4),
    ).toHaveSize(1);
    expect(verdict(SHELL, 'Failed to start gdm-smartcard verification: Timeout was reached', 4)).toHaveSize(1);
    // Not a service that is no sign-in's, nor a program that is no shell.
    expect(verdict(SHELL, 'Failed to start foo-bar for alice: Timeout was reached', 4)).toEqual([]);
    expect(verdict(SHELL, 'Failed to start foo-bar verification: Timeout was reached', 4)).toEqual([]);
    expect(
      verdict({ ...SHELL, exe: '/usr/bin/evolution' }, 'Failed to obtain user verifier: Timeout was reached', 4),
    ).toEqual([]);
    expect(
      verdict({ ...SHELL, exe: '/usr/bin/evolution' }, 'Failed to start gdm-password for alice: Timeout', 4),
    ).toEqual([]);
  });

  it('reads KDE’s password checker before Plasma 5.25 as a lock screen', () => {
    const kcheckpass: Writer = {
      comm: 'kcheckpass',
      exe: '/usr/lib/x86_64-linux-gnu/libexec/kcheckpass',
      unit: 'session-2.scope',
      uid: 1000,
    };
    expect(
      verdict(
        kcheckpass,
        'pam_unix(kde:auth): authentication failure; logname= uid=1000 euid=1000 tty=:0 ruser= rhost=  user=ana',
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'ana', 'Signing in or unlocking the screen failed for ana']]);
    expect(verdict(kcheckpass, 'Authentication failure for ana (invoked by uid 1000)').length).toBe(1);
    expect(verdict({ ...kcheckpass, uid: 1001 }, 'Authentication failure for ana (invoked by uid 1001)')).toEqual([]);
  });

  it('reads the tiling sessions’ lock screens, which run PAM as the person', () => {
    const hyprlock: Writer = { comm: 'hyprlock', exe: '/usr/bin/hyprlock', unit: 'session-2.scope', uid: 1000 };
    const failed =
      'pam_unix(hyprlock:auth): authentication failure; logname=ana uid=1000 euid=1000 tty= ruser= rhost=  user=ana';
    expect(verdict(hyprlock, failed)).toEqual([
      [SIGN_IN_FAILURE, 'ana', 'Signing in or unlocking the screen failed for ana'],
    ]);
    expect(verdict({ ...hyprlock, exe: '/home/ana/bin/hyprlock' }, failed)).toEqual([]);
    // Xfce's lock screen's dialog, running its own service.
    const xfce: Writer = {
      comm: 'xfce4-screensav',
      exe: '/usr/libexec/xfce4-screensaver-dialog',
      unit: 'session-2.scope',
      uid: 1000,
    };
    expect(
      verdict(
        xfce,
        'pam_unix(xfce4-screensaver:auth): authentication failure; logname= uid=1000 euid=1000 tty=:0.0 ruser= rhost=  user=ana',
      ),
    ).toEqual([[SIGN_IN_FAILURE, 'ana', 'Signing in or unlocking the screen failed for ana']]);
  });

  it('reads gdm’s session launcher as the person signing in: the session did not start', () => {
    const launcher: Writer = {
      comm: 'gdm-wayland-ses',
      identifier: '/usr/lib/gdm3/gdm-wayland-session',
      exe: '/usr/lib/gdm3/gdm-wayland-session',
      unit: 'session-7.scope',
      uid: 1000,
    };
    expect(verdict(launcher, 'Unable to register display with display manager', 6)).toEqual([
      [
        SIGN_IN_FAILURE,
        'gdm-session',
        'GDM’s session launcher reported a failure: Unable to register display with display manager',
      ],
    ]);
    // Another person's launcher is no writer of this session's.
    expect(verdict({ ...launcher, uid: 1001 }, 'Unable to register display with display manager', 6)).toEqual([]);
    // As the display manager's own account it starts the login screen, whose failing to start is signing in failing;
    // not the login screen's shell, whose words are a whole desktop's.
    const greeter: Writer = { ...launcher, uid: 42, unit: 'session-c1.scope' };
    expect(verdict(greeter, 'Unable to run X server', 6)).toEqual([
      [SIGN_IN_FAILURE, 'login-screen', 'the login screen reported a failure: Unable to run X server'],
    ]);
    expect(
      verdict({ ...greeter, comm: 'gnome-shell', exe: '/usr/bin/gnome-shell' }, 'Failed to load the theme', 6),
    ).toEqual([]);
  });

  it('proves AccountsService, and the keyring daemon and KDE’s wallet in the units the session starts them in', () => {
    const accounts: Writer = {
      comm: 'accounts-daemon',
      exe: '/usr/libexec/accounts-daemon',
      unit: 'accounts-daemon.service',
      uid: 0,
    };
    expect(verdict(accounts, 'Failed to read users from /etc/passwd', 4).length).toBe(1);
    const debianHomed = { ...HOMED, exe: '/lib/systemd/systemd-homed' };
    expect(verdict(debianHomed, 'Activation failed: Required key not available', 3).length).toBe(1);
    const keyring = (userUnit: string): Writer => ({
      comm: 'gnome-keyring-d',
      exe: '/usr/bin/gnome-keyring-daemon',
      unit: 'user@1000.service',
      userUnit,
      uid: 1000,
    });
    for (const unit of [
      'app-gnome-gnome\\x2dkeyring\\x2dsecrets-2351.scope',
      'app-gnome\\x2dkeyring\\x2dsecrets@autostart.service',
      'dbus-:1.2-org.freedesktop.secrets@0.service',
    ])
      expect(verdict(keyring(unit), 'Failed to unlock login on startup', 4))
        .withContext(unit)
        .toEqual([[SIGN_IN_FAILURE, 'login keyring', 'The login keyring was not unlocked at sign-in']]);
    expect(verdict(keyring('app-org.gnome.Terminal-2351.scope'), 'Failed to unlock login on startup', 4)).toEqual([]);
    const kwallet: Writer = {
      comm: 'kwalletd5',
      exe: '/usr/bin/kwalletd5',
      unit: 'user@1000.service',
      userUnit: 'dbus-:1.2-org.kde.kwalletd5@0.service',
      uid: 1000,
    };
    expect(verdict(kwallet, 'Wallet failed to get opened by PAM, error code is -9', 4)).toEqual([
      [
        SIGN_IN_FAILURE,
        'kwallet',
        'KDE Wallet reported a failure: Wallet failed to get opened by PAM, error code is -9',
      ],
    ]);
  });
});

describe('the sign-in-failure playbook', () => {
  it('only reads: the sign-in program’s own lines around the failure', async () => {
    const finding = findingWithEvidence(SIGN_IN_FAILURE, 'alice', {
      title: 'Signing in or unlocking the screen failed for alice',
      firstSeen: new Date(START_US / 1000),
      evidence: [{ kind: 'journal', text: 'x', cursor: 's=1;i=2', at: new Date(START_US / 1000) }],
    });
    const draft = await signInFailurePlaybook(finding, {} as PlaybookTools);
    expect(draft?.actions.map((action) => action.name)).toEqual(['info.show_logs']);
    expect(draft?.actions[0]?.params).toEqual(jasmine.objectContaining({ cursor: 's=1;i=2', sameWriter: true }));
    expect(signInKind.playbooks[SIGN_IN_FAILURE]).toBe(signInFailurePlaybook);
    expect(signInKind.actions()).toEqual([]);
  });

  it('explains an automatic login refused: its steps asked for a password no one was there to type', async () => {
    const finding = findingWithEvidence(SIGN_IN_FAILURE, 'alice', {
      title: 'Automatic login was refused for alice: the sign-in asked for a password',
      firstSeen: new Date(START_US / 1000),
      evidence: [
        {
          kind: 'journal',
          text: 'pam_unix(lightdm-autologin:auth): auth could not identify password for [alice]',
          cursor: 's=1;i=2',
          at: new Date(START_US / 1000),
        },
      ],
    });
    const draft = await signInFailurePlaybook(finding, {} as PlaybookTools);
    expect(draft?.title).toBe('See why automatic login was refused');
    expect(draft?.explanation).toContain('“autologin” group');
    expect(draft?.actions.map((action) => action.name)).toEqual(['info.show_logs']);
  });

  it('says of a session that ended after signing in that signing in worked, and only reads', async () => {
    const finding = findingWithEvidence(SIGN_IN_FAILURE, 'org.gnome.Shell', {
      title: 'The desktop session could not start or go on: org.gnome.Shell, which it needs, stopped',
      firstSeen: new Date(START_US / 1000),
      evidence: [
        {
          kind: 'journal',
          text: 'gnome-session-binary[1874]: Unrecoverable failure in required component org.gnome.Shell.desktop',
          cursor: 's=1;i=3',
          at: new Date(START_US / 1000),
        },
      ],
    });
    const draft = await signInFailurePlaybook(finding, {} as PlaybookTools);
    expect(draft?.title).toBe('See why the desktop session stopped');
    expect(draft?.explanation).toContain('Signing in worked, but the session could not run without that part');
    expect(draft?.actions.map((action) => action.name)).toEqual(['info.show_logs']);
  });
});
