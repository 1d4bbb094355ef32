// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Widening trust over D-Bus through the real service on a private bus: a bus peer
// cannot turn the expert shell on, add readable roots or auto rules, or name a remote
// endpoint or API key file without the user's confirmation, by polkit (the real
// polkitd), GNOME Shell (not a peer that merely owns its name) or the CLI's terminal.
import { execFile, type ExecFileException } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Message, MessageBus } from '@jellybrick/dbus-next';

import type { Config } from '../../service/src/config.js';
import { callMethod } from '../../service/src/dbus/client.js';
import { WIDEN_TRUST_ACTION } from '../../service/src/settings/polkitConfirmation.js';
import { errorOf } from '../support/errors.js';
import { readJsonObject } from '../support/json.js';
import { type Polkit, startPolkit } from '../support/polkit.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  CLI_SCRIPT,
  homeEnv,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  spawnService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { type ShellStandIn, startShellStandIn } from '../support/shellStandIn.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const SETTINGS = 'io.github.steward.Steward1.Settings';
const ERROR = 'io.github.steward.Steward1.Error';
const NOBODY = 65534;
const BASE = { logLevel: 'debug', watch: quietWatch() };
const POLICY = join(process.cwd(), 'build', 'polkit', `${WIDEN_TRUST_ACTION}.policy`);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; resolves with its exit code and output, whatever the code. */
function runProgram(
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; uid?: number; input?: string },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { env: options.env, uid: options.uid, gid: options.uid, cwd: '/', timeout: 60_000 },
      (error: ExecFileException | null, stdout, stderr) =>
        resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** gdbus calling a Settings method as `uid`, in a session of its own, so it has no controlling terminal. */
const gdbusAs = (address: string, method: string, args: string[], uid?: number) =>
  runProgram(
    'setsid',
    [
      '-w',
      'gdbus',
      'call',
      '--address',
      address,
      '--timeout',
      '60',
      '--dest',
      BUS_NAME,
      '--object-path',
      OBJECT_PATH,
      '--method',
      `${SETTINGS}.${method}`,
      ...args,
    ],
    { env: { PATH: process.env.PATH }, uid },
  );

const WIDENING: [string, (home: string) => Record<string, unknown>, string][] = [
  ['turns the expert shell on', () => ({ fixes: { expertShell: true } }), 'turn on the expert shell'],
  [
    'adds / to the readable roots',
    () => ({ assistant: { readableRoots: ['/etc', '/'] } }),
    'let the assistant read files under “/”',
  ],
  [
    'adds an auto rule',
    () => ({ fixes: { policy: { 'files.clear_cache': 'auto' } } }),
    'run “files.clear_cache” without asking',
  ],
  [
    'points the remote endpoint anywhere, with a private file as its API key',
    (home) => ({
      inference: {
        remote: { url: 'https://collector.example/v1', model: 'm', apiKeyFile: join(home, 'private-key') },
      },
    }),
    'as the API key',
  ],
];

interface Setup {
  bus: PrivateBus;
  home: TempDir;
  client: MessageBus;
  service: RunningService;
  file: string;
}

async function startSetup(systemBusAddress: string): Promise<Setup> {
  // A system-type bus: callers running as another user (nobody) can reach the service on it.
  const bus = await startPrivateBus({ system: true });
  const home = await makeTempDir();
  const client = await bus.connect();
  const file = join(home.path, 'config', 'steward', 'config.json');
  await writeFile(join(home.path, 'private-key'), 'the content of a private file\n', { mode: 0o600 });
  await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
  await writeFile(file, JSON.stringify(BASE));
  const service = spawnService(bus.address, {
    ...homeEnv(home.path),
    XDG_DATA_HOME: join(home.path, 'data'),
    OLLAMA_MODELS: join(home.path, 'none'),
    DBUS_SYSTEM_BUS_ADDRESS: systemBusAddress,
  });
  await waitUntilReady(client, service);
  return { bus, home, client, service, file };
}

async function stopSetup(setup: Setup | undefined): Promise<void> {
  await setup?.service.stop();
  await setup?.bus.stop();
  await setup?.home.remove();
}

