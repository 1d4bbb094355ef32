// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// GNOME Shell's lines under the user's auto rule for turning extensions off (issue 62): the real service, real journal
// files, the shell's extensions API as a stand-in (python3-dbusmock, test/support/shellExtensionsStandIn.py: no GNOME
// Shell runs here; the desktop gym runs the real one), and this machine's gnome-shell as a package installed under a
// root of the test's own (dpkg's database, asked with the real dpkg-query).
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { appendToJournal, type ExportEntry } from '../support/journal.js';
import { startDbusmock, stopMock } from '../support/networkMocks.js';
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
import { plain } from '../support/unitScenario.js';

const FINDINGS = 'io.github.steward.Steward1.Findings';
const PROPOSALS = 'io.github.steward.Steward1.Proposals';
const SHELL = 'org.gnome.Shell';
const STAND_IN = join(process.cwd(), 'test', 'support', 'shellExtensionsStandIn.py');
/** Running: a forged line claims it failed. */
const CLOCK = 'clock@example.org';
/** Running: the shell's own line says its callback threw; the shell still runs it. */
const WEATHER = 'weather@example.org';
/** In ERROR by the shell's own state. */
const BROKEN = 'broken@example.org';

/** gnome-shell as journald records it: the installed program, the session's user, the shell's unit. */
const SHELL_WRITER = {
  SYSLOG_IDENTIFIER: 'gnome-shell',
  _COMM: 'gnome-shell',
  _EXE: '/usr/bin/gnome-shell',
  _UID: '1000',
  _PID: '2975',
  _SYSTEMD_UNIT: 'user@1000.service',
  _SYSTEMD_USER_UNIT: 'org.gnome.Shell@wayland.service',
  _SYSTEMD_CGROUP: '/user.slice/user-1000.slice/user@1000.service/session.slice/org.gnome.Shell@wayland.service',
  _TRANSPORT: 'journal',
};
const jsError = (uuid: string, writer: Record<string, string>): ExportEntry => ({
  MESSAGE: `JS ERROR: Extension ${uuid}: TypeError: this._face is undefined`,
  PRIORITY: '3',
  ...writer,
});

describe('GNOME Shell’s lines under an auto rule for turning extensions off', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let shell: ChildProcess;
  let home: TempDir;
  let programs: TempDir;
  let journal: string;
  let service: RunningService;

  const call = (iface: string, member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: iface, member, signature, body });
  const list = async (iface: string, member: string, filter: Record<string, Variant> = {}) =>
    ((await call(iface, member, 'a{sv}', [filter]))[0] as Record<string, Variant>[]).map(plain);
  const all = { state: new Variant('s', 'all') };
  const shellCall = (iface: string, member: string, signature: string, body: unknown[]) =>
    callMethod(client, { destination: SHELL, path: '/org/gnome/Shell', interface: iface, member, signature, body });
  const enabled = async (uuid: string) => {
    const [info] = (await shellCall('org.gnome.Shell.Extensions', 'GetExtensionInfo', 's', [uuid])) as [
      Record<string, Variant>,
    ];
    return info.enabled?.value === true;
  };
  const proposalFor = async (uuid: string) => (await list(PROPOSALS, 'List', all)).find((p) => p.subject === uuid);

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    shell = await startDbusmock(bus, client, SHELL, ['--template', STAND_IN]);
    for (const uuid of [CLOCK, WEATHER, BROKEN])
      await shellCall('org.gnome.Shell.Extensions.Mock', 'AddExtension', 'ssb', [uuid, uuid, true]);
    // This machine's gnome-shell, as its package installed it: a root's file that dpkg's database lists.
    programs = await makeTempDir('steward-programs-');
    await mkdir(join(programs.path, 'usr', 'bin'), { recursive: true });
    await writeFile(join(programs.path, 'usr', 'bin', 'gnome-shell'), '#!/bin/sh\n', { mode: 0o755 });
    const dpkg = join(programs.path, 'var', 'lib', 'dpkg');
    await mkdir(join(dpkg, 'info'), { recursive: true });
    await writeFile(join(dpkg, 'info', 'gnome-shell.list'), '/usr/bin/gnome-shell\n');
    await writeFile(
      join(dpkg, 'status'),
      'Package: gnome-shell\nStatus: install ok installed\nPriority: optional\nSection: gnome\n' +
        'Maintainer: Debian GNOME Maintainers <x@example.org>\nArchitecture: amd64\nVersion: 48.4-1\nDescription: x\n',
    );
    home = await makeTempDir();
    journal = join(home.path, 'journal');
    await mkdir(journal);
    await appendToJournal(journal, [{ MESSAGE: 'Started Session 2 of User tester.', _PID: '1', _UID: '0' }]);
    service = await startConfiguredService(
      bus,
      client,
      home.path,
      {
        // The user's own rule: extensions may be turned off without asking.
        fixes: { policy: { 'extensions.disable': 'auto' } },
        watch: quietWatch({ desktop: true, journal: { system: false, user: false, directories: [journal] } }),
      },
      { STEWARD_TEST_PROGRAMS_ROOT: programs.path, STEWARD_TEST_SESSION_UID: '1000' },
    );
    await appendToJournal(journal, [
      // The user's own process moved into the shell's cgroup, running a copy of logger named gnome-shell.
      jsError(CLOCK, { ...SHELL_WRITER, _PID: '5123', _EXE: '/home/alice/.local/bin/gnome-shell' }),
      // The shell itself: its extension's timeout threw, and the shell still runs it.
      jsError(WEATHER, SHELL_WRITER),
    ]);
    await waitFor(async () => (await proposalFor(WEATHER)) !== undefined, "the proposal for the shell's line");
    // The shell's own state: an extension in ERROR.
    await shellCall('org.gnome.Shell.Extensions.Mock', 'Break', 'ss', [BROKEN, 'TypeError: this._face is undefined']);
    await waitFor(
      async () => !(await enabled(BROKEN)),
      'the auto rule to turn off the extension the shell holds in ERROR',
    );
  });

  afterAll(async () => {
    await service.stop();
    await stopMock(shell);
    await bus.stop();
    await home.remove();
    await programs.remove();
  });

  it('takes a copy of logger in the shell’s unit for no one: no finding, nothing turned off', async () => {
    expect((await list(FINDINGS, 'List', all)).filter((f) => f.subject === CLOCK)).toEqual([]);
    expect(await proposalFor(CLOCK)).toBeUndefined();
    expect(await enabled(CLOCK)).toBeTrue();
  });

  it('shows the shell’s own line about a running extension, and never proposes it off, let alone by the rule', async () => {
    const [finding] = (await list(FINDINGS, 'List', all)).filter((f) => f.subject === WEATHER);
    expect(finding).toEqual(jasmine.objectContaining({ 'vouched-by': '', 'reported-by': 'GNOME Shell' }));
    const proposal = (await proposalFor(WEATHER))!;
    expect(proposal['one-click']).toBeFalse();
    const actions = proposal.actions as Record<string, Variant>[];
    expect(actions.map((action) => action.name?.value)).toEqual(['info.extension', 'info.show_logs']);
    expect(await enabled(WEATHER)).toBeTrue();
  });

  it('runs the rule where the shell’s own state holds the extension failed', async () => {
    const jobs = await list(PROPOSALS, 'ListJobs');
    const automatic = jobs.filter((job) => job.caller === 'policy:auto');
    expect(automatic.map((job) => [job.action, job.subject])).toEqual([['extensions.disable', BROKEN]]);
    expect(await enabled(WEATHER)).toBeTrue();
    expect(await enabled(CLOCK)).toBeTrue();
  });
});
