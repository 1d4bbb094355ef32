import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Variant, type MessageBus } from '@jellybrick/dbus-next';
import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { appendToJournal, unitFailure, type ExportEntry } from '../support/journal.js';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer.js';
import { startPrivateBus, type PrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  startConfiguredService,
  waitFor,
  type RunningService,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { plain } from '../support/unitScenario.js';

const FINDINGS = 'io.github.steward.Steward1.Findings';

/** The service with a journal to follow, set up by `configure` (which may write files into the home first). */
class ExplainingService {
  bus!: PrivateBus;
  client!: MessageBus;
  home!: TempDir;
  journal!: string;
  service!: RunningService;
  /** Every FindingUpdated, as plain dictionaries. */
  readonly updates: Record<string, unknown>[] = [];

  async start(configure: (home: string) => Promise<Record<string, unknown>>): Promise<void> {
    this.bus = await startPrivateBus();
    this.client = await this.bus.connect();
    this.home = await makeTempDir();
    this.journal = join(this.home.path, 'journal');
    await mkdir(this.journal);
    await appendToJournal(this.journal, [
      { MESSAGE: 'Started session-1.scope.', PRIORITY: '6', SYSLOG_IDENTIFIER: 'systemd', _TRANSPORT: 'journal' },
    ]);
    const config = await configure(this.home.path);
    this.service = await startConfiguredService(this.bus, this.client, this.home.path, {
      ...config,
      watch: quietWatch({ journal: { system: false, user: false, directories: [this.journal] } }),
    });
    await new SignalRouter(this.client).subscribe(
      { path: OBJECT_PATH, interface: FINDINGS, member: 'FindingUpdated' },
      (body) => this.updates.push(plain(body[1] as Record<string, Variant>)),
    );
  }

  call(iface: string, member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    return callMethod(this.client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: iface,
      member,
      signature,
      body,
    });
  }

  /** Waits until a FindingUpdated for `subject` carries an explanation, and returns it with the listed finding. */
  async explained(subject: string, timeoutMs: number) {
    const explainedUpdate = () => this.updates.find((f) => f.subject === subject && 'explanation' in f);
    await waitFor(
      () => explainedUpdate() !== undefined,
      `FindingUpdated with the explanation of ${subject}`,
      timeoutMs,
    );
    const [listed] = await this.call(FINDINGS, 'List', 'a{sv}', [{}]);
    const finding = (listed as Record<string, Variant>[]).map(plain).find((f) => f.subject === subject);
    return { update: explainedUpdate()!, finding: finding! };
  }

  async stop(): Promise<void> {
    await this.service.stop();
    await this.bus.stop();
    await this.home.remove();
  }
}

// The test server answers a request with a JSON schema with an example of the schema: "ok" for each string.
const EXPLANATION = 'ok';
const LIKELY_CAUSE = 'ok';

// The explainer's request is the one whose schema asks for a likely cause; the proposals' advisor asks too.
const isExplainerRequest = (schema: unknown) =>
  Boolean((schema as { properties?: Record<string, unknown> } | undefined)?.properties?.likelyCause);

describe('finding explanations from a remote model', () => {
  const steward = new ExplainingService();
  let server: OpenAIServer;

  beforeAll(async () => {
    server = await startOpenAIServer();
    await steward.start(async (home) => {
      const apiKeyFile = join(home, 'api-key');
      await writeFile(apiKeyFile, 'sk-test-key', { mode: 0o600 });
      return {
        inference: { engine: 'remote', remote: { url: server.url, model: 'test-model', apiKeyFile } },
        assistant: { explainFindings: true, redactPatterns: [String.raw`ACME-[0-9a-f]{16}`] },
      };
    });
  });

  afterAll(async () => {
    await steward.stop();
    await server.close();
  });

  it('adds the explanation and likely cause to the finding, announced with FindingUpdated', async () => {
    const backupLine: ExportEntry = {
      MESSAGE: 'login to https://backup:hunter22@nas.local refused; ticket ACME-0123456789abcdef',
      PRIORITY: '3',
      SYSLOG_IDENTIFIER: 'restic',
      _SYSTEMD_UNIT: 'backup.service',
      _TRANSPORT: 'stdout',
    };
    await appendToJournal(steward.journal, [backupLine, unitFailure('backup.service')]);

    const { update, finding } = await steward.explained('backup.service', 30_000);
    expect(finding).toEqual(
      jasmine.objectContaining({
        kind: 'unit-failed',
        state: 'active',
        explanation: EXPLANATION,
        'likely-cause': LIKELY_CAUSE,
      }),
    );
    expect(update).toEqual(jasmine.objectContaining({ explanation: EXPLANATION, 'likely-cause': LIKELY_CAUSE }));
    const [full] = await steward.call(FINDINGS, 'Get', 's', [finding.id]);
    expect(plain(full as Record<string, Variant>)).toEqual(
      jasmine.objectContaining({ explanation: EXPLANATION, 'likely-cause': LIKELY_CAUSE }),
    );

    // What left the computer: the evidence, quoted, without the password or the user's own secret form.
    const asked = server.requests.filter((request) =>
      isExplainerRequest(request.body.response_format?.json_schema?.schema),
    );
    expect(asked.length).toBe(1);
    const sent = JSON.stringify(asked[0]!.body.messages);
    expect(sent).toContain('  | login to https://backup:[REDACTED]@nas.local refused; ticket [REDACTED]');
    expect(sent).not.toContain('hunter22');
    expect(sent).not.toContain('ACME-0123456789abcdef');
    expect(asked[0]!.body.max_tokens).toBe(300);
  });
});
