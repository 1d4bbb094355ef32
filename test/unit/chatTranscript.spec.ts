// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  acceleratorLabel,
  canTakeFromSwitcher,
  clashingAccelerators,
  conflictSentence,
  InputHistory,
  normalizeAccelerator,
  pullProgressText,
  splitBlocks,
  spokenText,
  switcherWithout,
  toolStepText,
} from '../../extension/src/shared/chatTranscript.js';

const _ = (text: string) => text;

describe('the quick chat transcript', () => {
  it('splits an answer into paragraphs and fenced code blocks', () => {
    const answer = [
      'Your disk is almost full.',
      'The cache is large.',
      '',
      'Clear it with:',
      '```bash',
      'rm -rf ~/.cache/thumbnails',
      '',
      'du -sh ~/.cache',
      '```',
      'Then check again.',
    ].join('\n');
    expect(splitBlocks(answer)).toEqual([
      { kind: 'text', text: 'Your disk is almost full.\nThe cache is large.' },
      { kind: 'text', text: 'Clear it with:' },
      { kind: 'code', language: 'bash', text: 'rm -rf ~/.cache/thumbnails\n\ndu -sh ~/.cache' },
      { kind: 'text', text: 'Then check again.' },
    ]);
  });

  it('shows a code block whose closing fence has not streamed in yet', () => {
    expect(splitBlocks('Run:\n```\nsystemctl --user restart steward')).toEqual([
      { kind: 'text', text: 'Run:' },
      { kind: 'code', language: '', text: 'systemctl --user restart steward' },
    ]);
  });

  it('gives nothing for empty or blank text', () => {
    expect(splitBlocks('')).toEqual([]);
    expect(splitBlocks('\n  \n')).toEqual([]);
  });

  it('keeps a fence with a language inside a code block as code', () => {
    expect(splitBlocks('```md\n```js\n```')).toEqual([{ kind: 'code', language: 'md', text: '```js' }]);
  });

  it('describes tool steps while they run and after', () => {
    expect(toolStepText('checking disk usage', 'running', _)).toBe('Checking disk usage…');
    expect(toolStepText('checking disk usage…', 'running', _)).toBe('Checking disk usage…');
    expect(toolStepText('checking disk usage…', 'done', _)).toBe('Checking disk usage');
    expect(toolStepText('reading the journal', 'failed', _)).toBe('Reading the journal (failed)');
    // A translation's ellipsis set apart stays while the step runs, and goes with its space after.
    expect(toolStepText('Speicherplatzbelegung wird geprüft …', 'running', _)).toBe(
      'Speicherplatzbelegung wird geprüft …',
    );
    expect(toolStepText('Speicherplatzbelegung wird geprüft …', 'done', _)).toBe('Speicherplatzbelegung wird geprüft');
  });

  it('writes download progress for people', () => {
    expect(pullProgressText(312_000_000, 1_100_000_000, _)).toBe('312.0 MB of 1.1 GB (28 %)');
    expect(pullProgressText(5_000, 0, _)).toBe('5.0 kB downloaded');
  });
});

describe('the quick chat input history', () => {
  it('goes back with Up and forward with Down, ending at the draft', () => {
    const history = new InputHistory();
    history.add('why is my disk full?');
    history.add('what failed at boot?');
    expect(history.previous('draft')).toBe('what failed at boot?');
    expect(history.previous('ignored')).toBe('why is my disk full?');
    expect(history.previous('ignored')).toBeNull();
    expect(history.next()).toBe('what failed at boot?');
    expect(history.next()).toBe('draft');
    expect(history.next()).toBeNull();
  });

  it('skips blank questions and repeats, keeps the newest up to its limit, and starts over after a question', () => {
    const history = new InputHistory(2);
    history.add('one');
    history.add('one');
    history.add('  ');
    history.add('two');
    history.add('three');
    expect(history.entries).toEqual(['two', 'three']);
    expect(history.previous('')).toBe('three');
    history.add('four');
    expect(history.previous('')).toBe('four');
  });

  it('has nothing to recall when empty', () => {
    const history = new InputHistory();
    expect(history.previous('x')).toBeNull();
    expect(history.next()).toBeNull();
  });
});

