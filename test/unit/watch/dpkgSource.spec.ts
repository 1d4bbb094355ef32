// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The dpkg source on a database written as dpkg writes it: the status file replaced by a rename, the journal's
// entries in updates/, followed with inotify.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createLogger } from '../../../service/src/logging.js';
import { DpkgSource } from '../../../service/src/watch/dpkg.js';
import type { DpkgState } from '../../../service/src/watch/dpkgState.js';
import { waitFor } from '../../support/service.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';

const stanza = (name: string, status: string) =>
  `Package: ${name}\nStatus: ${status}\nArchitecture: all\nVersion: 1.0\nDescription: x\n`;
const log = createLogger({ level: 'debug', journal: false, write: () => undefined });

describe('the dpkg source', () => {
  let root: TempDir;
  let admin: string;
  let source: DpkgSource;
  let states: DpkgState[];

  /** dpkg's way: write status-new, then rename it over status. */
  const writeStatus = async (...stanzas: string[]) => {
    await writeFile(join(admin, 'status-new'), stanzas.join('\n'));
    await rename(join(admin, 'status-new'), join(admin, 'status'));
  };
  const until = (count: number) => waitFor(() => states.length >= count, `${count} dpkg states`);

  beforeEach(async () => {
    root = await makeTempDir();
    admin = join(root.path, 'var/lib/dpkg');
    await mkdir(join(admin, 'updates'), { recursive: true });
    await writeStatus(stanza('bash', 'install ok installed'));
    states = [];
    source = new DpkgSource({ root: root.path, debounceMs: 50, log });
  });

  afterEach(async () => {
    await source.stop();
    await root.remove();
  });

  it('reads the state at start, follows a package left half-configured, and its end', async () => {
    await source.start((event) => {
      if (event.type === 'dpkg') states.push(event.state);
    });
    expect(states).toEqual([{ unfinished: [], pendingJournal: 0 }]);

    await writeStatus(stanza('bash', 'install ok installed'), stanza('gym-tool', 'install ok half-configured'));
    await until(2);
    expect(states[1]?.unfinished.map((entry) => `${entry.name} ${entry.state}`)).toEqual(['gym-tool half-configured']);

    await writeStatus(stanza('bash', 'install ok installed'), stanza('gym-tool', 'install ok installed'));
    await until(3);
    expect(states[2]).toEqual({ unfinished: [], pendingJournal: 0 });
  });

  it('sees the journal a run leaves in updates/, and its merge into the status file', async () => {
    await source.start((event) => {
      if (event.type === 'dpkg') states.push(event.state);
    });
    await writeFile(join(admin, 'updates', '0000'), stanza('gym-tool', 'install ok unpacked'));
    await until(2);
    expect(states[1]).toEqual({
      unfinished: [jasmine.objectContaining({ name: 'gym-tool', state: 'unpacked' })],
      pendingJournal: 1,
    });
    await writeStatus(stanza('bash', 'install ok installed'), stanza('gym-tool', 'install ok installed'));
    await rm(join(admin, 'updates', '0000'));
    await waitFor(() => states.at(-1)?.pendingJournal === 0, 'the journal merged');
    expect(states.at(-1)).toEqual({ unfinished: [], pendingJournal: 0 });
  });

  it('stays quiet on a system without dpkg', async () => {
    const bare = new DpkgSource({ root: join(root.path, 'nowhere'), log });
    await bare.start((event) => states.push((event as { state: DpkgState }).state));
    expect(states).toEqual([]);
    await bare.stop();
  });
});
