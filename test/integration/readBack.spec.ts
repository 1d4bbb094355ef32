// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Steward's output is never Steward's input (issue 61). A configuration error is proposed on and its read-only step
// is shown at once; that step's answer names the file and the line, and went into the audit line Steward logs. Read
// back from the journal, that line was a new configuration error ("/etc/fstab\n"), proposed on, shown, logged, read
// again. Here the service's log lines go into its journal as journald stores a unit's stream: with the service's
// own _PID, _UID and _BOOT_ID, whatever they say.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { FINDINGS_INTERFACE, PROPOSALS_INTERFACE } from '../../service/src/dbus/interfaces.js';
import { boundedText } from '../../service/src/storage/bounds.js';
import { cleanLine, MAX_TEXT_LENGTH } from '../../service/src/untrustedText.js';
import { appendToJournal, type ExportEntry, unitFailure } from '../support/journal.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const BOOT_ID = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replaceAll('-', '');
const LEVELS: Record<string, string> = { DEBUG: '7', INFO: '6', WARNING: '4', ERROR: '3' };

/** A daemon's line, as journald stores what a system service printed on stderr. */
const daemonLine = (message: string, unit = 'gym-appcfg.service', pid = '4321'): ExportEntry => ({
  MESSAGE: message,
  PRIORITY: '3',
  SYSLOG_IDENTIFIER: 'gym-appcfg',
  _PID: pid,
  _UID: '0',
  _COMM: 'gym-appcfg',
  _SYSTEMD_UNIT: unit,
  _SYSTEMD_CGROUP: `/system.slice/${unit}`,
  _TRANSPORT: 'stdout',
  _BOOT_ID: BOOT_ID,
});

