// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { createDetectors } from '../../service/src/findings/detectors/index.js';
import { FindingsPipeline } from '../../service/src/findings/pipeline.js';
import { type FindingChange, FindingsStore } from '../../service/src/findings/store.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { StorageHealth } from '../../service/src/storage/storageHealth.js';
import { errorOf } from '../support/errors.js';
import { unitFailure } from '../support/journal.js';
import { journalEvent } from '../support/journalEvents.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);
const SOURCE = 'journal.system';

// The pipeline's queue for a state disk that cannot take writes, on a real full tmpfs: what the detectors
// reported waits in order, up to its bound, and the stored position never passes what was dropped.
describe('the findings pipeline on a full state disk', () => {
  let dir: TempDir;
  let disk: string;
  let store: FindingsStore;
  let health: StorageHealth;
  let announced: FindingChange[];
  const log = createLogger({ level: 'error' });

  const pipelineWith = (maxUnwritten: number) =>
    new FindingsPipeline({
      store,
      detectors: createDetectors(KINDS),
      onChanges: (changes) => announced.push(...changes),
      log,
      maxUnwritten,
    });
  // The journal fields systemd writes when a unit fails (all text), as the journal source reads them.
  const failure = (unit: string) => unitFailure(unit) as Record<string, string>;
  const feed = (pipeline: FindingsPipeline, units: string[]) => {
    units.forEach((unit, index) => pipeline.accept(SOURCE, journalEvent(failure(unit), index), `cursor-${unit}`));
    pipeline.flush();
  };
  const fill = async () => {
    const error = await errorOf(writeFile(join(disk, 'filler'), Buffer.alloc(4 * 1024 * 1024, 1)));
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  };
  const storedSubjects = () => store.list({ state: 'all' }).map((finding) => finding.subject);

  beforeEach(async () => {
    if (process.getuid?.() !== 0) throw new Error('these tests mount a tmpfs: run them as root');
    dir = await makeTempDir();
    disk = join(dir.path, 'state');
    await mkdir(disk);
    await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]);
    health = new StorageHealth({ directory: disk, log, firstRetryMs: 20, maxRetryMs: 100 });
    store = new FindingsStore(join(disk, 'findings.db'), health);
    announced = [];
  });

  afterEach(async () => {
    health.stop();
    store.close();
    await run('umount', [disk]);
    await dir.remove();
  });

  it('keeps what the detectors reported while the disk is full and stores it, in order, when space returns', async () => {
    const pipeline = pipelineWith(100);
    await fill();
    feed(pipeline, ['a.service', 'b.service']);
    feed(pipeline, ['c.service']);
    expect(health.fault).toBe('full');
    expect(storedSubjects()).toEqual([]);
    expect(announced).toEqual([]);

    await rm(join(disk, 'filler'));
    await waitFor(() => health.fault === null, 'the retry to store the queue');
    expect(storedSubjects().sort()).toEqual(['a.service', 'b.service', 'c.service']);
    expect(announced.map((change) => [change.change, change.finding.subject])).toEqual([
      ['added', 'a.service'],
      ['added', 'b.service'],
      ['added', 'c.service'],
    ]);
    expect(store.position(SOURCE)).toBe('cursor-c.service');
    // Each was detected once: retrying the write did not run the detectors again.
    expect(store.list({ state: 'all' }).map((finding) => finding.count)).toEqual([1, 1, 1]);
  });

  it('drops what does not fit in the queue, and stores no position past what it dropped', async () => {
    const pipeline = pipelineWith(2);
    await fill();
    feed(pipeline, ['a.service', 'b.service', 'c.service', 'd.service']);

    await rm(join(disk, 'filler'));
    await waitFor(() => health.fault === null, 'the retry to store the queue');
    expect(storedSubjects().sort()).toEqual(['a.service', 'b.service']);
    expect(store.position(SOURCE)).toBe('cursor-b.service');

    // Once the queue is stored, positions move on again.
    feed(pipeline, ['e.service']);
    expect(store.position(SOURCE)).toBe('cursor-e.service');
  });
});
