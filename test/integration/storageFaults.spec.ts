// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { errorOf } from '../support/errors.js';
import { appendToJournal, type ExportEntry, unitFailure } from '../support/journal.js';
import { startOpenAIServer } from '../support/openaiServer.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);
const FINDINGS = `${BUS_NAME}.Findings`;
const MIB = 1024 * 1024;
const healthy: ExportEntry = {
  MESSAGE: 'Started session-1.scope - Session 1 of User alice.',
  PRIORITY: '6',
  SYSLOG_IDENTIFIER: 'systemd',
  _SYSTEMD_UNIT: 'init.scope',
  _TRANSPORT: 'journal',
};

// The state directory lives on a small tmpfs that the tests fill and make read-only. A full state disk used
// to end the service on the first findings write (and lose the finding); a read-only one stopped start-up.
describe('the service on a full or read-only state disk', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService | undefined;
  let stateDisk: string;
  let journal: string;

  const status = async () => {
    const [dict] = (await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: BUS_NAME,
      member: 'GetStatus',
    })) as [Record<string, Variant>];
    return { state: dict.state?.value as string, reason: dict['state-reason']?.value as string };
  };
  const subjects = async () => {
    const [findings] = (await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: FINDINGS,
      member: 'List',
      signature: 'a{sv}',
      body: [{ state: new Variant('s', 'all') }],
    })) as [Record<string, Variant>[]];
    return findings.map((finding) => finding.subject?.value as string);
  };
  const start = async (config: Record<string, unknown> = {}) => {
    const watch = quietWatch({ journal: { system: false, user: false, directories: [journal] } });
    service = await startConfiguredService(bus, client, home.path, { watch, ...config });
  };
  const chat = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: `${BUS_NAME}.Chat`,
      member,
      signature,
      body,
    });
  const sessions = async () => {
    const [list] = (await chat('ListSessions')) as [Record<string, Variant>[]];
    return list.map((session) => ({ id: session.id?.value as string, messages: session.messages?.value as number }));
  };
  const stateBecomes = (wanted: (state: string) => boolean, what: string) =>
    waitFor(async () => wanted((await status()).state), what).catch((error: Error) => {
      throw new Error(`${error.message}; the service said:\n${service?.log()}`);
    });

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('these tests mount a tmpfs: run them as root');
    bus = await startPrivateBus();
    client = await bus.connect();
  });

  beforeEach(async () => {
    home = await makeTempDir();
    journal = join(home.path, 'journal');
    await mkdir(journal);
    await appendToJournal(journal, [healthy]);
    stateDisk = join(home.path, 'state');
    await mkdir(stateDisk);
    await run('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', stateDisk]);
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await run('umount', [stateDisk]).catch(() => run('umount', ['--lazy', stateDisk]));
    await home.remove();
  });

  afterAll(async () => {
    await bus.stop();
  });

  it('stays up while the disk is full, says so, and stores the waiting findings when space returns', async () => {
    await start();
    // A journal the service has not read before is followed from its end.
    await appendToJournal(journal, [unitFailure('before.service')]);
    await waitFor(async () => (await subjects()).includes('before.service'), 'the first finding');
    const filler = join(stateDisk, 'filler');
    const fill = await errorOf(writeFile(filler, Buffer.alloc(8 * MIB, 1)));
    expect((fill as NodeJS.ErrnoException).code).toBe('ENOSPC');

    await appendToJournal(journal, [unitFailure('while-full.service')]);
    await stateBecomes((state) => state === 'degraded', 'the status to say degraded');
    expect((await status()).reason).toContain("The disk holding Steward's state is full");
    // What is stored stays readable; a method that must write answers a named error.
    expect(await subjects()).toEqual(['before.service']);
    const ignore = await errorOf(
      callMethod(client, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: FINDINGS,
        member: 'Ignore',
        signature: 'sss',
        body: ['unit-failed', 'before.service', 'always'],
      }),
    );
    expect(ignore.type).toBe(`${BUS_NAME}.Error.Unavailable`);
    expect(ignore.text).toContain("The disk holding Steward's state is full");

    await rm(filler);
    await stateBecomes((state) => state !== 'degraded', 'the status to leave degraded');
    expect(await subjects()).toEqual(jasmine.arrayWithExactContents(['before.service', 'while-full.service']));
    expect(service!.process.exitCode).toBeNull();
    expect(service!.log()).not.toContain('failed unexpectedly');
  });

  it('starts on a read-only disk, serves what it stored, and stores what waited once it is writable', async () => {
    await start();
    // A journal the service has not read before is followed from its end.
    await appendToJournal(journal, [unitFailure('before.service')]);
    await waitFor(async () => (await subjects()).includes('before.service'), 'the first finding');
    await service!.stop();
    await run('mount', ['-o', 'remount,ro', stateDisk]);
    try {
      await start();
      const degraded = await status();
      expect(degraded.state).toBe('degraded');
      expect(degraded.reason).toContain("The disk holding Steward's state is read-only");
      expect(await subjects()).toEqual(['before.service']);

      await appendToJournal(journal, [unitFailure('while-read-only.service')]);
      // The journal source reads it within its poll; then it waits for the disk.
      await waitFor(() => service!.log().includes('findings wait for the disk'), 'the write to be refused');
      expect(await subjects()).not.toContain('while-read-only.service');
    } finally {
      await run('mount', ['-o', 'remount,rw', stateDisk]);
    }
    await stateBecomes((state) => state !== 'degraded', 'the status to leave degraded');
    expect(await subjects()).toEqual(jasmine.arrayWithExactContents(['before.service', 'while-read-only.service']));
    expect(service!.process.exitCode).toBeNull();
    expect(service!.log()).not.toContain('failed unexpectedly');
  });

  it('starts on a read-only disk with nothing stored yet, and makes its files once it is writable', async () => {
    await run('mount', ['-o', 'remount,ro', stateDisk]);
    try {
      await start();
      expect((await status()).state).toBe('degraded');
      expect(await subjects()).toEqual([]);
    } finally {
      await run('mount', ['-o', 'remount,rw', stateDisk]);
    }
    await stateBecomes((state) => state !== 'degraded', 'the status to leave degraded');
    await appendToJournal(journal, [unitFailure('after.service')]);
    await waitFor(async () => (await subjects()).includes('after.service'), 'the finding after the disk recovered');
    const files = await readdir(join(stateDisk, 'steward'));
    expect(files).toEqual(jasmine.arrayContaining(['findings.db', 'fixes.db', 'chat.db']));
    expect(files.filter((file) => file.includes('.damaged-'))).toEqual([]);
    expect(service!.log()).not.toContain('failed unexpectedly');
  });

  it('starts on a full disk with nothing stored yet, stores findings once space returns, and leaves no half-made file', async () => {
    await errorOf(writeFile(join(stateDisk, 'filler'), Buffer.alloc(8 * MIB, 1)));
    await start();
    const degraded = await status();
    expect(degraded.state).toBe('degraded');
    expect(degraded.reason).toContain("The disk holding Steward's state is full");
    expect(await subjects()).toEqual([]);
    await waitFor(() => service!.log().includes(' watching '), 'the journal to be followed');
    await appendToJournal(journal, [unitFailure('while-full.service')]);

    await rm(join(stateDisk, 'filler'));
    await stateBecomes((state) => state !== 'degraded', 'the status to leave degraded');
    expect(await subjects()).toEqual(['while-full.service']);
    expect((await readdir(join(stateDisk, 'steward'))).filter((file) => file.includes('.damaged-'))).toEqual([]);
    expect(service!.log()).not.toContain('failed unexpectedly');
  });

  it('stops cleanly while the disk is still read-only', async () => {
    await run('mount', ['-o', 'remount,ro', stateDisk]);
    try {
      await start();
      expect((await status()).state).toBe('degraded');
      const running = service!;
      service = undefined;
      expect(await running.stop()).toBe(0);
    } finally {
      await run('mount', ['-o', 'remount,rw', stateDisk]);
    }
  });

  it('refuses a conversation it cannot keep with Unavailable, and keeps serving the ones it has', async () => {
    const model = await startOpenAIServer({ answer: () => 'All is well.' });
    try {
      await start({ inference: { engine: 'remote', remote: { url: model.url, model: 'test-model' } } });
      await chat('Send', 'ssa{sv}', ['', 'How is my machine?', {}]);
      await waitFor(async () => (await sessions())[0]?.messages === 2, 'the first exchange to be kept');
      const [kept] = await sessions();
      await errorOf(writeFile(join(stateDisk, 'filler'), Buffer.alloc(8 * MIB, 1)));

      const refused = await errorOf(chat('Send', 'ssa{sv}', ['', 'And now?', {}]));
      expect(refused.type).toBe(`${BUS_NAME}.Error.Unavailable`);
      expect(refused.text).toContain("The disk holding Steward's state is full");
      // Known now, the fault refuses an answer in a kept conversation before the model works on it.
      const requests = model.requests.length;
      const answer = await errorOf(chat('Send', 'ssa{sv}', [kept!.id, 'And now?', {}]));
      expect(answer.type).toBe(`${BUS_NAME}.Error.Unavailable`);
      expect(model.requests.length).toBe(requests);
      const rename = await errorOf(chat('RenameSession', 'ss', [kept!.id, 'Renamed']));
      expect(rename.type).toBe(`${BUS_NAME}.Error.Unavailable`);
      expect(await sessions()).toEqual([kept!]);
      expect((await status()).reason).toContain("The disk holding Steward's state is full");

      await rm(join(stateDisk, 'filler'));
      await stateBecomes((state) => state !== 'degraded', 'the status to leave degraded');
      await chat('RenameSession', 'ss', [kept!.id, 'Renamed']);
      expect(service!.log()).not.toContain('failed unexpectedly');
    } finally {
      await model.close();
    }
  });

  it('runs a fix on a 100% full disk in the room it kept back, and stays degraded until space is freed', async () => {
    await start();
    await waitFor(async () => (await readdir(join(stateDisk, 'steward'))).includes('.steward-reserve'), 'the reserve');
    const measured = join(home.path, 'measured');
    await mkdir(join(measured, 'big'), { recursive: true });
    await writeFile(join(measured, 'big', 'data'), Buffer.alloc(64 * 1024, 1));
    const call = (iface: string, member: string, signature: string, body: unknown[]) =>
      callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: iface, member, signature, body });
    const [proposal] = (await call(`${BUS_NAME}.Agents`, 'Propose', 'ssss', [
      'test',
      'info.disk_usage',
      JSON.stringify({ path: measured }),
      'what fills the disk',
    ])) as [Record<string, Variant>];
    const proposalId = proposal.id?.value as string;
    const fill = await errorOf(writeFile(join(stateDisk, 'filler'), Buffer.alloc(8 * MIB, 1)));
    expect((fill as NodeJS.ErrnoException).code).toBe('ENOSPC');

    // Without the reserve the job and its audit record could not be stored, so the fix could not run.
    const [jobId] = (await call(`${BUS_NAME}.Proposals`, 'Apply', 'ss', [proposalId, 'info.disk_usage'])) as [string];
    const jobState = async () => {
      const [jobs] = (await call(`${BUS_NAME}.Proposals`, 'ListJobs', 'a{sv}', [{}])) as [Record<string, Variant>[]];
      return jobs.find((job) => job.id?.value === jobId)?.state?.value as string | undefined;
    };
    await waitFor(async () => (await jobState()) === 'done', 'the fix to run and be recorded');
    expect(service!.log()).toContain('released its reserve');
    expect(await readdir(join(stateDisk, 'steward'))).not.toContain('.steward-reserve');
    // The room is the fix's: the rest of Steward says the disk is full until space is freed.
    await stateBecomes((state) => state === 'degraded', 'the status to say degraded');
    expect((await status()).reason).toContain("The disk holding Steward's state is full");

    await rm(join(stateDisk, 'filler'));
    await stateBecomes((state) => state !== 'degraded', 'the status to leave degraded');
    expect(await readdir(join(stateDisk, 'steward'))).toContain('.steward-reserve');
    expect(service!.log()).not.toContain('failed unexpectedly');
  });
});
