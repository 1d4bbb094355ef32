// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { BUS_NAME, nameHasOwner, waitFor } from '../support/service.js';
import {
  enabledExtensions,
  exec,
  expectedPrebuilts,
  getStatus,
  lines,
  listing,
  makeSandbox,
  mustRun,
  outsideServiceState,
  ownerPid,
  packageVersion,
  presentPackages,
  removeSandbox,
  ROOT,
  type Sandbox,
  UUID,
} from './install/sandbox.js';

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
    // The service keeps known-good copies of the files it watches when it reads them, in its own time.
    expect(outsideServiceState(secondFiles)).toEqual(outsideServiceState(firstFiles));
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
