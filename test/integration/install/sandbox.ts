// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the install specs share: a sandboxed user to install into, and ways to look at what an install left.
// Each spec file installs into sandboxes of its own, so that the installs, minutes each, run side by side.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { prebuiltPackages, probeGpuFacts } from '../../../service/src/core/gpuCapabilities.js';
import { callMethod } from '../../../service/src/dbus/client.js';
import { type PrivateBus, startPrivateBus } from '../../support/privateBus.js';
import { BUS_NAME, OBJECT_PATH } from '../../support/service.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';

export const exec = promisify(execFile);
export const ROOT = process.cwd();
export const UUID = 'steward@steward.github.io';
/**
 * An install from scratch builds the project and compiles better-sqlite3 from source (npm ci runs its install
 * script, and prebuilt binaries cannot be downloaded here): minutes on a busy two-core machine.
 */
export const FROM_SCRATCH_INSTALL_TIMEOUT_MS = 900_000;

/**
 * A user of its own: a home directory, XDG directories outside it (so the
 * scripts must honour the variables), a private session bus whose activated
 * services get the same environment, and a GSettings keyfile with a stand-in
 * org.gnome.shell schema. No display, no systemd user manager, no user bus.
 */
export interface Sandbox {
  root: TempDir;
  home: string;
  configHome: string;
  dataHome: string;
  stateHome: string;
  libDir: string;
  env: NodeJS.ProcessEnv;
  bus: PrivateBus;
  client: MessageBus;
}

let npmSettings: Promise<NodeJS.ProcessEnv> | undefined;

/** The user's npm cache and settings, which npm would otherwise look for in the temporary home. */
function userNpmSettings(): Promise<NodeJS.ProcessEnv> {
  const get = async (key: string) => (await exec('npm', ['config', 'get', key])).stdout.trim();
  npmSettings ??= Promise.all([get('cache'), get('userconfig')]).then(([cache, userconfig]) => ({
    npm_config_cache: cache,
    npm_config_userconfig: userconfig,
  }));
  return npmSettings;
}

export async function makeSandbox(): Promise<Sandbox> {
  const root = await makeTempDir('steward-install-');
  const home = join(root.path, 'home');
  const configHome = join(root.path, 'xdg', 'config');
  const dataHome = join(root.path, 'xdg', 'data');
  const stateHome = join(root.path, 'xdg', 'state');
  const runtimeDir = join(root.path, 'runtime');
  const schemaDir = join(root.path, 'schemas');
  // A lived-in home: the XDG directories exist and Steward already has a configuration (one that
  // keeps the activated services quiet, as their log goes to the test output through the bus).
  for (const dir of [home, configHome, dataHome, stateHome, schemaDir, join(configHome, 'steward')]) {
    await mkdir(dir, { recursive: true });
  }
  await mkdir(runtimeDir, { mode: 0o700 });
  await writeFile(join(configHome, 'steward', 'config.json'), '{ "logLevel": "error" }\n');
  await copyFile(
    join(ROOT, 'test', 'integration', 'install', 'org.gnome.shell.gschema.xml'),
    join(schemaDir, 'org.gnome.shell.gschema.xml'),
  );
  await exec('glib-compile-schemas', ['--strict', schemaDir]);

  // The user's session bus and display stay out of reach.
  const hidden = ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY', 'XDG_SESSION_TYPE'];
  const base: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !hidden.includes(key))),
    HOME: home,
    XDG_CONFIG_HOME: configHome,
    XDG_DATA_HOME: dataHome,
    XDG_STATE_HOME: stateHome,
    // An empty runtime directory: no systemd user manager and no user bus to be found there.
    XDG_RUNTIME_DIR: runtimeDir,
  };
  const bus = await startPrivateBus({ serviceDirs: [join(dataHome, 'dbus-1', 'services')], env: base });
  const env = {
    ...base,
    ...(await userNpmSettings()),
    DBUS_SESSION_BUS_ADDRESS: bus.address,
    GSETTINGS_SCHEMA_DIR: schemaDir,
    GSETTINGS_BACKEND: 'keyfile',
    // The checkout's build and native modules, made once and only read: one spec installs from scratch.
    STEWARD_REUSE_BUILD: '1',
  };
  // Another extension is enabled already, and must stay so.
  await exec('gsettings', ['set', 'org.gnome.shell', 'enabled-extensions', "['other@example.com']"], { env });
  return {
    root,
    home,
    configHome,
    dataHome,
    stateHome,
    libDir: join(home, '.local', 'lib', 'steward'),
    env,
    bus,
    client: await bus.connect(),
  };
}

