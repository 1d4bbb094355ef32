import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Variant, type MessageBus } from '@jellybrick/dbus-next';
import { callMethod } from '../../service/src/dbus/client.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { appendToJournal, unitFailure, type ExportEntry } from '../support/journal.js';
import { readJournalFixture } from '../support/journalEvents.js';
import { startPrivateBus, type PrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  startConfiguredService,
  waitFor,
  type RunningService,
} from '../support/service.js';
import { addService, fail, startMockSystemd, stopMockSystemd } from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

const PROPOSALS = 'io.github.steward.Steward1.Proposals';

// With a model set up, real llama.cpp (a tiny generated model whose words are
// noise) writes the explanations and suggests fixes for unknown kinds, through
// a JSON schema. Whatever it says, only catalog actions with valid parameters
// come out, and nothing runs without Apply.
describe('model advice on proposals', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let journal: string;
  let systemd: ChildProcess;
  let service: RunningService;
  let client: MessageBus;

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: PROPOSALS, member, signature, body });
  const proposals = async () =>
    ((await call('List', 'a{sv}', [{ state: new Variant('s', 'all') }]))[0] as Record<string, Variant>[]).map((dict) =>
      Object.fromEntries(Object.entries(dict).map(([key, value]) => [key, value.value as unknown])),
    );
  const adviceCount = () => (service.log().match(/INFO model advice /g) ?? []).length;

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    systemd = await startMockSystemd(bus, client);
    await addService(client, 'backup.service');
    home = await makeTempDir();
    journal = join(home.path, 'journal');
    await mkdir(journal);
    await appendToJournal(journal, [unitFailure('start.service')]);
    await mkdir(join(home.path, 'data', 'steward', 'models'), { recursive: true });
    await writeTinyModel(join(home.path, 'data', 'steward', 'models', 'tiny.gguf'));
    service = await startConfiguredService(bus, client, home.path, {
      inference: { gpu: 'off', threads: 1, contextSize: 2048, maxAnswerTokens: 400 },
      watch: quietWatch({ journal: { system: false, user: false, directories: [journal] } }),
    });
    await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'io.github.steward.Steward1.Models',
      member: 'SetActive',
      signature: 's',
      body: ['store:tiny.gguf'],
    });
  });

  afterAll(async () => {
    await service.stop();
    await stopMockSystemd(systemd);
    await bus.stop();
    await home.remove();
  });

  it('asks the model about playbook proposals and unknown kinds, and keeps only catalog actions', async () => {
    await fail(client, 'backup.service', { status: 3 });
    const coredump = readJournalFixture('coredump').map((fields): ExportEntry => {
      const entry: ExportEntry = { MESSAGE: fields.MESSAGE ?? '' };
      for (const [key, value] of Object.entries(fields))
        if (!key.startsWith('__') && key !== '_BOOT_ID') entry[key] = value;
      return entry;
    });
    await appendToJournal(journal, [unitFailure('backup.service'), ...coredump]);

    // One answer for the unit's proposal, one for the core dump, which no playbook knows.
    await waitFor(() => adviceCount() >= 2, 'the model to advise twice', 120_000);
    const all = await proposals();
    const restart = all.find((proposal) => proposal.subject === 'backup.service');
    expect(restart?.title).toBe('Restart backup.service');
    const catalog = createCatalog();
    for (const proposal of all) {
      for (const action of proposal.actions as Record<string, Variant>[]) {
        const name = String(action.name?.value);
        expect(() => catalog.validate(name, JSON.parse(String(action.params?.value))))
          .withContext(name)
          .not.toThrow();
      }
    }
    const [jobs] = await call('ListJobs', 'a{sv}', [{}]);
    expect(jobs).toEqual([]);
    expect(service.process.exitCode).toBeNull();
  }, 150_000);
});
