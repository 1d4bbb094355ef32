// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Repeated failed sign-ins from one address or for one user (sshd, sudo, su, PAM; the desktop's own sign-in is
// kinds/signIn's); the playbook counts who was tried and from where (info.auth_attempts).
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { authAttemptsAction } from './attemptsAction.js';
import { AUTH_FAILURES, AuthFailuresDetector } from './detector.js';
import { authFailures } from './playbook.js';

export const authFailuresKind: Kind = {
  name: 'authFailures',
  sources: () => [],
  detectors: (_writers, options) => [new AuthFailuresDetector(options?.authFailures)],
  actions: ({ journalDirectories, testHooks = {} } = {}) =>
    [
      authAttemptsAction({
        directories: journalDirectories,
        systemJournal: testHooks.systemJournal,
        userJournal: testHooks.userJournal,
      }),
    ] as unknown as ActionDefinition[],
  playbooks: { [AUTH_FAILURES]: authFailures },
};
