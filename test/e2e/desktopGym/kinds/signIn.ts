// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Signing in with a wrong password: the real login(1) on a terminal of the session (script(1)'s pseudo-terminal),
// as root as a console's getty starts it, for the session's user. Its PAM stack's pam_unix refuses the password
// and logs "pam_unix(login:auth): authentication failure; … user=tester" through syslog (/dev/log, journald's
// socket in the session), from login itself, which is still there (PAM's fail delay, then its prompt again) when
// journald reads its _EXE and _UID.
//
// Not made here: unix_chkpwd's own line, as a lock screen that checks the password as the user gets it. The
// helper ends as soon as it has logged, and journald reads a writer's _EXE from /proc after the line arrives
// (systemd#2913): in the session its lines come without _EXE, so the detector, which trusts _EXE, rightly cannot
// tell them from any program's.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';

import { LOGIN_KEYRING, SIGN_IN_FAILURE } from '../../../../service/src/kinds/signIn/detector.js';
import { waitFor } from '../../../support/service.js';
import { sessionOwnerOf } from '../../harness/activation.js';
import { inOverlay, type RootfsOverlay } from '../../harness/packages.js';
import { TEST_USER } from '../../harness/rootfs.js';
import type { ShellSession } from '../../harness/session.js';
import { childrenOf, spawnInSession } from '../inSession.js';
import type { DesktopScenario, GymPart, ShellContext } from '../scenario.js';

let console_: ChildProcessWithoutNullStreams | undefined;
let keyringDaemon: ChildProcessWithoutNullStreams | undefined;

/** The test user's password, which the keyring part gives the account. */
const LOGIN_PASSWORD = 'gym login password';
/**
 * Its crypt(3) hash, as `openssl passwd -6 -salt stewardgym` prints it: chpasswd -e writes it without PAM, whose
 * pam_unix would log the change through the host's /dev/log, which the overlay's /dev is.
 */
const LOGIN_PASSWORD_HASH =
  '$6$stewardgym$G2mRRZw1qonTLY0FqgD122cU3Fkdf85DSMg.FDu59Bpdt/wmX/LSyiQ.Dl/bnRirl1uPwvLhOOAWrnpsfnTJl1';
/** The login keyring's own password: not the one the person signs in with. */
const KEYRING_PASSWORD = 'an older password';

// The keyring and its PAM module, as a display manager's stack has them: Debian's libpam-gnome-keyring adds the module
// only to the password stage (pam-auth-update), and gdm's own gdm-password names it for auth and session; so does
// login's here. The gym runs no logind, so pam_systemd, which registers a session with it, leaves the stack: its error
// there would be the gym's, not the sign-in's.
const keyringPart: GymPart = {
  name: 'gnome-keyring and its PAM module in login',
  async prepare(overlay: RootfsOverlay, suite: string) {
    await inOverlay(
      overlay,
      suite,
      `apt-get -o Acquire::Check-Valid-Until=false -qq update
apt-get install -y -qq --no-install-recommends gnome-keyring libpam-gnome-keyring >/dev/null
printf '%s\n' 'auth optional pam_gnome_keyring.so' 'session optional pam_gnome_keyring.so auto_start' >>/etc/pam.d/login
pam-auth-update --package --remove systemd
printf '%s:%s\n' ${TEST_USER.name} '${LOGIN_PASSWORD_HASH}' | chpasswd -e`,
    );
  },
  start: () => Promise.resolve({}),
  stop: () => Promise.resolve(),
};

/** The session's runtime folder and bus, from gnome-shell's environment: the keyring daemon's, as the session's. */
async function sessionEnvironment(session: ShellSession): Promise<string[]> {
  const shell = await sessionOwnerOf(session, 'org.gnome.Shell');
  const environment = (await readFile(`/proc/${shell.pid}/environ`, 'utf8')).split('\0');
  return environment.filter((line) => /^(?:XDG_RUNTIME_DIR|DBUS_SESSION_BUS_ADDRESS)=/.test(line));
}

/** A path of the session's root filesystem, as this process sees it. */
async function inSessionRoot(session: ShellSession, path: string): Promise<string> {
  const shell = await sessionOwnerOf(session, 'org.gnome.Shell');
  return `/proc/${shell.pid}/root${path}`;
}

/** Ends what `child` (nsenter) runs in the session, which ends nsenter with it, and waits for that. */
async function ended(child: ChildProcessWithoutNullStreams | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((resolve) => child.once('close', resolve));
  const [program] = await childrenOf(child.pid);
  if (program !== undefined) process.kill(program, 'SIGTERM');
  await closed;
}

/**
 * The login keyring has a password of its own (made with it, as a keyring from before a password change is), and
 * the session's keyring daemon holds it locked; then the person signs in at the console with their login password,
 * which gkr-pam hands the daemon to unlock the keyring with.
 */
