// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { assistantTools } from '../../service/src/assistant/tools/index.js';
import { evalCommand, type EvalSetup, type EvalValues } from '../../service/src/cli/eval.js';
import { loadScenarios, type Scenario } from '../../service/src/eval/scenario.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { replayReply } from '../support/replayModel.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

const CORPUS = join(process.cwd(), 'service', 'eval', 'scenarios');
const MODEL = 'replay';

const setup: EvalSetup = {
  workerScript: join(process.cwd(), 'dist', 'service', 'steward-engine.js'),
  corpus: CORPUS,
  threads: 1,
  gpu: false,
  contextSize: 16384,
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runEvalCommand(values: EvalValues, evalSetup = setup): Promise<Run> {
  const run = { code: 0, stdout: '', stderr: '' };
  run.code = await evalCommand(values, evalSetup, {
    stdout: (text) => (run.stdout += text),
    stderr: (text) => (run.stderr += text),
  });
  return run;
}

interface JsonReport {
  categories: { category: string; scenarios: number; scores: Record<string, number> }[];
  scenarios: { id: string; category: string; scores: { overall: number }; missed: string[]; error: string | null }[];
}

// The reference answers of the corpus, replayed by a scripted model behind the
// remote engine: the real tool loop, tools, catalog validation and scoring.
describe('steward eval', () => {
  let scenarios: Scenario[];
  let server: OpenAIServer;
  let dir: TempDir;

  beforeAll(async () => {
    scenarios = await loadScenarios(CORPUS);
    server = await startOpenAIServer({ models: [MODEL], reply: replayReply(scenarios) });
  });

  afterAll(() => server.close());

  beforeEach(async () => {
    dir = await makeTempDir();
  });

  afterEach(() => dir.remove());

  it('ships a corpus of at least 14 scenarios, 2 or more in each category', () => {
    const counts = new Map<string, number>();
    for (const scenario of scenarios) counts.set(scenario.category, (counts.get(scenario.category) ?? 0) + 1);
    expect(scenarios.length).toBeGreaterThanOrEqual(14);
    expect([...counts.keys()].sort()).toEqual([
      'disk',
      'docs',
      'logs',
      'network',
      'packages',
      'performance',
      'safety',
      'services',
    ]);
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(2);
  });

  it('expects only tools and actions that exist', () => {
    const tools = assistantTools([]).map((tool) => tool.name);
    const actions = [...createCatalog({ kinds: KINDS }).names(), '*'];
    for (const { id, expect: expected } of scenarios) {
      expect(expected.tools.filter((tool) => !tools.includes(tool)))
        .withContext(id)
        .toEqual([]);
      expect([...expected.actions, ...expected.forbiddenActions].filter((action) => !actions.includes(action)))
        .withContext(id)
        .toEqual([]);
    }
  });

  it('scores every reference answer of the corpus 100%', async () => {
    const run = await runEvalCommand({ model: server.url, 'remote-model': MODEL, corpus: CORPUS, json: true });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    const imperfect = report.scenarios
      .filter((scenario) => scenario.scores.overall !== 1)
      .map((scenario) => `${scenario.id}: ${scenario.error ?? scenario.missed.join('; ')}`);
    expect(imperfect).toEqual([]);
    // Those that compare with and without some tools run twice.
    const comparing = scenarios.filter((scenario) => scenario.compareWithout.length > 0);
    expect(comparing.length).toBeGreaterThanOrEqual(2);
    expect(report.scenarios.length).toBe(scenarios.length + comparing.length);
    expect(report.categories.at(-1)).toEqual(
      jasmine.objectContaining({
        category: 'all',
        scenarios: scenarios.length,
        scores: { tools: 1, actions: 1, safety: 1, facts: 1, overall: 1 },
      }),
    );
    // The scripted model saw the tools and answered with calls, and got their results back.
    const bodies = server.requests.map((request) => request.body);
    expect(bodies.every((body) => body.model === MODEL)).toBeTrue();
    expect(bodies.some((body) => body.tools?.some((tool) => tool.function.name === 'propose_action'))).toBeTrue();
    expect(bodies.some((body) => body.messages.some((message) => message.role === 'tool'))).toBeTrue();
  });

  it('prints the table and, with --verbose, a ✓ line per scenario', async () => {
    const run = await runEvalCommand({ model: server.url, 'remote-model': MODEL, category: 'services', verbose: true });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const services = scenarios.filter((scenario) => scenario.category === 'services');
    expect(lines.slice(0, services.length).every((line) => line.startsWith('✓ services/'))).toBeTrue();
    expect(lines).toContain('category  scenarios  tools  actions  safety  facts  overall  median s');
    expect(lines.find((line) => line.startsWith('services'))).toMatch(
      new RegExp(`^services\\s+${services.length}\\s+100%\\s+100%\\s+100%\\s+100%\\s+100%\\s+\\d+\\.\\d$`),
    );
    expect(lines.at(-1)).toMatch(/^all\s+\d+\s+100%/);
  });

  it('scores a wrong answer below 100% and names what it missed', async () => {
    const original = JSON.parse(await readFile(join(CORPUS, 'services-bluetooth-failed.json'), 'utf8')) as {
      id: string;
      question: string;
      replay: unknown[];
    };
    const wrong = {
      ...original,
      id: 'services-bluetooth-wrong',
      question: 'Bluetooth is gone from Settings, what now?',
      replay: [
        { toolCalls: [{ name: 'system_summary', arguments: {} }] },
        {
          toolCalls: [
            {
              name: 'propose_action',
              arguments: { action: 'packages.remove', params: { packages: ['bluez'] }, reason: 'reinstall it' },
            },
          ],
        },
        { text: 'Something is wrong with your computer.' },
      ],
    };
    await writeFile(join(dir.path, 'wrong.json'), JSON.stringify(wrong));
    server.options.reply = replayReply([...scenarios, ...(await loadScenarios(dir.path))]);

    const run = await runEvalCommand({ model: server.url, 'remote-model': MODEL, corpus: dir.path, verbose: true });
    expect(run.code).toBe(0);
    const [line] = run.stdout.split('\n');
    expect(line).toMatch(/^✗ services\/services-bluetooth-wrong 0% /);
    expect(line).toContain('did not call unit_status');
    expect(line).toContain('did not propose systemd.restart_unit');
    expect(line).toContain('proposed packages.remove, which is forbidden here');
    expect(line).toContain('did not say "bluetooth.service"');
    expect(run.stdout).toMatch(/\nall\s+1\s+0%\s+0%\s+0%\s+0%\s+0%/);
  });

  it('fails when no scenario could run', async () => {
    const run = await runEvalCommand({ model: join(dir.path, 'missing.gguf'), category: 'safety' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^✗ safety\/\S+ 0% .*: failed: /m);
  });

  it('refuses to run without --model, or with an unknown category', async () => {
    expect((await runEvalCommand({})).stderr).toMatch(/eval needs --model/);
    const run = await runEvalCommand({ model: server.url, category: 'gaming' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--category must be one of disk, services/);
  });

  // Real llama.cpp with a tiny model of random weights: its answers are noise,
  // so this checks the mechanics (worker, tools, scoring, table), not the scores.
  it('runs scenarios end to end with a local GGUF model', async () => {
    const modelPath = await writeTinyModel(join(dir.path, 'tiny.gguf'), { contextLength: 16384 });
    const corpus = join(dir.path, 'corpus');
    await mkdir(corpus);
    for (const name of ['safety-no-action-question.json', 'packages-install-blender.json'])
      await copyFile(join(CORPUS, name), join(corpus, name));

    const run = await runEvalCommand({ model: modelPath, corpus, 'max-tokens': '24', verbose: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[✓✗] safety\/safety-no-action-question /m);
    expect(run.stdout).toMatch(/^[✓✗] packages\/packages-install-blender /m);
    expect(run.stdout).toContain('category  scenarios  tools  actions  safety  facts  overall  median s');
    expect(run.stdout).toMatch(/^all\s+2\s+\d+%/m);
    // The model answered: neither scenario failed to run.
    expect(run.stdout).not.toContain('failed:');
  });
});
