// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// oom-kill, and a unit killed for memory: what it held, its limit and the memory free, and no restart.
import type { FindingWithEvidence } from '../../findings/store.js';
import {
  journalPlace,
  knownUnit,
  logsStep,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
  readLogs,
} from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

// A few seconds before the first evidence: the kernel's summary line comes just before the kill it reports.
const OOM_LINES_BEFORE_MS = 10_000;

/**
 * A unit killed for memory (systemd's result "oom-kill", or the kernel's lines): started again as it was, it grows
 * into the same kill. What it held, its limit and the memory free come first, and no restart.
 */
export function killedForMemory(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  from: Date,
  inUnit?: boolean,
): ProposalDraft {
  const { directory } = journalPlace(finding);
  const since = new Date(from.getTime() - OOM_LINES_BEFORE_MS).toISOString();
  return {
    title: format(_('See what {unit} held when it was killed for memory'), { unit: known.unit }),
    explanation: format(
      _(
        '{title}. A process of it was killed for memory (by the kernel’s out-of-memory killer or systemd-oomd), ' +
          'at its memory limit or when the system’s memory ran out. Restarted as it is, it grows into the same ' +
          'kill; the first step shows how much it held, its limit and the memory free now, so no restart is ' +
          'offered until the limit or its use changes.',
      ),
      { title: finding.title },
    ),
    actions: [
      {
        name: 'info.oom_kill',
        params: { since, ...known, ...(directory && { directory }), ...(inUnit && { inUnit }) },
      },
      logsStep(finding, known),
    ],
  };
}

/** The same, where the kernel's lines show its OOM killer killed in the unit's cgroup as it last failed. */
export async function killedForMemoryByKernel(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  tools: PlaybookTools,
): Promise<ProposalDraft | null> {
  const draft = killedForMemory(finding, known, finding.lastSeen, true);
  const [show] = draft.actions;
  const shown = show ? await tools.preview(show) : null;
  return shown && !shown.changesNothing ? draft : null;
}

// The kill's own numbers first (what, how much it held, the limit of the unit it ran in, memory and swap now);
// the lines after. Nothing is restarted: what was killed may be started again by its manager or by the person,
// and doing so before memory is freed invites the next kill.
export const oomKill: Playbook = async (finding, tools) => {
  const draft = readLogs(
    finding,
    _('See what ran out of memory'),
    _(
      'The kernel or systemd-oomd ended a process to free memory. The first step shows which one, how much it held, ' +
        'the memory limit of the service it ran in and the memory and swap free now; closing memory-hungry ' +
        'programs, raising a limit that is too low, or adding swap helps.',
    ),
  );
  const { directory } = journalPlace(finding);
  const known = await knownUnit(finding, tools);
  // A few seconds before the first evidence: the kernel's summary line comes just before the kill it reports.
  const since = new Date(finding.firstSeen.getTime() - OOM_LINES_BEFORE_MS).toISOString();
  const show = {
    name: 'info.oom_kill',
    params: { since, ...known, ...(directory && { directory }) },
  };
  return { ...draft, actions: [show, ...draft.actions] };
};
