// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createLogger, formatFields, formatLine, stderrIsJournal } from '../../service/src/logging.js';

describe('logging', () => {
  it('prefixes lines with the syslog priority for journald', () => {
    expect(formatLine('error', 'boom', {}, true)).toBe('<3>boom');
    expect(formatLine('warning', 'hm', { a: 1 }, true)).toBe('<4>hm a=1');
    expect(formatLine('info', 'ok', {}, true)).toBe('<6>ok');
    expect(formatLine('debug', 'x', {}, true)).toBe('<7>x');
  });

  it('writes a timestamp and level when not under systemd', () => {
    const now = new Date('2026-01-02T03:04:05.000Z');
    expect(formatLine('info', 'started', { pid: 7 }, false, now)).toBe('2026-01-02T03:04:05.000Z INFO started pid=7');
  });

  it('quotes values with spaces and joins lists', () => {
    expect(formatFields({ reason: 'no such file', caps: ['a', 'b'], empty: '', skipped: undefined })).toBe(
      'reason="no such file" caps=a,b empty=""',
    );
  });

  it('keeps one entry per line, even for multi-line values', () => {
    expect(formatFields({ error: 'Error: x\n    at y' })).toBe('error="Error: x\\n    at y"');
  });

  it('drops messages below the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warning', journal: true, write: (line) => lines.push(line) });
    log.info('hidden');
    log.warning('shown');
    log.setLevel('debug');
    log.debug('now shown');
    expect(lines).toEqual(['<4>shown', '<7>now shown']);
  });

  it('recognises the journal stream only when JOURNAL_STREAM names stderr', () => {
    expect(stderrIsJournal({})).toBeFalse();
    expect(stderrIsJournal({ JOURNAL_STREAM: '0:0' })).toBeFalse();
  });
});
