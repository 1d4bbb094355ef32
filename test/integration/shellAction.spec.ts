// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// shell.run through real bubblewrap: what a command can see and do in the sandbox.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { ActionContext } from '../../service/src/fixes/action.js';
import { CUT_MARKER, shellRunAction, type ShellRunParams } from '../../service/src/fixes/actions/shell.js';
import { waitFor } from '../support/service.js';
import { homeContext, runOptions } from '../unit/fixes/actionContext.js';

const action = shellRunAction();

/** Whether a process with `marker` in its command line is alive. */
async function processWith(marker: string): Promise<boolean> {
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (command.split('\0').includes(marker)) return true;
  }
  return false;
}

describe('shell.run in a bubblewrap sandbox', () => {
  let root: string;
  let context: ActionContext;

  const run = (params: ShellRunParams, signal = new AbortController().signal) =>
    action.run(params, context, { ...runOptions(), signal });

  beforeAll(async () => {
    // Not under /tmp: the sandbox has an empty /tmp of its own, and the home must be visible in it.
    root = await mkdtemp('/var/tmp/steward-shell-');
    context = homeContext(join(root, 'home'));
    await mkdir(join(context.home, '.ssh'), { recursive: true });
    await writeFile(join(context.home, '.ssh', 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n');
    await writeFile(join(context.home, 'notes.txt'), 'visible notes\n');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('runs a diagnostic command and returns its output and exit code', async () => {
    const outcome = await run({ argv: ['df', '-P', '/'] });
    const [first, header, line] = outcome.summary.split('\n');
    expect(first).toBe('df -P / exited with 0');
    expect(header).toMatch(/^Filesystem +\d+-blocks/);
    expect(line).toMatch(/ \/$/);
    expect(outcome.undo).toEqual({ impossible: jasmine.any(String) });
    expect(await action.verify({ argv: ['df', '-P', '/'] }, context)).toEqual({
      ok: true,
      observed: 'df -P / exited with 0',
    });
  });

  it('starts in the home with a small fixed environment, and in another directory when asked', async () => {
    const environment = await run({ argv: ['env'] });
    expect(environment.summary.split('\n').slice(1).sort()).toEqual(
      [
        `HOME=${context.home}`,
        'LANG=C.UTF-8',
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        `PWD=${context.home}`,
        'TERM=dumb',
      ].sort(),
    );
    expect((await run({ argv: ['cat', 'notes.txt'] })).summary).toBe('cat notes.txt exited with 0\nvisible notes');
    expect((await run({ argv: ['pwd'], cwd: '/var/log' })).summary).toBe('pwd exited with 0\n/var/log');
  });

  it('cannot change the system or the home: the root is read-only', async () => {
    const system = await run({ argv: ['touch', '/etc/steward-test'] });
    expect(system.summary).toMatch(/^touch \/etc\/steward-test exited with 1\nstderr:\n.*Read-only file system/);
    expect(existsSync('/etc/steward-test')).toBeFalse();

    const home = await run({ argv: ['sh', '-c', 'echo changed > notes.txt; echo new > created.txt'] });
    expect(home.summary).toContain('Read-only file system');
    expect(await readFile(join(context.home, 'notes.txt'), 'utf8')).toBe('visible notes\n');
    expect(existsSync(join(context.home, 'created.txt'))).toBeFalse();

    const verification = await action.verify({ argv: ['touch', '/etc/steward-test'] }, context);
    expect(verification).toEqual({ ok: false, observed: 'touch /etc/steward-test exited with 1' });
  });

  it('has no network: a namespace of its own with only a loopback interface', async () => {
    // /proc/net shows the reader's network namespace (the /sys bound from the host would show the host's).
    const interfaces = await run({ argv: ['cat', '/proc/net/dev'] });
    const names = interfaces.summary
      .split('\n')
      .slice(3)
      .map((line) => line.trim().split(':')[0]);
    expect(names).toEqual(['lo']);
    const connect = await run({ argv: ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/80'] });
    expect(connect.summary).toMatch(
      /^bash -c .* exited with 1\nstderr:\n.*(Network is unreachable|Connection refused)/,
    );
  });

  it("does not show the user's key stores", async () => {
    const key = await run({ argv: ['cat', join(context.home, '.ssh', 'id_rsa')] });
    expect(key.summary).toContain('No such file or directory');
    expect(key.summary).not.toContain('secret');
    expect((await run({ argv: ['ls', '-A', join(context.home, '.ssh')] })).summary).toBe(
      `ls -A ${context.home}/.ssh exited with 0`,
    );
  });

  it('cuts output at 64 KB per stream, and says so', async () => {
    const outcome = await run({ argv: ['head', '-c', '1000000', '/dev/zero'] });
    expect(outcome.summary.endsWith(`\n${CUT_MARKER}`)).toBeTrue();
    expect(outcome.summary.length).toBeLessThan(70_000);
    const lines = await run({ argv: ['seq', '1', '100000'] });
    const shown = lines.summary.split('\n');
    expect(shown.at(-1)).toBe(CUT_MARKER);
    expect(shown.length).toBeLessThan(20_000);
  });

  it('stops a command at its time limit, and kills it', async () => {
    const quick = shellRunAction({ timeoutMs: 300 });
    const marker = '863.25';
    await expectAsync(quick.run({ argv: ['sleep', marker] }, context, runOptions())).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'Timeout' }),
    );
    await waitFor(async () => !(await processWith(marker)), 'the sandboxed sleep to end');
    expect(await processWith(marker)).toBeFalse();
  });

  it('stops a command when the executor aborts, and kills it', async () => {
    const controller = new AbortController();
    const marker = '864.25';
    const running = run({ argv: ['sleep', marker] }, controller.signal);
    await waitFor(() => processWith(marker), 'the sandboxed sleep to start');
    controller.abort(new Error('cancelled by the test'));
    await expectAsync(running).toBeRejectedWithError('cancelled by the test');
    await waitFor(async () => !(await processWith(marker)), 'the sandboxed sleep to end');
    expect(await processWith(marker)).toBeFalse();
  });
});
