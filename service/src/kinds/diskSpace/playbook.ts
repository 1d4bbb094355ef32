// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// disk-low, disk-critical and no-space: what fills the disk, then the clean-ups.
import { outOfInodesOnly } from '../../fixes/actions/inodeUsage.js';
import { cleanUps } from '../../fixes/playbooks/cleanUps.js';
import { findingMount, namesPath } from '../../fixes/playbooks/mounts.js';
import { fullMountOfWriter } from '../../fixes/playbooks/unitCauses.js';
import type { CandidateAction, Playbook } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { inodeExhaustion } from '../inodes/playbook.js';

/** What fills the disk first, then the clean-ups that free that mount; files, not bytes, when statfs says so. */
export const diskSpace: Playbook = async (finding, tools) => {
  // A line that names no path ("java.io.IOException: No space left on device") is about a file system its program's
  // unit writes to, not about `/`.
  const mount = namesPath(finding)
    ? await findingMount(finding)
    : ((await fullMountOfWriter(finding, tools)) ?? (await findingMount(finding)));
  if (await outOfInodesOnly(mount)) return inodeExhaustion(finding, tools);
  const actions: CandidateAction[] = [
    { name: 'info.disk_usage', params: { path: mount } },
    ...(await cleanUps(mount, tools)),
  ];
  return {
    title: format(_('Free space on {mount}'), { mount }),
    explanation: format(
      _(
        '{title}. Programs fail in odd ways when a disk fills up. ' +
          'The first step shows what takes the space; each clean-up says how much it frees. ' +
          'Caches are rebuilt when needed, the trash and old logs are gone for good.',
      ),
      { title: finding.title },
    ),
    actions,
  };
};
