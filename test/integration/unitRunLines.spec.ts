// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { UnitRecord } from '../../service/src/fixes/actions/systemdUnits.js';
import { runLines } from '../../service/src/fixes/actions/unitFailure.js';
import { appendToJournal, type ExportEntry } from '../support/journal.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const INVOCATION = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const START = BigInt(Date.UTC(2026, 10, 27, 9, 32, 57)) * 1000n;

/** PID 1's line about ssh.service in the run whose invocation is INVOCATION. */
const manager = (MESSAGE: string, offsetUs: bigint): ExportEntry => ({
  MESSAGE,
  SYSLOG_IDENTIFIER: 'systemd',
  UNIT: 'ssh.service',
  INVOCATION_ID: INVOCATION,
  _PID: '1',
  _UID: '0',
  _COMM: 'systemd',
  _SYSTEMD_UNIT: 'init.scope',
  realtime: START + offsetUs,
});

describe('the lines of a failed unit’s last run, from a real journal', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await makeTempDir('steward-run-lines-');
  });

  afterEach(() => dir.remove());

  it('keeps a line journald read after its process was gone by the PID systemd recorded for the run', async () => {
    await appendToJournal(dir.path, [
      manager('Starting ssh.service - OpenBSD Secure Shell server...', 0n),
      // sshd -t's last words, read once the process was gone: no unit, no invocation, only its PID.
      {
        MESSAGE: 'sshd: no hostkeys available -- exiting.',
        SYSLOG_IDENTIFIER: 'sshd',
        _PID: '4242',
        realtime: START + 1000n,
      },
      // The same PID, used again by another unit's process.
      {
        MESSAGE: 'another unit’s line',
        SYSLOG_IDENTIFIER: 'other',
        _PID: '4242',
        _SYSTEMD_UNIT: 'other.service',
        realtime: START + 2000n,
      },
      { MESSAGE: 'a stranger’s line', SYSLOG_IDENTIFIER: 'stranger', _PID: '5555', realtime: START + 3000n },
      manager('ssh.service: Control process exited, code=exited, status=1/FAILURE', 4000n),
      manager("ssh.service: Failed with result 'exit-code'.", 5000n),
    ]);
    const record: UnitRecord = {
      unit: 'ssh.service',
      loadState: 'loaded',
      activeState: 'failed',
      subState: 'failed',
      fragmentPath: '/usr/lib/systemd/system/ssh.service',
      invocationId: INVOCATION,
      requirements: [],
      runPids: [4242],
    };
    const lines = await runLines(record, 'system', { directory: dir.path });
    expect(lines.map((line) => line.slice(line.indexOf(' ', line.indexOf(':')) + 1).replace(/^[AP]M /, ''))).toEqual([
      'Starting ssh.service - OpenBSD Secure Shell server...',
      'sshd: no hostkeys available -- exiting.',
      'ssh.service: Control process exited, code=exited, status=1/FAILURE',
      "ssh.service: Failed with result 'exit-code'.",
    ]);
    // Without the PID, its line is no one's.
    expect((await runLines({ ...record, runPids: [] }, 'system', { directory: dir.path })).join('\n')).not.toContain(
      'no hostkeys',
    );
  });
});
