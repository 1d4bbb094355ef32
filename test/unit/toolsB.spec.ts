// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { readFileBounded, resolvePath } from '../../service/src/assistant/live/files.js';
import type {
  AuditSummary,
  FindingSummary,
  JournalLine,
  JournalQuery,
  Machine,
  PackageInfo,
  ProposalSummary,
  UnitStatus,
} from '../../service/src/assistant/machine.js';
import type { AssistantTool, ProposalSink, ToolContext } from '../../service/src/assistant/tool.js';
import { toolSpec } from '../../service/src/assistant/toolLoop.js';
import { readFileTool, secretReason } from '../../service/src/assistant/tools/files.js';
import { parseTime, searchJournalTool } from '../../service/src/assistant/tools/journal.js';
import { packageStatusTool, searchPackagesTool } from '../../service/src/assistant/tools/packages.js';
import { auditHistoryTool, listFindingsTool, listProposalsTool } from '../../service/src/assistant/tools/steward.js';
import { unitStatusTool } from '../../service/src/assistant/tools/units.js';
import { stewardSecretPaths } from '../../service/src/secretPlaces.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

/** Local times, so that the expected text does not depend on the time zone the tests run in. */
const NOW = new Date(2026, 10, 21, 12, 30, 0);
const ERROR_AT = new Date(2026, 10, 21, 10, 2, 13);

const context = (machine: Partial<Machine>, readableRoots: string[] = []): ToolContext => ({
  machine: machine as Machine,
  proposals: {} as ProposalSink,
  signal: new AbortController().signal,
  readableRoots,
});

const call = (tool: AssistantTool, params: unknown, machine: Partial<Machine>, roots: string[] = []) =>
  tool.run(tool.params.parse(params), context(machine, roots));

const accepts = (tool: AssistantTool, params: unknown) => tool.params.safeParse(params).success;

const line = (message: string, extra: Partial<JournalLine> = {}): JournalLine => ({
  time: ERROR_AT,
  priority: 3,
  unit: 'bluetooth.service',
  identifier: 'bluetoothd',
  message,
  ...extra,
});

/** A fake journal that records the queries it is asked. */
function journal(lines: JournalLine[]) {
  const queries: JournalQuery[] = [];
  return { queries, journal: (query: JournalQuery) => (queries.push(query), Promise.resolve(lines)) };
}

describe('parseTime', () => {
  it('reads relative times back from now', () => {
    expect(parseTime('-2h', NOW)).toEqual(new Date(2026, 10, 21, 10, 30, 0));
    expect(parseTime('-30m', NOW)).toEqual(new Date(2026, 10, 21, 12, 0, 0));
    expect(parseTime('-1d', NOW)).toEqual(new Date(2026, 10, 20, 12, 30, 0));
  });

  it('reads today and yesterday as local midnights', () => {
    expect(parseTime('today', NOW)).toEqual(new Date(2026, 10, 21));
    expect(parseTime('yesterday', NOW)).toEqual(new Date(2026, 10, 20));
  });

  it('reads ISO dates as local times unless they name a zone', () => {
    expect(parseTime('2026-11-20', NOW)).toEqual(new Date(2026, 10, 20));
    expect(parseTime('2026-11-20T08:15', NOW)).toEqual(new Date(2026, 10, 20, 8, 15));
    expect(parseTime('2026-11-20 08:15:30', NOW)).toEqual(new Date(2026, 10, 20, 8, 15, 30));
    expect(parseTime('2026-11-20T08:15:00Z', NOW)).toEqual(new Date(Date.UTC(2026, 10, 20, 8, 15)));
    expect(parseTime('2026-11-20T08:15:00+02:00', NOW)).toEqual(new Date(Date.UTC(2026, 10, 20, 6, 15)));
  });

  it('names no time for anything else', () => {
    for (const text of ['', 'tomorrow', '2h', '-2x', '-2 h', '2026-02-31', '2026-13-01', '21.11.2026', 'now'])
      expect(parseTime(text, NOW)).withContext(text).toBeNull();
  });
});

