// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { findingsDatabase, overwritePage, pagesOf } from '../support/damagedDatabase.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, OBJECT_PATH, quietWatch, type RunningService, startConfiguredService } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// A damaged database once stopped start-up (or was silently replaced when empty): now it is kept
// aside, named in the status, and the service runs on a fresh one.
describe('the service with damaged databases', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;
  let state: string;
  const damaged = { 'findings.db': randomBytes(20_000), 'chat.db': Buffer.alloc(0), 'fixes.db': randomBytes(4096) };

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    state = join(home.path, 'state', 'steward');
    await mkdir(state, { recursive: true, mode: 0o700 });
    for (const [name, bytes] of Object.entries(damaged)) await writeFile(join(state, name), bytes, { mode: 0o644 });
    service = await startConfiguredService(bus, client, home.path, { watch: quietWatch() });
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  it('starts, says which files it set aside, and keeps them byte for byte', async () => {
    const [status] = (await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: BUS_NAME,
      member: 'GetStatus',
    })) as [Record<string, Variant>];
    expect(status.state?.value).toBe('degraded');
    const files = await readdir(state);
    for (const [name, bytes] of Object.entries(damaged)) {
      const copy = files.find((file) => file.startsWith(`${name}.damaged-`) && !/-(wal|shm)$/.test(file));
      expect(copy).withContext(name).toBeDefined();
      expect(await readFile(join(state, copy!))).toEqual(bytes);
      expect(status['state-reason']?.value).toContain(`${name} was damaged. Steward kept it as ${join(state, copy!)}`);
      expect((await stat(join(state, name))).mode & 0o777)
        .withContext(name)
        .toBe(0o600);
    }
  });

  it('works on the fresh databases', async () => {
    const [findings] = (await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: `${BUS_NAME}.Findings`,
      member: 'List',
      signature: 'a{sv}',
      body: [{}],
    })) as [unknown[]];
    expect(findings).toEqual([]);
    expect(service.process.exitCode).toBeNull();
  });
});

// 30 findings in a findings.db whose index page was overwritten were all lost when the file was set aside: now what
// SQLite can still read is copied into the new one first, and the status says how many of how many.
describe('the service with a damaged findings.db that still holds findings', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    const state = join(home.path, 'state', 'steward');
    await mkdir(state, { recursive: true, mode: 0o700 });
    const file = join(state, 'findings.db');
    findingsDatabase(file, 30);
    await overwritePage(file, pagesOf(file, 'findings_by_last_seen', 'root')[0]!);
    service = await startConfiguredService(bus, client, home.path, { watch: quietWatch() });
  });

  afterAll(async () => {
    await service.stop();
    await bus.stop();
    await home.remove();
  });

  it('recovers its findings into the new database and says how many of how many', async () => {
    const [status] = (await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: BUS_NAME,
      member: 'GetStatus',
    })) as [Record<string, Variant>];
    expect(status['state-reason']?.value).toContain('findings.db was damaged.');
    expect(status['state-reason']?.value).toContain('It recovered 30 of its 30 findings.');
    const [findings] = (await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: `${BUS_NAME}.Findings`,
      member: 'List',
      signature: 'a{sv}',
      body: [{ limit: new Variant('u', 100) }],
    })) as [unknown[]];
    expect(findings).toHaveSize(30);
  });
});
