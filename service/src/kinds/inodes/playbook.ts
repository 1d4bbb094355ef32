// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// inode-exhaustion: where the many small files are, then the clean-ups.
import { cleanUps } from '../../fixes/playbooks/cleanUps.js';
import { findingMount } from '../../fixes/playbooks/mounts.js';
import type { Playbook } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';

/** Which directories hold the most files on a mount out of inodes, then the clean-ups that remove files there. */
export const inodeExhaustion: Playbook = async (finding, tools) => {
  const mount = await findingMount(finding);
  return {
    title: format(_('Find the many small files on {mount}'), { mount }),
    explanation: format(
      _(
        '{title}. Every file takes one inode, and {mount} has (almost) none left: writes fail with “No space left ' +
          'on device” although space is left. A cache or spool full of small files is the usual cause; the first ' +
          'step shows the inodes used and free and the directories that hold the most entries.',
      ),
      { title: finding.title, mount },
    ),
    actions: [{ name: 'info.inode_usage', params: { path: mount } }, ...(await cleanUps(mount, tools))],
  };
};
