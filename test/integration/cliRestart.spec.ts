// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, homeEnv, nameHasOwner, runCli, SERVICE_SCRIPT, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Without systemd, the bus starts the service on demand from its activation file (as the installer's
// fallback sets it up): `steward restart` stops the process the bus names and has the bus start it again.
describe('steward start and restart through D-Bus activation, without systemd', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;

  const steward = (...args: string[]) =>
    runCli(args, { PATH: process.env.PATH, ...homeEnv(home.path), DBUS_SESSION_BUS_ADDRESS: bus.address });
  const serviceLog = () => join(home.path, 'service.log');
  const servicePid = async () => {
    const shown = await steward('status', '--json');
    return (JSON.parse(shown.stdout) as { running: boolean; pid?: number }).pid ?? null;
  };

  beforeAll(async () => {
    home = await makeTempDir();
    const services = join(home.path, 'dbus-1', 'services');
    await mkdir(services, { recursive: true });
    await writeFile(
      join(services, `${BUS_NAME}.service`),
      // Its log to a file, not the bus's standard error (the test's output).
      `[D-BUS Service]\nName=${BUS_NAME}\nExec=/bin/sh -c 'exec "$0" "$1" 2>>"$2"' ${process.execPath} ${SERVICE_SCRIPT} ${serviceLog()}\n`,
    );
    await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
    await writeFile(join(home.path, 'config', 'steward', 'config.json'), '{}\n');
    // What the bus starts inherits the bus's environment: the test's home, no model, no machine documentation.
    bus = await startPrivateBus({
      serviceDirs: [services],
      env: {
        PATH: process.env.PATH,
        ...homeEnv(home.path),
        XDG_DATA_HOME: join(home.path, 'data'),
        OLLAMA_MODELS: join(home.path, 'none'),
        STEWARD_TEST_DOCS_ROOT: join(home.path, 'docs-root'),
      },
    });
    client = await bus.connect();
  });

  afterAll(async () => {
    const pid = await servicePid().catch(() => null);
    if (pid !== null) process.kill(pid, 'SIGTERM');
    await waitFor(async () => !(await nameHasOwner(client, BUS_NAME)), 'the service to stop');
    client.disconnect();
    await bus.stop();
    await home.remove();
  });

  it('starts the service by activation, and restart brings it back as a new process under the same name', async () => {
    expect(await nameHasOwner(client, BUS_NAME)).toBeFalse();
    expect(await steward('start')).toEqual({ code: 0, stdout: 'Steward is running.\n', stderr: '' });
    await waitFor(async () => (await servicePid()) !== null, 'the activated service to answer');
    const first = (await servicePid())!;
    expect(alive(first)).toBeTrue();

    const restarted = await steward('restart');
    expect(restarted).toEqual({ code: 0, stdout: 'Steward is running.\n', stderr: '' });
    await waitFor(async () => (await servicePid()) !== null, 'the restarted service to answer');
    const second = (await servicePid())!;
    expect(second).not.toBe(first);
    // The bus's babysitter reaps the stopped process a moment after it leaves.
    await waitFor(() => !alive(first), 'the first process to be gone');
    expect(alive(second)).toBeTrue();
    expect(await nameHasOwner(client, BUS_NAME)).toBeTrue();
    const log = await readFile(serviceLog(), 'utf8');
    expect(log.match(/INFO service started/g)?.length).toBe(2);
    expect(log).toContain('INFO stopping signal=SIGTERM');
  });
});
