// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// memory-pressure: who holds the memory.
import type { FindingWithEvidence } from '../../findings/store.js';
import type { Playbook } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

// The step shows who holds the memory, and for the session's pressure which of its units waited; what to close is the
// person's choice.
export const memoryPressure: Playbook = async (finding) => {
  const cgroup = /^user@\d+\.service$/.test(finding.subject) ? sessionCgroup(finding) : undefined;
  return {
    title: _('See what holds the memory'),
    explanation: format(
      _(
        '{title}. Programs wait for memory: the kernel reclaims and swaps, and the desktop stalls. The first step ' +
          'shows memory and swap now, how long tasks waited for memory, and the processes holding the most memory ' +
          'with their units; closing the biggest one that is not needed frees it.',
      ),
      { title: finding.title },
    ),
    actions: [{ name: 'info.memory_use', params: cgroup ? { cgroup } : {} }],
  };
};

/** The cgroup directory whose memory.pressure the session's finding read (detector.ts's evidence). */
function sessionCgroup(finding: FindingWithEvidence): string | undefined {
  const path = finding.evidence.find((evidence) => evidence.path?.endsWith('/memory.pressure'))?.path;
  return path?.slice(0, -'/memory.pressure'.length);
}
