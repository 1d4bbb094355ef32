// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  CATALOG_ACTIONS,
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

const _ = (text: string) => text;

describe('the preferences model', () => {
  it('lists the same actions and risks as the service catalog', () => {
    const catalog = createCatalog()
      .all()
      .map((action) => ({ name: action.name, risk: typeof action.risk === 'string' ? action.risk : 'medium' }));
    expect(CATALOG_ACTIONS.map(({ name, risk }) => ({ name, risk }))).toEqual(catalog);
    expect(new Set(CATALOG_ACTIONS.map((action) => action.title(_))).size).toBe(CATALOG_ACTIONS.length);
  });

  it('lists on the Safety page only what changes the system, grouped by what it touches', () => {
    const readOnly = new Set(
      createCatalog()
        .all()
        .filter((action) => action.readOnly)
        .map((action) => action.name),
    );
    for (const action of CATALOG_ACTIONS)
      expect(action.touches === null)
        .withContext(action.name)
        .toBe(readOnly.has(action.name));
    const groups = policyGroups({}, _);
    const listed = groups.flatMap((group) => group.rows.map((row) => row.name));
    expect(listed.filter((name) => readOnly.has(name))).toEqual([]);
    expect(listed).toContain('systemd.restart_unit');
    expect(groups.find((group) => group.touches === 'services')?.title).toBe('Services');
    expect(groups.find((group) => group.touches === 'packages')?.rows.map((row) => row.name)).toContain(
      'packages.install',
    );
    expect(listed.length + readOnly.size).toBe(CATALOG_ACTIONS.length);
    const ngettext = (one: string, many: string, count: number) => (count === 1 ? one : many);
    expect(readOnlySummary(ngettext)).toMatch(new RegExp(`^${readOnly.size} steps read logs`));
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
    const rows = policyRows(config.fixes.policy, _);
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
