// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// filesystem-error: what the kernel recorded of the file system, then the drive's health.
import type { FindingWithEvidence } from '../../findings/store.js';
import { deviceState } from '../../fixes/playbooks/deviceState.js';
import { type CandidateAction, type Playbook, type ProposalDraft, readLogs } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';

/** The device's health first (UDisks2; dropped where it does not know the device), then the lines. */
async function storageDraft(
  finding: FindingWithEvidence,
  title: string,
  advice: string,
  first: CandidateAction[] = [],
): Promise<ProposalDraft> {
  const device = finding.subject.replace(/^\/dev\//, '');
  const draft = readLogs(finding, title, [await deviceState(finding), advice].filter(Boolean).join(' '));
  const health = { name: 'info.disk_health', params: { device } };
  return /^[a-z][a-z0-9_-]*$/.test(device)
    ? { ...draft, actions: [...first, health, ...draft.actions] }
    : { ...draft, actions: [...first, ...draft.actions] };
}

// What the kernel recorded of the file system first (its error count, the first and last error, read-only or
// not: /sys/fs/ext4/DEV or Btrfs's counters, readable without UDisks2), then the drive's health where UDisks2
// knows it, then the lines.
export const filesystemError: Playbook = async (finding, tools) => {
  const device = finding.subject.replace(/^\/dev\//, '');
  const line = finding.evidence[0]?.text;
  const evidence = line ? format(_('The kernel reported: “{line}”.'), { line: cleanLine(line) }) : '';
  const repair = _(
    'A damaged file system can lose data: back up what matters now. A check (fsck) cannot repair a mounted ' +
      'file system; it runs at the next boot when the boot asks for it (fsck.mode=force on the kernel command ' +
      'line), or on the unmounted device.',
  );
  const show = { name: 'info.filesystem_errors', params: { device } };
  // Its preview is empty where nothing of the device is mounted and the kernel keeps nothing of it.
  const shown = /^[a-z][a-z0-9_-]*$/.test(device) ? await tools.preview(show) : null;
  const known = shown !== null && !shown.changesNothing;
  return storageDraft(
    finding,
    _('Check the file system that reported errors'),
    [
      evidence,
      repair,
      known
        ? _(
            'The first step shows what the kernel recorded of its errors, where it is mounted and the commands that ' +
              'check it; the next, the drive’s health (SMART) where UDisks2 knows the drive.',
          )
        : _('The first step shows the drive’s health (SMART).'),
    ]
      .filter(Boolean)
      .join(' '),
    known ? [show] : [],
  );
};