describe('search_journal', () => {
  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate(NOW);
  });
  afterEach(() => jasmine.clock().uninstall());

  it('asks for warnings and worse, the newest 20, by default', async () => {
    const fake = journal([]);
    expect(await call(searchJournalTool, {}, fake)).toBe('No log lines match.');
    expect(fake.queries).toEqual([{ priority: 4, limit: 20 }]);
  });

  it('passes its filters as a journal query, with times read from now', async () => {
    const fake = journal([]);
    const params = { since: '-2h', until: 'today', priority: 'err', unit: 'cups.service', text: 'Failed', limit: 5 };
    await call(searchJournalTool, params, fake);
    expect(fake.queries).toEqual([
      {
        since: new Date(2026, 10, 21, 10, 30),
        until: new Date(2026, 10, 21),
        priority: 3,
        unit: 'cups.service',
        text: 'Failed',
        limit: 5,
      },
    ]);
  });

  it('writes one line per entry: time, priority, unit (else identifier) and message', async () => {
    const fake = journal([
      line('Failed to set mode'),
      line('Out of memory: killed process 4242', { priority: 0, unit: '', identifier: 'kernel' }),
    ]);
    expect(await call(searchJournalTool, {}, fake)).toBe(
      '2026-11-21 10:02:13 err bluetooth.service: Failed to set mode\n' +
        '2026-11-21 10:02:13 emerg kernel: Out of memory: killed process 4242',
    );
  });

  it('refuses parameters out of bounds', () => {
    expect(accepts(searchJournalTool, { since: 'tomorrow' })).toBeFalse();
    expect(accepts(searchJournalTool, { until: '2026-02-31' })).toBeFalse();
    expect(accepts(searchJournalTool, { priority: 'verbose' })).toBeFalse();
    expect(accepts(searchJournalTool, { unit: 'not a unit' })).toBeFalse();
    expect(accepts(searchJournalTool, { text: 'x'.repeat(201) })).toBeFalse();
    expect(accepts(searchJournalTool, { limit: 0 })).toBeFalse();
    expect(accepts(searchJournalTool, { limit: 51 })).toBeFalse();
    expect(accepts(searchJournalTool, { since: 'yesterday', priority: 'debug', limit: 50 })).toBeTrue();
  });

  it('describes for the model only the parameters whose names do not say enough', () => {
    // As the model is given them: a description costs prompt tokens on every question it is offered to.
    const { properties } = toolSpec(searchJournalTool).parameters as {
      properties: Record<string, { description?: string }>;
    };
    const described = Object.entries(properties).filter(([, property]) => property.description);
    expect(described.map(([name]) => name)).toEqual(['since', 'priority']);
    expect(properties.since!.description).toContain('"-2h"');
    expect(searchJournalTool.progress).toBe('searching the logs…');
  });
});

describe('unit_status', () => {
  const failed: UnitStatus = {
    name: 'backup.service',
    scope: 'system',
    description: 'Nightly backup',
    loadState: 'loaded',
    activeState: 'failed',
    subState: 'failed',
    result: 'exit-code',
    mainPid: 0,
    since: ERROR_AT,
  };

  it("shows the unit's state and its latest log lines", async () => {
    const fake = journal([line('backup.service: Failed with result exit-code.', { unit: 'backup.service' })]);
    const output = await call(unitStatusTool, { unit: 'backup.service' }, { ...fake, unit: async () => failed });
    expect(output).toBe(
      [
        'backup.service (system): Nightly backup',
        'state: failed (failed) since 2026-11-21 10:02:13',
        'loaded: loaded',
        'last result: exit-code',
        'Latest log lines:',
        '2026-11-21 10:02:13 err backup.service: backup.service: Failed with result exit-code.',
      ].join('\n'),
    );
    expect(fake.queries).toEqual([{ unit: 'backup.service', scope: 'system', limit: 10 }]);
  });

  it('names the system error its lines carry and the step that checks it here, from the causes module', async () => {
    const fake = journal([
      line("backup.service: OSError: [Errno 30] Read-only file system: '/srv/backup/db.dump'", {
        unit: 'backup.service',
      }),
    ]);
    const output = await call(unitStatusTool, { unit: 'backup.service' }, { ...fake, unit: async () => failed });
    expect(output.split('\n')[4]).toBe(
      'system error in its lines: EROFS (30, Read-only file system) about path /srv/backup/db.dump; checked here by ' +
        'info.path_mount {"path":"/srv/backup/db.dump"}',
    );
  });

  it('shows a running unit with its main process, and no log when asked for none', async () => {
    const fake = journal([]);
    const running = {
      ...failed,
      scope: 'user' as const,
      activeState: 'active',
      subState: 'running',
      result: 'success',
    };
    const machine = { ...fake, unit: async () => ({ ...running, mainPid: 4242, since: null }) };
    const output = await call(unitStatusTool, { unit: 'backup.service', scope: 'user', log_lines: 0 }, machine);
    expect(output).toBe(
      'backup.service (user): Nightly backup\nstate: active (running)\nloaded: loaded\nlast result: success\nmain process: 4242',
    );
    expect(fake.queries).toEqual([]);
  });

  it('says when there is no such unit', async () => {
    const output = await call(unitStatusTool, { unit: 'nope.service', scope: 'user' }, { unit: async () => null });
    expect(output).toBe('There is no unit nope.service (user).');
  });

  it('refuses what is not a unit name, and too many log lines', () => {
    expect(accepts(unitStatusTool, { unit: '-H.service' })).toBeFalse();
    expect(accepts(unitStatusTool, { unit: 'backup' })).toBeFalse();
    expect(accepts(unitStatusTool, { unit: 'backup.service', scope: 'session' })).toBeFalse();
    expect(accepts(unitStatusTool, { unit: 'backup.service', log_lines: 51 })).toBeFalse();
    expect(unitStatusTool.progress).toBe('checking a service…');
  });
});