async function keyringWithOtherPassword({ session }: ShellContext): Promise<void> {
  const environment = await sessionEnvironment(session);
  const runtimeDir = environment.find((line) => line.startsWith('XDG_RUNTIME_DIR='))?.slice('XDG_RUNTIME_DIR='.length);
  if (!runtimeDir) throw new Error('gnome-shell has no XDG_RUNTIME_DIR');
  const keyring = await inSessionRoot(session, `${TEST_USER.home}/.local/share/keyrings/login.keyring`);
  const control = await inSessionRoot(session, `${runtimeDir}/keyring/control`);
  const daemon = (argv: string[]) =>
    spawnInSession(session, {
      as: 'user',
      unit: 'gnome-keyring-daemon.service',
      argv: ['env', ...environment, 'gnome-keyring-daemon', '--foreground', '--components=secrets', ...argv],
    });
  // --unlock makes the login keyring with the password it reads, where there is none.
  const maker = await daemon(['--unlock']);
  maker.stdin.end(KEYRING_PASSWORD);
  await waitFor(
    () =>
      access(keyring).then(
        () => true,
        () => false,
      ),
    'the login keyring to be made',
  );
  await ended(maker);
  keyringDaemon = await daemon([]);
  keyringDaemon.stdin.end();
  await waitFor(
    () =>
      access(control).then(
        () => true,
        () => false,
      ),
    'the keyring daemon’s control socket',
  );
  const terminal = await spawnInSession(session, {
    as: 'root',
    unit: 'getty@tty2.service',
    // -p keeps the runtime folder in login's environment, where pam_systemd would have put it for gkr-pam.
    argv: [
      'env',
      `XDG_RUNTIME_DIR=${runtimeDir}`,
      'script',
      '--quiet',
      '--return',
      '--command',
      `exec login -p ${TEST_USER.name}`,
      '/dev/null',
    ],
  });
  console_ = terminal;
  let screen = '';
  terminal.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  terminal.stdin.on('error', () => undefined);
  await waitFor(() => /Password: ?$/.test(screen), 'login to ask for the password');
  terminal.stdin.write(`${LOGIN_PASSWORD}\n`);
}

/** Ends the console's login, which waits at its prompt or in the shell it started. */
async function endConsole(): Promise<void> {
  const terminal = console_;
  console_ = undefined;
  // script, ended, ends login with it.
  await ended(terminal);
}

/** The person at the console types their name, then a password that is not theirs. */
async function mistypePassword({ session }: ShellContext): Promise<void> {
  const terminal = await spawnInSession(session, {
    as: 'root',
    unit: 'getty@tty1.service',
    argv: ['script', '--quiet', '--return', '--command', `exec login ${TEST_USER.name}`, '/dev/null'],
  });
  console_ = terminal;
  let screen = '';
  terminal.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  terminal.stdin.on('error', () => undefined);
  await waitFor(() => /Password: ?$/.test(screen), 'login to ask for the password');
  // The test user's account has no password set (useradd leaves it locked): none matches.
  terminal.stdin.write('not the password\n');
}

export const SIGN_IN_SCENARIOS: DesktopScenario[] = [
  {
    name: 'sign-in-password-failed',
    title: 'A wrong password at the console’s sign-in (the real login and pam_unix)',
    core: true,
    fault: mistypePassword,
    // Explained, and nothing offered: every change to a sign-in could lock the person out.
    expect: {
      finding: { kind: SIGN_IN_FAILURE, subject: TEST_USER.name },
      firstStep: 'info.show_logs',
      noChange: true,
    },
    // login waits at its prompt for another try.
    cleanup: endConsole,
  },
  {
    name: 'sign-in-keyring-locked',
    title: 'The login keyring stays locked at sign-in: its password is not the login password (the real gkr-pam)',
    core: true,
    needs: [keyringPart],
    fault: keyringWithOtherPassword,
    expect: {
      finding: { kind: SIGN_IN_FAILURE, subject: LOGIN_KEYRING },
      firstStep: 'info.show_logs',
      noChange: true,
      says: [
        'The login keyring was not unlocked at sign-in',
        'Your login password and the login keyring’s password differ',
      ],
    },
    async cleanup({ session }) {
      await endConsole();
      const daemon = keyringDaemon;
      keyringDaemon = undefined;
      await ended(daemon);
      const keyrings = `${TEST_USER.home}/.local/share/keyrings`;
      const remover = await spawnInSession(session, {
        as: 'user',
        unit: 'gym-cleanup.scope',
        argv: ['rm', '-rf', keyrings],
      });
      await new Promise((resolve) => remover.once('close', resolve));
    },
  },
];
