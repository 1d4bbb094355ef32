// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The running system the retrieval benchmark prefers the packages of: recorded once from the e2e suite's
// Debian trixie root filesystem (GNOME Shell, systemd, PipeWire, polkit; no ssh, NetworkManager or sudo), so
// that the preference is a real machine's and not the list of packages that hold the answers.
//   node dist/bench/docsRetrieval.js --record-system /var/cache/steward-e2e/trixie-…   writes the fixture
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { readPackageOwners } from '../../service/src/docs/packageOwners.js';
import { recordRunningSystem, type RunningSystem, UNIT_DIRS } from '../../service/src/docs/runningSystem.js';

const FIXTURE = join(process.cwd(), 'test', 'bench', 'docsRunningSystem.trixie.json');

interface RecordedSystem extends RunningSystem {
  /** Where and how it was recorded. */
  source: string;
}

/**
 * The units a root filesystem starts: those its targets want or require (the .wants and .requires folders of
 * the system's and the user's managers). Read from the files, without booting it: what a boot loads besides
 * (the targets themselves, devices, mounts) is no package's.
 */
async function wantedUnits(rootfs: string): Promise<string[]> {
  const units = new Set<string>();
  for (const dir of UNIT_DIRS) {
    for (const entry of await readdir(join(rootfs, dir)).catch(() => [])) {
      if (!/\.(?:wants|requires)$/.test(entry)) continue;
      for (const unit of await readdir(join(rootfs, dir, entry)).catch(() => [])) units.add(unit);
    }
  }
  return [...units].sort();
}

export async function recordSystemFixture(rootfs: string): Promise<void> {
  const owners = await readPackageOwners([join(rootfs, 'var/lib/dpkg/info')]);
  const commandDirs = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'].map((dir) => join(rootfs, dir));
  const units = await wantedUnits(rootfs);
  const system = await recordRunningSystem({
    owners,
    commandDirs,
    units,
    unitDirs: UNIT_DIRS.map((dir) => join(rootfs, dir)),
  });
  const recorded: RecordedSystem = {
    source: `the e2e suite's Debian trixie root filesystem (${basename(rootfs)}), ${new Date().toISOString().slice(0, 10)}: the commands of /usr/bin, /usr/sbin, /bin and /sbin and the ${units.length} units its targets want, by dpkg's file lists`,
    ...system,
  };
  await writeFile(FIXTURE, `${JSON.stringify(recorded, null, 2)}\n`);
}

export async function recordedSystem(): Promise<RunningSystem> {
  const { names } = JSON.parse(await readFile(FIXTURE, 'utf8')) as RecordedSystem;
  return { names };
}
