// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// auth-failures: who was tried and from where, then the lines.
import { journalPlace, OWN_LINES, type Playbook, readLogs } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { AUTH_WINDOW_MS } from './detector.js';

// Who and from where, in the words sshd and pam_unix print: "Failed password for invalid user admin from 203.0.113.9
// port 4242 ssh2", "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root".
const AUTH_USER = /(?:for (?:invalid user )?|\buser=)([\w.@-]+)/;
const AUTH_FROM = /(?:\bfrom |\brhost=)([\w.:-]+)/;

/** "root, admin from 203.0.113.9": the names and addresses the failed attempts' lines give, most frequent first. */
function whoAndWhere(texts: readonly string[]): string {
  const top = (pattern: RegExp) => {
    const counts = new Map<string, number>();
    for (const text of texts) {
      const value = pattern.exec(text)?.[1];
      if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([value]) => value);
  };
  const users = top(AUTH_USER);
  const from = top(AUTH_FROM);
  if (users.length === 0 && from.length === 0) return '';
  return format(_('Attempts as {users} from {from}.'), {
    users: users.join(', ') || '?',
    from: from.join(', ') || _('this computer'),
  });
}

// Who was tried and from where, counted over the reporting program's lines, comes first; the lines themselves
// after. Blocking an address is a choice about the network that Steward leaves to a later, explicit step.
export const authFailures: Playbook = async (finding) => {
  const draft = readLogs(
    finding,
    _('See the failed sign-in attempts'),
    [
      whoAndWhere(finding.evidence.map((evidence) => evidence.text)),
      _(
        'The first step counts the attempts by user and address over every line the program that reported them ' +
          'wrote since they began; the log shows them. Mistyped passwords are harmless; attempts you did not make are not.',
      ),
    ]
      .filter(Boolean)
      .join(' '),
    OWN_LINES,
  );
  const { scope, directory, cursor } = journalPlace(finding);
  if (!cursor) return draft;
  // The finding is raised at the failure that reached the threshold: the ones before it, within the detector's
  // window, belong to it too.
  const since = new Date(finding.firstSeen.getTime() - AUTH_WINDOW_MS).toISOString();
  const tally = { name: 'info.auth_attempts', params: { cursor, since, scope, ...(directory && { directory }) } };
  return { ...draft, actions: [tally, ...draft.actions] };
};