describe('search_packages and package_status', () => {
  const blender: PackageInfo = {
    name: 'blender',
    version: '4.2.1',
    arch: 'amd64',
    summary: '3D modeller',
    installed: true,
  };
  const addon = { ...blender, name: 'blender-data', summary: '', installed: false };

  it('lists the packages found', async () => {
    let asked: [string, number] | undefined;
    const searchPackages = async (query: string, limit: number) => ((asked = [query, limit]), [blender, addon]);
    expect(await call(searchPackagesTool, { query: 'blender' }, { searchPackages })).toBe(
      'blender 4.2.1 (installed): 3D modeller\nblender-data 4.2.1',
    );
    expect(asked).toEqual(['blender', 10]);
    expect(await call(searchPackagesTool, { query: 'zzz' }, { searchPackages: async () => [] })).toBe(
      'No package name contains "zzz".',
    );
  });

  it('says whether a package is installed, available, or unknown', async () => {
    const status = (info: PackageInfo | null) =>
      call(packageStatusTool, { name: 'blender' }, { packageStatus: async () => info });
    expect(await status(blender)).toBe('blender 4.2.1 is installed');
    expect(await status({ ...blender, installed: false })).toBe('blender is not installed; 4.2.1 is available');
    expect(await status(null)).toBe('No package named blender is known');
  });

  it('refuses queries and names that are not package names', () => {
    expect(accepts(searchPackagesTool, { query: 'b' })).toBeFalse();
    expect(accepts(searchPackagesTool, { query: 'Blender' })).toBeFalse();
    expect(accepts(searchPackagesTool, { query: 'blender; rm' })).toBeFalse();
    expect(accepts(searchPackagesTool, { query: 'x'.repeat(65) })).toBeFalse();
    expect(accepts(searchPackagesTool, { query: 'libc++', limit: 21 })).toBeFalse();
    expect(accepts(searchPackagesTool, { query: 'libc++', limit: 20 })).toBeTrue();
    expect(accepts(packageStatusTool, { name: '--help' })).toBeFalse();
  });
});

