// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { appendToJournal, unitFailure } from '../support/journal.js';
import { quietWatch, waitFor } from '../support/service.js';
import { fail } from '../support/systemdMock.js';
import { writeTinyModel } from '../support/tinyModel.js';
import { startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const PROPOSALS = 'io.github.steward.Steward1.Proposals';

// With a model set up, real llama.cpp (a tiny generated model whose words are
// noise) writes the explanations and suggests fixes for unknown kinds, through
// a JSON schema. Whatever it says, only catalog actions with valid parameters
// come out, and nothing runs without Apply.
describe('model advice on proposals', () => {
  let scenario: UnitScenario;
  let journal: string;

  const proposals = () => scenario.list(PROPOSALS, 'List', { state: new Variant('s', 'all') });
  const adviceCount = () => (scenario.service.log().match(/INFO model advice /g) ?? []).length;

  beforeAll(async () => {
    scenario = await startUnitScenario(['backup.service'], async (home) => {
      journal = join(home, 'journal');
      await mkdir(journal);
      await appendToJournal(journal, [unitFailure('start.service')]);
      await mkdir(join(home, 'data', 'steward', 'models'), { recursive: true });
      await writeTinyModel(join(home, 'data', 'steward', 'models', 'tiny.gguf'));
      return {
        // The advisor's request carries the whole catalog, parameters included.
        inference: { gpu: 'off', threads: 1, contextSize: 4096, maxAnswerTokens: 400 },
        watch: quietWatch({ journal: { system: false, user: false, directories: [journal] } }),
      };
    });
    await scenario.call('io.github.steward.Steward1.Models', 'SetActive', 's', ['store:tiny.gguf']);
  });

  afterAll(() => scenario.stop());

  it('asks the model about unknown kinds, and keeps only catalog actions', async () => {
    await fail(scenario.client, 'backup.service', { result: 'watchdog' });
    // ghost.service is no unit systemd knows: no playbook acts on it, so the model is asked.
    await appendToJournal(journal, [unitFailure('backup.service'), unitFailure('ghost.service')]);

    // Advice for the unknown unit; the known unit's proposal takes its words from the finding's explanation.
    await waitFor(() => adviceCount() >= 1, 'the model to advise on the unknown unit');
    const all = await proposals();
    const restart = all.find((proposal) => proposal.subject === 'backup.service');
    expect(restart?.title).toBe('Restart backup.service');
    const catalog = createCatalog({ kinds: KINDS });
    for (const proposal of all) {
      for (const action of proposal.actions as Record<string, Variant>[]) {
        const name = String(action.name?.value);
        expect(() => catalog.validate(name, JSON.parse(String(action.params?.value))))
          .withContext(name)
          .not.toThrow();
      }
    }
    // Only steps that read ran, as their proposals were shown; nothing that changes.
    const jobs = await scenario.list(PROPOSALS, 'ListJobs');
    expect(jobs.filter((job) => job.caller !== 'steward:shown')).toEqual([]);
    for (const job of jobs) expect(job.action).toMatch(/^info\./);
    expect(scenario.service.process.exitCode).toBeNull();
  });
});
