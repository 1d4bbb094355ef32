// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import { readApiKey, storeApiKey } from '../../service/src/engine/apiKey.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { CLI_SCRIPT, nameHasOwner, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const URL = 'http://127.0.0.1:8080/v1';
const SECRETS = { destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets' };

async function searchItems(bus: MessageBus, attributes: Record<string, string>): Promise<string[][]> {
  return (await callMethod(bus, {
    ...SECRETS,
    interface: 'org.freedesktop.Secret.Service',
    member: 'SearchItems',
    signature: 'a{ss}',
    body: [attributes],
  })) as string[][];
}

describe('the API key in the keyring (a real gnome-keyring-daemon)', () => {
  let dir: TempDir;
  let bus: PrivateBus;
  let client: MessageBus;
  let keyring: ChildProcess;

  beforeEach(async () => {
    dir = await makeTempDir();
    bus = await startPrivateBus();
    client = await bus.connect();
    const runtimeDir = join(dir.path, 'run');
    await mkdir(runtimeDir, { mode: 0o700 });
    keyring = spawn('gnome-keyring-daemon', ['--foreground', '--components=secrets', '--unlock'], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: dir.path,
        XDG_DATA_HOME: join(dir.path, 'data'),
        XDG_RUNTIME_DIR: runtimeDir,
        DBUS_SESSION_BUS_ADDRESS: bus.address,
      },
    });
    // Keep real problems visible, but not its notes on what these tests do on purpose.
    createInterface({ input: keyring.stderr! }).on('line', (line) => {
      if (!/already registered|couldn't create system prompt|^$/.test(line)) process.stderr.write(`${line}\n`);
    });
    // --unlock creates the login keyring with the password it reads from stdin.
    keyring.stdin?.end('test-password');
    await waitFor(() => nameHasOwner(client, 'org.freedesktop.secrets'), 'the keyring on the bus');
  });

  afterEach(async () => {
    if (keyring.exitCode === null) {
      const exited = new Promise((resolve) => keyring.once('exit', resolve));
      keyring.kill('SIGTERM');
      await exited;
    }
    await bus.stop();
    await dir.remove();
  });

  it('stores a key and reads it back for the same endpoint only', async () => {
    await storeApiKey(client, URL, 'sk-keyring-secret');
    expect(await readApiKey({ sessionBus: client, url: URL })).toBe('sk-keyring-secret');
    expect(await readApiKey({ sessionBus: client, url: 'http://other.example/v1' })).toBeNull();
  });

  it('labels the item and tags it with the application and the endpoint', async () => {
    await storeApiKey(client, URL, 'sk-keyring-secret');
    const [unlocked] = await searchItems(client, { application: 'io.github.steward.Steward1', endpoint: URL });
    expect(unlocked?.length).toBe(1);
    const [label] = await callMethod(client, {
      destination: SECRETS.destination,
      path: unlocked![0]!,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: ['org.freedesktop.Secret.Item', 'Label'],
    });
    expect((label as { value: string }).value).toBe(`Steward API key for ${URL}`);
  });

  it('replaces a key stored before', async () => {
    await storeApiKey(client, URL, 'sk-old');
    await storeApiKey(client, URL, 'sk-new');
    expect(await readApiKey({ sessionBus: client, url: URL })).toBe('sk-new');
    const [unlocked] = await searchItems(client, { endpoint: URL });
    expect(unlocked?.length).toBe(1);
  });

  it('has no key when the keyring holds none for the endpoint', async () => {
    expect(await readApiKey({ sessionBus: client, url: URL })).toBeNull();
  });

  it('does not unlock a locked keyring unless allowed', async () => {
    await storeApiKey(client, URL, 'sk-keyring-secret');
    await callMethod(client, {
      ...SECRETS,
      interface: 'org.freedesktop.Secret.Service',
      member: 'Lock',
      signature: 'ao',
      body: [['/org/freedesktop/secrets/collection/login']],
    });
    const error = await readApiKey({ sessionBus: client, url: URL }).catch((caught: unknown) => caught);
    expect(error).toEqual(jasmine.any(StewardError));
    expect((error as StewardError).errorName).toBe('NotAuthorized');
    expect((error as StewardError).message).toBe(
      `the API key for ${URL} is in a locked keyring; unlock the keyring first`,
    );
  });

  // Without a desktop there is no password dialog, so the keyring reports the prompt dismissed.
  it('asks the keyring to unlock itself when allowed, and reports a dismissed dialog', async () => {
    await storeApiKey(client, URL, 'sk-keyring-secret');
    await callMethod(client, {
      ...SECRETS,
      interface: 'org.freedesktop.Secret.Service',
      member: 'Lock',
      signature: 'ao',
      body: [['/org/freedesktop/secrets/collection/login']],
    });
    const error = await readApiKey({ sessionBus: client, url: URL, unlock: true }).catch((caught: unknown) => caught);
    expect(error).toEqual(jasmine.any(StewardError));
    expect((error as StewardError).errorName).toBe('NotAuthorized');
    expect((error as StewardError).message).toBe(`the keyring holding the API key for ${URL} was not unlocked`);
  });

  it('saves a key with steward api-key, read from stdin, where the service looks for it', async () => {
    const cli = spawn(process.execPath, [CLI_SCRIPT, 'api-key', URL], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout.on('data', (data: Buffer) => (output += data.toString()));
    cli.stdin.end('sk-from-the-cli\n');
    const code = await new Promise((resolve) => cli.on('close', resolve));
    expect(code).toBe(0);
    expect(output).toBe(`Saved the API key for ${URL} in your keyring.\n`);
    expect(output).not.toContain('sk-from-the-cli');
    expect(await readApiKey({ sessionBus: client, url: URL })).toBe('sk-from-the-cli');
  });

  it('has no key when no keyring runs', async () => {
    const exited = new Promise((resolve) => keyring.once('exit', resolve));
    keyring.kill('SIGTERM');
    await exited;
    await waitFor(async () => !(await nameHasOwner(client, 'org.freedesktop.secrets')), 'the keyring to leave');
    expect(await readApiKey({ sessionBus: client, url: URL })).toBeNull();
  });
});