describe('read_file', () => {
  let temp: TempDir;
  let home: string;
  let root: string;
  let outside: string;
  let machine: Partial<Machine>;

  const put = async (path: string, content: string) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
    return path;
  };
  const read = (path: string, extra: Record<string, unknown> = {}) =>
    call(readFileTool, { path, ...extra }, machine, [root]);

  beforeEach(async () => {
    temp = await makeTempDir();
    home = join(temp.path, 'home');
    root = join(temp.path, 'logs');
    outside = join(temp.path, 'outside');
    await Promise.all([mkdir(home), mkdir(root), mkdir(outside)]);
    machine = { home: () => home, realPath: resolvePath, readFile: readFileBounded };
  });
  afterEach(() => temp.remove());

  it('reads a file under the home or an allowed root, and says how much it shows', async () => {
    const notes = await put(join(home, 'notes.txt'), 'hello\n');
    expect(await read(notes)).toBe(`${notes} (6 bytes)\nhello\n`);
    const log = await put(join(root, 'app.log'), 'y'.repeat(1000));
    expect(await read(log, { max_bytes: 256 })).toBe(`${log} (1000 bytes, first 256 shown)\n${'y'.repeat(256)}`);
  });

  it('refuses files outside the roots, also through a symlink inside them', async () => {
    const secret = await put(join(outside, 'data.txt'), 'not yours');
    expect(await read(secret)).toMatch(/^Refused: .* is outside the folders you may read/);
    const link = join(root, 'innocent.txt');
    await symlink(secret, link);
    expect(await read(link)).toMatch(/^Refused: .*innocent\.txt is outside the folders you may read/);
  });

  it('follows a symlink that stays inside the roots, and reads through a symlinked root', async () => {
    const real = await put(join(root, 'real.log'), 'inside');
    await symlink(real, join(home, 'shortcut.log'));
    expect(await read(join(home, 'shortcut.log'))).toBe(`${real} (6 bytes)\ninside`);
    const linkedRoot = join(temp.path, 'linked-logs');
    await symlink(root, linkedRoot);
    const output = await call(readFileTool, { path: join(linkedRoot, 'real.log') }, machine, [linkedRoot]);
    expect(output).toBe(`${real} (6 bytes)\ninside`);
  });

  it('refuses the places that keep secrets, even inside the roots', async () => {
    const secrets = [
      join(home, '.ssh', 'config'),
      join(home, '.gnupg', 'pubring.kbx'),
      join(home, '.password-store', 'mail.gpg'),
      join(home, '.local', 'share', 'keyrings', 'login.keyring'),
      join(home, '.config', 'steward', 'remote-api-key'),
      join(home, '.netrc'),
      join(root, '.pgpass'),
      join(root, '.git-credentials'),
      join(root, 'server.key'),
      join(root, 'client.pem'),
    ];
    for (const path of secrets) {
      await put(path, 'secret');
      expect(await read(path))
        .withContext(path)
        .toMatch(/^Refused: .* is not shown because/);
    }
  });

  it("refuses secrets under the home's real path when the home is a symlink", async () => {
    const linkedHome = join(temp.path, 'linked-home');
    await symlink(home, linkedHome);
    machine = { home: () => linkedHome, realPath: resolvePath, readFile: readFileBounded };
    const key = await put(join(home, '.gnupg', 'secring.gpg'), 'key');
    await symlink(key, join(root, 'notes.txt'));
    expect(await read(join(root, 'notes.txt'))).toMatch(/^Refused: .* because it is in a place that keeps/);
    expect(await read(await put(join(home, 'todo.txt'), 'milk'))).toBe(`${join(home, 'todo.txt')} (4 bytes)\nmilk`);
  });

  it('refuses a symlink into a secret place, and a private key wherever it is', async () => {
    const key = await put(join(home, '.ssh', 'id_ed25519'), 'key');
    await symlink(key, join(root, 'harmless.txt'));
    expect(await read(join(root, 'harmless.txt'))).toMatch(/^Refused: .* because it is in a place that keeps/);
    const stray = await put(join(home, 'backup', 'id_old'), '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n');
    expect(await read(stray)).toBe(`Refused: ${stray} is not shown because it holds a private key.`);
  });

  it('refuses private keys by content in every common format, credential stores, hard links and Steward’s state', async () => {
    const keys: Record<string, string> = {
      'work.ppk': 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAAIDq9Zx3\n',
      'notes/age.txt': '# created: 2024\nAGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQS\n',
      'exported.asc': '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGVxq1c\n-----END PGP PRIVATE KEY BLOCK-----\n',
      'ssh2.txt': '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nP2/56wAAA+w\n',
      'cluster.yaml': 'users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTi\n',
      'jwk.json': '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKx","d":"nWGxne_9WmC6hEr0kuws"}',
    };
    for (const [name, content] of Object.entries(keys)) {
      const path = await put(join(home, name), content);
      expect(await read(path))
        .withContext(name)
        .toMatch(/^Refused: .* is not shown because/);
    }
    for (const place of [
      '.aws/credentials',
      '.kube/config',
      '.docker/config.json',
      '.netrc',
      '.pgpass',
      '.git-credentials',
      '.mozilla/firefox/x.default/cookies.sqlite',
      '.config/google-chrome/Default/Cookies',
      '.local/state/steward/chat.db',
      'vault.kdbx',
    ]) {
      const path = await put(join(home, place), 'x');
      expect(await read(path))
        .withContext(place)
        .toMatch(/^Refused: .* is not shown because/);
    }
    // Another name for ~/.ssh/id_ed25519 (a hard link needs no private-key text at its start to be one).
    const key = await put(join(home, '.ssh', 'id_ed25519'), 'anything\n');
    const alias = join(home, 'backup-of-something.txt');
    await link(key, alias);
    expect(await read(alias)).toBe(
      `Refused: ${alias} is not shown because it is another name for a file that keeps passwords or keys.`,
    );
  });

  it("refuses Steward's API key file and state wherever the settings put them, and browsers' Flatpak and snap profiles", async () => {
    // A key file whose name says nothing, a state directory moved by XDG_STATE_HOME into an allowed root.
    const apiKey = await put(join(home, 'work', 'endpoint'), 'sk-endpoint-token-0000\n');
    const state = join(root, 'state', 'steward');
    const chat = await put(join(state, 'chat.db'), 'SQLite format 3');
    const copy = await put(join(state, 'known-good', 'a'.repeat(64)), 'db:5432:*:ana:Pgp4ss\n');
    const stewardSecrets = stewardSecretPaths(state, apiKey);
    const readSecret = (path: string) =>
      readFileTool.run(readFileTool.params.parse({ path }), { ...context(machine, [root]), stewardSecrets });
    const alias = join(home, 'shortcut');
    await symlink(apiKey, alias);
    for (const path of [apiKey, alias, chat, copy])
      expect(await readSecret(path))
        .withContext(path)
        .toMatch(/^Refused: .* is not shown because it holds Steward's keys or private state\.$/);
    for (const place of [
      '.var/app/org.mozilla.firefox/.mozilla/firefox/x.default/cookies.sqlite',
      '.var/app/com.google.Chrome/config/google-chrome/Default/Login Data',
      'snap/firefox/common/.mozilla/firefox/x.default/logins.json',
      'snap/chromium/common/chromium/Default/Cookies',
    ]) {
      const path = await put(join(home, place), 'x');
      expect(await readSecret(path))
        .withContext(place)
        .toMatch(/^Refused: .* is not shown because/);
    }
    // What the settings do not name stays readable.
    const notes = await put(join(home, 'work', 'notes.txt'), 'hello');
    expect(await readSecret(notes)).toBe(`${notes} (5 bytes)\nhello`);
  });

  it("names the system's secret files as secrets", () => {
    for (const path of ['/etc/shadow', '/etc/gshadow', '/etc/ssl/private/ssl-cert-snakeoil.key'])
      expect(secretReason(path, '/home/ana')).withContext(path).not.toBeNull();
    for (const path of ['/etc/hosts', '/home/ana/.sshd_notes', '/home/ana/.config/steward/config.json'])
      expect(secretReason(path, '/home/ana')).withContext(path).toBeNull();
  });

  it('says when there is no such file', async () => {
    expect(await read(join(home, 'missing.txt'))).toBe(`There is no file ${join(home, 'missing.txt')}.`);
  });

  it('refuses relative paths, ".." and sizes out of bounds', () => {
    expect(accepts(readFileTool, { path: 'notes.txt' })).toBeFalse();
    expect(accepts(readFileTool, { path: '/home/ana/../../etc/shadow' })).toBeFalse();
    expect(accepts(readFileTool, { path: '/etc/hosts', max_bytes: 255 })).toBeFalse();
    expect(accepts(readFileTool, { path: '/etc/hosts', max_bytes: 16385 })).toBeFalse();
    expect(accepts(readFileTool, { path: '/etc/hosts' })).toBeTrue();
  });
});

