import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MessageBus } from '@jellybrick/dbus-next';
import type { CapabilityCheck } from '../../service/src/cli/doctorReport.js';
import { startPrivateBus, type PrivateBus } from '../support/privateBus.js';
import { CLI_SCRIPT, homeEnv, spawnService, waitUntilReady, type RunningService } from '../support/service.js';
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
    const client = await sessionBus.connect();
    service = spawnService(sessionBus.address, { ...homeEnv(home.path), DBUS_SYSTEM_BUS_ADDRESS: systemBus.address });
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
