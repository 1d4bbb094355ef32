// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { JournalEvent } from '../../../service/src/findings/detectors/journal.js';
import { UnitLog } from '../../../service/src/findings/detectors/unitLog.js';
import { journalEvent } from '../../support/journalEvents.js';

// What Node 20 prints for an uncaught ENOENT of readFileSync: the error, its stack, then the error's fields.
const NODE_LINES = [
  'node:fs:573',
  '  return binding.open(',
  '                 ^',
  "Error: ENOENT: no such file or directory, open '/etc/gym-jotter/settings.json'",
  '    at Object.openSync (node:fs:573:18)',
  '    at Object.readFileSync (node:fs:452:35)',
  '    at Object.<anonymous> (/usr/local/bin/gym-jotter:2:50)',
  '  errno: -2,',
  "  code: 'ENOENT',",
  "  syscall: 'open',",
  "  path: '/etc/gym-jotter/settings.json'",
  '}',
  'Node.js v20.19.2',
];

const event = (message: string, index: number) =>
  <JournalEvent>journalEvent({ MESSAGE: message, _SYSTEMD_UNIT: 'gym-jotter.service', _PID: '812', _UID: '0' }, index);

describe('a unit’s last lines', () => {
  it('keep the line that says which system error it met, past the stack and fields after it', () => {
    const log = new UnitLog();
    NODE_LINES.forEach((line, index) => log.remember(event(line, index)));
    expect(log.take('gym-jotter.service').map((line) => line.text)).toEqual([NODE_LINES[3]!, ...NODE_LINES.slice(-5)]);
    // Taking them starts afresh: the next failure's lines only.
    log.remember(event('Started.', 20));
    expect(log.take('gym-jotter.service').map((line) => line.text)).toEqual(['Started.']);
  });

  it('keep the error line once only when it is among the last lines', () => {
    const log = new UnitLog();
    const lines = ['Traceback (most recent call last):', 'OSError: [Errno 98] Address already in use'];
    lines.forEach((line, index) => log.remember(event(line, index)));
    expect(log.take('gym-jotter.service').map((line) => line.text)).toEqual(lines);
  });
});
