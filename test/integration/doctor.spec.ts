// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';

import type { CapabilityCheck } from '../../service/src/cli/doctorReport.js';
import { appendToJournal } from '../support/journal.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  CLI_SCRIPT,
  homeEnv,
  nameHasOwner,
  type RunningService,
  SERVICE_SCRIPT,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);

describe('steward doctor against the service on private buses', () => {
  let sessionBus: PrivateBus;
  let systemBus: PrivateBus;
  let home: TempDir;
  let service: RunningService;
  let networkManager: MessageBus;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = await makeTempDir();
    sessionBus = await startPrivateBus();
    systemBus = await startPrivateBus();
    // A stand-in NetworkManager: present on the system bus, unlike systemd and PackageKit.
    networkManager = await systemBus.connect();
    await networkManager.requestName('org.freedesktop.NetworkManager', 4);
    const configDir = join(home.path, 'config', 'steward');
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ watch: { units: false } }));
    // A NixOS layout for the nixos capability: the marker file and the system's configuration.
    const nixosRoot = join(home.path, 'nixos-root');
    await mkdir(join(nixosRoot, 'etc', 'nixos'), { recursive: true });
    await writeFile(join(nixosRoot, 'etc', 'NIXOS'), '');
    await writeFile(join(nixosRoot, 'etc', 'nixos', 'configuration.nix'), '{ ... }: { }\n');
    const client = await sessionBus.connect();
    service = spawnService(sessionBus.address, {
      ...homeEnv(home.path),
      DBUS_SYSTEM_BUS_ADDRESS: systemBus.address,
      STEWARD_TEST_NIXOS_ROOT: nixosRoot,
    });
    await waitUntilReady(client, service);
    env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: sessionBus.address };
  });

  afterAll(async () => {
    await service.stop();
    await sessionBus.stop();
    await systemBus.stop();
    await home.remove();
  });

  it('marks what the buses offer and explains how to get what they lack, with exit status 0', async () => {
    const { stdout } = await run(process.execPath, [CLI_SCRIPT, 'doctor'], { env });
    expect(stdout).toMatch(/^Steward \d+\.\d+\.\d+: idle\n/);
    expect(stdout).toMatch(/^✓ network +findings about internet connectivity/m);
    expect(stdout).toMatch(/^✓ links +findings when a network link goes down/m);
    expect(stdout).toMatch(
      /^✓ nixos +on NixOS: .*\n +system: \S*\/nixos-root\/etc\/nixos\/configuration\.nix \(writable by you\)/m,
    );
    expect(stdout).toMatch(/^✗ systemd\.user +findings for failed user units.*\n +No systemd user manager owns/m);
    expect(stdout).toMatch(/^✗ systemd\.system .*\n +systemd is not the init system here/m);
    expect(stdout).toMatch(/^✗ packagekit .*\n +Install PackageKit: “sudo apt install packagekit”/m);
    expect(stdout).toContain('capabilities missing; Steward works without them.');
    expect(stdout).toMatch(/Turned off in .*config\.json:\n {2}watch\.units: failed units\n/);
  });

  it('prints every known capability as JSON, with a hint for each missing one', async () => {
    const { stdout } = await run(process.execPath, [CLI_SCRIPT, 'doctor', '--json'], { env });
    const report = JSON.parse(stdout) as { running: boolean; capabilities: CapabilityCheck[] };
    expect(report.running).toBeTrue();
    const byName = new Map(report.capabilities.map((check) => [check.name, check]));
    expect([...byName.keys()]).toEqual(jasmine.arrayContaining(['journal.system', 'gpu.cuda', 'inference.local']));
    expect(byName.get('network')).toEqual(jasmine.objectContaining({ present: true }));
    expect(byName.get('network')?.hint).toBeUndefined();
    expect(byName.get('systemd.user')).toEqual(
      jasmine.objectContaining({ present: false, hint: jasmine.stringContaining('dbus-run-session') }),
    );
    expect(byName.get('polkit')).toEqual(
      jasmine.objectContaining({ present: false, hint: jasmine.stringContaining('polkitd') }),
    );
    expect(report).toEqual(
      jasmine.objectContaining({ 'turned-off': [{ setting: 'watch.units', what: 'failed units' }] }),
    );
  });
});

