// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  answersItsProposal,
  detailLines,
  type Finding,
  findingFrom,
  headingOf,
  jobFrom,
  primaryAction,
  type Proposal,
  proposalFrom,
} from '../../extension/src/shared/model.js';
import {
  canApplyDirectly,
  Coalescer,
  LINE_BREAK,
  meetsLevel,
  type News,
  notificationFor,
  offersNewFix,
  oneLine,
  resultNotification,
  worthTelling,
} from '../../extension/src/shell/notificationPolicy.js';

const translations = {
  _: (text: string) => text,
  ngettext: (singular: string, plural: string, n: number) => (n === 1 ? singular : plural),
};

const restart = (risk = 'low', trust: Record<string, unknown> = {}): Proposal =>
  proposalFrom({
    'one-click': true,
    'vouched-by': 'system-manager',
    'reported-by': 'systemd',
    'explanation-by': 'steward',
    ...trust,
    id: '7',
    'finding-id': '3',
    kind: 'unit-failed',
    subject: 'backup.service',
    title: 'Restart backup.service',
    explanation: 'backup.service stopped with exit code 3. Restarting it usually helps.\nMore text.',
    state: 'open',
    actions: [
      {
        name: 'info.show_logs',
        title: 'Show its logs',
        risk: 'low',
        'read-only': true,
        preview: 'Shows logs',
        details: [],
      },
      {
        name: 'systemd.restart_unit',
        title: 'Restart the unit',
        risk,
        'read-only': false,
        preview: 'Restarts backup.service',
        label: 'Restarts backup.service',
        details: ['systemctl --user restart backup.service'],
      },
    ],
  });

const finding = (id: string, severity: string, title = `problem ${id}`): Finding =>
  findingFrom({ id, severity, title, explanation: '' });

const proposalNews = (proposal: Proposal, severity: Finding['severity'] = 'error'): News => ({
  kind: 'proposal',
  proposal,
  severity,
});
const findingNews = (f: Finding): News => ({ kind: 'finding', finding: f });

