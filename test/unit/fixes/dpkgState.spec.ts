// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { dpkgAuditAction } from '../../../service/src/fixes/actions/dpkgAudit.js';
import { needsFinishing, readDpkgState } from '../../../service/src/watch/dpkgState.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';

const stanza = (name: string, status: string, arch = 'amd64') =>
  `Package: ${name}\nStatus: ${status}\nPriority: optional\nArchitecture: ${arch}\nVersion: 1.0\nDescription: x\n multi-line\n`;

// dpkg's database as dpkg writes it: the status file, and the journal a run that did not end leaves in updates/.
describe('dpkg state', () => {
  let root: TempDir;
  let admin: string;

  beforeEach(async () => {
    root = await makeTempDir();
    admin = join(root.path, 'var/lib/dpkg');
    await mkdir(join(admin, 'updates'), { recursive: true });
  });

  afterEach(() => root.remove());

  it('finds nothing to finish where every package is installed or gone', async () => {
    await writeFile(
      join(admin, 'status'),
      [
        stanza('bash', 'install ok installed'),
        stanza('old', 'deinstall ok config-files'),
        stanza('never', 'purge ok not-installed'),
      ].join('\n'),
    );
    const state = await readDpkgState(root.path);
    expect(state).toEqual({ unfinished: [], pendingJournal: 0 });
    expect(needsFinishing(state)).toBeFalse();
  });

  it('lists packages a run left half-way, and one dpkg must reinstall', async () => {
    await writeFile(
      join(admin, 'status'),
      [
        stanza('bash', 'install ok installed'),
        stanza('gym-tool', 'install ok half-configured', 'all'),
        stanza('libfoo1', 'install ok unpacked'),
        stanza('broken', 'install reinstreq half-installed'),
        stanza('waiting', 'install ok triggers-pending'),
      ].join('\n'),
    );
    const state = await readDpkgState(root.path);
    expect(state?.unfinished).toEqual([
      { name: 'gym-tool', state: 'half-configured', reinstallRequired: false, version: '1.0', architecture: 'all' },
      { name: 'libfoo1', state: 'unpacked', reinstallRequired: false, version: '1.0', architecture: 'amd64' },
      { name: 'broken', state: 'half-installed', reinstallRequired: true, version: '1.0', architecture: 'amd64' },
      { name: 'waiting', state: 'triggers-pending', reinstallRequired: false, version: '1.0', architecture: 'amd64' },
    ]);
    expect(needsFinishing(state)).toBeTrue();
  });

  it('reads the journal of a killed run over the status file, as dpkg itself does', async () => {
    await writeFile(join(admin, 'status'), stanza('gym-slow', 'install ok installed', 'all'));
    // A run killed while configuring gym-slow again: its newest word is in the journal, not yet in status.
    await writeFile(join(admin, 'updates', '0000'), stanza('gym-slow', 'install ok unpacked', 'all'));
    await writeFile(join(admin, 'updates', '0001'), stanza('gym-slow', 'install ok half-configured', 'all'));
    await writeFile(join(admin, 'updates', 'tmp.i'), 'partial');
    const state = await readDpkgState(root.path);
    expect(state).toEqual({
      unfinished: [
        { name: 'gym-slow', state: 'half-configured', reinstallRequired: false, version: '1.0', architecture: 'all' },
      ],
      pendingJournal: 2,
    });
  });

  it('says there is no dpkg where there is no status file', async () => {
    expect(await readDpkgState(join(root.path, 'elsewhere'))).toBeNull();
    expect(needsFinishing(null)).toBeFalse();
  });

  it('audits what a run left, as dpkg --audit tells it: version, state, its meaning and the script that runs again', async () => {
    await writeFile(
      join(admin, 'status'),
      [
        stanza('bash', 'install ok installed'),
        stanza('gym-tool', 'install ok half-configured', 'all'),
        stanza('broken', 'install reinstreq half-installed'),
      ].join('\n'),
    );
    await mkdir(join(admin, 'info'));
    await writeFile(join(admin, 'info', 'gym-tool.postinst'), '#!/bin/sh\nexit 1\n');
    const audit = dpkgAuditAction({ root: root.path });
    const preview = await audit.preview({}, undefined as never);
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details).toEqual([
      'gym-tool 1.0 is half-configured: its configuration script did not finish: it failed or was cut off; ' +
        'finishing runs /var/lib/dpkg/info/gym-tool.postinst again',
      'broken 1.0 is half-installed and must be reinstalled before dpkg can configure it',
    ]);
    const { summary } = await audit.run({}, undefined as never, {
      progress: () => undefined,
      signal: new AbortController().signal,
    });
    expect(summary.split('\n')[0]).toBe('dpkg’s database says:');
  });

  it('offers no audit where dpkg has nothing unfinished, or there is no dpkg', async () => {
    await writeFile(join(admin, 'status'), stanza('bash', 'install ok installed'));
    expect((await dpkgAuditAction({ root: root.path }).preview({}, undefined as never)).changesNothing).toBeTrue();
    const elsewhere = dpkgAuditAction({ root: join(root.path, 'elsewhere') });
    expect((await elsewhere.preview({}, undefined as never)).changesNothing).toBeTrue();
  });
});