const callOn = (client: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(client, { destination: BUS_NAME, path: OBJECT_PATH, interface: SETTINGS, member, signature, body });

describe('widening trust over D-Bus', () => {
  describe('where neither polkit nor GNOME Shell can ask', () => {
    let setup: Setup;
    let fakeShell: MessageBus;
    const toFakeShell: Message[] = [];
    const call = (member: string, signature = '', body: unknown[] = []) =>
      callOn(setup.client, member, signature, body);
    const setHandEdited = (settings: unknown) => writeFile(setup.file, JSON.stringify(settings));

    beforeAll(async () => {
      setup = await startSetup('unix:path=/nonexistent/system_bus_socket');
      // A peer that owns org.gnome.Shell, as any peer may where the shell does not, but is node, not the shell.
      fakeShell = await setup.bus.connect();
      await callMethod(fakeShell, {
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member: 'RequestName',
        signature: 'su',
        body: ['org.gnome.Shell', 4],
      });
      fakeShell.on('message', (message: Message) => {
        if (message.member === 'ConfirmationRequested') toFakeShell.push(message);
      });
    });

    beforeEach(() => setHandEdited(BASE));
    afterAll(() => stopSetup(setup));

    for (const [what, patch, words] of WIDENING) {
      it(`refuses a bus peer that ${what}, naming the change, and changes nothing`, async () => {
        const before = await readFile(setup.file, 'utf8');
        const error = await errorOf(call('UpdateConfig', 's', [JSON.stringify(patch(setup.home.path))]));
        expect(error.type).toBe(`${ERROR}.ConfirmationRequired`);
        expect(error.text).toContain(words);
        expect(error.text).toContain('steward config set');
        expect(await readFile(setup.file, 'utf8')).toBe(before);
      });
    }

    it('applies changes that narrow or keep trust at once', async () => {
      await setHandEdited({
        ...BASE,
        fixes: { expertShell: true, policy: { 'files.clear_cache': 'auto' } },
        assistant: { readableRoots: ['/etc', '/srv'] },
      });
      const [reply] = (await call('UpdateConfig', 's', [
        JSON.stringify({
          fixes: { expertShell: false, policy: { 'files.clear_cache': 'ask' } },
          assistant: { readableRoots: ['/etc'] },
          inference: { threads: 2 },
        }),
      ])) as [string];
      const config = JSON.parse(reply) as Config;
      expect(config.fixes).toEqual(
        jasmine.objectContaining({ expertShell: false, policy: { 'files.clear_cache': 'ask' } }),
      );
      expect(config.assistant.readableRoots).toEqual(['/etc']);
      expect(config.inference.threads).toBe(2);
    });

    it('does not let a bus peer name an API key file, even for the endpoint the user set by hand', async () => {
      const remote = { url: 'https://llm.example.org/v1', model: 'm' };
      await setHandEdited({ ...BASE, inference: { remote } });
      const before = await readFile(setup.file, 'utf8');
      const apiKeyFile = join(setup.home.path, 'private-key');
      const error = await errorOf(
        call('UpdateConfig', 's', [JSON.stringify({ inference: { remote: { apiKeyFile } } })]),
      );
      expect(error.type).toBe(`${ERROR}.ConfirmationRequired`);
      expect(error.text).toContain(`send the content of “${apiKeyFile}” to “${remote.url}” as the API key`);
      expect(await readFile(setup.file, 'utf8')).toBe(before);
    });

    it('never takes a peer that owns org.gnome.Shell for the shell: it may not register, gets no request and cannot answer', async () => {
      const registered = await errorOf(callOn(fakeShell, 'RegisterConfirmationAgent'));
      expect(registered.type).toBe(`${ERROR}.NotAuthorized`);
      const error = await errorOf(call('UpdateConfig', 's', [JSON.stringify({ fixes: { expertShell: true } })]));
      expect(error.type).toBe(`${ERROR}.ConfirmationRequired`);
      expect(toFakeShell).toEqual([]);
      const answered = await errorOf(callOn(fakeShell, 'AnswerConfirmation', 'ub', [1, true]));
      expect(answered.type).toBe(`${ERROR}.NotFound`);
      expect(await readJsonObject(setup.file)).toEqual(BASE);
    });

    it('refuses UpdateConfigFromTerminal to a caller without a terminal', async () => {
      const outcome = await gdbusAs(setup.bus.address, 'UpdateConfigFromTerminal', [
        JSON.stringify({ fixes: { expertShell: true } }),
      ]);
      expect(outcome.code).not.toBe(0);
      expect(outcome.stderr).toContain(`${ERROR}.NotAuthorized`);
      expect(outcome.stderr).toContain('terminal');
      expect(await readJsonObject(setup.file)).toEqual(BASE);
    });

    describe('steward config set', () => {
      const env = () => ({
        PATH: process.env.PATH,
        ...homeEnv(setup.home.path),
        DBUS_SESSION_BUS_ADDRESS: setup.bus.address,
      });

      it('asks on its terminal and applies the change once the user typed yes', async () => {
        // script(1) gives the CLI a terminal and types the answer: exactly what any program of the user's
        // could do too (see terminalCaller.ts), which is why this path counts only without polkit or the shell.
        const command = `${process.execPath} ${CLI_SCRIPT} config set fixes.expertShell true`;
        const outcome = await runProgram('script', ['-qec', command, '/dev/null'], { env: env(), input: 'y\n' });
        expect(outcome.stdout).toContain('turn on the expert shell');
        expect(outcome.stdout).toContain('fixes.expertShell = true');
        expect(outcome.code).toBe(0);
        expect((await readJsonObject(setup.file)).fixes).toEqual({ expertShell: true });
      });

      it('changes nothing when the user does not type yes', async () => {
        const command = `${process.execPath} ${CLI_SCRIPT} config set fixes.expertShell true`;
        const outcome = await runProgram('script', ['-qec', command, '/dev/null'], { env: env(), input: 'n\n' });
        expect(outcome.code).not.toBe(0);
        expect(await readJsonObject(setup.file)).toEqual(BASE);
      });

      it('without a terminal, fails with the reason and changes nothing', async () => {
        const outcome = await runProgram(
          'setsid',
          ['-w', process.execPath, CLI_SCRIPT, 'config', 'set', 'fixes.expertShell', 'true'],
          { env: env(), input: 'y\n' },
        );
        expect(outcome.code).not.toBe(0);
        expect(outcome.stderr).toContain('needs your confirmation');
        expect(await readJsonObject(setup.file)).toEqual(BASE);
      });
    });
  });

  describe('where GNOME Shell registered as the agent', () => {
    let setup: Setup;
    let shell: ShellStandIn;
    const seenByOthers: Message[] = [];
    const update = (patch: unknown) => callOn(setup.client, 'UpdateConfig', 's', [JSON.stringify(patch)]);
    /** The next request the shell gets after the `seen` reports so far. */
    const nextRequest = async (seen: number) => {
      await waitFor(() => shell.reports.slice(seen).some((line) => 'request' in line), 'the request');
      return shell.reports.slice(seen).find((line) => 'request' in line) as {
        request: number;
        caller: string;
        changes: string[];
      };
    };

    beforeAll(async () => {
      setup = await startSetup('unix:path=/nonexistent/system_bus_socket');
      setup.client.on('message', (message: Message) => {
        if (message.member === 'ConfirmationRequested') seenByOthers.push(message);
      });
      shell = await startShellStandIn(setup.bus.address);
      await waitFor(() => shell.reports.length > 0, 'the shell to register');
    });

    beforeEach(() => writeFile(setup.file, JSON.stringify(BASE)));

    afterAll(async () => {
      await shell?.stop();
      await stopSetup(setup);
    });

    it('lets the connection that owns org.gnome.Shell and runs /usr/bin/gnome-shell register', () => {
      expect(shell.reports[0]).toEqual({ registered: jasmine.stringMatching(/^:/) });
    });

    it('shows the change to the shell alone, takes no answer from another peer, and applies it once the user allows it', async () => {
      const seen = shell.reports.length;
      const reply = update({ fixes: { expertShell: true } });
      const request = await nextRequest(seen);
      expect(request.changes).toEqual(['turn on the expert shell, so that proposals may include commands to run']);
      expect(request.caller)
        .withContext('named by /proc, not by itself')
        .toBe(`${process.execPath} (pid ${process.pid})`);
      const impostor = await errorOf(callOn(setup.client, 'AnswerConfirmation', 'ub', [request.request, true]));
      expect(impostor.type).toBe(`${ERROR}.NotFound`);
      shell.answer(request.request, true);
      const [config] = (await reply) as [string];
      expect((JSON.parse(config) as Config).fixes.expertShell).toBeTrue();
      expect((await readJsonObject(setup.file)).fixes).toEqual({ expertShell: true });
      expect(seenByOthers).toEqual([]);
      expect(setup.service.log()).toContain('confirmedBy="GNOME Shell"');
    });

    it('changes nothing when the user denies it', async () => {
      const seen = shell.reports.length;
      const reply = errorOf(update({ assistant: { readableRoots: ['/etc', '/'] } }));
      const request = await nextRequest(seen);
      expect(request.changes).toEqual(['let the assistant read files under “/”']);
      shell.answer(request.request, false);
      const error = await reply;
      expect(error.type).toBe(`${ERROR}.NotAuthorized`);
      expect(await readJsonObject(setup.file)).toEqual(BASE);
    });

    it('does not take a terminal’s word instead of the shell’s', async () => {
      const outcome = await gdbusAs(setup.bus.address, 'UpdateConfigFromTerminal', [
        JSON.stringify({ fixes: { expertShell: true } }),
      ]);
      expect(outcome.stderr).toContain(`${ERROR}.NotAuthorized`);
      expect(await readJsonObject(setup.file)).toEqual(BASE);
    });
  });

  describe("where polkit has Steward's action", () => {
    let polkit: Polkit;
    let setup: Setup;
    const updateAsNobody = (patch: unknown, method = 'UpdateConfig') =>
      gdbusAs(setup.bus.address, method, [JSON.stringify(patch)], NOBODY);

    beforeAll(async () => {
      polkit = await startPolkit([POLICY], WIDEN_TRUST_ACTION);
      setup = await startSetup(polkit.bus.address);
    });

    beforeEach(() => writeFile(setup.file, JSON.stringify(BASE)));

    afterAll(async () => {
      await stopSetup(setup);
      await polkit?.stop();
    });

    it('applies the change once polkit says the calling user confirmed it', async () => {
      await polkit.answer('yes');
      const outcome = await updateAsNobody({ fixes: { expertShell: true } });
      expect(outcome.stderr).toBe('');
      expect(outcome.stdout).toContain('"expertShell":true');
      expect((await readJsonObject(setup.file)).fixes).toEqual({ expertShell: true });
      expect(polkit.log()).toContain(`test rule: yes for uid nobody: turn on the expert shell`);
      expect(setup.service.log()).toContain('confirmedBy=polkit');
    });

    it('changes nothing when polkit says no', async () => {
      await polkit.answer('no');
      const outcome = await updateAsNobody({ assistant: { readableRoots: ['/'] } });
      expect(outcome.stderr).toContain(`${ERROR}.NotAuthorized`);
      expect(outcome.stderr).toContain('not confirmed');
      expect(await readJsonObject(setup.file)).toEqual(BASE);
    });

    it('changes nothing when the action asks for a password and no agent can ask it', async () => {
      await polkit.answer('ask');
      const outcome = await updateAsNobody({ fixes: { policy: { 'files.clear_cache': 'auto' } } });
      expect(outcome.stderr).toContain(`${ERROR}.NotAuthorized`);
      expect(await readJsonObject(setup.file)).toEqual(BASE);
    });

    it('does not take a terminal’s word instead of polkit’s', async () => {
      await polkit.answer('yes');
      const outcome = await updateAsNobody({ fixes: { expertShell: true } }, 'UpdateConfigFromTerminal');
      expect(outcome.stderr).toContain(`${ERROR}.NotAuthorized`);
      expect(await readJsonObject(setup.file)).toEqual(BASE);
    });

    it('applies changes that keep trust without asking polkit', async () => {
      await polkit.answer('no');
      const outcome = await updateAsNobody({ inference: { threads: 3 } });
      expect(outcome.stderr).toBe('');
      expect((await readJsonObject(setup.file)).inference).toEqual({ threads: 3 });
    });
  });
});
