// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The watchers' children end with the service, even when it is killed outright: `ip monitor` writes only when
// the network changes, so nothing else would tell it that nobody reads it any more.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { appendToJournal } from '../support/journal.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { childrenOf, isAlive } from '../support/processes.js';
import { quietWatch, type RunningService, startConfiguredService, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('the service killed outright', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let service: RunningService | undefined;

  beforeEach(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir('steward-children-');
  });

  afterEach(async () => {
    await service?.stop();
    await bus.stop();
    await home.remove();
  });

  it('takes its ip monitor and journalctl with it', async () => {
    const journal = join(home.path, 'journal');
    await mkdir(journal);
    await appendToJournal(journal, [{ MESSAGE: 'a journal to follow' }]);
    const watch = quietWatch({ network: true, journal: { system: false, user: false, directories: [journal] } });
    service = await startConfiguredService(bus, await bus.connect(), home.path, { watch });
    const pid = service.process.pid!;
    // The long-lived ones: the network watcher also runs a short `ip` now and then to read the links again.
    const watchers = () =>
      childrenOf(pid).filter(
        (child) => child.comm === 'journalctl' || (child.comm === 'ip' && commandLine(child.pid).includes('monitor')),
      );
    await waitFor(() => watchers().length === 2, 'ip monitor and journalctl to run');
    const children = watchers();

    await service.stop('SIGKILL');
    await waitFor(() => children.every((child) => !isAlive(child.pid)), 'the watchers to end with the service');
    expect(children.map((child) => child.comm).sort()).toEqual(['ip', 'journalctl']);
  });
});

/** A process's arguments, or none once it has ended. */
function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
