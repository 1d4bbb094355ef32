// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type Config, configSchema } from '../../service/src/config.js';
import type { CallerIdentity } from '../../service/src/dbus/callerIdentity.js';
import type { StewardError } from '../../service/src/dbus/errors.js';
import { planConfigUpdate } from '../../service/src/settings/configFile.js';
import { parseProcessStat } from '../../service/src/settings/processStat.js';
import { isGnomeShell, ShellAgent } from '../../service/src/settings/shellAgent.js';
import { wideningChanges } from '../../service/src/settings/widening.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const config = (settings: unknown): Config => configSchema.parse(settings);
const widened = (before: unknown, after: unknown) =>
  wideningChanges(config(before), config(after)).map((change) => change.setting);
const REMOTE = { url: 'https://llm.example.org/v1', model: 'm' };

describe('wideningChanges', () => {
  it('finds the expert shell turned on, not off or kept', () => {
    expect(widened({}, { fixes: { expertShell: true } })).toEqual(['fixes.expertShell']);
    expect(widened({ fixes: { expertShell: true } }, { fixes: { expertShell: true } })).toEqual([]);
    expect(widened({ fixes: { expertShell: true } }, {})).toEqual([]);
  });

  it('finds each readable root added, even one below a root already listed, and not one taken away', () => {
    const [description] = wideningChanges(config({}), config({ assistant: { readableRoots: ['/etc', '/'] } })).map(
      (change) => change.description,
    );
    expect(description).toBe('let the assistant read files under “/”');
    expect(widened({}, { assistant: { readableRoots: ['/etc/ssl', '/srv'] } })).toEqual([
      'assistant.readableRoots',
      'assistant.readableRoots',
    ]);
    expect(
      widened({ assistant: { readableRoots: ['/etc', '/srv'] } }, { assistant: { readableRoots: ['/etc'] } }),
    ).toEqual([]);
    expect(widened({}, { assistant: { readableRoots: [] } })).toEqual([]);
  });

  it('finds each agent added to those that see tool results unredacted, not one taken away', () => {
    const [change] = wideningChanges(config({}), config({ assistant: { unredactedAgents: ['Zed'] } }));
    expect(change).toEqual({
      setting: 'assistant.unredactedAgents',
      description: 'stop taking secrets out of what the agent “Zed” sees',
    });
    expect(
      widened({ assistant: { unredactedAgents: ['Zed', 'Goose'] } }, { assistant: { unredactedAgents: ['Goose'] } }),
    ).toEqual([]);
  });

  it('finds a rule that becomes auto or a new auto rule, not ask or never', () => {
    expect(widened({}, { fixes: { policy: { 'files.clear_cache': 'auto' } } })).toEqual([
      'fixes.policy.files.clear_cache',
    ]);
    expect(
      widened(
        { fixes: { policy: { 'files.clear_cache': 'never' } } },
        { fixes: { policy: { 'files.clear_cache': 'auto' } } },
      ),
    ).toEqual(['fixes.policy.files.clear_cache']);
    expect(
      widened(
        { fixes: { policy: { 'files.clear_cache': 'auto' } } },
        { fixes: { policy: { 'files.clear_cache': 'ask' } } },
      ),
    ).toEqual([]);
    expect(widened({}, { fixes: { policy: { 'shell.run': 'never' } } })).toEqual([]);
  });

  it('finds a remote endpoint set or changed, the remote engine turned on, and an API key file named', () => {
    expect(widened({}, { inference: { remote: REMOTE } })).toEqual(['inference.remote.url']);
    expect(widened({ inference: { remote: REMOTE } }, { inference: { remote: { ...REMOTE, model: 'n' } } })).toEqual(
      [],
    );
    expect(
      widened({ inference: { remote: REMOTE } }, { inference: { remote: { ...REMOTE, url: 'http://10.0.0.1/v1' } } }),
    ).toEqual(['inference.remote.url']);
    expect(widened({ inference: { remote: REMOTE } }, { inference: { engine: 'remote', remote: REMOTE } })).toEqual([
      'inference.engine',
    ]);
    expect(widened({ inference: { engine: 'remote', remote: REMOTE } }, { inference: { remote: REMOTE } })).toEqual([]);
    const keyed = { ...REMOTE, apiKeyFile: '/home/u/.ssh/id_ed25519' };
    expect(widened({ inference: { remote: REMOTE } }, { inference: { remote: keyed } })).toEqual([
      'inference.remote.apiKeyFile',
    ]);
    expect(
      widened({ inference: { remote: keyed } }, { inference: { remote: { ...keyed, apiKeyFile: '/etc/shadow' } } }),
    ).toEqual(['inference.remote.apiKeyFile']);
    expect(
      widened(
        { inference: { remote: keyed } },
        { inference: { remote: { ...keyed, url: 'https://evil.example/v1' } } },
      ),
    )
      .withContext('the same key file sent to a new place')
      .toEqual(['inference.remote.url', 'inference.remote.apiKeyFile']);
    expect(widened({ inference: { remote: keyed } }, { inference: { remote: REMOTE } })).toEqual([]);
    expect(widened({ inference: { remote: keyed } }, {})).toEqual([]);
  });

  it('finds a watched file or journal directory added, and a redaction pattern taken away', () => {
    expect(widened({}, { watch: { files: { paths: ['/home/u/.ssh/config'] } } })).toEqual(['watch.files.paths']);
    expect(widened({ watch: { files: { paths: ['/etc/fstab'] } } }, {})).toEqual([]);
    expect(widened({}, { watch: { journal: { directories: ['/var/log/journal/remote'] } } })).toEqual([
      'watch.journal.directories',
    ]);
    expect(widened({ assistant: { redactPatterns: ['tok_[a-z]+'] } }, {})).toEqual(['assistant.redactPatterns']);
    expect(widened({}, { assistant: { redactPatterns: ['tok_[a-z]+'] } })).toEqual([]);
  });

  it('finds nothing in changes that keep trust', () => {
    expect(widened({}, { logLevel: 'debug', inference: { threads: 2 }, assistant: { maxToolCalls: 2 } })).toEqual([]);
  });
});

