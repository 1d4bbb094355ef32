// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';

import { chooseAction, exitCodeFor, finishedLines, progressLine } from '../../service/src/cli/apply.js';
import { EXIT_FAILURE, EXIT_NOT_AUTHORIZED, EXIT_NOT_FIXED } from '../../service/src/cli/exitCodes.js';
import { parseLimit } from '../../service/src/cli/proposals.js';
import {
  formatAction,
  formatHistory,
  formatJobs,
  formatProposal,
  formatProposals,
  humanBytes,
  unpack,
  when,
} from '../../service/src/cli/proposalsReport.js';
import { COLOURED } from '../../service/src/cli/terminal.js';

const showLogs = {
  name: 'info.show_logs',
  title: 'Show the logs',
  risk: 'low',
  'needs-authorization': false,
  'read-only': true,
  policy: 'auto',
  preview: 'The last lines of backup.service',
  details: ['journalctl --user -u backup.service'],
};
const restart = {
  name: 'systemd.restart_unit',
  title: 'Restart a unit',
  risk: 'medium',
  'needs-authorization': true,
  'read-only': false,
  policy: 'ask',
  preview: 'Restart backup.service',
  details: ['failed', "Restart it in the system's service manager"],
};
const proposal = {
  id: '7',
  'finding-id': '3',
  kind: 'unit-failed',
  subject: 'backup.service',
  title: 'Restart backup.service',
  explanation: 'It failed.',
  state: 'open',
  created: 1_700_000_000_000_000,
  actions: [showLogs, restart],
};

describe('steward proposals output', () => {
  it('unpacks nested variants, 64-bit numbers included', () => {
    const reply = {
      id: new Variant('s', '7'),
      actions: new Variant('aa{sv}', [{ name: new Variant('s', 'files.clear'), bytes: new Variant('t', 1536n) }]),
    };
    expect(unpack(reply)).toEqual({ id: '7', actions: [{ name: 'files.clear', bytes: 1536 }] });
  });

  it('gives sizes in decimal units, as GNOME and the service’s previews do', () => {
    expect(humanBytes(1)).toBe('1 byte');
    expect(humanBytes(999)).toBe('999 bytes');
    expect(humanBytes(1536)).toBe('1.5 kB');
    expect(humanBytes(300_000_000)).toBe('300 MB');
    expect(humanBytes(5_250_000_000)).toBe('5.3 GB');
  });

  it('lists each proposal with its actions, their risk, password and policy', () => {
    const blocked = { ...restart, policy: 'never', 'needs-authorization': false };
    expect(formatProposals([proposal, { ...proposal, id: '12', actions: [blocked] }], false)).toBe(
      '   7  open       Restart backup.service\n' +
        '        info.show_logs        low risk, read-only, applied automatically — The last lines of backup.service\n' +
        '        systemd.restart_unit  medium risk, needs your password — Restart backup.service\n' +
        '  12  open       Restart backup.service\n' +
        '        systemd.restart_unit  medium risk, blocked by your settings — Restart backup.service\n',
    );
    expect(formatProposals([], false)).toBe('No fixes are waiting.\n');
    expect(formatProposals([], true)).toBe('Steward has proposed nothing yet.\n');
  });

  it('shows a proposal with the exact effect of each action, its size and the evidence', () => {
    const clear = { ...showLogs, name: 'files.clear_cache', 'read-only': false, policy: 'ask', bytes: 3 * 2 ** 30 };
    const evidence = [{ time: 1_700_000_001_000_000, text: 'backup.service: exit code 3' }];
    expect(formatProposal({ ...proposal, actions: [restart, clear], evidence })).toBe(
      '   7  open       Restart backup.service\n' +
        `About: unit-failed backup.service (finding 3), proposed ${when(proposal.created)}\n` +
        '\nIt failed.\n\nActions:\n' +
        '  systemd.restart_unit: Restart a unit (medium risk, needs your password)\n' +
        '    Restart backup.service\n' +
        '      failed\n' +
        "      Restart it in the system's service manager\n" +
        '  files.clear_cache: Show the logs (low risk)\n' +
        '    The last lines of backup.service\n' +
        '      journalctl --user -u backup.service\n' +
        '      Size: 3.2 GB\n' +
        'Evidence:\n' +
        `  ${when(evidence[0]?.time)}  backup.service: exit code 3\n` +
        '\nApply one with: steward apply 7 ACTION (one of systemd.restart_unit, files.clear_cache)\n',
    );
    expect(formatProposal({ ...proposal, actions: [restart] })).toMatch(/\nApply it with: steward apply 7\n$/);
    expect(formatProposal({ ...proposal, state: 'applied', actions: [restart] })).not.toContain('steward apply');
  });

  it('colours risk and diffs only when given a colour style', () => {
    const config = {
      ...restart,
      risk: 'high',
      details: ['--- a/x.conf', '+++ b/x.conf', '@@ -1 +1 @@', '-old', '+new', ' same'],
    };
    const coloured = formatAction(config, '  ', COLOURED);
    expect(coloured).toContain('\u001b[31mhigh risk\u001b[39m');
    expect(coloured).toContain('    \u001b[31m-old\u001b[39m\n');
    expect(coloured).toContain('    \u001b[32m+new\u001b[39m\n');
    expect(coloured).toContain('     same\n');
    expect(formatAction(config)).not.toContain('\u001b');
  });

  it("says who reported a problem the system does not vouch for, and marks the model's words", () => {
    const claimed = {
      ...proposal,
      actions: [],
      'vouched-by': '',
      'reported-by': 'python3 (uid 1000)',
      origin: 'model',
      'explanation-by': 'model',
    };
    expect(formatProposal(claimed)).toBe(
      '   7  open       Restart backup.service\n' +
        `About: unit-failed backup.service (finding 3), proposed ${when(proposal.created)}\n` +
        'Reported by python3 (uid 1000); the system has not confirmed it. Review before applying.\n' +
        'Suggested by the model, not by a Steward playbook.\n' +
        '\nThe model says: It failed.\n\nActions:\n',
    );
  });

  it('lists jobs with what undoes them', () => {
    const job = {
      id: '4',
      action: 'systemd.restart_unit',
      subject: 'backup.service',
      state: 'fixed',
      summary: 'Restarted backup.service; it is active',
      'can-undo': true,
      undo: 'Stop backup.service',
      'undo-of': '',
      'undone-by': '',
      created: 1_700_000_000_000_000,
    };
    expect(formatJobs([job], false)).toBe(
      `   4  fixed           ${when(job.created)}  systemd.restart_unit backup.service: ` +
        'Restarted backup.service; it is active [can undo: Stop backup.service]\n',
    );
    expect(formatJobs([{ ...job, 'can-undo': false, 'undone-by': '5' }], false)).toContain('[undone by job 5]\n');
    expect(formatJobs([], true)).toBe('Nothing can be undone.\n');
  });

  it('writes the history as aligned columns with proposal and job ids, the caller last', () => {
    const records = [
      {
        time: 1_700_000_000_000_000,
        event: 'approved',
        'proposal-id': '7',
        'job-id': '',
        action: 'systemd.restart_unit',
        caller: ':1.5 (pid 42, steward)',
        result: '',
      },
      {
        time: 1_700_000_000_000_000,
        event: 'verified',
        'proposal-id': '7',
        'job-id': '12',
        action: 'systemd.restart_unit',
        caller: 'playbook',
        result: 'fixed',
      },
      {
        time: 1_700_000_000_000_000,
        event: 'proposed',
        'proposal-id': '10',
        'job-id': '',
        action: '',
        caller: 'playbook',
        result: 'open',
      },
    ];
    const time = when(records[0]!.time);
    expect(formatHistory(records)).toBe(
      `${time}  approved  #7           systemd.restart_unit         :1.5 (pid 42, steward)\n` +
        `${time}  verified  #7   job 12  systemd.restart_unit  fixed  playbook\n` +
        `${time}  proposed  #10          -                     open   playbook\n`,
    );
    expect(formatHistory(records, COLOURED)).toContain('\u001b[32mapproved\u001b[39m');
  });
});

