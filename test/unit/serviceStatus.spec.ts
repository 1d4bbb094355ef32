// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  compatibility,
  copyCommandLabel,
  docsSummary,
  engineSummary,
  modelIsLoaded,
  NO_ACTIVITY,
  present,
  type ServiceStatus,
} from '../../extension/src/shared/serviceStatus.js';

const _ = (text: string) => text;
const t = { _, ngettext: (one: string, many: string, n: number) => (n === 1 ? one : many) };
const running = (state: string, apiVersion = 1, reason = ''): ServiceStatus => ({
  running: true,
  state,
  reason,
  version: '0.1.0',
  apiVersion,
});

describe('the indicator presentation', () => {
  it('says the service is not running and offers to start it', () => {
    expect(present({ running: false }, 1, t)).toEqual(
      jasmine.objectContaining({
        iconName: 'steward-offline-symbolic',
        title: 'Steward service is not running',
        canStart: true,
      }),
    );
  });

  it('says the service is not installed, and how to get it, instead of offering a Start that fails', () => {
    const command = 'sudo apt install git nodejs npm libglib2.0-bin gettext';
    const help = `On Debian GNU/Linux 13 (trixie), install what it builds with “${command}”.`;
    const presentation = present(
      { running: false, installed: false, installHelp: help, installCommand: command },
      1,
      t,
    );
    expect(presentation).toEqual(
      jasmine.objectContaining({
        title: 'Steward’s service is not installed',
        canStart: false,
        detail: help,
        copyCommand: command,
      }),
    );
  });

  it('names the command to copy by its first words', () => {
    expect(copyCommandLabel('sudo apt install git nodejs npm libglib2.0-bin gettext', _)).toBe(
      'Copy “sudo apt install …”',
    );
    expect(copyCommandLabel('npm run install-user', _)).toBe('Copy “npm run install-user”');
  });

  it('offers a command to copy only where the service is not installed', () => {
    expect(present({ running: false }, 1, t).copyCommand).toBe('');
    expect(present(running('idle'), 1, t).copyCommand).toBe('');
  });

  it('names each state in words', () => {
    expect(present(running('idle'), 1, t).title).toBe('Steward is idle');
    expect(present(running('starting'), 1, t).title).toBe('Steward is starting');
    expect(present(running('busy'), 1, t).title).toBe('Steward is working');
    expect(present(running('attention', 1, '2 proposals wait'), 1, t)).toEqual(
      jasmine.objectContaining({ iconName: 'steward-attention-symbolic', detail: '2 proposals wait' }),
    );
    expect(present(running('degraded', 1, 'Config is broken.'), 1, t)).toEqual(
      jasmine.objectContaining({ title: 'Steward is running with problems', detail: 'Config is broken.' }),
    );
  });

  it('shows a state it does not know as running, with its reason, rather than failing', () => {
    expect(present(running('dreaming', 1, 'Counting sheep'), 1, t)).toEqual(
      jasmine.objectContaining({ title: 'Steward is running', detail: 'Counting sheep' }),
    );
  });

  it('asks for an update when the service is older than the extension', () => {
    const shown = present(running('idle', 1), 2, t);
    expect(shown.title).toBe('Steward service needs an update');
    expect(shown.detail).toContain('API 1');
    expect(shown.detail).toContain('API 2');
  });

  it('keeps working with a newer service and says the extension can be updated', () => {
    const shown = present(running('idle', 3), 2, t);
    expect(shown.title).toBe('Steward is idle');
    expect(shown.detail).toContain('update the extension');
  });

  it('translates through the given gettext', () => {
    expect(present({ running: false }, 1, { ...t, _: (text) => `«${text}»` }).title).toBe(
      '«Steward service is not running»',
    );
  });

  it('compares API revisions', () => {
    expect(compatibility(1, 1)).toBe('compatible');
    expect(compatibility(1, 2)).toBe('service-older');
    expect(compatibility(2, 1)).toBe('service-newer');
  });

  describe('with the engine and what waits for the user', () => {
    const activity = (changes: Partial<typeof NO_ACTIVITY>) => ({ ...NO_ACTIVITY, ...changes });

    it('counts what waits in the attention title, and says it once', () => {
      const shown = present(
        running('attention', 1, 'A problem needs attention.'),
        1,
        t,
        activity({ openProposals: 1, activeFindings: 1 }),
      );
      // The menu lists what waits below: the service's reason would say the same a second time.
      expect(shown).toEqual(
        jasmine.objectContaining({
          iconName: 'steward-attention-symbolic',
          title: '1 problem needs your attention',
          detail: '',
          animate: false,
        }),
      );
      expect(present(running('idle'), 1, t, activity({ openProposals: 2, activeFindings: 3 })).title).toBe(
        '3 problems need your attention',
      );
      expect(present(running('attention'), 1, t).title).toBe('Steward needs your attention');
    });

    it('pulses the icon while a model loads or Steward works', () => {
      expect(present(running('idle'), 1, t, activity({ engineState: 'loading' }))).toEqual(
        jasmine.objectContaining({
          iconName: 'steward-thinking-symbolic',
          title: 'Steward is loading a model',
          animate: true,
        }),
      );
      expect(present(running('busy'), 1, t)).toEqual(
        jasmine.objectContaining({ iconName: 'steward-thinking-symbolic', animate: true }),
      );
      expect(present(running('idle'), 1, t).animate).toBeFalse();
    });

    it('says when Steward is paused, before anything else but its own problems', () => {
      expect(present(running('attention'), 1, t, activity({ paused: true, openProposals: 1 }))).toEqual(
        jasmine.objectContaining({ iconName: 'steward-paused-symbolic', title: 'Steward is paused' }),
      );
      expect(present(running('degraded', 1, 'Config is broken.'), 1, t, activity({ paused: true })).title).toBe(
        'Steward is running with problems',
      );
      expect(present({ running: false }, 1, t, activity({ paused: true })).iconName).toBe('steward-offline-symbolic');
    });

    it('describes the engine: model, backend and video memory', () => {
      expect(
        engineSummary(
          {
            state: 'ready',
            location: 'local',
            model: '/models/qwen2.5-3b.gguf',
            backend: 'cuda',
            'vram-used': 2 * 1024 ** 3,
            'vram-total': 8 * 1024 ** 3,
          },
          _,
        ),
      ).toBe('qwen2.5-3b.gguf · CUDA · 2.1 GB of 8.6 GB video memory');
      expect(engineSummary({ state: 'unloaded', location: 'local', model: 'tiny.gguf' }, _)).toBe(
        'tiny.gguf · not loaded',
      );
      expect(engineSummary({ state: 'ready', location: 'remote', model: 'gpt-x' }, _)).toBe('gpt-x · remote');
      expect(engineSummary({ state: 'unconfigured', model: '' }, _)).toBe('No model is set up');
    });

    it('offers to unload only a local model that is in memory', () => {
      expect(modelIsLoaded({ state: 'ready', location: 'local', model: 'tiny.gguf', backend: 'cpu' })).toBeTrue();
      expect(modelIsLoaded({ state: 'unloaded', location: 'local', model: 'tiny.gguf' })).toBeFalse();
      expect(modelIsLoaded({ state: 'loading', location: 'local', model: 'tiny.gguf' })).toBeFalse();
      expect(modelIsLoaded({ state: 'ready', location: 'remote', model: 'gpt-x' })).toBeFalse();
      expect(modelIsLoaded(null)).toBeFalse();
    });
  });
});

describe('the menu’s documentation line', () => {
  it('shows the first indexing’s progress from the docs-* keys of GetStatus', () => {
    expect(docsSummary({ 'docs-state': 'indexing', 'docs-done': 120, 'docs-total': 480 }, _)).toBe(
      'Reading the documentation: 120 of 480 files (25%)',
    );
    expect(docsSummary({ 'docs-state': 'indexing', 'docs-done': 0, 'docs-total': 0 }, _)).toBe(
      'Reading the documentation: 0 of 0 files (0%)',
    );
  });

  it('says when the index is waiting, failed or ready, and nothing for a service without one', () => {
    expect(docsSummary({ 'docs-state': 'waiting' }, _)).toBe(
      'The documentation index starts a minute after the service',
    );
    expect(docsSummary({ 'docs-state': 'failed' }, _)).toBe('The documentation index could not be updated');
    expect(docsSummary({ 'docs-state': 'ready', 'docs-passages': 5321 }, _)).toBe(
      'Documentation index ready (5321 passages)',
    );
    expect(docsSummary({ state: 'idle' }, _)).toBe('');
  });
});
