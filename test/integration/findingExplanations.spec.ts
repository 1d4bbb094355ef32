// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Variant } from '@jellybrick/dbus-next';

import { SignalRouter } from '../../service/src/dbus/client.js';
import { appendToJournal, type ExportEntry, unitFailure } from '../support/journal.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { OBJECT_PATH, quietWatch, waitFor } from '../support/service.js';
import { fail } from '../support/systemdMock.js';
import { plain, startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const FINDINGS = 'io.github.steward.Steward1.Findings';
const PROPOSALS = 'io.github.steward.Steward1.Proposals';

// The test server answers a request with a JSON schema with an example of the schema: "ok" for each string.
const EXPLANATION = 'ok';
const LIKELY_CAUSE = 'ok';

// The explainer's request is the one whose schema asks for a likely cause; the proposals' advisor asks too.
const isExplainerRequest = (schema: unknown) =>
  Boolean((schema as { properties?: Record<string, unknown> } | undefined)?.properties?.likelyCause);

describe('finding explanations from a remote model', () => {
  let scenario: UnitScenario;
  let journal: string;
  let server: OpenAIServer;
  /** Every FindingUpdated, as plain dictionaries. */
  const updates: Record<string, unknown>[] = [];

  beforeAll(async () => {
    server = await startOpenAIServer();
    scenario = await startUnitScenario(['backup.service'], async (home) => {
      journal = join(home, 'journal');
      await mkdir(journal);
      await appendToJournal(journal, [unitFailure('start.service')]);
      const apiKeyFile = join(home, 'api-key');
      await writeFile(apiKeyFile, 'sk-test-key', { mode: 0o600 });
      return {
        inference: { engine: 'remote', remote: { url: server.url, model: 'test-model', apiKeyFile } },
        assistant: { explainFindings: true, redactPatterns: [String.raw`ACME-[0-9a-f]{16}`] },
        watch: quietWatch({ journal: { system: false, user: false, directories: [journal] } }),
      };
    });
    await new SignalRouter(scenario.client).subscribe(
      { path: OBJECT_PATH, interface: FINDINGS, member: 'FindingUpdated' },
      (body) => updates.push(plain(body[1] as Record<string, Variant>)),
    );
  });

  afterAll(async () => {
    await scenario.stop();
    await server.close();
  });

  it('adds the explanation and likely cause to the finding and its proposal, announced with FindingUpdated', async () => {
    const backupLine: ExportEntry = {
      MESSAGE: 'login to https://backup:hunter22@nas.local refused; ticket ACME-0123456789abcdef',
      PRIORITY: '3',
      SYSLOG_IDENTIFIER: 'restic',
      _SYSTEMD_UNIT: 'backup.service',
      _TRANSPORT: 'stdout',
    };
    await fail(scenario.client, 'backup.service', { status: 3 });
    await appendToJournal(journal, [backupLine, unitFailure('backup.service')]);

    const explainedUpdate = () => updates.find((f) => f.subject === 'backup.service' && 'explanation' in f);
    await waitFor(() => explainedUpdate() !== undefined, 'FindingUpdated with the explanation');
    expect(explainedUpdate()).toEqual(
      jasmine.objectContaining({ explanation: EXPLANATION, 'likely-cause': LIKELY_CAUSE }),
    );
    const finding = (await scenario.list(FINDINGS, 'List')).find((f) => f.subject === 'backup.service')!;
    expect(finding).toEqual(
      jasmine.objectContaining({
        kind: 'unit-failed',
        state: 'active',
        explanation: EXPLANATION,
        'likely-cause': LIKELY_CAUSE,
      }),
    );

    // The proposal says the same, from the same single request.
    const proposalFor = async () =>
      (await scenario.list(PROPOSALS, 'List')).find((proposal) => proposal.subject === 'backup.service');
    await waitFor(
      async () => (await proposalFor())?.explanation === `${EXPLANATION} Likely cause: ${LIKELY_CAUSE}`,
      "the explanation on the finding's proposal",
    );
    const modelRequests = server.requests.filter((request) => request.body.response_format !== undefined);
    expect(modelRequests.length).toBe(1);

    // What left the computer: the evidence, quoted, without the password or the user's own secret form.
    const asked = modelRequests.filter((request) =>
      isExplainerRequest(request.body.response_format?.json_schema?.schema),
    );
    expect(asked.length).toBe(1);
    const sent = JSON.stringify(asked[0]!.body.messages);
    expect(sent).toContain('  | login to https://backup:[REDACTED]@nas.local refused; ticket [REDACTED]');
    expect(sent).not.toContain('hunter22');
    expect(sent).not.toContain('ACME-0123456789abcdef');
    expect(asked[0]!.body.max_tokens).toBe(300);
    // Nothing the service sent, whichever part of it asked, carries the password or the user's own form.
    for (const request of server.requests) {
      expect(JSON.stringify(request.body)).not.toContain('hunter22');
      expect(JSON.stringify(request.body)).not.toContain('ACME-0123456789abcdef');
    }
  });
});
