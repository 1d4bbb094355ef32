// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createLogger } from '../../service/src/logging.js';
import type { JournalEntry, WatchEvent } from '../../service/src/watch/events.js';
import { JournalSource } from '../../service/src/watch/journal.js';
import { FIELD_CAP } from '../../service/src/watch/journalEntry.js';
import { appendToJournal, type ExportEntry } from '../support/journal.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('JournalSource', () => {
  let dir: TempDir;
  let logLines: string[];
  let sources: JournalSource[];

  beforeEach(async () => {
    dir = await makeTempDir('steward-journal-');
    logLines = [];
    sources = [];
    // journalctl --follow needs an existing journal; this entry is "the past".
    await appendToJournal(dir.path, [{ MESSAGE: 'before the source started' }]);
  });

  afterEach(async () => {
    await Promise.all(sources.map((source) => source.stop()));
    await dir.remove();
  });

  function follow(resumeCursor: string | null = null, command?: string, directory = dir.path, quietCheckMs?: number) {
    const source = new JournalSource({
      quietCheckMs,
      name: 'journal.test',
      args: ['--directory', directory],
      resumeCursor,
      log: createLogger({ level: 'debug', journal: false, write: (line) => logLines.push(line) }),
      restart: { initialDelayMs: 50, maxDelayMs: 400, healthyRunMs: 1000 },
      command,
    });
    sources.push(source);
    const entries: JournalEntry[] = [];
    const events: WatchEvent[] = [];
    const started = source.start((event) => {
      events.push(event);
      if (event.type === 'journal') entries.push(event.entry);
    });
    const messages = () => entries.map((entry) => entry.message);
    const until = (count: number) => waitFor(() => entries.length >= count, `${count} journal entries`);
    return { source, entries, events, messages, until, started };
  }

  const append = (...messages: string[]) =>
    appendToJournal(
      dir.path,
      messages.map((MESSAGE): ExportEntry => ({ MESSAGE })),
    );

  it('reports appends made while following, in order, with their fields, and not the past', async () => {
    const { entries, events, messages, until, started } = follow();
    await started;
    await appendToJournal(dir.path, [
      {
        MESSAGE: 'Failed to start nginx.service.',
        PRIORITY: '3',
        _SYSTEMD_UNIT: 'init.scope',
        UNIT: 'nginx.service',
        SYSLOG_IDENTIFIER: 'systemd',
        _PID: '1',
        _UID: '0',
        _TRANSPORT: 'journal',
        MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
        realtime: 1_700_000_000_123_456n,
      },
      { MESSAGE: 'second', _COMM: 'bash', _SYSTEMD_USER_UNIT: 'app.service' },
    ]);
    await append('third');
    await until(3);

    expect(messages()).toEqual(['Failed to start nginx.service.', 'second', 'third']);
    const [first, second] = entries;
    expect(first).toEqual(
      jasmine.objectContaining({
        realtimeUs: 1_700_000_000_123_456n,
        priority: 3,
        unit: 'init.scope',
        identifier: 'systemd',
        pid: 1,
        transport: 'journal',
        system: true,
      }),
    );
    expect(first!.cursor).toMatch(/^s=/);
    expect(first!.fields.MESSAGE_ID).toBe('be02cf6855d2428ba40df7e9d022f03d');
    expect(first!.fields.UNIT).toBe('nginx.service');
    expect(events[0]!.at).toEqual(new Date(1_700_000_000_123));
    expect(second).toEqual(
      jasmine.objectContaining({ identifier: 'bash', userUnit: 'app.service', priority: undefined, pid: undefined }),
    );
    expect(new Set(entries.map((entry) => entry.cursor)).size).toBe(3);
  });

  it('resumes after a cursor with exactly the entries written after it', async () => {
    const first = follow();
    await first.started;
    await append('one', 'two');
    await first.until(2);
    await first.source.stop();
    const cursor = first.source.lastCursor;
    expect(cursor).toBe(first.entries[1]!.cursor);

    // More than the 10 entries journalctl --follow shows by default, which a resume must not cut.
    const missed = Array.from({ length: 25 }, (_, i) => `missed ${i}`);
    await append(...missed);
    const second = follow(cursor);
    await second.started;
    await append('after');
    await second.until(26);
    expect(second.messages()).toEqual([...missed, 'after']);
    expect(second.source.lastCursor).toBe(second.entries[25]!.cursor);
  });

  it('decodes byte-array messages as UTF-8 and caps huge ones', async () => {
    const invalidUtf8 = Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x6f]);
    const withNul = Buffer.from('bin\0ary ✓', 'utf8');
    const huge = 'x'.repeat(FIELD_CAP * 6);
    const { entries, until, started } = follow();
    await started;
    await appendToJournal(dir.path, [
      { MESSAGE: invalidUtf8 },
      { MESSAGE: withNul },
      { MESSAGE: 'two\nlines' },
      { MESSAGE: huge },
    ]);
    await until(4);

    expect(entries[0]!.message).toBe(invalidUtf8.toString('utf8'));
    expect(entries[1]!.message).toBe('bin\0ary ✓');
    expect(entries[2]!.message).toBe('two\nlines');
    expect(entries[3]!.message.startsWith('x'.repeat(FIELD_CAP))).toBeTrue();
    expect(entries[3]!.message).toContain(`truncated from ${huge.length} characters`);
    expect(entries[3]!.message.length).toBeLessThan(FIELD_CAP + 100);
    expect(entries[3]!.fields.MESSAGE).toBe(entries[3]!.message);
  });

  it('restarts a killed journalctl with back-off from the last cursor, losing and repeating nothing', async () => {
    const { source, messages, until, started } = follow();
    await started;
    await append('one');
    await until(1);

    const firstPid = source.pid!;
    process.kill(firstPid, 'SIGKILL');
    await append('two', 'three');
    await waitFor(() => source.pid !== undefined && source.pid !== firstPid, 'journalctl to be restarted');
    await append('four');
    await until(4);
    expect(messages()).toEqual(['one', 'two', 'three', 'four']);

    // Killed again before any entry arrives: the delay doubles.
    const secondPid = source.pid!;
    process.kill(secondPid, 'SIGKILL');
    await waitFor(() => source.pid !== undefined && source.pid !== secondPid, 'journalctl to be restarted again');
    const thirdPid = source.pid!;
    process.kill(thirdPid, 'SIGKILL');
    await waitFor(() => source.pid !== undefined && source.pid !== thirdPid, 'a third restart');
    await append('five');
    await until(5);
    expect(messages()).toEqual(['one', 'two', 'three', 'four', 'five']);
    const delays = logLines
      .filter((line) => line.includes('journalctl exited; restarting'))
      .map((line) => /delayMs=(\d+)/.exec(line)?.[1]);
    expect(delays).toEqual(['50', '50', '100']);
    expect(logLines.find((line) => line.includes('journalctl exited'))).toContain('signal=SIGKILL');
  });

  it('reads a journal directory that was empty at start from its very first entry', async () => {
    const empty = await makeTempDir('steward-journal-empty-');
    try {
      const { messages, until, started } = follow(null, undefined, empty.path);
      await started;
      // journalctl ends at once on a directory without journal files; the source keeps trying.
      await waitFor(() => logLines.some((line) => line.includes('journalctl exited; restarting')), 'a restart');
      await appendToJournal(empty.path, [{ MESSAGE: 'first' }, { MESSAGE: 'second' }]);
      await until(2);
      expect(messages()).toEqual(['first', 'second']);
    } finally {
      await Promise.all(sources.map((source) => source.stop()));
      await empty.remove();
    }
  });

  it('starts the back-off again after a quiet run that went well', async () => {
    const { source, started } = follow();
    await started;
    const restarted = async () => {
      const pid = source.pid!;
      process.kill(pid, 'SIGKILL');
      await waitFor(() => source.pid !== undefined && source.pid !== pid, 'journalctl to be restarted');
    };
    await restarted();
    await restarted();
    // No entry arrives (an entry alone resets the delay): a second of running well does.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await restarted();
    const delays = logLines
      .filter((line) => line.includes('journalctl exited; restarting'))
      .map((line) => /delayMs=(\d+)/.exec(line)?.[1]);
    expect(delays).toEqual(['50', '100', '50']);
  });

  it('starts at the tail when journalctl rejects the saved cursor', async () => {
    const { source, messages, until, started } = follow('not-a-cursor');
    await started;
    await waitFor(
      () => logLines.some((line) => line.includes('rejected the saved cursor')),
      'the cursor to be rejected',
    );
    await waitFor(() => source.pid !== undefined, 'journalctl to be restarted');
    await append('after');
    await until(1);
    expect(messages()).toEqual(['after']);
  });

  it('stop() ends journalctl for good', async () => {
    const { source, started } = follow();
    await started;
    const pid = source.pid!;
    expect(pid).toBeDefined();
    await source.stop();
    expect(source.pid).toBeUndefined();
    expect(() => process.kill(pid, 0)).toThrowError(/ESRCH/);
    expect(logLines.some((line) => line.includes('restarting'))).toBeFalse();
  });

  it('skips output that is not a journal entry and logs it once per burst', async () => {
    const fake = join(dir.path, 'fake-journalctl');
    const entry = JSON.stringify({ __CURSOR: 's=1', __REALTIME_TIMESTAMP: '1000', MESSAGE: 'valid' });
    await writeFile(
      fake,
      `#!/bin/sh
case "$*" in *--follow*) ;; *) echo '{"__CURSOR":"s=0"}'; exit 0;; esac
echo 'not json'
echo '{"truncated":'
echo '[1,2]'
echo '${entry}'
exec sleep 600
`,
    );
    await chmod(fake, 0o755);
    const { source, messages, until, started } = follow(null, fake);
    await started;
    await until(1);
    expect(messages()).toEqual(['valid']);
    expect(source.lastCursor).toBe('s=1');
    const warnings = logLines.filter((line) => line.includes('not a journal entry'));
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toContain('not json');
  });

  describe('when journalctl goes quiet', () => {
    const restartsForQuiet = () => logLines.filter((line) => line.includes('stopped reporting entries')).length;

    const linesIn = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').length - 1;

    /** A journalctl whose first follower says nothing, ever; every other call is the real one's. */
    async function silentFirstFollower(checks: string): Promise<string> {
      const fake = join(dir.path, 'silent-journalctl');
      await writeFile(
        fake,
        `#!/bin/sh
case "$*" in
  *--follow*) if mkdir "$0.followed" 2>/dev/null; then exec sleep 600; fi;;
  *--after-cursor*) echo check >>'${checks}';;
esac
exec journalctl "$@"
`,
      );
      await chmod(fake, 0o755);
      return fake;
    }

    it('starts it again from its cursor when the journal holds entries it did not report', async () => {
      const checks = join(dir.path, 'checks');
      const { source, messages, until, started } = follow(null, await silentFirstFollower(checks), dir.path, 100);
      await started;
      const silentPid = source.pid;
      await append('one', 'two');
      await until(2);
      expect(messages()).toEqual(['one', 'two']);
      expect(source.pid).not.toBe(silentPid);
      expect(restartsForQuiet()).toBe(1);

      // Caught up, and nothing unreported: checks leave it alone.
      const followerPid = source.pid;
      const checksBefore = await linesIn(checks);
      await waitFor(async () => (await linesIn(checks)) >= checksBefore + 3, 'three more checks');
      expect(source.pid).toBe(followerPid);
      expect(restartsForQuiet()).toBe(1);
      await append('three');
      await until(3);
      expect(messages()).toEqual(['one', 'two', 'three']);
    });

    it('starts it again once, not in a loop, for an entry it cannot print', async () => {
      const fake = join(dir.path, 'stuck-journalctl');
      const checks = join(dir.path, 'checks');
      const entry = JSON.stringify({ __CURSOR: 's=1', __REALTIME_TIMESTAMP: '1000', MESSAGE: 'valid' });
      await writeFile(
        fake,
        `#!/bin/sh
case "$*" in
  *--follow*) echo '${entry}'; echo 'not json'; exec sleep 600;;
  *--after-cursor*) echo check >>'${checks}'; echo '{"__CURSOR":"s=2"}';;
  *) echo '{"__CURSOR":"s=0"}';;
esac
`,
      );
      await chmod(fake, 0o755);
      const { until, started } = follow(null, fake, dir.path, 50);
      await started;
      await until(1);
      // Two checks find the entry and restart journalctl; it prints the same unreadable line and goes quiet again.
      await waitFor(async () => (await linesIn(checks)) >= 8, 'eight checks of the quiet journalctl');
      expect(restartsForQuiet()).toBe(1);
    });
  });
});
