// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod, nameHasOwner } from '../../service/src/dbus/client.js';
import { CONDITION_TIMEOUT_MS } from './timeouts.js';

export const SERVICE_SCRIPT = join(process.cwd(), 'dist', 'service', 'steward-service.js');
export const CLI_SCRIPT = join(process.cwd(), 'dist', 'service', 'steward.js');
export const INSPECTOR_SCRIPT = join(process.cwd(), 'dist', 'service', 'steward-model-inspector.js');
export const DOCS_INDEXER_SCRIPT = join(process.cwd(), 'dist', 'service', 'steward-docs-indexer.js');
export const BUS_NAME = 'io.github.steward.Steward1';
export const OBJECT_PATH = '/io/github/steward/Steward1';

/**
 * The Node.js and malloc options the installed unit starts the service with, so that tests and benchmarks run
 * it as installed. Read when a service starts, not on import: specs import this module into scripts that run
 * elsewhere (as nobody, from /).
 */
function unitOptions(): { NODE_OPTIONS: string; GLIBC_TUNABLES: string } {
  const unit = readFileSync(join(process.cwd(), 'build', 'templates', 'steward.service.in'), 'utf8');
  const value = (name: string) => new RegExp(`^Environment=${name}=(.*)$`, 'm').exec(unit)?.[1] ?? '';
  return { NODE_OPTIONS: value('NODE_OPTIONS'), GLIBC_TUNABLES: value('GLIBC_TUNABLES') };
}

/** Environment that keeps the service's files (configuration, state) inside `home`. */
export const homeEnv = (home: string) => ({
  HOME: home,
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_STATE_HOME: join(home, 'state'),
});

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the steward command with `env`; resolves with its exit status and output, whatever the status. */
export const runCli = (args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> =>
  promisify(execFile)(process.execPath, [CLI_SCRIPT, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: CliResult) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

export interface RunningService {
  process: ChildProcess;
  /** Everything the service wrote to stderr so far. */
  log(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts the built service with `env` (HOME and XDG paths from the test) on the bus at `address`. */
export function spawnService(address: string, env: NodeJS.ProcessEnv): RunningService {
  const child = spawn(process.execPath, [SERVICE_SCRIPT], {
    // The documentation index looks in the test's home, not at the machine's man pages, unless a test says otherwise.
    env: {
      PATH: process.env.PATH,
      ...unitOptions(),
      STEWARD_TEST_DOCS_ROOT: join(env.HOME ?? process.cwd(), 'docs-root'),
      ...env,
      DBUS_SESSION_BUS_ADDRESS: address,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    log: () => stderr,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export { nameHasOwner };

/**
 * `work`, or an error naming `what` once `timeoutMs` passed without an answer: a wait ends at its deadline even when
 * what it waits on never returns (a client whose server never answers).
 */
export async function withDeadline<T>(work: Promise<T> | T, what: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), Math.max(0, timeoutMs));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `condition` every 50 ms until it holds; fails after `timeoutMs` with `what` in the message, also where a
 * check itself never answers.
 */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = CONDITION_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A check still running at the deadline after others answered is no check that never answers.
  let answered = false;
  const check = async () => {
    const holds = await withDeadline(
      condition(),
      answered ? what : `${what} (its check never answered)`,
      deadline - Date.now(),
    );
    answered = true;
    return holds;
  };
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the service owns its name and has finished starting. */
/** Makes `model` (e.g. "store:tiny.gguf") the one the service answers with. */
export async function activateModel(bus: MessageBus, model: string): Promise<void> {
  await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: 'io.github.steward.Steward1.Models',
    member: 'SetActive',
    signature: 's',
    body: [model],
  });
}

/** Chat.Ask with `text`: the whole answer, as a script gets it; `timeoutMs` covers the answer. */
export async function chatAsk(bus: MessageBus, text: string, timeoutMs: number): Promise<string> {
  const [answer] = await callMethod(
    bus,
    {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: `${BUS_NAME}.Chat`,
      member: 'Ask',
      signature: 's',
      body: [text],
    },
    { timeoutMs },
  );
  return String(answer);
}

export async function waitUntilReady(bus: MessageBus, service: RunningService): Promise<void> {
  await waitFor(async () => {
    if (service.process.exitCode !== null) throw new Error(`service exited early:\n${service.log()}`);
    return (await nameHasOwner(bus, BUS_NAME)) && /state changed state=(idle|degraded|attention)/.test(service.log());
  }, 'the service to start');
}

/** Watch settings with every source off; a test turns on the ones it exercises. */
export const quietWatch = (watch: Record<string, unknown> = {}) => ({
  journal: { system: false, user: false, directories: [] },
  units: false,
  network: false,
  disks: { mounts: [] },
  files: { watchDefaults: false },
  packages: false,
  ...watch,
});

/**
 * Writes `config` as the configuration of a service kept inside `home`, starts it (with `env` added to its
 * environment: a system bus, a test hook) and waits until it is ready.
 */
export async function startConfiguredService(
  bus: { address: string },
  client: MessageBus,
  home: string,
  config: unknown,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningService> {
  await mkdir(join(home, 'config', 'steward'), { recursive: true });
  await writeFile(join(home, 'config', 'steward', 'config.json'), JSON.stringify(config));
  const service = spawnService(bus.address, {
    ...homeEnv(home),
    XDG_DATA_HOME: join(home, 'data'),
    OLLAMA_MODELS: join(home, 'none'),
    ...env,
  });
  await waitUntilReady(client, service);
  return service;
}

/** Calls `method` (interface.Member) on the service with the gdbus tool, as a script would. */
export function gdbusCall(address: string, method: string, ...args: string[]) {
  // Longer than gdbus's default 25 s: Chat.Ask waits for a whole answer.
  const command = ['call', '--session', '--timeout', '120', '--dest', BUS_NAME, '--object-path', OBJECT_PATH];
  return promisify(execFile)('gdbus', [...command, '--method', method, ...args], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
  });
}
