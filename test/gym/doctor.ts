// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward doctor`, run by the test user inside the booted system, against what the system says of itself.
import type { GymSystem } from './system.js';

export interface DoctorVerdict {
  capability: string;
  /** What doctor says: present or not. */
  said: boolean;
  /** What the system's own tools say. */
  truth: boolean;
  right: boolean;
}

/** A command whose success means the capability is there, each asked the system's own way. */
const TRUTHS: Record<string, { argv: string[]; who: 'root' | 'user' }> = {
  // The test user can read the system journal (its group) and its own.
  'journal.system': { argv: ['journalctl', '--system', '--lines=1', '--quiet'], who: 'user' },
  'journal.user': { argv: ['journalctl', '--user', '--lines=1', '--quiet'], who: 'user' },
  'systemd.system': { argv: ['systemctl', 'is-system-running'], who: 'user' },
  'systemd.user': { argv: ['systemctl', '--user', 'is-system-running'], who: 'user' },
  network: { argv: ['systemctl', 'is-active', '--quiet', 'NetworkManager.service'], who: 'root' },
  packagekit: { argv: ['sh', '-c', 'test -x /usr/libexec/packagekitd'], who: 'root' },
  polkit: { argv: ['sh', '-c', 'test -x /usr/lib/polkit-1/polkitd'], who: 'root' },
  sandbox: { argv: ['sh', '-c', 'command -v bwrap'], who: 'root' },
  nixos: { argv: ['sh', '-c', 'test -e /etc/NIXOS'], who: 'root' },
};

/** Doctor's verdict on each capability the system can answer for, with the system's answer beside it. */
export async function checkDoctor(system: GymSystem): Promise<DoctorVerdict[]> {
  const output = await system.exec(['node', '/opt/steward/dist/service/steward.js', 'doctor', '--json'], 'user');
  const report = JSON.parse(output.stdout) as { capabilities?: { name: string; present: boolean }[] };
  const verdicts: DoctorVerdict[] = [];
  for (const { name, present } of report.capabilities ?? []) {
    const truth = TRUTHS[name];
    if (!truth) continue;
    const result = await system.exec(truth.argv, truth.who);
    // is-system-running exits non-zero for "degraded", which still answers: the manager is there.
    const there = name.startsWith('systemd.')
      ? result.stdout.trim() !== '' && !/Failed to connect/.test(result.stderr)
      : result.code === 0;
    verdicts.push({ capability: name, said: present, truth: there, right: present === there });
  }
  return verdicts;
}
