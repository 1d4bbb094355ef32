// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { prebuiltPackages, probeGpuFacts } from '../../service/src/core/gpuCapabilities.js';
import { callMethod } from '../../service/src/dbus/client.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, nameHasOwner, OBJECT_PATH, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const exec = promisify(execFile);
const ROOT = process.cwd();
const UUID = 'steward@steward.github.io';
/**
 * An install from scratch builds the project and compiles better-sqlite3 from source (npm ci runs its install
 * script, and prebuilt binaries cannot be downloaded here): minutes on a busy two-core machine.
 */
const FROM_SCRATCH_INSTALL_TIMEOUT_MS = 900_000;

/**
 * A user of its own: a home directory, XDG directories outside it (so the
 * scripts must honour the variables), a private session bus whose activated
 * services get the same environment, and a GSettings keyfile with a stand-in
 * org.gnome.shell schema. No display, no systemd user manager, no user bus.
 */
interface Sandbox {
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

async function makeSandbox(): Promise<Sandbox> {
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

async function removeSandbox(sandbox: Sandbox | undefined): Promise<void> {
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

async function mustRun(sandbox: Sandbox, script: string, ...args: string[]): Promise<string> {
  const run = await runScript(sandbox, script, ...args);
  if (run.code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${run.code}:\n${run.output}`);
  return run.output;
}

/** Every path under the sandbox's home and XDG directories, relative to the sandbox. */
async function listing(sandbox: Sandbox): Promise<string[]> {
  const paths: string[] = [];
  for (const top of ['home', 'xdg']) {
    for (const entry of await readdir(join(sandbox.root.path, top), { recursive: true })) paths.push(join(top, entry));
  }
  return paths.sort();
}

/** The process that owns Steward's bus name. */
async function ownerPid(client: MessageBus): Promise<number> {
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

async function getStatus(client: MessageBus): Promise<Record<string, Variant>> {
  const [status] = await callMethod(client, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: BUS_NAME,
    member: 'GetStatus',
  });
  return status as Record<string, Variant>;
}

async function enabledExtensions(sandbox: Sandbox): Promise<string> {
  const { stdout } = await exec('gsettings', ['get', 'org.gnome.shell', 'enabled-extensions'], { env: sandbox.env });
  return stdout.trim();
}

/** The node-llama-cpp prebuilts for this machine, and which of them the installer must keep: the same facts it reads. */
async function expectedPrebuilts(): Promise<{ cpu: string[]; gpu: string[]; kept: Set<string> }> {
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
const presentPackages = (root: string, packages: string[]) =>
  packages.filter((name) => existsSync(join(root, 'node_modules', name)));

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n');
const packageVersion = async () =>
  (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('build/install.sh', () => {
  let sandbox: Sandbox;
  let firstOutput: string;
  let firstManifest: string;
  let firstFiles: string[];
  let firstPid: number;
  let secondManifest: string;
  let secondFiles: string[];
  let secondPid: number;
  let nodeBin: string;

  const manifestFile = () => join(sandbox.libDir, 'installed-files');

  beforeAll(async () => {
    sandbox = await makeSandbox();
    nodeBin = (await exec('node', ['-p', 'process.execPath'], { env: sandbox.env })).stdout.trim();
    firstOutput = await mustRun(sandbox, 'install.sh');
    firstManifest = await readFile(manifestFile(), 'utf8');
    firstFiles = await listing(sandbox);
    firstPid = await ownerPid(sandbox.client);
    await mustRun(sandbox, 'install.sh');
    secondManifest = await readFile(manifestFile(), 'utf8');
    secondFiles = await listing(sandbox);
    secondPid = await ownerPid(sandbox.client);
  });

  afterAll(() => removeSandbox(sandbox));

  it('installs the service with its runtime dependencies only, and says what to do next', async () => {
    const files = ['service/steward-service.js', 'service/steward.js', 'package.json', 'package-lock.json'];
    for (const file of [...files, 'uninstall.sh', 'session.sh']) {
      expect(existsSync(join(sandbox.libDir, file)))
        .withContext(file)
        .toBeTrue();
    }
    const modules = join(sandbox.libDir, 'node_modules');
    expect(existsSync(join(modules, '@jellybrick', 'dbus-next'))).toBeTrue();
    expect(existsSync(join(modules, 'zod'))).toBeTrue();
    // TypeScript may be there: node-llama-cpp takes it as an optional peer.
    for (const tool of ['jasmine', 'esbuild', 'eslint']) {
      expect(existsSync(join(modules, tool)))
        .withContext(tool)
        .toBeFalse();
    }

    expect(firstOutput).toContain('Steward is running');
    expect(firstOutput).toContain('log out and back in');
    expect(firstOutput).toContain('status');
  });

  it('leaves out the GPU builds of llama.cpp that no device here can use, and still runs models on the CPU', async () => {
    const { cpu, gpu, kept } = await expectedPrebuilts();
    // The repository's copy keeps them all: only the installed tree goes without them.
    const inRepository = presentPackages(ROOT, gpu);
    // node-llama-cpp publishes CUDA and Vulkan builds for x64 Linux: without them here this test would prove nothing.
    if (process.arch === 'x64') expect(inRepository.length).toBeGreaterThan(0);
    expect(presentPackages(sandbox.libDir, [...cpu, ...inRepository])).toEqual([
      ...cpu,
      ...inRepository.filter((name) => kept.has(name)),
    ]);
    const pruned = inRepository.filter((name) => !kept.has(name));
    if (pruned.length > 0) {
      expect(firstOutput).toMatch(
        /^Left out the GPU builds of llama\.cpp that no device here can use \(.+\), hundreds of MB that npm does not download;/m,
      );
      for (const name of pruned) expect(firstOutput).toContain(name.slice(name.indexOf('/') + 1));
      expect(firstOutput).toContain('run this install again to get them (STEWARD_KEEP_GPU_PREBUILTS=1');
    }

    // The service finds the CPU build where it was installed, and no CUDA where there is no NVIDIA device.
    let capabilities: string[] = [];
    await waitFor(async () => {
      const status = await getStatus(sandbox.client);
      capabilities = status.capabilities?.value as string[];
      return status.state?.value !== 'starting';
    }, 'the service to finish starting');
    expect(capabilities).toContain('inference.local');
    expect(capabilities.includes('gpu.cuda')).toBe(gpu.some((name) => name.includes('cuda') && kept.has(name)));
  });

  it('writes a bus-activated systemd user unit with the hardening that Node.js tolerates', async () => {
    const unit = await lines(join(sandbox.configHome, 'systemd', 'user', 'steward.service'));
    for (const line of [
      'Type=dbus',
      `BusName=${BUS_NAME}`,
      `ExecStart=${nodeBin} ${sandbox.libDir}/service/steward-service.js`,
      'ExecReload=kill -HUP $MAINPID',
      'Restart=on-failure',
      'Environment=NODE_LLAMA_CPP_SKIP_DOWNLOAD=true',
      'NoNewPrivileges=yes',
      'LockPersonality=yes',
      'RestrictRealtime=yes',
      'SystemCallArchitectures=native',
      'UMask=0077',
    ]) {
      expect(unit).toContain(line);
    }
    expect(unit.filter((line) => /^(MemoryDenyWriteExecute|PrivateDevices)=/.test(line))).toEqual([]);
    // Bus activation starts it; an [Install] section would start it at every login.
    expect(unit).not.toContain('[Install]');
    // XDG_CONFIG_HOME is honoured: nothing went to the default place.
    expect(existsSync(join(sandbox.home, '.config'))).toBeFalse();
  });

  it('writes a D-Bus activation file that works with and without systemd, and the interface XML', async () => {
    const activation = await lines(join(sandbox.dataHome, 'dbus-1', 'services', `${BUS_NAME}.service`));
    expect(activation).toContain('[D-BUS Service]');
    expect(activation).toContain(`Name=${BUS_NAME}`);
    expect(activation).toContain(`Exec=${nodeBin} ${sandbox.libDir}/service/steward-service.js`);
    expect(activation).toContain('SystemdService=steward.service');

    const installedXml = await readFile(join(sandbox.dataHome, 'dbus-1', 'interfaces', `${BUS_NAME}.xml`), 'utf8');
    expect(installedXml).toBe(await readFile(join(ROOT, 'dbus-interfaces', `${BUS_NAME}.xml`), 'utf8'));
  });

  it('installs the extension with its compiled settings schema, leaving no staging copies', async () => {
    const extensions = join(sandbox.dataHome, 'gnome-shell', 'extensions');
    expect(await readdir(extensions)).toEqual([UUID]);
    const installed = (await readdir(join(extensions, UUID), { recursive: true })).sort();
    expect(installed).toContain(join('schemas', 'gschemas.compiled'));
    expect(installed).toEqual((await readdir(join(ROOT, 'dist', 'extension', UUID), { recursive: true })).sort());
    const metadata = JSON.parse(await readFile(join(extensions, UUID, 'metadata.json'), 'utf8')) as { uuid: string };
    expect(metadata.uuid).toBe(UUID);
  });

  it('enables the extension exactly once, next to the ones already enabled', async () => {
    expect(await enabledExtensions(sandbox)).toBe(`['other@example.com', '${UUID}']`);
  });

  it('makes the service start through D-Bus activation', async () => {
    const { client } = sandbox;
    const pid = await ownerPid(client);
    process.kill(pid, 'SIGTERM');
    await waitFor(async () => !(await nameHasOwner(client, BUS_NAME)), 'the running service to stop');

    const status = await getStatus(client);
    expect(status.version?.value).toBe(await packageVersion());
    expect(status['config-file']?.value).toBe(join(sandbox.configHome, 'steward', 'config.json'));
    expect(status['state-directory']?.value).toBe(join(sandbox.stateHome, 'steward'));
    expect(await ownerPid(client)).not.toBe(pid);
  });

  it('puts a steward command in ~/.local/bin that reaches the service', async () => {
    const { stdout } = await exec(join(sandbox.home, '.local', 'bin', 'steward'), ['status', '--json'], {
      env: sandbox.env,
    });
    const report = JSON.parse(stdout) as { running: boolean; version: string };
    expect(report.running).toBeTrue();
    expect(report.version).toBe(await packageVersion());
  });

  it('serves an MCP client through the installed steward mcp, as the README configures it', async () => {
    const agent = new Client({ name: 'Install Check', version: '1.0.0' });
    await agent.connect(
      new StdioClientTransport({
        command: join(sandbox.home, '.local', 'bin', 'steward'),
        args: ['mcp'],
        env: sandbox.env as Record<string, string>,
        stderr: 'pipe',
      }),
    );
    const { tools } = await agent.listTools();
    expect(tools.map((tool) => tool.name)).toContain('propose_fix');
    const summary = (await agent.callTool({ name: 'system_summary', arguments: {} })) as CallToolResult;
    expect(summary.isError).toBeFalsy();
    expect(JSON.stringify(summary.content)).toContain('OS: ');
    await agent.close();
  });

  it('installs the man page and the bash, zsh and fish completions, listed for the uninstaller', async () => {
    const data = sandbox.dataHome;
    const files = [
      join(data, 'man', 'man1', 'steward.1'),
      join(data, 'bash-completion', 'completions', 'steward'),
      join(data, 'zsh', 'site-functions', '_steward'),
      join(data, 'fish', 'vendor_completions.d', 'steward.fish'),
    ];
    for (const file of files) expect(firstManifest).toContain(`file ${file}\n`);
    expect(await readFile(files[0]!, 'utf8')).toContain('.SH EXIT STATUS');
    const completed = await exec(
      'bash',
      [
        '-c',
        'source "$1"; COMP_WORDS=(steward fin); COMP_CWORD=1; _steward; echo "${COMPREPLY[@]}"',
        'bash',
        files[1]!,
      ],
      { env: sandbox.env },
    );
    expect(completed.stdout).toBe('findings\n');
    expect(firstOutput).toContain('steward models recommend');
  });

  it('can run again: the same files, and the service restarted to run the new code', async () => {
    expect(secondManifest).toBe(firstManifest);
    expect(secondFiles).toEqual(firstFiles);
    expect(secondPid).not.toBe(firstPid);
    const entries = firstManifest.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(entries).toContain(`tree ${sandbox.libDir}`);
    expect(entries).toContain(`file ${join(sandbox.home, '.local', 'bin', 'steward')}`);
    for (const entry of entries) {
      const [kind, path] = [entry.slice(0, entry.indexOf(' ')), entry.slice(entry.indexOf(' ') + 1)];
      expect(['tree', 'file', 'dir']).withContext(entry).toContain(kind);
      expect(path.startsWith(`${sandbox.root.path}/`))
        .withContext(entry)
        .toBeTrue();
      expect(existsSync(path)).withContext(entry).toBeTrue();
    }
  });
});

describe('build/install.sh with STEWARD_KEEP_GPU_PREBUILTS=1', () => {
  let sandbox: Sandbox;
  let output: string;

  beforeAll(async () => {
    sandbox = await makeSandbox();
    sandbox.env.STEWARD_KEEP_GPU_PREBUILTS = '1';
    output = await mustRun(sandbox, 'install.sh');
  });

  afterAll(() => removeSandbox(sandbox));

  it('keeps every GPU build of llama.cpp that the repository has', async () => {
    const { gpu } = await expectedPrebuilts();
    const inRepository = presentPackages(ROOT, gpu);
    expect(presentPackages(sandbox.libDir, inRepository)).toEqual(inRepository);
    expect(output).not.toContain('Left out the GPU builds');
  });
});

describe('build/uninstall.sh', () => {
  let sandbox: Sandbox;
  let before: string[];
  let after: string[];
  let output: string;
  let pid: number;
  let stillRunning: boolean;
  let extensionsAfter: string;

  beforeAll(async () => {
    sandbox = await makeSandbox();
    before = await listing(sandbox);
    await mustRun(sandbox, 'install.sh');
    pid = await ownerPid(sandbox.client);
    // `steward uninstall`, as the install's closing lines tell the user: it runs the uninstaller the install
    // left beside the service, so it needs no clone.
    output = await mustRun(sandbox, join(sandbox.home, '.local', 'bin', 'steward'), 'uninstall');
    after = await listing(sandbox);
    stillRunning = await nameHasOwner(sandbox.client, BUS_NAME);
    extensionsAfter = await enabledExtensions(sandbox);
  });

  afterAll(() => removeSandbox(sandbox));

  it('stops the service', async () => {
    expect(stillRunning).toBeFalse();
    await waitFor(() => !existsSync(`/proc/${pid}`), 'the service process to exit');
  });

  it('removes every file and directory the install wrote, keeping the configuration and state', () => {
    const state = join('xdg', 'state', 'steward');
    // What the service itself wrote, in its state directory, is all that may be new.
    expect(after.filter((path) => !before.includes(path) && path !== state && !path.startsWith(`${state}/`))).toEqual(
      [],
    );
    expect(after).toContain(state);
    expect(before.filter((path) => !after.includes(path))).toEqual([]);
    expect(output).toContain(`Kept ${join(sandbox.configHome, 'steward')}`);
    expect(output).toContain(`Kept ${join(sandbox.stateHome, 'steward')}`);
  });

  it('disables the extension and leaves the other extensions enabled', () => {
    expect(extensionsAfter).toBe("['other@example.com']");
  });

  describe('with --purge', () => {
    let purged: string[];

    beforeAll(async () => {
      await mustRun(sandbox, 'uninstall.sh', '--purge');
      purged = await listing(sandbox);
    });

    it('also deletes the configuration and state, leaving the home as it was before the install', () => {
      const config = join('xdg', 'config', 'steward');
      expect(purged).toEqual(before.filter((path) => path !== config && !path.startsWith(`${config}/`)));
    });
  });
});

/**
 * A copy of the checkout's sources, for an install that builds: its build goes to the copy's dist/, never to the
 * checkout's, which the other specs run. The node_modules is the checkout's own, shared and never reinstalled: the
 * copy's lock file is dated older than it, so install.sh sees nothing to npm ci.
 */
async function copyOfCheckout(into: string): Promise<string> {
  // Without it install.sh would npm ci into the copy's node_modules, emptying the checkout's through the link.
  if (!existsSync(join(ROOT, 'node_modules', '.package-lock.json')))
    throw new Error('the checkout’s node_modules were not installed by npm ci (no node_modules/.package-lock.json)');
  const checkout = join(into, 'checkout');
  await mkdir(checkout);
  for (const entry of await readdir(ROOT)) {
    if (['node_modules', 'dist', '.git', 'test-results'].includes(entry)) continue;
    await cp(join(ROOT, entry), join(checkout, entry), { recursive: true });
  }
  await symlink(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
  await utimes(join(checkout, 'package-lock.json'), 0, 0);
  return checkout;
}

// The one install as a user runs it: it builds, and npm ci runs better-sqlite3's install script (which compiles it
// where no prebuilt binary can be fetched). Every other install here takes what the checkout built.
describe('build/install.sh from scratch', () => {
  let sandbox: Sandbox;
  let checkout: string;
  let output: string;
  let builtBefore: number;

  const checkoutBuild = () => join(ROOT, 'dist', 'service', 'steward-service.js');

  beforeAll(async () => {
    sandbox = await makeSandbox();
    delete sandbox.env.STEWARD_REUSE_BUILD;
    checkout = await copyOfCheckout(sandbox.root.path);
    builtBefore = (await stat(checkoutBuild())).mtimeMs;
    output = await mustRun(sandbox, join(checkout, 'build', 'install.sh'));
  }, FROM_SCRATCH_INSTALL_TIMEOUT_MS);

  afterAll(() => removeSandbox(sandbox));

  it('builds, installs native modules that load, and starts the service, leaving the checkout’s build alone', async () => {
    expect(output).toContain('==> Building');
    expect(existsSync(join(checkout, 'dist', 'service', 'steward-service.js'))).toBeTrue();
    expect((await stat(checkoutBuild())).mtimeMs).toBe(builtBefore);

    const { stdout } = await exec(
      'node',
      [
        '-e',
        'const Database = require("better-sqlite3"); console.log(new Database(":memory:").pragma("user_version", { simple: true }))',
      ],
      { cwd: sandbox.libDir, env: sandbox.env },
    );
    expect(stdout).toBe('0\n');
    expect(output).toContain('Steward is running');
    const status = await getStatus(sandbox.client);
    expect(status.version?.value).toBe(await packageVersion());
  });
});