describe('the quick chat shortcut', () => {
  const defaults = { accelerators: ['<Super>space'], switchInputSource: ['<Super>space', 'XF86Keyboard'] };

  it('spells accelerators one way', () => {
    expect(normalizeAccelerator('<Super>space')).toBe(normalizeAccelerator('<Mod4>Space'));
    expect(normalizeAccelerator('<Shift><Control>a')).toBe(normalizeAccelerator('<Primary><Shift>A'));
    expect(normalizeAccelerator('<Super>space')).not.toBe(normalizeAccelerator('<Shift><Super>space'));
    const _ = (text: string) => text;
    expect(acceleratorLabel('<Super>space', _)).toBe('Super+Space');
    expect(acceleratorLabel('<Primary><Alt>k', _)).toBe('Ctrl+Alt+K');
    const german: Record<string, string> = { Ctrl: 'Strg', Space: 'Leertaste' };
    expect(acceleratorLabel('<Control>space', (text) => german[text] ?? text))
      .withContext("in German, the keys' German names")
      .toBe('Strg+Leertaste');
  });

  it('clashes with the input-source switcher whenever the switcher has the same keys', () => {
    expect(clashingAccelerators({ ...defaults, inputSources: 2 })).toEqual(['<Super>space']);
    expect(clashingAccelerators({ ...defaults, inputSources: 1 })).toEqual(['<Super>space']);
    expect(clashingAccelerators({ ...defaults, accelerators: ['<Super>space', '<Super>k'], inputSources: 0 })).toEqual([
      '<Super>space',
    ]);
  });

  it('offers to take the keys from the switcher only when there is nothing to switch', () => {
    expect(canTakeFromSwitcher({ ...defaults, inputSources: 1 })).toBeTrue();
    expect(canTakeFromSwitcher({ ...defaults, inputSources: 0 })).toBeTrue();
    expect(canTakeFromSwitcher({ ...defaults, inputSources: 2 })).toBeFalse();
    expect(canTakeFromSwitcher({ ...defaults, switchInputSource: ['XF86Keyboard'], inputSources: 1 })).toBeFalse();
    expect(switcherWithout({ ...defaults, accelerators: ['<Mod4>Space'], inputSources: 1 })).toEqual(['XF86Keyboard']);
  });

  it('does not clash with a different accelerator or a switcher bound elsewhere', () => {
    expect(clashingAccelerators({ ...defaults, accelerators: ['<Super><Alt>space'], inputSources: 3 })).toEqual([]);
    expect(clashingAccelerators({ ...defaults, switchInputSource: ['<Alt>Shift_L'], inputSources: 3 })).toEqual([]);
    expect(clashingAccelerators({ ...defaults, accelerators: [''], switchInputSource: [''], inputSources: 3 })).toEqual(
      [],
    );
  });

  it('explains a clash in a sentence, and has none to give without one', () => {
    expect(conflictSentence({ ...defaults, inputSources: 2 }, _)).toBe(
      'Super+Space switches between your input sources, so it does not open the quick chat. Choose another shortcut in the preferences.',
    );
    expect(conflictSentence({ ...defaults, inputSources: 1 }, _)).toBe(
      'Super+Space is also GNOME’s shortcut for switching input sources. Use it for Steward instead, or choose another shortcut in the preferences.',
    );
    expect(conflictSentence({ ...defaults, switchInputSource: [], inputSources: 2 }, _)).toBeNull();
  });

  it('points to the Change… button beside the shortcut in the preferences, not to the preferences', () => {
    expect(conflictSentence({ ...defaults, inputSources: 2 }, _, 'preferences')).toBe(
      'Super+Space switches between your input sources, so it does not open the quick chat. Choose another shortcut with “Change…”.',
    );
    expect(conflictSentence({ ...defaults, inputSources: 1 }, _, 'preferences')).toBe(
      'Super+Space is also GNOME’s shortcut for switching input sources. Use it for Steward instead, or choose another shortcut with “Change…”.',
    );
  });
});

describe('what is read aloud of an answer', () => {
  it('is its paragraphs without Markdown marks, and no code', () => {
    const answer =
      '## Disk\n\nYour **home** is `92%` full.\n\n```sh\ndu -sh ~\n```\n\n- See [the guide](https://example.org).';
    expect(spokenText(answer)).toBe('Disk\n\nYour home is 92% full.\n\nSee the guide.');
  });
});
