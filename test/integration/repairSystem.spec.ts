// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { systemBus } from '@jellybrick/dbus-next';

import { type ActionContext, NotAuthorizedError } from '../../service/src/fixes/action.js';
import { repairSystemAction } from '../../service/src/fixes/actions/repairSystem.js';
import { createLogger } from '../../service/src/logging.js';
import { type PackageKit, startPackageKit } from '../support/packagekit.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const NOBODY = 65534;

const quietLog = () => createLogger({ level: 'error', journal: false, write: () => undefined });

/** A dpkg database under `root` whose status file has these packages in these states. */
async function dpkgDatabase(root: string, packages: Record<string, string>): Promise<void> {
  const admin = join(root, 'var/lib/dpkg');
  await mkdir(join(admin, 'updates'), { recursive: true });
  const stanzas = Object.entries(packages).map(
    ([name, state]) => `Package: ${name}\nStatus: install ok ${state}\nArchitecture: all\nVersion: 1.0\n`,
  );
  await writeFile(join(admin, 'status'), stanzas.join('\n'));
}

// packages.repair_system asks the real packagekitd (its dummy backend, which repairs nothing on this machine) over
// a private system bus, with the real polkitd deciding org.freedesktop.packagekit.repair-system. What it would
// finish, and whether it did, come from a dpkg database of the test's own (STEWARD_TEST_DPKG_ROOT's stand-in).
describe('finishing an interrupted dpkg run through PackageKit', () => {
  let packageKit: PackageKit;
  let temp: TempDir;
  let context: ActionContext;

  beforeAll(async () => {
    packageKit = await startPackageKit();
  });

  afterAll(() => packageKit.stop());

  beforeEach(async () => {
    temp = await makeTempDir();
    context = {
      sessionBus: packageKit.client,
      systemBus: packageKit.client,
      home: temp.path,
      cacheHome: temp.path,
      dataHome: temp.path,
      knownGoodDirectory: temp.path,
      log: quietLog(),
    };
  });

  afterEach(() => temp.remove());

  const never = new AbortController().signal;

  it('is not offered while dpkg has nothing to finish', async () => {
    await dpkgDatabase(temp.path, { bash: 'installed' });
    const preview = await repairSystemAction({ root: temp.path }).preview({}, context);
    expect(preview).toEqual(jasmine.objectContaining({ changesNothing: true }));
    expect(preview.summary).toContain('nothing left to finish');
  });

  it('previews what it would finish and says that it cannot be undone', async () => {
    await dpkgDatabase(temp.path, { bash: 'installed', 'gym-tool': 'half-configured', libfoo1: 'unpacked' });
    const preview = await repairSystemAction({ root: temp.path }).preview({}, context);
    expect(preview.changesNothing).toBeFalse();
    expect(preview.summary).toBe('Finish the interrupted package run: configure gym-tool, libfoo1');
    expect(preview.details).toEqual([
      'gym-tool: half-configured',
      'libfoo1: unpacked',
      'PackageKit then repairs what apt sees broken (RepairSystem)',
      jasmine.stringMatching(/^This cannot be undone: .*dpkg --configure -a/),
    ]);
  });

  it('runs RepairSystem as root, and verifies by dpkg’s own database rather than PackageKit’s word', async () => {
    await dpkgDatabase(temp.path, { 'gym-tool': 'half-configured' });
    const action = repairSystemAction({ root: temp.path });
    const progress: string[] = [];
    const outcome = await action.run({}, context, {
      progress: (_fraction, text) => progress.push(text),
      signal: never,
    });
    expect(outcome.summary).toBe('Finished the interrupted package run (gym-tool)');
    expect(outcome.undo).toEqual({ impossible: jasmine.stringMatching(/^This cannot be undone/) });
    // The dummy backend finished without touching this database: the check says so instead of claiming success.
    expect(await action.verify({}, context)).toEqual({ ok: false, observed: 'gym-tool: half-configured' });
    await dpkgDatabase(temp.path, { 'gym-tool': 'installed' });
    expect(await action.verify({}, context)).toEqual({
      ok: true,
      observed: 'dpkg’s database is consistent: no package is left half-way',
    });
  });

  it('is not authorized for a user polkit does not let repair the system', async () => {
    await dpkgDatabase(temp.path, { 'gym-tool': 'half-configured' });
    await chmod(temp.path, 0o755);
    const script = join(temp.path, 'repair-as-nobody.mjs');
    await writeFile(
      script,
      `globalThis.describe = () => {};\nawait (await import(${JSON.stringify(import.meta.url)})).repairFromChild(${JSON.stringify(temp.path)});\n`,
    );
    const result = await asNobody(packageKit.bus.address, script);
    expect(result).toEqual({ error: 'NotAuthorizedError', message: jasmine.stringMatching(/authenticat/i) });
  });
});

/** Runs `script` as nobody with the private system bus; resolves with the JSON it prints. */
function asNobody(address: string, script: string): Promise<unknown> {
  const child = spawn(process.execPath, [script], {
    uid: NOBODY,
    gid: NOBODY,
    cwd: '/',
    env: { PATH: process.env.PATH, DBUS_SYSTEM_BUS_ADDRESS: address },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`exited with ${code}: ${output}`)),
    );
  });
}

/** In the child: runs packages.repair_system over $DBUS_SYSTEM_BUS_ADDRESS and prints how that ended, as JSON. */
export async function repairFromChild(root: string): Promise<void> {
  const bus = systemBus();
  const context: ActionContext = {
    sessionBus: bus,
    systemBus: bus,
    home: '/nonexistent',
    cacheHome: '/nonexistent',
    dataHome: '/nonexistent',
    knownGoodDirectory: '/nonexistent',
    log: quietLog(),
  };
  const outcome = await repairSystemAction({ root })
    .run({}, context, { progress: () => undefined, signal: new AbortController().signal })
    .then(
      (result) => ({ result }),
      (error: Error) => ({
        error: error instanceof NotAuthorizedError ? 'NotAuthorizedError' : error.name,
        message: error.message,
      }),
    );
  process.stdout.write(JSON.stringify(outcome));
  bus.disconnect();
}
