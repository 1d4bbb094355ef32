// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What to propose for a failed sign-in: only reading. The sign-in program's own lines around it say who was tried,
// how often, and which module refused (a mistyped password, a lock-out by pam_faillock, a home systemd-homed could
// not open, a keyring gkr-pam could not unlock). Nothing is changed: no step that could lock the person out.
import type { FindingWithEvidence } from '../../findings/store.js';
import { logsStep, OWN_LINES, type Playbook, type ProposalDraft } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { LOGIN_KEYRING, saysAutologinRefused, saysSessionLost } from './detector.js';

/**
 * The login keyring not unlocked at sign-in: the password typed to sign in is not the keyring's. Explained; nothing
 * is changed (a keyring's password is the person's to change, in Passwords and Keys).
 */
const keyringLocked = (finding: FindingWithEvidence): ProposalDraft => ({
  title: _('See why the login keyring stayed locked'),
  explanation: format(_('{title}. {advice}'), {
    title: finding.title,
    advice: _(
      'Your login password and the login keyring’s password differ: the keyring is unlocked with the password you ' +
        'sign in with, and that no longer opens it (the login password was changed outside GNOME, or the keyring ' +
        'has a password of its own). Apps then ask for the keyring’s old password. In Passwords and Keys you can ' +
        'give the login keyring your login password, so that signing in unlocks it again. Nothing is changed here.',
    ),
  }),
  actions: [logsStep(finding, undefined, OWN_LINES)],
});

/** The session ended right after signing in: gnome-session lost the shell or another part it cannot run without. */
const sessionLost = (finding: FindingWithEvidence): ProposalDraft => ({
  title: _('See why the desktop session stopped'),
  explanation: format(_('{title}. {advice}'), {
    title: finding.title,
    advice: _(
      'Signing in worked, but the session could not run without that part, so it ended and showed the login screen or ' +
        '“Oh no! Something has gone wrong” again. The part’s own log lines just before say why it stopped: a crash, an ' +
        'extension, a graphics driver. Nothing is changed here.',
    ),
  }),
  actions: [logsStep(finding, undefined, OWN_LINES)],
});

/** An automatic login whose PAM stack asked for a password, which no one is there to type. */
const autologinRefused = (finding: FindingWithEvidence): ProposalDraft => ({
  title: _('See why automatic login was refused'),
  explanation: format(_('{title}. {advice}'), {
    title: finding.title,
    advice: _(
      'Automatic login signs you in with no one to type a password, so its sign-in steps must let you in without ' +
        'one; these asked for a password instead. With LightDM the person must be in the “autologin” group, which its ' +
        'automatic login checks; otherwise the automatic login’s own PAM file (in /etc/pam.d, named after the login ' +
        'screen, ending in “-autologin”) asks for a password. Signing in by typing your password still works. Nothing ' +
        'is changed here.',
    ),
  }),
  actions: [logsStep(finding, undefined, OWN_LINES)],
});

const evidenceSays = (finding: FindingWithEvidence, says: (text: string) => boolean) =>
  finding.evidence.some((line) => line.kind === 'journal' && says(line.text));

export const signInFailurePlaybook: Playbook = (finding: FindingWithEvidence): Promise<ProposalDraft> =>
  finding.subject === LOGIN_KEYRING
    ? Promise.resolve(keyringLocked(finding))
    : evidenceSays(finding, saysSessionLost)
      ? Promise.resolve(sessionLost(finding))
      : evidenceSays(finding, saysAutologinRefused)
        ? Promise.resolve(autologinRefused(finding))
        : Promise.resolve({
            title: _('See why signing in failed'),
            explanation: format(_('{title}. {advice}'), {
              title: finding.title,
              advice: _(
                'The sign-in program’s own log lines around it tell which user was tried, how often, and which part refused. A mistyped password is harmless; attempts you did not make are not.',
              ),
            }),
            actions: [logsStep(finding, undefined, OWN_LINES)],
          });
