// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { Kind } from '../kind.js';
import { SIGN_IN_FAILURE, SignInFailureDetector } from './detector.js';
import { signInFailurePlaybook } from './playbook.js';

export const signInKind: Kind = {
  name: 'signIn',
  // The journal alone: the sign-in programs' own lines.
  sources: () => [],
  detectors: (writers) => [new SignInFailureDetector(writers)],
  actions: () => [],
  playbooks: { [SIGN_IN_FAILURE]: signInFailurePlaybook },
};
