// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { systemBus } from '@jellybrick/dbus-next';

import { StewardError } from '../../service/src/dbus/errors.js';
import { type ActionContext, type ActionDefinition, NotAuthorizedError } from '../../service/src/fixes/action.js';
import { packageActions } from '../../service/src/fixes/actions/packages.js';
import { createLogger } from '../../service/src/logging.js';
import { type PackageKit, startPackageKit } from '../support/packagekit.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// PackageKit's dummy backend is a fixed, stateless set of fake packages:
// glib2 is always installed, foobar always installable (and trusted), its
// simulated install always reports the same changes, an install always reports
// gtkhtml2 and gtkhtml2-devel as installed, and every removal fails for want
// of a network. The specs below check what Steward makes of each.
const NOBODY = 65534;

type Packages = { packages: string[] };
const action = (name: string) =>
  packageActions.find((candidate) => candidate.name === name) as unknown as ActionDefinition<Packages>;
const install = action('packages.install');
const remove = action('packages.remove');

describe('package actions through PackageKit', () => {
  let packageKit: PackageKit;
  let context: ActionContext;
  let temp: TempDir;

  beforeAll(async () => {
    packageKit = await startPackageKit();
  });

  afterAll(async () => {
    await packageKit.stop();
  });

  beforeEach(async () => {
    temp = await makeTempDir();
    context = {
      sessionBus: packageKit.client,
      systemBus: packageKit.client,
      home: temp.path,
      cacheHome: temp.path,
      dataHome: temp.path,
      knownGoodDirectory: temp.path,
      log: createLogger({ level: 'debug', journal: false, write: () => undefined }),
    };
  });

  afterEach(async () => {
    await temp.remove();
  });

  const run = (definition: ActionDefinition<Packages>, packages: string[], signal = new AbortController().signal) => {
    const reports: (number | null)[] = [];
    const outcome = definition.run({ packages }, context, {
      progress: (fraction) => reports.push(fraction),
      signal,
    });
    return { outcome, reports };
  };

  it('previews an install with what the simulated transaction would change', async () => {
    const preview = await install.preview({ packages: ['foobar'] }, context);
    expect(preview.changesNothing).toBeFalse();
    expect(preview.summary).toMatch(/^Install foobar and change \d+ other packages$/);
    expect(preview.details).toEqual(
      jasmine.arrayContaining([
        'install gtk2 2.11.6-6.fc8 (fedora)',
        'remove powertop 1.8-1.fc8 (fedora)',
        'update gtkhtml2 2.19.1-4.fc8 (fedora)',
        'downgrade kernel 2.6.23-0.115.rc3.git1.fc8',
      ]),
    );
    // Of the changes, the dummy's GetDetails knows kernel and gtkhtml2 (a "size", no "download-size").
    expect(preview.bytes).toBe(33 * 1024 * 1024 + 133 * 1024);
  });

  it('changes nothing to install what is already installed', async () => {
    const preview = await install.preview({ packages: ['glib2'] }, context);
    expect(preview).toEqual(jasmine.objectContaining({ changesNothing: true, details: ['glib2 2.14.0 is installed'] }));
  });

  it('changes nothing to remove what is not installed', async () => {
    const preview = await remove.preview({ packages: ['foobar'] }, context);
    expect(preview.changesNothing).toBeTrue();
  });

  it('refuses a package that does not exist, by name', async () => {
    await expectAsync(install.preview({ packages: ['no-such-package'] }, context)).toBeRejectedWith(
      new StewardError('InvalidArgs', 'no package named no-such-package'),
    );
    await expectAsync(remove.preview({ packages: ['no-such-package'] }, context)).toBeRejectedWithError(
      StewardError,
      'no package named no-such-package',
    );
  });

  it('installs with progress, and plans to remove exactly what it installed', async () => {
    const { outcome, reports } = run(install, ['foobar']);
    const { summary, undo } = await outcome;
    expect(summary).toBe('Installed foobar, gtkhtml2, gtkhtml2-devel');
    expect(undo).toEqual({
      action: 'packages.remove',
      params: { packages: ['foobar', 'gtkhtml2', 'gtkhtml2-devel'] },
      summary: 'Remove foobar, gtkhtml2, gtkhtml2-devel',
    });
    const fractions = reports.filter((fraction) => fraction !== null);
    expect(fractions.length).toBeGreaterThan(10);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
  });

  it('verifies by what PackageKit reports installed', async () => {
    expect(await install.verify({ packages: ['glib2'] }, context)).toEqual({
      ok: true,
      observed: 'glib2 is installed',
    });
    // The dummy backend forgets every install.
    expect(await install.verify({ packages: ['foobar', 'glib2'] }, context)).toEqual({
      ok: false,
      observed: 'foobar is not installed',
    });
    expect(await remove.verify({ packages: ['foobar'] }, context)).toEqual({
      ok: true,
      observed: 'foobar is not installed',
    });
    expect(await remove.verify({ packages: ['glib2'] }, context)).toEqual({
      ok: false,
      observed: 'glib2 is still installed',
    });
  });

  it("reports PackageKit's own words when a removal fails", async () => {
    await expectAsync(run(remove, ['glib2']).outcome).toBeRejectedWith(
      new StewardError('Unavailable', 'PackageKit could not do it: No network connection available'),
    );
  });

  it('refuses packages from an untrusted repository', async () => {
    await expectAsync(run(install, ['vips-doc']).outcome).toBeRejectedWithError(
      StewardError,
      /Can't install as untrusted/,
    );
  });

  it('cancels the transaction when the run is aborted', async () => {
    const controller = new AbortController();
    const reports: (number | null)[] = [];
    const outcome = install.run({ packages: ['foobar'] }, context, {
      progress: (fraction) => {
        reports.push(fraction);
        controller.abort(new Error('cancelled by the test'));
      },
      signal: controller.signal,
    });
    await expectAsync(outcome).toBeRejectedWithError('cancelled by the test');
    expect(reports.length).toBeLessThan(30);
  });

  it('is not authorized for a user polkit does not let install', async () => {
    // The child imports this very bundle for installFromChild, with a describe that declares nothing.
    await chmod(temp.path, 0o755);
    const script = join(temp.path, 'install-as-nobody.mjs');
    await writeFile(
      script,
      `globalThis.describe = () => {};\nawait (await import(${JSON.stringify(import.meta.url)})).installFromChild();\n`,
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

/** In the child: installs foobar over $DBUS_SYSTEM_BUS_ADDRESS and prints how that ended, as JSON. */
export async function installFromChild(): Promise<void> {
  const bus = systemBus();
  const context: ActionContext = {
    sessionBus: bus,
    systemBus: bus,
    home: '/nonexistent',
    cacheHome: '/nonexistent',
    dataHome: '/nonexistent',
    knownGoodDirectory: '/nonexistent',
    log: createLogger({ level: 'error', journal: false, write: () => undefined }),
  };
  const outcome = await install
    .run({ packages: ['foobar'] }, context, { progress: () => undefined, signal: new AbortController().signal })
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