describe('steward apply', () => {
  it('picks the only action that changes something, or the one named', () => {
    expect(chooseAction(proposal, undefined)).toBe(restart);
    expect(chooseAction(proposal, 'info.show_logs')).toBe(showLogs);
    expect(chooseAction(proposal, 'systemd.stop_unit')).toBe(
      'proposal 7 has no action “systemd.stop_unit”; it offers:\n' +
        '  info.show_logs: The last lines of backup.service\n' +
        '  systemd.restart_unit: Restart backup.service\n',
    );
    const two = { ...proposal, actions: [restart, { ...restart, name: 'systemd.stop_unit', preview: 'Stop it' }] };
    expect(chooseAction(two, undefined)).toMatch(/^proposal 7 offers several actions; name one:\n/);
  });

  it('prints progress and the end, and exits by the job’s state', () => {
    expect(progressLine(0.4, 'Restarting')).toBe('   40% Restarting\n');
    expect(progressLine(-1, 'Waiting for systemd')).toBe('  … Waiting for systemd\n');
    expect(finishedLines({ id: '4', state: 'fixed', summary: 'Active again', 'can-undo': true, undo: 'Stop it' })).toBe(
      'Job 4 fixed: Active again\nUndo it with: steward undo 4 (Stop it)\n',
    );
    expect(finishedLines({ id: '5', state: 'fixed', summary: 'Stopped it', 'can-undo': true, 'undo-of': '4' })).toBe(
      'Job 5 undid job 4: Stopped it\n',
    );
    expect(exitCodeFor('fixed')).toBe(0);
    expect(exitCodeFor('done')).toBe(0);
    expect(exitCodeFor('not-fixed')).toBe(EXIT_NOT_FIXED);
    expect(exitCodeFor('not-authorized')).toBe(EXIT_NOT_AUTHORIZED);
    expect(exitCodeFor('failed')).toBe(EXIT_FAILURE);
    expect(exitCodeFor('cancelled')).toBe(EXIT_FAILURE);
  });

  it('takes --limit from 1 to 10000', () => {
    expect(parseLimit(undefined)).toBeUndefined();
    expect(parseLimit('20')).toBe(20);
    for (const bad of ['0', '-1', '1.5', 'ten', '10001']) expect(typeof parseLimit(bad)).toBe('string');
  });
});
