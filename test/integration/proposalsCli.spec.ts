// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later

import { CLI_SCRIPT, quietWatch, runCli, waitFor } from '../support/service.js';
import { fail } from '../support/systemdMock.js';
import { inTerminal } from '../support/terminal.js';
import { startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

// The real CLI against the real service, with systemd's user manager played
// by python3-dbusmock, from a failed unit to its fix and back.
describe('steward proposals, apply, undo, jobs and history', () => {
  let scenario: UnitScenario;

  const cli = (...args: string[]) =>
    runCli(args, { PATH: process.env.PATH, HOME: scenario.home.path, DBUS_SESSION_BUS_ADDRESS: scenario.bus.address });
  const json = async (...args: string[]) => {
    const result = await cli(...args, '--json');
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as Record<string, unknown>[];
  };

  beforeAll(async () => {
    scenario = await startUnitScenario(['backup.service'], async () => ({ watch: quietWatch({ units: true }) }));
  });

  afterAll(() => scenario.stop());

  it('prints the service’s message for unknown ids, without a stack trace', async () => {
    expect(await cli('proposals', 'show', '999')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'steward: there is no proposal 999\n',
    });
    expect(await cli('apply', '999', '--yes')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'steward: there is no proposal 999\n',
    });
    expect(await cli('proposals', 'show', 'abc')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'steward: “abc” is not a proposal id; “steward proposals” lists them\n“steward help proposals” shows how to use it.\n',
    });
    expect(await cli('findings', 'show', 'abc', '--json')).toEqual({
      code: 2,
      stdout: `${JSON.stringify({ error: { name: 'usage', message: '“abc” is not a finding id; “steward findings” lists them' } })}\n`,
      stderr: '',
    });
    const missing = await cli('findings', 'show', '999', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({
      error: { name: 'io.github.steward.Steward1.Error.NotFound', message: 'there is no finding 999' },
    });
    const unknownKind = await cli('findings', 'ignore', 'unit-faild');
    expect(unknownKind.code).toBe(1);
    expect(unknownKind.stderr).toMatch(
      /^steward: Steward reports no finding of the kind “unit-faild”; the kinds are: .*unit-failed/,
    );
    expect((await cli('findings', 'ignore', 'unit-failed', 'noisy.service')).stdout).toBe(
      'Ignoring unit-failed for noisy.service.\n',
    );
    expect((await cli('findings', 'unignore', 'unit-failed', 'noisy.service')).code).toBe(0);
    const typo = await cli('porposals');
    expect(typo).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'steward: there is no command “porposals”; did you mean “proposals”?\n“steward help” lists the commands.\n',
    });
    const undo = await cli('undo', '999', '--yes');
    expect(undo.code).toBe(1);
    expect(undo.stderr).toMatch(/^steward: [^\n]*999\n$/);
    expect((await cli('history', '--limit', '0')).code).toBe(2);
  });

  // One story in order: nothing at first, then the failed unit's proposal, its job and its undo.
  it('proposes a restart for a failed unit, applies it only when told to, and undoes it', async () => {
    expect(await cli('proposals')).toEqual({ code: 0, stdout: 'No fixes are waiting.\n', stderr: '' });
    expect(await json('proposals', '--all')).toEqual([]);
    expect(await json('jobs')).toEqual([]);
    expect(await cli('jobs', '--undoable')).toEqual({ code: 0, stdout: 'Nothing can be undone.\n', stderr: '' });
    expect(Array.isArray(await json('history'))).toBeTrue();

    await fail(scenario.client, 'backup.service', { result: 'watchdog' });
    let proposal: Record<string, unknown> | undefined;
    await waitFor(async () => {
      proposal = (await json('proposals')).find((p) => p.subject === 'backup.service');
      return proposal !== undefined;
    }, 'a proposal for backup.service');
    const id = String(proposal?.id);
    const actions = (proposal?.actions as Record<string, unknown>[]).map((action) => action.name);
    expect(actions).toContain('systemd.restart_unit');

    const listed = await cli('proposals');
    expect(listed.stdout).toContain(`${id}  open       Restart backup.service\n`);
    expect(listed.stdout).toMatch(/ {8}systemd\.restart_unit +\w+ risk — Restart backup\.service\n/);

    // On a terminal the risk is coloured, unless NO_COLOR or --no-color says not to; piped it never is.
    const terminalEnv = {
      PATH: process.env.PATH,
      HOME: scenario.home.path,
      DBUS_SESSION_BUS_ADDRESS: scenario.bus.address,
    };
    const onTerminal = await inTerminal([process.execPath, CLI_SCRIPT, 'proposals'], terminalEnv);
    expect(onTerminal.output).toContain('\u001b[32mlow risk\u001b[39m');
    const noColor = await inTerminal([process.execPath, CLI_SCRIPT, 'proposals'], { ...terminalEnv, NO_COLOR: '1' });
    expect(noColor.output).toContain('low risk');
    expect(noColor.output).not.toContain('\u001b[');
    const flag = await inTerminal([process.execPath, CLI_SCRIPT, 'proposals', '--no-color'], terminalEnv);
    expect(flag.output).not.toContain('\u001b[');
    expect(listed.stdout).not.toContain('\u001b[');

    const shown = await cli('proposals', 'show', id);
    expect(shown.stdout).toContain('That can pass');
    expect(shown.stdout).toContain('  systemd.restart_unit: ');
    expect(shown.stdout).toContain("in your user's service manager");
    expect(shown.stdout).toMatch(new RegExp(`\\nApply it with: steward apply ${id}\\n$`));

    // Without a terminal to ask at, only --yes approves.
    const refused = await cli('apply', id, 'systemd.restart_unit');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes');
    expect(await json('jobs')).toEqual([]);

    const applied = await cli('apply', id, 'systemd.restart_unit', '--yes');
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('Restart backup.service');
    const job = /Started job (\d+)\./.exec(applied.stdout)?.[1] ?? '';
    expect(applied.stdout).toContain(`Job ${job} fixed: `);
    expect(applied.code).toBe(0);

    const [ran] = await json('jobs', '--undoable');
    expect(ran).toEqual(jasmine.objectContaining({ id: job, action: 'systemd.restart_unit', state: 'fixed' }));
    const history = await json('history', '--limit', '50');
    expect(history.map((record) => record.event)).toContain('approved');
    expect((await cli('history')).stdout).toMatch(
      new RegExp(` approved +#${id} +job ${job} +systemd\\.restart_unit +:`),
    );

    expect((await cli('undo', job)).code).toBe(2);
    const undone = await cli('undo', job, '--yes');
    expect(undone.stderr).toBe('');
    expect(undone.stdout).toMatch(new RegExp(`Job \\d+ undid job ${job}: `));
    expect(undone.stdout).not.toContain('steward undo');
    expect(undone.code).toBe(0);
  });
});