// The journal checks read the journal, as the watchers will: journalctl being installed is not enough. The service
// runs as nobody (in none of the journal reader groups), so permissions apply, as for a desktop user.
describe("steward doctor's journal checks", () => {
  const NOBODY = 65534;
  let bus: PrivateBus;
  let home: TempDir;
  let service: ChildProcess | undefined;
  let stderr = '';

  beforeAll(async () => {
    home = await makeTempDir();
    await chmod(home.path, 0o755);
    // Readable by anyone: a system journal this user may read although it is in no reader group.
    const readable = join(home.path, 'readable');
    await mkdir(readable);
    await appendToJournal(readable, [{ MESSAGE: 'a readable entry', PRIORITY: '6' }]);
    await chmod(readable, 0o755);
    await chmod(join(readable, 'remote.journal'), 0o644);
    // Root's alone: this user cannot open it.
    const unreadable = join(home.path, 'unreadable');
    await mkdir(unreadable);
    await appendToJournal(unreadable, [{ MESSAGE: 'a private entry', PRIORITY: '6' }]);
    await chmod(unreadable, 0o700);
    const serviceHome = join(home.path, 'home');
    await mkdir(serviceHome);
    await chown(serviceHome, NOBODY, NOBODY);
    bus = await startPrivateBus({ system: true });
    const child = spawn(process.execPath, [SERVICE_SCRIPT], {
      uid: NOBODY,
      gid: NOBODY,
      cwd: '/',
      env: {
        PATH: process.env.PATH,
        ...homeEnv(serviceHome),
        DBUS_SESSION_BUS_ADDRESS: bus.address,
        STEWARD_TEST_SYSTEM_JOURNAL: readable,
        STEWARD_TEST_USER_JOURNAL: unreadable,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    service = child;
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const client = await bus.connect();
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`the service exited:\n${stderr}`);
      return (await nameHasOwner(client, BUS_NAME)) && /state changed state=(idle|degraded|attention)/.test(stderr);
    }, 'the service to start');
  });

  afterAll(async () => {
    if (service && service.exitCode === null) {
      const exited = once(service, 'exit');
      service.kill('SIGTERM');
      await exited;
    }
    await bus.stop();
    await home.remove();
  });

  it('marks a journal it can read, and says why it cannot read another', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
    // Degraded (exit status 1) is possible: the user journal's watcher fails too.
    const { stdout } = await run(process.execPath, [CLI_SCRIPT, 'doctor'], { env }).catch(
      (error: { stdout: string }) => error,
    );
    expect(stdout).toMatch(/^✓ journal\.system +the system journal/m);
    expect(stdout).toMatch(
      new RegExp(
        '^✗ journal\\.user .*\\n +journalctl --directory \\S+/unreadable could not read it: .*Permission denied\\n +Steward reads',
        'm',
      ),
    );

    const json = await run(process.execPath, [CLI_SCRIPT, 'doctor', '--json'], { env }).catch(
      (error: { stdout: string }) => error,
    );
    const report = JSON.parse(json.stdout) as { capabilities: CapabilityCheck[] };
    expect(report.capabilities.find(({ name }) => name === 'journal.user')?.problem).toMatch(/Permission denied/);
    expect(report.capabilities.find(({ name }) => name === 'journal.system')?.present).toBeTrue();
  });
});

describe('steward doctor without the service', () => {
  it('says it is not running, with exit status 3', async () => {
    const bus = await startPrivateBus();
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
    const result = (await run(process.execPath, [CLI_SCRIPT, 'doctor'], { env }).catch((error: unknown) => error)) as {
      code: number;
      stdout: string;
    };
    await bus.stop();
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('Steward is not running. Start it with “steward start”.\n');
  });
});