export async function removeSandbox(sandbox: Sandbox | undefined): Promise<void> {
  if (!sandbox) return;
  // A service the bus started exits when its bus goes away.
  await sandbox.bus.stop();
  await sandbox.root.remove();
}

interface ScriptRun {
  code: number;
  output: string;
}

/** Runs build/<script> as the sandbox's user, from another directory than the clone. */
/** Runs one of build/'s scripts, or the script at an absolute path. */
function runScript(sandbox: Sandbox, script: string, ...args: string[]): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [isAbsolute(script) ? script : join(ROOT, 'build', script), ...args],
      { env: sandbox.env, cwd: sandbox.home },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

export async function mustRun(sandbox: Sandbox, script: string, ...args: string[]): Promise<string> {
  const run = await runScript(sandbox, script, ...args);
  if (run.code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${run.code}:\n${run.output}`);
  return run.output;
}

/** Every path under the sandbox's home and XDG directories, relative to the sandbox. */
export async function listing(sandbox: Sandbox): Promise<string[]> {
  const paths: string[] = [];
  for (const top of ['home', 'xdg']) {
    for (const entry of await readdir(join(sandbox.root.path, top), { recursive: true })) paths.push(join(top, entry));
  }
  return paths.sort();
}

/** The paths of a listing outside the state directory, which the running service writes to when it will. */
export function outsideServiceState(paths: string[]): string[] {
  const state = join('xdg', 'state', 'steward');
  return paths.filter((path) => path !== state && !path.startsWith(`${state}/`));
}

/** The process that owns Steward's bus name. */
export async function ownerPid(client: MessageBus): Promise<number> {
  const [pid] = await callMethod(client, {
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'GetConnectionUnixProcessID',
    signature: 's',
    body: [BUS_NAME],
  });
  return pid as number;
}

export async function getStatus(client: MessageBus): Promise<Record<string, Variant>> {
  const [status] = await callMethod(client, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: BUS_NAME,
    member: 'GetStatus',
  });
  return status as Record<string, Variant>;
}

export async function enabledExtensions(sandbox: Sandbox): Promise<string> {
  const { stdout } = await exec('gsettings', ['get', 'org.gnome.shell', 'enabled-extensions'], { env: sandbox.env });
  return stdout.trim();
}

/** The node-llama-cpp prebuilts for this machine, and which of them the installer must keep: the same facts it reads. */
export async function expectedPrebuilts(): Promise<{ cpu: string[]; gpu: string[]; kept: Set<string> }> {
  const packages = prebuiltPackages({ platform: process.platform, arch: process.arch });
  const facts = probeGpuFacts();
  const nvidiaSmi = await exec('bash', ['-c', 'command -v nvidia-smi']).then(
    () => true,
    () => false,
  );
  const kept = new Set([
    ...packages.cpu,
    ...(facts.nvidiaDevice || nvidiaSmi ? packages.cuda : []),
    ...(facts.vulkanDriver ? packages.vulkan : []),
  ]);
  return { cpu: packages.cpu, gpu: [...packages.cuda, ...packages.vulkan], kept };
}

/** The prebuilts of `packages` that are in the node_modules folder under `root`. */
export const presentPackages = (root: string, packages: string[]) =>
  packages.filter((name) => existsSync(join(root, 'node_modules', name)));

export const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n');
export const packageVersion = async () =>
  (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
