// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';

import { configCommand } from '../../service/src/cli/config.js';
import { type Config, configSchema } from '../../service/src/config.js';
import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { errorOf } from '../support/errors.js';
import { parseJsonObject, readJsonObject } from '../support/json.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  CLI_SCRIPT,
  gdbusCall,
  homeEnv,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);

const SETTINGS = 'io.github.steward.Steward1.Settings';
const ERROR = 'io.github.steward.Steward1.Error';
const BASE = { logLevel: 'debug', watch: quietWatch() };

// The real service on a private bus, changing its own configuration file.
describe('the Settings interface', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;
  let file: string;
  const changes: string[] = [];

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: SETTINGS, member, signature, body });
  const getConfig = async () => {
    const [config, path, valid, problem] = (await call('GetConfig')) as [string, string, boolean, string];
    return { config: parseJsonObject(config), path, valid, problem };
  };
  const update = async (patch: unknown) =>
    JSON.parse(((await call('UpdateConfig', 's', [JSON.stringify(patch)])) as [string])[0]) as Config;
  /** The ConfigChanged signal after the `seen` first ones. */
  const changeAfter = async (seen: number) => {
    await waitFor(() => changes.length > seen, 'ConfigChanged');
    return JSON.parse(changes[seen] as string) as Config;
  };
  /** Writes `text` as the file and has the service reload it, as `systemctl --user reload` does. */
  const reloadWith = async (text: string) => {
    const seen = changes.length;
    await writeFile(file, text);
    service.process.kill('SIGHUP');
    return changeAfter(seen);
  };

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    await new SignalRouter(client).subscribe({ interface: SETTINGS, member: 'ConfigChanged' }, (body) =>
      changes.push(body[0] as string),
    );
    service = await startConfiguredService(bus, client, home.path, BASE);
    file = join(home.path, 'config', 'steward', 'config.json');
  });

  // Each case starts from the same file, whatever ran before it.
  beforeEach(async () => {
    await reloadWith(JSON.stringify(BASE));
  });

  afterAll(async () => {
    await service?.stop();
    await bus?.stop();
    await home?.remove();
  });

  it('gives the effective configuration with every default, and the file', async () => {
    expect(await getConfig()).toEqual({
      config: parseJsonObject(JSON.stringify(configSchema.parse(BASE))),
      path: file,
      valid: true,
      problem: '',
    });
  });

  it('writes a valid patch to the file, privately, applies it and announces it', async () => {
    const seen = changes.length;
    const config = await update({ findings: { attentionSeverity: 'error' }, inference: { threads: 2 } });
    expect(config.findings.attentionSeverity).toBe('error');
    expect(config.inference.threads).toBe(2);
    expect(config.assistant.maxToolCalls).withContext('defaults are filled in').toBe(6);
    expect(await changeAfter(seen)).toEqual(config);
    expect((await getConfig()).config).toEqual(config);
    expect(await readJsonObject(file)).toEqual({
      ...BASE,
      findings: { attentionSeverity: 'error' },
      inference: { threads: 2 },
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(service.log()).toContain('configuration reloaded');

    await update({ inference: null });
    expect(await readJsonObject(file)).toEqual({ ...BASE, findings: { attentionSeverity: 'error' } });
    expect((await getConfig()).config.inference).toEqual(configSchema.parse({}).inference);
  });

  it('refuses an invalid patch, naming each bad setting, and leaves the file byte for byte', async () => {
    const before = await readFile(file, 'utf8');
    const error = await errorOf(
      call('UpdateConfig', 's', [
        JSON.stringify({
          inference: { engine: 'remote', remote: { url: 'file:///etc', model: 'm' } },
          logLevel: 'loud',
        }),
      ]),
    );
    expect(error.type).toBe(`${ERROR}.InvalidArgs`);
    expect(error.text).toContain('inference.remote.url: Invalid URL');
    expect(error.text).toContain('logLevel: ');
    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await errorOf(call('UpdateConfig', 's', ['not json']))).type).toBe(`${ERROR}.InvalidArgs`);
    expect((await errorOf(call('UpdateConfig', 's', ['[]']))).type).toBe(`${ERROR}.InvalidArgs`);
  });

  it('reports a broken file, runs on the defaults and refuses to overwrite it', async () => {
    const broken = '{ "logLevel": "debug", ';
    expect(await reloadWith(broken)).toEqual(configSchema.parse({}));
    const current = await getConfig();
    expect(current.valid).toBeFalse();
    expect(current.problem).toContain('not valid JSON');
    const error = await errorOf(call('UpdateConfig', 's', ['{"logLevel":"info"}']));
    expect(error.type).toBe(`${ERROR}.InvalidArgs`);
    expect(error.text).toContain('fix or remove it');
    expect(await readFile(file, 'utf8')).toBe(broken);
  });

  it('announces a reload after the file was edited by hand', async () => {
    const config = await reloadWith(JSON.stringify({ ...BASE, assistant: { maxToolCalls: 3 } }));
    expect(config.assistant.maxToolCalls).toBe(3);
    expect((await getConfig()).config).toEqual(parseJsonObject(JSON.stringify(config)));
  });

  it('answers gdbus', async () => {
    const { stdout } = await gdbusCall(bus.address, `${SETTINGS}.GetConfig`);
    expect(stdout).toContain(file);
    expect(stdout).toContain('"attentionSeverity":"warning"');
    const { stdout: updated } = await gdbusCall(bus.address, `${SETTINGS}.UpdateConfig`, '{"logLevel": "info"}');
    expect(updated).toContain('"logLevel":"info"');
    expect((await readJsonObject(file)).logLevel).toBe('info');
  });

  it('checks the API key’s endpoint and key, and says when there is no keyring', async () => {
    const key = 'sk-never-in-the-log-4242';
    const badUrl = await errorOf(call('SetApiKey', 'ss', ['ftp://example.org', key]));
    expect(badUrl.type).toBe(`${ERROR}.InvalidArgs`);
    expect(badUrl.text).toContain('argument “url”');
    const emptyKey = await errorOf(call('SetApiKey', 'ss', ['http://127.0.0.1:8080/v1', ' ']));
    expect(emptyKey.type).toBe(`${ERROR}.InvalidArgs`);
    expect(emptyKey.text).toContain('the API key is empty');
    // Nothing owns org.freedesktop.secrets on this bus.
    const noKeyring = await errorOf(call('SetApiKey', 'ss', ['http://127.0.0.1:8080/v1', key]));
    expect(noKeyring.type).toBe(`${ERROR}.Unavailable`);
    expect(badUrl.text + emptyKey.text + noKeyring.text + service.log()).not.toContain(key);
  });

  describe('steward config', () => {
    let stdout: string;

    beforeEach(() => {
      stdout = '';
      spyOn(process.stdout, 'write').and.callFake((chunk: string | Uint8Array) => {
        stdout += String(chunk);
        return true;
      });
    });

    it('prints the effective configuration', async () => {
      expect(await configCommand(client, [])).toBe(0);
      expect(parseJsonObject(stdout)).toEqual((await getConfig()).config);
    });

    it('sets a value given as JSON or as text, and unsets it', async () => {
      expect(await configCommand(client, ['set', 'inference.threads', '2'])).toBe(0);
      expect(await configCommand(client, ['set', 'fixes.policy', '{"files.clear_cache":"never"}'])).toBe(0);
      expect(await configCommand(client, ['set', 'findings.attentionSeverity', 'error'])).toBe(0);
      expect(stdout).toBe(
        'inference.threads = 2\nfixes.policy = {"files.clear_cache":"never"}\nfindings.attentionSeverity = "error"\n',
      );
      expect(await readJsonObject(file)).toEqual({
        ...BASE,
        inference: { threads: 2 },
        fixes: { policy: { 'files.clear_cache': 'never' } },
        findings: { attentionSeverity: 'error' },
      });

      stdout = '';
      expect(await configCommand(client, ['unset', 'inference.threads'])).toBe(0);
      expect(stdout).toBe('inference.threads = "auto"\n');
      expect((await readJsonObject(file)).inference).toEqual({});
    });

    it('is the steward command’s, on the command line', async () => {
      const { stdout: printed } = await run(process.execPath, [CLI_SCRIPT, 'config', 'set', 'logLevel', 'debug'], {
        env: { PATH: process.env.PATH, ...homeEnv(home.path), DBUS_SESSION_BUS_ADDRESS: bus.address },
      });
      expect(printed).toBe('logLevel = "debug"\n');
      expect((await readJsonObject(file)).logLevel).toBe('debug');
    });

    it('fails with the service’s reason for an invalid value', async () => {
      const error = await errorOf(configCommand(client, ['set', 'inference.threads', '0']));
      expect(error.type).toBe(`${ERROR}.InvalidArgs`);
      expect(error.text).toContain('inference.threads');
      expect(await readJsonObject(file)).toEqual(BASE);
    });
  });
});
