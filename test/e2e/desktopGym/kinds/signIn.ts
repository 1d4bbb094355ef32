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

import { SIGN_IN_FAILURE } from '../../../../service/src/kinds/signIn/detector.js';
import { waitFor } from '../../../support/service.js';
import { TEST_USER } from '../../harness/rootfs.js';
import { childrenOf, spawnInSession } from '../inSession.js';
import type { DesktopScenario, ShellContext } from '../scenario.js';

let console_: ChildProcessWithoutNullStreams | undefined;

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
    async cleanup() {
      const terminal = console_;
      console_ = undefined;
      if (!terminal || terminal.exitCode !== null) return;
      const ended = new Promise((resolve) => terminal.once('close', resolve));
      // login waits at its prompt for another try: script, ended, ends it (nsenter's child is script).
      const [script] = await childrenOf(terminal.pid);
      if (script !== undefined) process.kill(script, 'SIGTERM');
      await ended;
    },
  },
];
