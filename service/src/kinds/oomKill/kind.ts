// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A process killed for memory, by the kernel's OOM killer or systemd-oomd; the playbook shows what it held, its
// limit and the memory free (info.oom_kill, which stays in fixes/actions/ as the info and memory actions use it
// too), and no restart. A failed unit's playbook reads its test of a unit killed for memory.
import type { Kind } from '../kind.js';
import { OOM_KILL, OomKillDetector } from './detector.js';
import { oomKill } from './playbook.js';

export const oomKillKind: Kind = {
  name: 'oomKill',
  sources: () => [],
  detectors: () => [new OomKillDetector()],
  actions: () => [],
  playbooks: { [OOM_KILL]: oomKill },
  rules: { [OOM_KILL]: { recursOnRestart: true, replacesUnitFailure: true } },
};
