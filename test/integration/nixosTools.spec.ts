// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// nixos_config and nixos_search through the real service on a private bus (Agents.RunTool, as outside
// agents and the chat's tool loop run them), and `steward nixos`, both over a STAND-IN NixOS root
// (test/support/nixosStandIn.ts) with the real nix-instantiate.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { AGENTS_INTERFACE } from '../../service/src/dbus/interfaces.js';
import { makeNixosStandIn, type NixosStandIn } from '../support/nixosStandIn.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  CLI_SCRIPT,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const exec = promisify(execFile);

/** The stand-in's Nix store and state, the root hook and a cache inside the test's home. */
function standInEnv(standIn: NixosStandIn, home: string): NodeJS.ProcessEnv {
  const { NIX_STORE_DIR, NIX_STATE_DIR, NIX_LOG_DIR, NIX_CONF_DIR } = standIn.env;
  return {
    NIX_STORE_DIR,
    NIX_STATE_DIR,
    NIX_LOG_DIR,
    NIX_CONF_DIR,
    STEWARD_TEST_NIXOS_ROOT: standIn.root,
    XDG_CACHE_HOME: join(home, 'cache'),
  };
}

describe('the NixOS tools through the service', () => {
  let temp: TempDir;
  let standIn: NixosStandIn;
  let bus: PrivateBus;
  let client: MessageBus;
  let service: RunningService;

  const runTool = async (tool: string, args: Record<string, unknown>) => {
    const [text] = await callMethod(
      client,
      {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: AGENTS_INTERFACE,
        member: 'RunTool',
        signature: 'sss',
        body: ['Spec Agent', tool, JSON.stringify(args)],
      },
      { timeoutMs: 60_000 },
    );
    return text as string;
  };

  beforeAll(async () => {
    temp = await makeTempDir('steward-nixos-tools-');
    standIn = await makeNixosStandIn(temp.path);
    bus = await startPrivateBus();
    client = await bus.connect();
    const home = join(temp.path, 'home');
    service = await startConfiguredService(bus, client, home, { watch: quietWatch() }, standInEnv(standIn, home));
  });

  afterAll(async () => {
    await service?.stop();
    await bus?.stop();
    await temp?.remove();
  });

  it('offers nixos_config and nixos_search in place of PackageKit’s package tools', async () => {
    const [tools] = (await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: AGENTS_INTERFACE,
      member: 'ListTools',
    })) as [Record<string, Variant>[]];
    const names = tools.map((tool) => tool.name?.value as string);
    expect(names).toContain('nixos_config');
    expect(names).toContain('nixos_search');
    expect(names).not.toContain('search_packages');
    expect(names).not.toContain('package_status');
  });

  it('checks a package name, giving a wrong one the nearest real names', async () => {
    const wrong = await runTool('nixos_search', { kind: 'package', query: 'blendr' });
    expect(wrong).toMatch(/^<<<DATA from nixos_search\n[^]*\nDATA>>>$/);
    expect(wrong).toContain(`From ${standIn.nixpkgs} (nixpkgs 25.05).`);
    expect(wrong).toContain('nixpkgs has no package “blendr”. Nearest real names: blender.');
    const right = await runTool('nixos_search', { kind: 'package', query: 'blender' });
    expect(right).toContain('The package blender exists.');
    expect(right).toContain('blender 4.4.3: 3D Creation/Animation/Publishing System');
  });

  it('checks and searches options', async () => {
    const option = await runTool('nixos_search', { kind: 'option', query: 'services.openssh.enable' });
    expect(option).toContain('The option services.openssh.enable exists.');
    expect(option).toContain('services.openssh.enable (boolean, default false): Whether to enable the OpenSSH');
    const wrong = await runTool('nixos_search', { kind: 'option', query: 'services.ssh.enable' });
    expect(wrong).toContain('NixOS has no option “services.ssh.enable”.');
  });

  it('shows what the configuration sets below a path, its imports and the generations', async () => {
    const text = await runTool('nixos_config', { focus: 'services.xserver' });
    expect(text).toContain('/etc/nixos/configuration.nix (system)\n  imports: /etc/nixos/hardware-configuration.nix');
    expect(text).toContain('/etc/nixos/profiles/base.nix (import, imported by /etc/nixos/hardware-configuration.nix)');
    expect(text).toContain('System generations (/nix/var/nix/profiles/system):\n  3 (current) 2026-06-15 10:30');
    expect(text).toContain('  2 (booted) 2026-06-08 10:30 25.05.804500.2a3b4c5d6e7f (Warbler)');
    expect(text).toContain('Below services.xserver:\n/etc/nixos/configuration.nix:48 services.xserver.enable = true;');
  });

  it('shows the files themselves within the tool output’s bound', async () => {
    const text = await runTool('nixos_config', {});
    expect(text).toContain('--- /etc/nixos/configuration.nix\n# Edit this configuration file');
    expect(text.length).toBeLessThan(4200);
  });

  it('refuses a focus that is no attribute path', async () => {
    await expectAsync(runTool('nixos_config', { focus: '"; rm -rf /' })).toBeRejectedWithError(/InvalidArgs|not valid/);
  });
});