describe('notification policy', () => {
  describe('a proposal that changed', () => {
    const logsOnly = (): Proposal => {
      const full = restart();
      return { ...full, title: 'See why backup.service failed', actions: full.actions.slice(0, 1) };
    };

    it('is news when a repair let it offer a fix it held back', () => {
      expect(offersNewFix(logsOnly(), restart())).toBeTrue();
    });

    it('is not news when only its words changed, a read-only step came, or it no longer waits', () => {
      const reworded = { ...restart(), explanation: 'The model says more.' };
      expect(offersNewFix(restart(), reworded)).toBeFalse();
      const moreReading = {
        ...logsOnly(),
        actions: [...logsOnly().actions, { ...logsOnly().actions[0]!, name: 'info.unit_status' }],
      };
      expect(offersNewFix(logsOnly(), moreReading)).toBeFalse();
      expect(offersNewFix(logsOnly(), { ...restart(), state: 'applying' })).toBeFalse();
    });
  });

  describe('reading the D-Bus dictionaries', () => {
    it('reads a proposal with its actions, and picks the action that changes something', () => {
      const proposal = restart();
      expect(proposal).toEqual(
        jasmine.objectContaining({ id: '7', findingId: '3', title: 'Restart backup.service', state: 'open' }),
      );
      expect(primaryAction(proposal)?.name).toBe('systemd.restart_unit');
      expect(primaryAction(proposal)?.details).toEqual(['systemctl --user restart backup.service']);
    });

    it('treats an unknown risk as high and an unknown severity as a warning', () => {
      const proposal = proposalFrom({ id: '1', actions: [{ name: 'x', risk: 'weird' }] });
      expect(primaryAction(proposal)?.risk).toBe('high');
      expect(findingFrom({ id: '1', severity: 'dreadful' }).severity).toBe('warning');
    });

    it('reads a job', () => {
      expect(
        jobFrom({
          id: '4',
          'proposal-id': '7',
          state: 'fixed',
          summary: 'Restarted x',
          'can-undo': true,
          action: 'systemd.restart_unit',
          'undo-of': '2',
        }),
      ).toEqual({
        id: '4',
        proposalId: '7',
        state: 'fixed',
        summary: 'Restarted x',
        canUndo: true,
        action: 'systemd.restart_unit',
        undoOf: '2',
      });
    });
  });

  it('offers Apply only for low-risk fixes', () => {
    expect(canApplyDirectly(restart('low'))).toBeTrue();
    expect(canApplyDirectly(restart('medium'))).toBeFalse();
    expect(canApplyDirectly(restart('high'))).toBeFalse();
    expect(canApplyDirectly(proposalFrom({ id: '1', actions: [] }))).toBeFalse();
  });

  it('offers Review, never Apply, for what only a program says or what the model suggested', () => {
    const claimed = restart('low', { 'one-click': false, 'vouched-by': '', 'reported-by': 'python3 (uid 1000)' });
    expect(canApplyDirectly(claimed)).toBeFalse();
    expect(notificationFor([proposalNews(claimed)], translations)).toEqual(
      jasmine.objectContaining({
        body: 'Reported by python3 (uid 1000); the system has not confirmed it.',
        buttons: ['review', 'dismiss'],
      }),
    );
    // An older service names no origin: nothing from it is applied in one click.
    expect(canApplyDirectly(proposalFrom({ id: '1', actions: [{ name: 'x', risk: 'low' }] }))).toBeFalse();
  });

  it("shows the model's explanation as the model's", () => {
    const explained = restart('low', { 'explanation-by': 'model' });
    expect(notificationFor([proposalNews(explained)], translations).body).toBe(
      'The model says: backup.service stopped with exit code 3.',
    );
  });

  it('compares severities with the user’s level', () => {
    expect(meetsLevel('info', 'all')).toBeTrue();
    expect(meetsLevel('info', 'warnings')).toBeFalse();
    expect(meetsLevel('warning', 'warnings')).toBeTrue();
    expect(meetsLevel('warning', 'errors')).toBeFalse();
    expect(meetsLevel('critical', 'errors')).toBeTrue();
    expect(meetsLevel('critical', 'none')).toBeFalse();
  });

  it('tells a finding with a proposal through the proposal, and drops what is below the level', () => {
    const kept = worthTelling(
      [findingNews(finding('3', 'error')), proposalNews(restart()), findingNews(finding('9', 'info'))],
      'warnings',
    );
    expect(kept.map((news) => news.kind)).toEqual(['proposal']);
    expect(worthTelling([proposalNews(restart(), 'error')], 'none')).toEqual([]);
  });

  describe('texts', () => {
    it('gives one proposal its title, one line of explanation, a button named by the change, and Dismiss', () => {
      expect(notificationFor([proposalNews(restart())], translations)).toEqual({
        title: 'Restart backup.service',
        body: 'backup.service stopped with exit code 3.',
        urgency: 'high',
        buttons: ['apply', 'dismiss'],
        applyLabel: 'Restarts backup.service',
      });
    });

    it('shows what the reading steps found, and offers Details, not Apply, when no step changes anything', () => {
      const full = restart();
      const logs = { ...full.actions[0]!, shown: true, answer: 'exit code 3\nline two' };
      const readingOnly = { ...full, title: 'See why backup.service failed', actions: [logs] };
      expect(primaryAction(readingOnly)).toBeUndefined();
      // The answer's first line says what the step found; the rest is for Details.
      expect(notificationFor([proposalNews(readingOnly)], translations)).toEqual({
        title: 'See why backup.service failed',
        body: ['backup.service stopped with exit code 3.', 'exit code 3'].join(LINE_BREAK),
        urgency: 'high',
        buttons: ['details', 'dismiss'],
      });
      const withRestart = { ...full, actions: [logs, full.actions[1]!] };
      expect(notificationFor([proposalNews(withRestart)], translations)).toEqual(
        jasmine.objectContaining({ buttons: ['apply', 'dismiss'], applyLabel: 'Restarts backup.service' }),
      );
    });

    it('leaves out of the body what the heading or the button already says, whatever its case', () => {
      const stopped = 'Printer GymOffice is stopped: Toner being replaced: back at noon';
      const full = restart();
      const queue = { ...full.actions[0]!, shown: true, answer: `${stopped}\nCUPS’s reasons: paused` };
      const resume = { ...full.actions[1]!, preview: 'Resume Printer GymOffice', label: 'Resume Printer GymOffice' };
      const proposal = { ...full, title: 'Resume printer GymOffice', actions: [queue, resume] };
      const news: News = {
        kind: 'proposal',
        proposal,
        severity: 'warning',
        finding: { ...finding('1', 'warning'), title: stopped },
      };
      const text = notificationFor([news], translations);
      expect(text.title).toBe(stopped);
      expect(text.applyLabel).toBe('Resume Printer GymOffice');
      expect(text.body.split(LINE_BREAK)).toEqual(['backup.service stopped with exit code 3.']);
    });

    it('tells a step that ran as its proposal was shown in that proposal, not in a notification of its own', () => {
      const full = restart();
      const logs = { ...full.actions[0]!, shown: true, answer: 'exit code 3' };
      const shown = { ...full, actions: [logs, full.actions[1]!] };
      const job = (action: string, state = 'done') =>
        jobFrom({ id: '7', 'proposal-id': shown.id, state, summary: 'x', action });
      expect(answersItsProposal(job(logs.name), [shown])).toBeTrue();
      expect(answersItsProposal(job(logs.name, 'failed'), [shown]))
        .withContext('a failure is told')
        .toBeFalse();
      expect(answersItsProposal(job(full.actions[1]!.name), [shown]))
        .withContext('the pressed step')
        .toBeFalse();
      expect(answersItsProposal(job(logs.name), []))
        .withContext('a proposal no longer waiting')
        .toBeFalse();
    });

    it('keeps a checker that runs a program of the machine behind a button named by what it runs', () => {
      const check = proposalFrom({
        id: '8',
        'one-click': true,
        'vouched-by': 'system-manager',
        actions: [
          { name: 'info.show_logs', risk: 'low', 'read-only': true, shown: true, answer: 'bad line 3' },
          {
            name: 'config.validate',
            risk: 'low',
            'read-only': true,
            shown: false,
            preview: 'Run nginx -t',
            label: 'Run nginx -t',
          },
        ],
      });
      expect(primaryAction(check)?.name).toBe('config.validate');
      expect(notificationFor([proposalNews(check)], translations).applyLabel).toBe('Run nginx -t');
    });

    it('asks for a review of a medium- or high-risk fix', () => {
      expect(notificationFor([proposalNews(restart('medium'))], translations).buttons).toEqual(['review', 'dismiss']);
    });

    it('takes the urgency from the severity', () => {
      const urgency = (severity: Finding['severity']) =>
        notificationFor([findingNews(finding('1', severity))], translations).urgency;
      expect(['info', 'warning', 'error', 'critical'].map((s) => urgency(s as Finding['severity']))).toEqual([
        'low',
        'normal',
        'high',
        'critical',
      ]);
    });

    it('says how many for a burst, with the most severe urgency', () => {
      const text = notificationFor(
        [findingNews(finding('1', 'warning', 'Disk almost full')), proposalNews(restart(), 'critical')],
        translations,
      );
      expect(text.title).toBe('Steward found 2 problems');
      expect(text.body).toBe(['Disk almost full', 'Restart backup.service'].join(LINE_BREAK));
      expect(text.urgency).toBe('critical');
      expect(text.buttons).toEqual(['open', 'dismiss']);
      expect(
        notificationFor([findingNews(finding('1', 'warning')), findingNews(finding('2', 'error'))], translations).title,
      ).toBe('2 new problems');
    });

    it('lists at most three of a burst, a line each, and how many more', () => {
      const many = ['1', '2', '3', '4', '5'].map((id) => findingNews(finding(id, 'error')));
      expect(notificationFor(many, translations).body.split(LINE_BREAK)).toEqual([
        'problem 1',
        'problem 2',
        'and 3 more',
      ]);
    });

    it('tells a proposal that waits in a burst as it is when the burst ends', () => {
      const coalescer = new Coalescer<News>(1000, 0);
      coalescer.add(proposalNews(restart()), 0);
      coalescer.add(findingNews(finding('9', 'error')), 10);
      const answered = { ...restart(), title: 'Answered' };
      coalescer.update((news) => (news.kind === 'proposal' ? { ...news, proposal: answered } : news));
      const [first, second] = coalescer.flush(1000);
      expect(first?.kind === 'proposal' && first.proposal.title).toBe('Answered');
      expect(second?.kind).toBe('finding');
    });

    it('is the finding in one sentence, then at most three short lines, each a line of its own on screen', () => {
      const full = restart();
      const logs = {
        ...full.actions[0]!,
        shown: true,
        answer: [
          'At 9:26:59 PM, backup.service’s log says its program ended with an error.',
          '1 line of backup.service’s log',
          "9:26:59 PM backup.service: Failed with result 'exit-code'.",
        ].join('\n'),
      };
      const readingOnly = {
        ...full,
        title: 'See why backup.service failed',
        explanation: 'backup.service failed (exit code 3). It exited with an error of its own. More on it.',
        actions: [logs, { ...logs, name: 'info.unit_failure', answer: 'What systemd recorded of backup.service:\nx' }],
      };
      const news: News = {
        ...proposalNews(readingOnly),
        finding: finding('3', 'error', 'backup.service failed (exit code 3)'),
      };
      const text = notificationFor([news], translations);
      expect(text.title).toBe('backup.service failed (exit code 3)');
      // GNOME Shell turns "\n" into a space in a banner: LINE_BREAK is a line break it keeps.
      expect(text.body).not.toContain('\n');
      expect(text.body.split(LINE_BREAK)).toEqual([
        'It exited with an error of its own.',
        'At 9:26:59 PM, backup.service’s log says its program ended with an error.',
        'What systemd recorded of backup.service',
      ]);
      expect(text.body).withContext("systemd's words are for Details").not.toContain('exit-code');
      expect(text.body).not.toMatch(/\d{4}-\d\d-\d\dT/);
    });

    it('adds the proposal’s own title where it says why the change may help now, not for a step that only looks', () => {
      const freed = { ...restart(), title: 'Restart backup.service: port 80 is free now' };
      const failed = finding('3', 'error', 'backup.service failed');
      const news: News = { kind: 'proposal', proposal: freed, severity: 'error', finding: failed };
      expect(notificationFor([news], translations).body.split(LINE_BREAK)).toEqual([
        'backup.service stopped with exit code 3.',
        'Restart backup.service: port 80 is free now',
      ]);
      const looking = { ...freed, title: 'See why backup.service failed', actions: freed.actions.slice(0, 1) };
      const looked: News = { kind: 'proposal', proposal: looking, severity: 'error', finding: failed };
      expect(notificationFor([looked], translations).body).not.toContain('See why');
    });

    it("does not call the person's own request in the chat an unconfirmed report", () => {
      const asked = restart('low', { origin: 'chat', 'vouched-by': '', 'reported-by': 'chat', 'one-click': false });
      const { body } = notificationFor([proposalNews(asked)], translations);
      expect(body).toBe('You asked for this in the quick chat.');
      expect(body).not.toContain('chat;');
      // Another program's request is no report either: its title names it, and its reason is the model's words.
      const agent = restart('low', {
        origin: 'agent',
        'vouched-by': '',
        'reported-by': 'claude (uid 1000)',
        'explanation-by': 'model',
      });
      expect(notificationFor([proposalNews(agent)], translations).body).toBe(
        'The model says: backup.service stopped with exit code 3.',
      );
    });

    it('heads a proposal by its finding, or by the kind of change when its title only repeats the button', () => {
      const free = proposalFrom({
        id: '9',
        title: 'Free 2.1 MB in ~/.cache/thumbnails',
        actions: [{ name: 'files.clear_cache', title: 'Clear caches', preview: 'Free 2.1 MB in ~/.cache/thumbnails' }],
      });
      expect(headingOf(free)).toBe('Clear caches');
      expect(headingOf(restart())).toBe('Restart backup.service');
      expect(headingOf(restart(), finding('3', 'error', 'backup.service failed'))).toBe('backup.service failed');
    });

    it('keeps a single line short', () => {
      expect(oneLine('First. Second.')).toBe('First.');
      expect(oneLine('\n\nno full stop here')).toBe('no full stop here');
      expect(oneLine('x'.repeat(300), 20)).toBe(`${'x'.repeat(19)}…`);
    });

    it('reports a job’s result, with Undo for a fix that can be undone', () => {
      const job = {
        id: '4',
        proposalId: '7',
        summary: 'Restarted backup.service. backup.service is active',
        canUndo: true,
        action: 'systemd.restart_unit',
        undoOf: '',
      };
      expect(resultNotification({ ...job, state: 'fixed' }, translations)).toEqual({
        title: 'Fixed: Restarted backup.service',
        body: 'backup.service is active',
        urgency: 'normal',
        buttons: ['undo'],
      });
      expect(resultNotification({ ...job, state: 'not-fixed', summary: 'It failed again' }, translations)).toEqual(
        jasmine.objectContaining({ title: 'Not fixed: It failed again', urgency: 'high', buttons: [] }),
      );
      expect(resultNotification({ ...job, state: 'failed', summary: 'boom' }, translations).title).toBe('Failed: boom');
    });

    it('says an Undo that ran undid, even where the problem it had fixed is back', () => {
      const undo = {
        id: '9',
        proposalId: '7',
        summary: 'The extension Gym Weather is turned on; The extension Gym Weather is not running (failed)',
        canUndo: true,
        action: 'extensions.turn_on',
        undoOf: '4',
      };
      expect(resultNotification({ ...undo, state: 'not-fixed' }, translations)).toEqual({
        title: 'Undone: The extension Gym Weather is turned on; The extension Gym Weather is not running (failed)',
        body: '',
        urgency: 'normal',
        buttons: [],
      });
      expect(resultNotification({ ...undo, state: 'fixed' }, translations).title).toMatch(/^Undone: /);
      expect(resultNotification({ ...undo, state: 'failed', summary: 'boom' }, translations)).toEqual(
        jasmine.objectContaining({ title: 'Failed: boom', urgency: 'high' }),
      );
    });

    it('offers Keep for a NixOS switch that waits for confirmation, and not for its Undo', () => {
      const job = {
        id: '5',
        proposalId: '8',
        summary: 'Add blender',
        canUndo: true,
        action: 'nixos.add_package',
        undoOf: '',
      };
      expect(resultNotification({ ...job, state: 'fixed' }, translations)).toEqual({
        title: 'Keep the new NixOS configuration?',
        body: 'Add blender',
        urgency: 'high',
        buttons: ['keep', 'undo'],
      });
      expect(resultNotification({ ...job, state: 'failed' }, translations).buttons).toEqual([]);
      const undo = { ...job, action: 'nixos.rollback', canUndo: false, state: 'fixed' };
      expect(resultNotification(undo, translations).buttons).toEqual([]);
    });
  });

  describe('coalescing', () => {
    it('waits a short window for the rest of a burst, then hands it over at once', () => {
      const coalescer = new Coalescer<string>(1000, 20_000);
      expect(coalescer.add('a', 0)).toBe(1000);
      expect(coalescer.add('b', 200)).toBeNull();
      expect(coalescer.add('c', 900)).toBeNull();
      expect(coalescer.flush(1000)).toEqual(['a', 'b', 'c']);
      expect(coalescer.flush(1001)).toEqual([]);
    });

    it('keeps bursts at least the minimum interval apart', () => {
      const coalescer = new Coalescer<string>(1000, 20_000);
      coalescer.add('a', 0);
      coalescer.flush(1000);
      expect(coalescer.add('b', 5000)).toBe(16_000);
      expect(coalescer.add('c', 6000)).toBeNull();
      expect(coalescer.flush(21_000)).toEqual(['b', 'c']);
      expect(coalescer.add('d', 60_000)).toBe(1000);
    });
  });
});

describe('a proposal’s Details in the menu', () => {
  it('says each line once, and not the button’s words again', () => {
    const stopped = 'Printer Office is stopped: Toner being replaced';
    expect(
      detailLines(
        [
          `Show a printer’s queue and why it is stopped:\n${stopped}\nNo jobs wait in it`,
          stopped,
          'CUPS sends the jobs it holds for it again.',
          'Runs: Resume a stopped printer',
        ],
        'Resume Printer Office',
      ),
    ).toEqual([
      'Show a printer’s queue and why it is stopped:',
      stopped,
      'No jobs wait in it',
      'CUPS sends the jobs it holds for it again.',
      'Runs: Resume a stopped printer',
    ]);
    expect(
      detailLines(
        ['Unmute Test speaker', 'Test speaker is muted', '', 'Runs: Unmute a sound output'],
        'Unmute Test speaker',
      ),
    ).toEqual(['Test speaker is muted', 'Runs: Unmute a sound output']);
  });
});
