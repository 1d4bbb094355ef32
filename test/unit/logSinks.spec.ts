// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { once } from 'node:events';
import { fstatSync } from 'node:fs';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { createLogger } from '../../service/src/logging.js';
import { JournalStreamSink, RotatingFileSink, serviceLogSink } from '../../service/src/logSinks.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const ENTRY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|ERROR) /;

/** A stand-in for journald's stream socket: a real Unix stream socket that records what arrives. */
async function listen(path: string): Promise<{ server: Server; received: () => string }> {
  let received = '';
  const server = createServer((connection) => connection.on('data', (data: Buffer) => (received += data.toString())));
  server.listen(path);
  await once(server, 'listening');
  return { server, received: () => received };
}

describe('the service log', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await makeTempDir();
  });

  afterEach(async () => {
    await dir.remove();
  });

  it('writes stamped lines to a 0600 file, creating its directory and tightening a file others could read', async () => {
    const path = join(dir.path, 'state', 'steward', 'steward.log');
    const sink = new RotatingFileSink(path);
    sink.write('info', 'service started version=1.0');
    sink.close();
    await chmod(path, 0o644);
    sink.write('error', 'fatal error error="a\nb"');
    sink.close();

    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.length).toBe(3);
    expect(lines[0]).toMatch(ENTRY);
    expect(lines[0]).toMatch(/ INFO service started version=1\.0$/);
    expect(lines[1]).toMatch(/ ERROR fatal error error="a\\nb"$/);
    expect(lines[2]).toBe('');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir.path, 'state', 'steward'))).mode & 0o777).toBe(0o700);
  });

  it('rotates at the size limit, keeping two older files and dropping the oldest lines', async () => {
    const path = join(dir.path, 'steward.log');
    const sink = new RotatingFileSink(path, 300, 2);
    // Each line is 24 (stamp) + 5 (level) + 36 (text) + 1 = 66 bytes: four fit in 300.
    for (let n = 0; n < 20; n++) sink.write('info', `line ${String(n).padStart(2, '0')} ${'x'.repeat(28)}`);
    sink.close();

    const read = async (name: string) => (await readFile(join(dir.path, name), 'utf8')).trimEnd().split('\n');
    const [current, older, oldest] = [
      await read('steward.log'),
      await read('steward.log.1'),
      await read('steward.log.2'),
    ];
    const numbers = (lines: string[]) => lines.map((line) => Number(/line (\d+)/.exec(line)?.[1]));
    expect(numbers(oldest)).toEqual([8, 9, 10, 11]);
    expect(numbers(older)).toEqual([12, 13, 14, 15]);
    expect(numbers(current)).toEqual([16, 17, 18, 19]);
    for (const name of ['steward.log', 'steward.log.1', 'steward.log.2']) {
      expect((await stat(join(dir.path, name))).size).toBeLessThanOrEqual(300);
    }
    await expectAsync(stat(join(dir.path, 'steward.log.3'))).toBeRejected();
  });

  it('loses only the lines it cannot write, and says so once', async () => {
    // A file where the directory should be: every open fails with ENOTDIR.
    await writeFile(join(dir.path, 'state'), '');
    const failures: string[] = [];
    const sink = new RotatingFileSink(join(dir.path, 'state', 'steward.log'), 1000, 2, (error) =>
      failures.push(error.message),
    );
    sink.write('info', 'one');
    sink.write('info', 'two');
    expect(failures.length).toBe(1);
    expect(failures[0]).toMatch(/ENOTDIR|EEXIST/);
  });

  it('sends entries to the journal stream socket with the header and priorities journald reads', async () => {
    const socketPath = join(dir.path, 'stdout');
    const journal = await listen(socketPath);
    const fallback: string[] = [];
    const log = createLogger({
      journal: false,
      write: () => undefined,
      sink: new JournalStreamSink(socketPath, { write: (_level, text) => fallback.push(text) }),
    });
    log.info('service started', { version: '1.0' });
    log.warning('inference engine', { output: 'two\nlines' });
    log.error('fatal error');
    const expected =
      'steward\n\n6\n1\n0\n0\n0\n<6>service started version=1.0\n<4>inference engine output="two\\nlines"\n<3>fatal error\n';
    await waitFor(() => journal.received() === expected, 'the entries at the socket');
    expect(journal.received()).toBe(expected);
    expect(fallback).toEqual([]);
    journal.server.close();
  });

  it('falls back to the file when the journal socket is not there', async () => {
    const lines: string[] = [];
    const sink = new JournalStreamSink(join(dir.path, 'no-socket'), {
      write: (level, text) => lines.push(`${level} ${text}`),
    });
    sink.write('info', 'first');
    sink.write('error', 'second');
    await waitFor(() => lines.length === 2, 'the fallback');
    sink.write('info', 'third');
    expect(lines).toEqual(['info first', 'error second', 'info third']);
  });

  it('chooses the journal when systemd started it or journald runs, the file otherwise, and nothing more when stderr is the journal', async () => {
    const socketPath = join(dir.path, 'stdout');
    const absent = join(dir.path, 'none');
    const journal = await listen(socketPath);
    const stateDirectory = join(dir.path, 'state');
    const file = serviceLogSink({ env: {}, stateDirectory, journalSocket: absent });
    expect(file).toBeInstanceOf(RotatingFileSink);
    expect((file as RotatingFileSink).path).toBe(join(stateDirectory, 'steward.log'));
    expect(serviceLogSink({ env: {}, stateDirectory, journalSocket: socketPath })).toBeInstanceOf(JournalStreamSink);
    expect(serviceLogSink({ env: { INVOCATION_ID: 'a1' }, stateDirectory, journalSocket: absent })).toBeInstanceOf(
      JournalStreamSink,
    );
    // As systemd sets it up: JOURNAL_STREAM names the device and inode of stderr.
    const stderr = fstatSync(2);
    const underSystemd = { JOURNAL_STREAM: `${stderr.dev}:${stderr.ino}` };
    expect(serviceLogSink({ env: underSystemd, stateDirectory, journalSocket: socketPath })).toBeNull();
    journal.server.close();
  });
});