describe('steward nixos', () => {
  let temp: TempDir;
  let standIn: NixosStandIn;
  let home: string;

  const steward = (args: string[], env: NodeJS.ProcessEnv) =>
    exec(process.execPath, [CLI_SCRIPT, 'nixos', ...args], {
      env: { PATH: process.env.PATH, HOME: home, ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  beforeAll(async () => {
    temp = await makeTempDir('steward-nixos-cli-');
    standIn = await makeNixosStandIn(temp.path);
    home = join(temp.path, 'home');
  });

  afterAll(() => temp.remove());

  it('search checks an exact name against packages and options, with the nearest real ones', async () => {
    const { code, stdout, stderr } = await steward(['search', 'gimpp'], standInEnv(standIn, home));
    expect(code).toBe(0);
    expect(stderr).toContain('reading NixOS below the test root');
    expect(stdout).toContain(
      `nixpkgs: ${standIn.nixpkgs} (25.05), found by /nix/var/nix/profiles/per-user/root/channels/nixos`,
    );
    expect(stdout).toContain('nixpkgs has no package “gimpp”. Nearest: gimp.');
    expect(stdout).not.toContain('NixOS has no option');
    const option = await steward(['search', 'services.printing.enabled'], standInEnv(standIn, home));
    expect(option.stdout).toContain(
      'NixOS has no option “services.printing.enabled”. Nearest: services.printing.enable.',
    );
  });

  it('search --json gives the checks and the hits', async () => {
    const { stdout } = await steward(['search', 'services.printing.enable', '--json'], standInEnv(standIn, home));
    const result = JSON.parse(stdout) as { optionCheck: unknown; options: { name: string }[] };
    expect(result.optionCheck).toEqual({ ok: true });
    expect(result.options.map(({ name }) => name)).toEqual(['services.printing.enable']);
  });

  it('show lists the files and the bindings below a path', async () => {
    const { code, stdout } = await steward(['show', 'environment.systemPackages'], standInEnv(standIn, home));
    expect(code).toBe(0);
    expect(stdout).toContain(
      'Below environment.systemPackages:\n/etc/nixos/configuration.nix:125\nenvironment.systemPackages = with pkgs; [',
    );
    expect(stdout).toContain('/etc/nixos/profiles/base.nix:');
  });

  it('generations lists them newest first', async () => {
    const { stdout } = await steward(['generations', '--json'], standInEnv(standIn, home));
    const { system } = JSON.parse(stdout) as { system: { generations: { number: number; current: boolean }[] } };
    expect(system.generations.map(({ number, current }) => [number, current])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
  });

  it('says so where this is not NixOS, and what it needs when called wrong', async () => {
    const notNixos = await steward(['generations'], { STEWARD_TEST_NIXOS_ROOT: home });
    expect(notNixos.code).toBe(1);
    expect(notNixos.stderr).toContain('this computer is not NixOS');
    const unknown = await steward(['frobnicate'], standInEnv(standIn, home));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no command “nixos frobnicate”');
    const empty = await steward(['search'], standInEnv(standIn, home));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('nixos needs “show [ATTRPATH]”, “search WORDS…” or “generations”');
  });
});
