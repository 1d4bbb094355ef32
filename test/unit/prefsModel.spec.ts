// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  catalogActions,
  diagnosticsText,
  enginePatch,
  isInstalled,
  mergePatch,
  modelRows,
  parseConfig,
  parseList,
  policyChoices,
  policyGroups,
  policyPatch,
  policyRows,
  readOnlySummary,
  recommendationTitle,
  runningServiceText,
} from '../../extension/src/prefs/prefsModel.js';
import { engineSummary } from '../../extension/src/shared/serviceStatus.js';
import { defaultConfig } from '../../service/src/config.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { catalogDict } from '../../service/src/fixes/proposalsInterface.js';
import { KINDS } from '../../service/src/kinds/index.js';

const _ = (text: string) => text;

/** The service's catalog as Proposals.Catalog answers it and the preferences unpack it. */
const served = () =>
  catalogActions(
    createCatalog({ kinds: KINDS })
      .all()
      .map((action) => Object.fromEntries(Object.entries(catalogDict(action)).map(([key, { value }]) => [key, value]))),
  );

describe('the preferences model', () => {
  it("lists the service's actions with its titles, and no copy of them", () => {
    const catalog = createCatalog({ kinds: KINDS }).all();
    const actions = served();
    expect(actions.map(({ name, title }) => ({ name, title }))).toEqual(
      catalog.map(({ name, title }) => ({ name, title })),
    );
    expect(new Set(actions.map((action) => action.title)).size).toBe(actions.length);
    // A risk that depends on the parameters offers no "auto": the service honours it only where the risk is low.
    const restart = actions.find((action) => action.name === 'systemd.restart_unit')!;
    expect(restart.risk).toBe('varies');
    expect(policyRows(actions, {}).find((row) => row.name === 'systemd.restart_unit')?.choices).toEqual([
      'ask',
      'never',
    ]);
    expect(actions.find((action) => action.name === 'journal.vacuum')?.risk).toBe('low');
  });

  it('lists on the Safety page only what changes the system, grouped by what it touches', () => {
    const actions = served();
    const readOnly = new Set(
      createCatalog({ kinds: KINDS })
        .all()
        .filter((action) => action.readOnly)
        .map((action) => action.name),
    );
    for (const action of actions)
      expect(action.touches === null)
        .withContext(action.name)
        .toBe(readOnly.has(action.name));
    const groups = policyGroups(actions, {}, _);
    const listed = groups.flatMap((group) => group.rows.map((row) => row.name));
    expect(listed.filter((name) => readOnly.has(name))).toEqual([]);
    expect(listed).toContain('systemd.restart_unit');
    expect(groups.map((group) => group.title)).toEqual(['Services', 'Packages', 'Files', 'Network', 'Desktop']);
    expect(groups.find((group) => group.touches === 'packages')?.rows.map((row) => row.name)).toContain(
      'packages.install',
    );
    expect(listed.length + readOnly.size).toBe(actions.length);
    const ngettext = (one: string, many: string, count: number) => (count === 1 ? one : many);
    expect(readOnlySummary(actions, ngettext)).toMatch(new RegExp(`^${readOnly.size} steps read logs`));
  });

  it('lists a change of an area or a risk this version does not know as "Other", with no "auto"', () => {
    const actions = catalogActions([
      { name: 'a.b', title: 'A newer change', risk: 'severe', 'read-only': false, changes: 'firmware' },
      { name: 'c.d', title: '', risk: 'low', 'read-only': true, changes: '' },
    ]);
    expect(actions).toEqual([
      { name: 'a.b', title: 'A newer change', risk: 'varies', touches: 'other' },
      { name: 'c.d', title: 'c.d', risk: 'low', touches: null },
    ]);
    expect(policyGroups(actions, {}, _)).toEqual([
      {
        touches: 'other',
        title: 'Other',
        rows: [{ name: 'a.b', title: 'A newer change', choices: ['ask', 'never'], selected: 0 }],
      },
    ]);
  });

  it('offers "auto" only for low-risk actions', () => {
    expect(policyChoices('low')).toEqual(['ask', 'never', 'auto']);
    expect(policyChoices('medium')).toEqual(['ask', 'never']);
    expect(policyChoices('high')).toEqual(['ask', 'never']);
  });

  it('shows each action with its policy, and an "auto" the service ignores as "ask"', () => {
    const config = parseConfig(
      JSON.stringify({
        ...defaultConfig,
        fixes: { ...defaultConfig.fixes, policy: { 'journal.vacuum': 'auto', 'packages.remove': 'auto' } },
      }),
    );
    const rows = policyRows(served(), config.fixes.policy);
    const row = (name: string) => rows.find((r) => r.name === name)!;
    expect(row('journal.vacuum').choices[row('journal.vacuum').selected]).toBe('auto');
    expect(row('packages.remove').choices[row('packages.remove').selected]).toBe('ask');
    expect(row('network.reconnect').choices[row('network.reconnect').selected]).toBe('ask');
    expect(row('systemd.restart_unit').title).toBe('Restart a service');
  });

  it('turns a change into a JSON Merge Patch', () => {
    expect(JSON.parse(mergePatch(['watch', 'journal', 'system'], false))).toEqual({
      watch: { journal: { system: false } },
    });
    expect(JSON.parse(policyPatch('journal.vacuum', 'never'))).toEqual({
      fixes: { policy: { 'journal.vacuum': 'never' } },
    });
    expect(JSON.parse(policyPatch('journal.vacuum', 'ask'))).toEqual({ fixes: { policy: { 'journal.vacuum': null } } });
  });

  it('sends the endpoint with the remote engine', () => {
    expect(JSON.parse(enginePatch('local', '', ''))).toEqual({ inference: { engine: 'local' } });
    expect(JSON.parse(enginePatch('remote', ' http://127.0.0.1:8080/v1 ', 'qwen'))).toEqual({
      inference: { engine: 'remote', remote: { url: 'http://127.0.0.1:8080/v1', model: 'qwen' } },
    });
  });

  it('reads lists of paths from commas or spaces', () => {
    expect(parseList('/, /home ,/var  /srv,,')).toEqual(['/', '/home', '/var', '/srv']);
    expect(parseList('  ')).toEqual([]);
  });

  it('describes models with their fit and speed', () => {
    const rows = modelRows(
      [
        {
          id: 'store:a.gguf',
          name: 'Qwen3',
          'size-label': '4B',
          quantization: 'Q4_K_M',
          placement: 'gpu',
          'speed-class': 'fast',
          'file-bytes': 2_500_000_000,
          active: true,
          supported: true,
        },
        { id: 'ollama:big', name: 'big', placement: 'none', 'speed-class': 'too-large', supported: true },
        { id: 'store:new.gguf', name: 'new', supported: false, 'unsupported-reason': 'newer than llama.cpp' },
      ],
      _,
    );
    expect(rows[0]).toEqual({
      id: 'store:a.gguf',
      title: 'Qwen3 (4B Q4_K_M)',
      subtitle: 'runs on the GPU · fast · 2.5 GB',
      active: true,
      usable: true,
    });
    expect(rows[1]!.usable).toBeFalse();
    expect(rows[1]!.subtitle).toBe('does not fit in memory · too large for this computer');
    expect(rows[2]!.usable).toBeFalse();
    expect(rows[2]!.subtitle).toBe('newer than llama.cpp');
  });

  it('describes the recommendation, or says nothing when none fits', () => {
    expect(recommendationTitle({}, _)).toBeNull();
    expect(
      recommendationTitle(
        {
          name: 'Qwen3 4B',
          quantization: 'Q4_K_M',
          uri: 'hf:x/y/z.gguf',
          'approx-bytes': 2_500_000_000,
          reason: 'Fits.',
        },
        _,
      ),
    ).toBe('Qwen3 4B Q4_K_M (2.5 GB download)');
  });

  it('writes diagnostics with or without the service', () => {
    const text = diagnosticsText({
      extensionVersion: '0.1.0',
      shellVersion: '48.2',
      service: { version: '0.1.0', state: 'idle', capabilities: ['journal.user', 'network'] },
      engine: null,
    });
    expect(text).toBe(
      [
        'Steward extension: 0.1.0',
        'GNOME Shell: 48.2',
        'Service:',
        '  capabilities: journal.user, network',
        '  state: idle',
        '  version: 0.1.0',
        'Engine:',
        '  unknown',
        '',
      ].join('\n'),
    );
    expect(diagnosticsText({ extensionVersion: '1', shellVersion: '46', service: null, engine: null })).toContain(
      'Service:\n  not running',
    );
  });

  it("says what runs as the top-bar menu does: the service's version, the engine's model and where it runs", () => {
    const status = { version: '0.2.0', state: 'idle', 'inference-backend-summary': 'CUDA: no driver; using the CPU' };
    const local = { state: 'ready', location: 'local', model: '/home/ada/.local/share/steward/models/gemma.gguf' };
    expect(runningServiceText(status, local, _)).toEqual({
      title: 'Steward is running',
      subtitle: 'Version 0.2.0 · gemma.gguf · not loaded · CUDA: no driver; using the CPU',
    });
    // A remote engine's model is a model: not "no model chosen yet" because none is installed here.
    const remote = { state: 'ready', location: 'remote', model: 'test-model' };
    expect(runningServiceText({ version: '0.2.0', state: 'idle' }, remote, _).subtitle).toBe(
      `Version 0.2.0 · ${engineSummary(remote, _)}`,
    );
    expect(engineSummary(remote, _)).toBe('test-model · remote');
    expect(
      runningServiceText(
        { version: '0.2.0', state: 'degraded', 'state-reason': 'the journal is not readable' },
        { state: 'unconfigured', model: '' },
        _,
      ),
    ).toEqual({
      title: 'Steward is running, with a problem',
      subtitle: 'Version 0.2.0 · No model is set up · the journal is not readable',
    });
  });

  it('knows the recommended model is installed by its file, whatever the URI names around it', () => {
    const models = [{ path: '/home/ada/.local/share/steward/models/Qwen3.5-0.8B-Q8_0.gguf' }];
    expect(isInstalled('hf:unsloth/Qwen3.5-0.8B-GGUF/Qwen3.5-0.8B-Q8_0.gguf#sha256=ab', models)).toBeTrue();
    expect(isInstalled('hf:unsloth/Qwen3.5-4B-GGUF/Qwen3.5-4B-Q6_K.gguf', models)).toBeFalse();
    expect(isInstalled('', models)).toBeFalse();
  });
});