describe("Steward's records", () => {
  const finding = (id: number, extra: Partial<FindingSummary> = {}): FindingSummary => ({
    id,
    kind: 'unit-failed',
    subject: 'backup.service',
    severity: 'error',
    title: 'backup.service failed (exit code 3)',
    state: 'active',
    count: 2,
    lastSeen: ERROR_AT,
    explanation: null,
    ...extra,
  });

  it('lists findings, with an explanation when there is one', async () => {
    let asked: boolean | undefined;
    const findings = async (includeResolved: boolean) => (
      (asked = includeResolved),
      [finding(4, { explanation: 'The backup disk is not mounted.' }), finding(2, { subject: '', kind: 'disk-full' })]
    );
    expect(await call(listFindingsTool, {}, { findings })).toBe(
      [
        'finding #4 [active, error] backup.service failed (exit code 3) (unit-failed backup.service; seen 2×, last 2026-11-21 10:02:13)',
        '  The backup disk is not mounted.',
        'finding #2 [active, error] backup.service failed (exit code 3) (disk-full; seen 2×, last 2026-11-21 10:02:13)',
      ].join('\n'),
    );
    expect(asked).toBeFalse();
    await call(listFindingsTool, { include_resolved: true }, { findings });
    expect(asked).toBeTrue();
  });

  it('says when there is nothing, and cuts long lists', async () => {
    expect(await call(listFindingsTool, {}, { findings: async () => [] })).toBe('Steward sees no current problems.');
    const many = Array.from({ length: 35 }, (_, index) => finding(index + 1));
    const output = await call(listFindingsTool, {}, { findings: async () => many });
    expect(output.split('\n').length).toBe(31);
    expect(output).toMatch(/\n… and 5 more$/);
  });

  it('lists proposals with their actions', async () => {
    const proposal: ProposalSummary = {
      id: 9,
      title: 'Restart backup.service',
      state: 'open',
      findingId: 4,
      actions: [{ name: 'systemd.restart_unit', risk: 'low', summary: 'Restart backup.service' }],
    };
    let asked: boolean | undefined;
    const proposals = async (includeClosed: boolean) => (
      (asked = includeClosed),
      [proposal, { ...proposal, id: 10, findingId: null, actions: [] }]
    );
    expect(await call(listProposalsTool, { include_closed: true }, { proposals })).toBe(
      [
        'proposal #9 [open] Restart backup.service (for finding #4)',
        '  - systemd.restart_unit (low risk): Restart backup.service',
        'proposal #10 [open] Restart backup.service',
      ].join('\n'),
    );
    expect(asked).toBeTrue();
    expect(await call(listProposalsTool, {}, { proposals: async () => [] })).toBe('No fixes wait for the user.');
  });

  it('shows the audit trail, 15 entries unless asked for more', async () => {
    const records: AuditSummary[] = [
      { at: ERROR_AT, event: 'finished', proposalId: 9, jobId: 3, action: 'systemd.restart_unit', result: 'fixed' },
      { at: ERROR_AT, event: 'dismissed', proposalId: null, jobId: null, action: null, result: 'dismissed' },
    ];
    let asked: number | undefined;
    const auditHistory = async (limit: number) => ((asked = limit), records);
    expect(await call(auditHistoryTool, {}, { auditHistory })).toBe(
      '2026-11-21 10:02:13 finished proposal #9 job #3 systemd.restart_unit: fixed\n2026-11-21 10:02:13 dismissed: dismissed',
    );
    expect(asked).toBe(15);
    expect(await call(auditHistoryTool, {}, { auditHistory: async () => [] })).toBe('The audit trail is empty.');
    expect(accepts(auditHistoryTool, { limit: 0 })).toBeFalse();
    expect(accepts(auditHistoryTool, { limit: 51 })).toBeFalse();
  });

  it('has the progress lines the UI shows', () => {
    expect(listFindingsTool.progress).toBe('reviewing what Steward found…');
    expect(listProposalsTool.progress).toBe('reviewing proposed fixes…');
    expect(auditHistoryTool.progress).toBe('reading the audit trail…');
    expect(readFileTool.progress).toBe('reading a file…');
    expect(searchPackagesTool.progress).toBe('searching packages…');
    expect(packageStatusTool.progress).toBe('checking a package…');
  });
});
