// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createLogger } from '../../service/src/logging.js';
import type { WatchEvent } from '../../service/src/watch/events.js';
import { type LowMemoryWarnings, MemoryPressureSource, parsePressure } from '../../service/src/watch/memory.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const psi = (some: string, full: string) =>
  `some avg10=${some} avg60=1.50 avg300=0.40 total=123456\nfull avg10=${full} avg60=0.75 avg300=0.20 total=65432\n`;

describe('the memory pressure source', () => {
  let dir: TempDir;
  let source: MemoryPressureSource | undefined;
  let events: WatchEvent[];
  let lines: string[];
  const log = () => createLogger({ level: 'debug', journal: true, write: (line) => lines.push(line) });

  beforeEach(async () => {
    dir = await makeTempDir();
    events = [];
    lines = [];
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await dir.remove();
  });

  it('parses the some and full averages over 10 s', () => {
    expect(parsePressure(psi('12.34', '5.60'))).toEqual({ someAvg10: 12.34, fullAvg10: 5.6 });
    expect(parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n')).toEqual({ someAvg10: 0, fullAvg10: 0 });
    expect(() => parsePressure('nonsense')).toThrowError(/not a pressure file/);
  });

  it('emits the pressure read from the file, and again as it changes', async () => {
    const path = join(dir.path, 'memory');
    await writeFile(path, psi('3.25', '1.00'));
    source = new MemoryPressureSource({ path, intervalMs: 20, session: null, log: log() });
    await source.start((event) => events.push(event));
    expect(source.available).toBe(true);
    expect(events[0]).toEqual({ type: 'memoryPressure', at: jasmine.any(Date), someAvg10: 3.25, fullAvg10: 1, path });
    await writeFile(path, psi('40.00', '22.50'));
    await waitFor(
      () =>
        events.some((event) => event.type === 'memoryPressure' && event.someAvg10 === 40 && event.fullAvg10 === 22.5),
      'the new pressure',
    );
    // Unchanged readings are not news: a marker change after several polls arrives right after the last change.
    const seen = events.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await writeFile(path, psi('0.00', '0.00'));
    await waitFor(() => events.length > seen, 'the marker');
    expect(events.slice(seen)).toEqual([jasmine.objectContaining({ someAvg10: 0, fullAvg10: 0 })]);
  });

  it('is unavailable and silent where the kernel has no PSI, and says so once', async () => {
    source = new MemoryPressureSource({
      path: join(dir.path, 'no-such-file'),
      intervalMs: 20,
      session: { unit: 'user@1000.service', directory: join(dir.path, 'no-such-cgroup') },
      log: log(),
    });
    await source.start((event) => events.push(event));
    expect(source.available).toBe(false);
    expect(events).toEqual([]);
    expect(lines.filter((line) => line.includes('memory pressure is not available')).length).toBe(2);
  });

  it('reads the session cgroup’s memory.pressure too, and emits its changes under its unit', async () => {
    const path = join(dir.path, 'memory');
    const directory = join(dir.path, 'user@1000.service');
    await mkdir(directory);
    await writeFile(path, psi('0.00', '0.00'));
    await writeFile(join(directory, 'memory.pressure'), psi('0.00', '0.00'));
    source = new MemoryPressureSource({
      path,
      intervalMs: 20,
      session: { unit: 'user@1000.service', directory },
      log: log(),
    });
    await source.start((event) => events.push(event));
    // The session's first, so that the machine's is judged knowing it.
    expect(events.map((event) => event.type === 'memoryPressure' && [event.path, event.unit])).toEqual([
      [join(directory, 'memory.pressure'), 'user@1000.service'],
      [path, undefined],
    ]);
    await writeFile(join(directory, 'memory.pressure'), psi('31.00', '27.50'));
    await waitFor(() => events.length > 2, 'the session’s new pressure');
    expect(events.slice(2)).toEqual([
      jasmine.objectContaining({ unit: 'user@1000.service', someAvg10: 31, fullAvg10: 27.5 }),
    ]);
  });

  it('reads only from a warning of the desktop until the pressure is gone, at the interval while warnings stop, and on warnings again once they are back', async () => {
    const path = join(dir.path, 'memory');
    await writeFile(path, psi('0.00', '0.00'));
    let handlers: Parameters<LowMemoryWarnings>[0] | undefined;
    source = new MemoryPressureSource({
      path,
      intervalMs: 20,
      session: null,
      warnings: async (given) => {
        handlers = given;
        return { running: true, stop: async () => undefined };
      },
      log: log(),
    });
    await source.start((event) => events.push(event));
    expect(source.readsOnWarning).toBeTrue();
    expect(source.reading).withContext('calm at start: nothing to read until a warning').toBeFalse();

    await writeFile(path, psi('45.00', '20.00'));
    handlers?.warned();
    await waitFor(
      () => events.some((event) => event.type === 'memoryPressure' && event.fullAvg10 === 20),
      'the warning',
    );
    expect(source.reading).withContext('followed while the pressure lasts').toBeTrue();
    await writeFile(path, psi('0.50', '0.00'));
    await waitFor(() => events.some((event) => event.type === 'memoryPressure' && event.someAvg10 === 0.5), 'calm');
    await waitFor(() => !source?.reading, 'the reads to end');

    handlers?.gone();
    await writeFile(path, psi('7.00', '2.00'));
    await waitFor(
      () => events.some((event) => event.type === 'memoryPressure' && event.someAvg10 === 7),
      'a read at the interval, without a warning',
    );
    expect(source.readsOnWarning).toBeFalse();
    expect(source.reading).toBeTrue();

    // The daemon is back: one read of what the pressure is now, then only its warnings wake the source. Written and
    // told in one turn: a read at the interval between the two would report the calm first, and the read when back,
    // the same figures, nothing new.
    writeFileSync(path, psi('0.00', '0.00'));
    const before = events.length;
    handlers?.back();
    expect(source.readsOnWarning).toBeTrue();
    await waitFor(
      () => events.slice(before).some((event) => event.type === 'memoryPressure' && event.someAvg10 === 0),
      'the read when the warnings are back',
    );
    await waitFor(() => !source?.reading, 'the reads to end once calm');
  });

  it('reads at the interval where no warnings come', async () => {
    const path = join(dir.path, 'memory');
    await writeFile(path, psi('0.00', '0.00'));
    source = new MemoryPressureSource({
      path,
      intervalMs: 20,
      session: null,
      warnings: async () => ({ running: false, stop: async () => undefined }),
      log: log(),
    });
    await source.start((event) => events.push(event));
    expect(source.readsOnWarning).toBeFalse();
    expect(source.reading).toBeTrue();
  });

  it('watches the machine alone where the session cgroup has no pressure file', async () => {
    const path = join(dir.path, 'memory');
    await writeFile(path, psi('1.00', '0.00'));
    source = new MemoryPressureSource({
      path,
      intervalMs: 20,
      session: { unit: 'user@1000.service', directory: join(dir.path, 'gone') },
      log: log(),
    });
    await source.start((event) => events.push(event));
    expect(source.available).toBe(true);
    expect(events).toEqual([jasmine.objectContaining({ path, someAvg10: 1 })]);
  });
});
