// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A finding as the store hands it to the playbooks and the model, for specs that draft proposals without a store.
import type { FindingWithEvidence } from '../../service/src/findings/store.js';

/** An active finding about `subject`, seen once just now, that systemd vouches for, with `overrides` on top. */
export function findingWithEvidence(
  kind: string,
  subject: string,
  overrides: Partial<FindingWithEvidence> = {},
): FindingWithEvidence {
  const now = new Date();
  return {
    id: 1,
    kind,
    subject,
    severity: 'error',
    title: `${subject || 'something'} went wrong`,
    state: 'active',
    firstSeen: now,
    lastSeen: now,
    resolvedAt: null,
    count: 1,
    ignored: false,
    explanation: null,
    likelyCause: null,
    vouchedBy: 'system-manager',
    reportedBy: 'systemd',
    evidence: [],
    ...overrides,
  };
}