describe("Steward's own lines read back from its journal", () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let home: TempDir;
  let journal: string;
  let service: RunningService;
  let config: string;
  /** The service's log lines already written into the journal, and the relay's queue. */
  let relayed = 0;
  let relaying: Promise<void> = Promise.resolve();
  let sentinels = 0;

  const call = (iface: string, member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: iface, member, signature, body });
  const list = async (iface: string, member: string, filter: Record<string, Variant> = {}) =>
    ((await call(iface, member, 'a{sv}', [filter]))[0] as Record<string, Variant>[]).map((dict) =>
      Object.fromEntries(Object.entries(dict).map(([key, value]) => [key, value.value])),
    );
  const all = { state: new Variant('s', 'all') };
  const findings = () => list(FINDINGS_INTERFACE, 'List', all);
  const configErrors = async () => (await findings()).filter((finding) => finding.kind === 'config-error');

  /** Entries into the journal, one writer at a time (systemd-journal-remote appends to one file). */
  const append = (entries: ExportEntry[]) => (relaying = relaying.then(() => appendToJournal(journal, entries)));
  /** The service's new log lines into its journal, as journald stores its unit's stderr stream. */
  const relay = () =>
    (relaying = relaying.then(async () => {
      const lines = service.log().split('\n');
      const complete = lines.slice(relayed, -1);
      relayed += complete.length;
      if (complete.length === 0) return;
      await appendToJournal(
        journal,
        complete.map((line) => {
          const [, level = 'INFO', text = line] = /^\S+ (DEBUG|INFO|WARNING|ERROR) (.*)$/s.exec(line) ?? [];
          return {
            MESSAGE: text,
            PRIORITY: LEVELS[level],
            SYSLOG_IDENTIFIER: 'node',
            _PID: String(service.process.pid),
            _UID: String(process.getuid?.() ?? 0),
            _COMM: 'node',
            _TRANSPORT: 'stdout',
            _BOOT_ID: BOOT_ID,
          };
        }),
      );
    }));

  /**
   * Once this returns, the service has read its journal past every line it logged before the call: a unit fails (a
   * line of PID 1's) after the relayed lines, and its finding is there.
   */
  const settled = async () => {
    await relay();
    const unit = `sentinel-${++sentinels}.service`;
    await append([{ ...unitFailure(unit), _BOOT_ID: BOOT_ID }]);
    await waitFor(async () => (await findings()).some((finding) => finding.subject === unit), `${unit}'s finding`);
  };

  const jobsOf = async (proposal: unknown) =>
    (await list(PROPOSALS_INTERFACE, 'ListJobs')).filter((job) => job['proposal-id'] === proposal);
  const proposalOf = async (finding: Record<string, unknown> | undefined) =>
    (await list(PROPOSALS_INTERFACE, 'List', all)).find((p) => p['finding-id'] === finding?.id);

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    home = await makeTempDir();
    journal = join(home.path, 'journal');
    await mkdir(journal);
    // The machine's /etc, as config.show_error reads it (testHooks.ts: STEWARD_TEST_CONFIG_ROOT).
    const root = join(home.path, 'root');
    await mkdir(join(root, 'etc'), { recursive: true });
    config = '/etc/gym-appcfg.conf';
    await writeFile(join(root, config), 'listen = 8081\nworkers = 4\ncolour = blue\nlog = /var/log/gym-appcfg.log\n');
    // The journal source follows the tail of a journal that exists: start it with one ordinary line. Every line is
    // of this boot, as on a machine (journalctl --follow passes over a later boot's lines after a cursor).
    await appendToJournal(journal, [
      { MESSAGE: 'Started Session 2 of User tester.', _PID: '1', _UID: '0', _BOOT_ID: BOOT_ID },
    ]);
    service = await startConfiguredService(
      bus,
      client,
      home.path,
      { watch: quietWatch({ journal: { system: false, user: false, directories: [journal] } }) },
      { STEWARD_TEST_CONFIG_ROOT: root },
    );
    service.process.stderr?.on('data', () => void relay());
    // Followed from its tail once the journal source starts: a line before that is the tail, never read.
    await waitFor(() => /\bwatching sources=journal:/.test(service.log()), 'the journal source');
    await append([daemonLine(`gym-appcfg: error: unknown key 'colour' at line 3 of ${config}`)]);
    await waitFor(async () => (await configErrors()).length > 0, 'the configuration error');
    const [finding] = await configErrors();
    // Its first step shows the line as the file has it, run as the proposal is shown.
    await waitFor(
      async () =>
        (await jobsOf((await proposalOf(finding))?.id)).some(
          (job) => job.action === 'config.show_error' && job.state === 'done',
        ),
      'the shown step to finish',
    );
  });

  afterAll(async () => {
    await service.stop();
    await relaying;
    await bus.stop();
    await home.remove();
  });

  it('never makes a finding of its own audit line after a configuration error’s step is shown', async () => {
    const finding = (await configErrors()).find((f) => f.subject === config);
    const job = (await jobsOf((await proposalOf(finding))?.id)).find((j) => j.action === 'config.show_error');
    expect(job).toEqual(jasmine.objectContaining({ caller: 'steward:shown', state: 'done' }));
    expect(String(job?.summary)).toContain(`Line 3 of ${config}`);
    // The audit line that job's end logged, and every other line of the service, read back.
    await settled();
    const readBack = (await configErrors()).filter((f) => String(f.subject).startsWith(config));
    expect(readBack.map((f) => f.subject)).toEqual([config]);
    const fromSteward = (await findings()).filter((f) => /\bnode\b/.test(String(f['reported-by'])));
    expect(fromSteward).toEqual([]);
  });

  it('runs each shown step once while the same error repeats, each repeat read on its own', async () => {
    const ours = async () => (await configErrors()).filter((f) => String(f.subject).startsWith(config));
    const [finding] = await ours();
    const proposal = await proposalOf(finding);
    const before = Number(finding?.count);
    for (let repeat = 1; repeat <= 5; repeat += 1) {
      // A unit restarting logs its error at every start: each line a new place in the journal, a new evidence cursor.
      await append([
        daemonLine(`gym-appcfg: error: unknown key 'colour' at line 3 of ${config}`, undefined, String(4321 + repeat)),
      ]);
      await waitFor(async () => Number((await ours())[0]?.count) === before + repeat, `repeat ${repeat} to be read`);
    }
    await settled();
    // The line and the log around it, each shown once: a repeat moves the log's place, not the question.
    const shown = (await jobsOf(proposal?.id)).map((job) => job.action).sort();
    expect(shown).toEqual(['config.show_error', 'info.show_logs']);
    expect((await ours()).length).toBe(1);
  });

  it('passes over lines its own process and its children write in any words, and reads the same from others', async () => {
    // The journalctl the service follows its journal with: a child of the service.
    const pid = service.process.pid!;
    const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
    );
    const child = children.find((candidate) => readFileSync(`/proc/${candidate}/comm`, 'utf8').trim() === 'journalctl');
    expect(child).toBeDefined();
    const nginx = (file: string, pid: string, uid = String(process.getuid?.() ?? 0)): ExportEntry => ({
      MESSAGE: `nginx: [emerg] unknown directive "lisen" in ${file}:3`,
      PRIORITY: '2',
      SYSLOG_IDENTIFIER: 'nginx',
      _PID: pid,
      _UID: uid,
      _COMM: 'nginx',
      _TRANSPORT: 'syslog',
      _BOOT_ID: BOOT_ID,
    });
    await append([
      nginx('/etc/nginx/sites-enabled/own', String(service.process.pid)),
      nginx('/etc/nginx/sites-enabled/child', child!),
      nginx('/etc/nginx/sites-enabled/other', '4999', '33'),
    ]);
    await settled();
    const subjects = (await configErrors()).map((f) => String(f.subject));
    expect(subjects).toContain('/etc/nginx/sites-enabled/other');
    expect(subjects).not.toContain('/etc/nginx/sites-enabled/own');
    expect(subjects).not.toContain('/etc/nginx/sites-enabled/child');
  });

  it('names a file with hostile characters once, shown without its escapes, never parsed again', async () => {
    const escaped = '/etc/we\\nird\u001b[31m.conf';
    const long = `/etc/${'a'.repeat(10_000)}.conf`;
    await append([
      daemonLine(`gym-hostile: error at line 7 of ${escaped}\nand a second line`, 'gym-hostile.service', '5001'),
      daemonLine(`gym-long: error at line 2 of ${long}`, 'gym-long.service', '5002'),
    ]);
    // What names either file, as the line wrote it or as any line Steward logged about it might quote it.
    const hostile = async () =>
      (await configErrors()).filter((f) =>
        ['/etc/we', '/etc/aaa'].some((start) => String(f.subject).startsWith(start)),
      );
    await waitFor(async () => (await hostile()).length === 2, 'both hostile configuration errors');
    await settled();
    const found = await hostile();
    // Each once, as the reply shows a subject: without the escape sequence; the long one as the findings store
    // keeps it (findings/store.ts: a subject cut to 1,000 characters, saying how many were left out).
    const shown = [cleanLine(escaped, MAX_TEXT_LENGTH), cleanLine(boundedText(long, 1000), MAX_TEXT_LENGTH)];
    expect(shown[0]).toBe('/etc/we\\nird.conf');
    expect(shown[1]).toMatch(/^\/etc\/a+… \(\d+ more characters\)$/);
    expect(shown[1]!.length).toBeLessThanOrEqual(1000);
    expect(found.map((f) => f.subject).sort()).toEqual(shown.sort());
    for (const finding of found) {
      for (const text of [String(finding.title), String(finding.subject)]) {
        // eslint-disable-next-line no-control-regex
        expect(text).not.toMatch(/[\u0000-\u001f\u007f]/);
      }
      expect(String(finding.title).length).toBeLessThanOrEqual(500);
    }
  });
});
