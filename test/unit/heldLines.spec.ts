// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import { FindingsPipeline } from '../../service/src/findings/pipeline.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import { PackageManagerErrorDetector } from '../../service/src/kinds/packageManagerError/detector.js';
import { createLogger } from '../../service/src/logging.js';
import { journalEvent } from '../support/journalEvents.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// A detector that holds a line for the ones that may follow it (dpkg's summary for its list) reports it when its wait
// is over though nothing more is written: no wait without a deadline.
describe('a line held for what follows it', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await makeTempDir();
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(Date.UTC(2026, 10, 26, 12)));
  });
  afterEach(async () => {
    jasmine.clock().uninstall();
    await dir.remove();
  });

  it('is reported once its wait is over, with the journal it came from', () => {
    const store = new FindingsStore(join(dir.path, 'findings.db'));
    const pipeline = new FindingsPipeline({
      store,
      detectors: [new PackageManagerErrorDetector()],
      onChanges: () => undefined,
      log: createLogger({ write: () => undefined }),
    });
    pipeline.accept(
      'journal.system',
      journalEvent({
        MESSAGE: 'Errors were encountered while processing:',
        SYSLOG_IDENTIFIER: 'dpkg',
        _PID: '4242',
        _UID: '0',
        __REALTIME_TIMESTAMP: String(Date.now() * 1000),
      }),
    );
    jasmine.clock().tick(1_000);
    expect(store.list()).toEqual([]);

    jasmine.clock().tick(5_000);
    const [finding] = store.list();
    expect(finding?.subject).toBe('dpkg');
    expect(store.get(finding!.id)?.evidence[0]?.journal).toBe('system');
    store.close();
  });
});