describe('planConfigUpdate', () => {
  let dir: TempDir;
  beforeEach(async () => (dir = await makeTempDir()));
  afterEach(() => dir.remove());

  it('counts a file that is not valid now as the defaults, so nothing in it is taken as granted', async () => {
    const file = join(dir.path, 'config.json');
    await writeFile(file, JSON.stringify({ fixes: { expertShell: true }, logLevel: 'loud' }));
    const plan = await planConfigUpdate(file, { logLevel: 'info' });
    expect(plan.before.fixes.expertShell).toBeFalse();
    expect(wideningChanges(plan.before, plan.after).map((change) => change.setting)).toEqual(['fixes.expertShell']);
  });
});

describe('parseProcessStat', () => {
  it('reads the controlling terminal and the start time after a command name with spaces and parentheses', () => {
    const line =
      '4242 (evil) (name) S 1 4242 4242 34817 4242 4194304 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 ' +
      '18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0';
    expect(parseProcessStat(line)).toEqual({ startTime: 987654n, ttyDevice: 34817 });
    expect(parseProcessStat('garbage')).toBeNull();
  });
});

describe('isGnomeShell', () => {
  const shell: CallerIdentity = {
    sender: ':1.7',
    pid: 1234,
    uid: 1000,
    executable: '/usr/bin/gnome-shell',
    securityLabel: null,
    sandboxedApp: null,
  };

  it("is the org.gnome.Shell owner's connection running the installed shell as the user", () => {
    expect(isGnomeShell(shell, ':1.7', 1000)).toBeTrue();
    expect(isGnomeShell({ ...shell, executable: '/usr/bin/gnome-shell (deleted)' }, ':1.7', 1000)).toBeTrue();
  });

  it('is not a connection that does not own the name, another user, a copy named gnome-shell, or a sandbox', () => {
    expect(isGnomeShell(shell, ':1.8', 1000)).toBeFalse();
    expect(isGnomeShell(shell, null, 1000)).toBeFalse();
    expect(isGnomeShell(shell, ':1.7', 1001)).toBeFalse();
    expect(isGnomeShell({ ...shell, executable: '/home/u/bin/gnome-shell' }, ':1.7', 1000)).toBeFalse();
    expect(isGnomeShell({ ...shell, executable: '/usr/bin/node' }, ':1.7', 1000)).toBeFalse();
    expect(isGnomeShell({ ...shell, executable: null }, ':1.7', 1000)).toBeFalse();
    expect(isGnomeShell({ ...shell, sandboxedApp: 'flatpak org.example.App' }, ':1.7', 1000)).toBeFalse();
  });
});

describe('ShellAgent requests', () => {
  const sent: [string, number, string, string[]][] = [];
  // With the agent's connection watched by the spec, ask() and answer() never touch the bus; register(), current()
  // and the watch do, and the integration specs cover them.
  // The answer's deadline is long where the spec answers, so that a busy machine does not end the request first.
  const agentAnswering = (answerTimeoutMs: number) =>
    new ShellAgent({
      bus: undefined as never,
      ownUid: 1000,
      request: (destination, id, caller, changes) => sent.push([destination, id, caller, changes]),
      answerTimeoutMs,
      watchAgent: async () => () => undefined,
    });

  it('go to the agent alone and take the answer from it alone', async () => {
    const agent = agentAnswering(600_000);
    const before = sent.length;
    const allowed = agent.ask(':1.7', '/usr/bin/python3 (pid 42)', ['turn on the expert shell']);
    await waitFor(() => sent.length > before, 'the request');
    const [destination, id, caller, changes] = sent.at(-1)!;
    expect([destination, caller, changes]).toEqual([':1.7', '/usr/bin/python3 (pid 42)', ['turn on the expert shell']]);
    expect(() => agent.answer(':1.8', id, true)).toThrowMatching(
      (error) => (error as StewardError).errorName === 'NotFound',
    );
    agent.answer(':1.7', id, true);
    expect(await allowed).toBeTrue();
    expect(() => agent.answer(':1.7', id, true))
      .withContext('answered once')
      .toThrow();
  });

  it('count as refused when unanswered in time', async () => {
    expect(await agentAnswering(50).ask(':1.7', 'gdbus', ['let the assistant read files under “/”'])).toBeFalse();
  });
});
