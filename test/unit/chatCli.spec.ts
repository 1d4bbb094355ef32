// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';

import { AnswerPrinter } from '../../service/src/cli/answerPrinter.js';
import { toolOptions } from '../../service/src/cli/chat.js';
import {
  COLOURED,
  type DoneEvent,
  doneJson,
  PLAIN,
  proposalCard,
  recentMessages,
  sessionList,
  toolStepJson,
  toolStepLine,
} from '../../service/src/cli/chatReport.js';
import { when } from '../../service/src/cli/proposalsReport.js';

const proposal = {
  id: '7',
  title: 'Clear the thumbnail cache',
  state: 'open',
  actions: [
    {
      name: 'files.clear_cache',
      title: 'Clear a cache',
      risk: 'low',
      'needs-authorization': false,
      'read-only': false,
      policy: 'ask',
      preview: 'Delete 1.2 GiB in ~/.cache/thumbnails',
    },
    {
      name: 'systemd.restart_unit',
      title: 'Restart a unit',
      risk: 'medium',
      'needs-authorization': true,
      'read-only': false,
      policy: 'ask',
      preview: 'Restart \u001b[31mtracker\u001b[0m.service',
    },
  ],
};

const step = (status: string, description = 'checking disk usage…') => ({
  stepId: 'step-1',
  tool: 'disk_usage',
  description,
  status,
});

describe('steward chat output', () => {
  it('shows a tool step as running, done or failed, without the running ellipsis', () => {
    expect(toolStepLine(step('running'))).toBe('  … checking disk usage');
    expect(toolStepLine(step('done'))).toBe('  ✓ checking disk usage');
    expect(toolStepLine(step('failed', 'reading the journal...'))).toBe('  ✗ reading the journal');
    expect(toolStepLine(step('done', 'status of \u001b]0;owned\u0007evil\nunit'))).toBe('  ✓ status of evil unit');
  });

  it('shows a proposal as a card with each action, its risk and preview, and the chat commands', () => {
    expect(proposalCard(proposal, PLAIN, 'chat')).toBe(
      'Proposal 7: Clear the thumbnail cache\n' +
        '  files.clear_cache (low risk): Delete 1.2 GiB in ~/.cache/thumbnails\n' +
        '  systemd.restart_unit (medium risk, needs your password): Restart tracker.service\n' +
        '  /apply 7  ·  /dismiss 7\n',
    );
  });

  it('points the shell to steward apply, and colours only when asked', () => {
    const shell = proposalCard(proposal, PLAIN, 'shell');
    expect(shell).toContain('steward apply 7');
    expect(shell).not.toContain('/dismiss');
    expect(shell).not.toContain('\u001b');
    const coloured = proposalCard(proposal, COLOURED, 'chat');
    expect(coloured).toContain('\u001b[1mProposal 7: Clear the thumbnail cache\u001b[22m');
    expect(coloured).toContain('\u001b[2m  /apply 7');
  });

  it('lists the conversations with the current one marked', () => {
    const updated = 1_763_769_600_000_000;
    const sessions = [
      { id: 'aaaa', title: 'Why is my disk full?', updated, messages: 4 },
      { id: 'bbbb', title: '', updated, messages: 1 },
    ];
    expect(sessionList(sessions, 'bbbb')).toBe(
      `  aaaa  ${when(updated)}  4 messages  Why is my disk full?\n` +
        `* bbbb  ${when(updated)}  1 message  (untitled)\n`,
    );
    expect(sessionList([], '')).toBe('No conversations yet.\n');
  });

  it('recalls the last few messages of a conversation, one line each', () => {
    const messages = [
      { role: 'user', text: 'first' },
      { role: 'assistant', text: 'old' },
      { role: 'user', text: 'Why is my disk full?' },
      { role: 'assistant', text: `Your cache:\n${'x'.repeat(400)}` },
      { role: 'user', text: 'Clear it' },
      { role: 'assistant', text: 'I propose clearing it.' },
    ];
    expect(recentMessages(messages, PLAIN)).toBe(
      'You: Why is my disk full?\n' +
        `Steward: Your cache: ${'x'.repeat(300 - 'Your cache: '.length - 1)}…\n` +
        'You: Clear it\n' +
        'Steward: I propose clearing it.\n',
    );
  });

  it('writes --json events with the proposals in full', () => {
    const done: DoneEvent = {
      session: 's-1',
      status: 'done',
      text: 'Done.',
      usage: { 'tool-calls': 1 },
      notice: '',
      error: '',
      message: '',
      proposalIds: ['7'],
    };
    expect(doneJson(done, [proposal])).toEqual({
      event: 'done',
      session: 's-1',
      status: 'done',
      text: 'Done.',
      usage: { 'tool-calls': 1 },
      notice: '',
      proposals: [proposal],
    });
    const failed = { ...done, status: 'failed', error: 'io.github.steward.Steward1.Error.Unavailable', message: 'x' };
    expect(doneJson(failed, [])).toEqual(jasmine.objectContaining({ error: failed.error, message: 'x' }));
    expect(toolStepJson(step('done'))).toEqual({
      event: 'tool-step',
      step: 'step-1',
      tool: 'disk_usage',
      description: 'checking disk usage…',
      status: 'done',
    });
  });

  it('turns --no-tools and --require-tool into Send options, refusing both at once', () => {
    expect(toolOptions({})).toEqual({});
    expect(toolOptions({ 'no-tools': true })).toEqual({ tools: new Variant('b', false) });
    expect(toolOptions({ 'require-tool': true })).toEqual({ 'tool-choice': new Variant('s', 'required') });
    expect(toolOptions({ 'no-tools': true, 'require-tool': true })).toContain('contradict');
  });
});

describe('the answer printer', () => {
  let screen: string;
  const printer = (live: boolean) =>
    new AnswerPrinter({ text: (t) => (screen += t), steps: (t) => (screen += t), shared: true, live });

  beforeEach(() => (screen = ''));

  it('prints only finished steps, each on its own line, when not on a terminal', () => {
    const print = printer(false);
    print.print({ kind: 'position', position: 2 });
    print.print({ kind: 'tool-step', ...step('running') });
    print.print({ kind: 'tool-step', ...step('done') });
    print.print({ kind: 'chunk', text: 'Your cache' });
    print.print({ kind: 'tool-step', ...step('failed', 'reading the journal…'), stepId: 'step-2' });
    print.print({ kind: 'chunk', text: ' is full.' });
    print.finish();
    expect(screen).toBe('  ✓ checking disk usage\nYour cache\n  ✗ reading the journal\n is full.\n');
  });

  it('replaces a running step in place on a terminal', () => {
    const print = printer(true);
    print.print({ kind: 'position', position: 1 });
    print.print({ kind: 'tool-step', ...step('running') });
    print.print({ kind: 'tool-step', ...step('done') });
    print.print({ kind: 'chunk', text: 'Full.\n' });
    print.finish();
    expect(screen).toBe(
      '  (waiting: 1 answer ahead)\r\u001b[K' +
        '  … checking disk usage\r\u001b[K' +
        '  ✓ checking disk usage\n' +
        'Full.\n',
    );
  });
});
