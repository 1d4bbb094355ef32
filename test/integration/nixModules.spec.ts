// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

import { configSchema } from '../../service/src/config.js';
import { nixEnvironment, nixpkgsLib } from '../support/nix.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const exec = promisify(execFile);
const ROOT = process.cwd();
const HARNESS = join(ROOT, 'test', 'integration', 'nix');
const BUS_NAME = 'io.github.steward.Steward1';
const UUID = 'steward@steward.github.io';

async function evaluateJson(env: NodeJS.ProcessEnv, file: string, args: string[]): Promise<unknown> {
  const { stdout } = await exec('nix-instantiate', ['--eval', '--strict', '--json', join(HARNESS, file), ...args], {
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

interface Evaluation {
  packagePath: string;
  packageBuiltFrom: string;
  generatedConfig: { path: string; text: string };
}
interface NixosResult extends Evaluation {
  systemPackages: string[];
  dbusPackages: string[];
  systemdPackages: string[];
  tmpfilesRules: string[];
  dconfDatabases: unknown[];
}
interface HomeFile {
  text: string | null;
  source: string | null;
}
interface HomeManagerResult extends Evaluation {
  homePackages: string[];
  units: Record<string, string>;
  dataFiles: Record<string, HomeFile>;
  configFiles: Record<string, HomeFile>;
  gnomeShell: { enable: boolean; extensions: { id: string; package: string }[] };
}

function evaluateModule(env: NodeJS.ProcessEnv, moduleSet: 'nixos', steward: object): Promise<NixosResult>;
function evaluateModule(env: NodeJS.ProcessEnv, moduleSet: 'homeManager', steward: object): Promise<HomeManagerResult>;
async function evaluateModule(env: NodeJS.ProcessEnv, moduleSet: string, steward: object): Promise<unknown> {
  return evaluateJson(env, 'evaluate.nix', [
    ...['--arg', 'nixpkgsLib', nixpkgsLib()],
    ...['--argstr', 'moduleSet', moduleSet],
    ...['--argstr', 'configuration', JSON.stringify({ services: { steward } })],
  ]);
}

/** An INI file's entries per section, each key with its values in order; comments and blank lines left out. */
function iniEntries(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let section: Record<string, string[]> | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(?<name>.+)\]$/.exec(line)?.groups;
    if (header?.name) {
      section = sections[header.name] ??= {};
      continue;
    }
    const entry = /^(?<key>[^=]+)=(?<value>.*)$/.exec(line)?.groups;
    if (!entry?.key || entry.value === undefined || !section) throw new Error(`not an INI line: ${line}`);
    (section[entry.key] ??= []).push(entry.value);
  }
  return sections;
}

/** A template of build/templates filled as build/install.sh fills it. */
async function filledTemplate(name: string, execStart: string): Promise<string> {
  return (await readFile(join(ROOT, 'build', 'templates', name), 'utf8')).replaceAll('@EXEC_START@', execStart);
}

/** Every .nix file of the checkout, relative to its root. */
async function nixFiles(): Promise<string[]> {
  const skipped = new Set(['node_modules', 'dist', '.git']);
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (skipped.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.nix')) found.push(relative(ROOT, path));
    }
  };
  await walk(ROOT);
  return found.sort();
}

const SETTINGS = {
  logLevel: 'warning',
  inference: { gpu: 'vulkan', idleUnloadSeconds: 600 },
  watch: { files: { paths: ['/etc/fstab'] } },
};

describe('the Nix flake and modules', () => {
  let temp: TempDir;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    temp = await makeTempDir('steward-nix-');
    env = await nixEnvironment(temp.path);
  });
  afterAll(async () => {
    await temp.remove();
  });

  it('has .nix files that all parse', async () => {
    const files = await nixFiles();
    expect(files).toEqual(
      jasmine.arrayContaining([
        'flake.nix',
        'nix/home-manager-module.nix',
        'nix/lib.nix',
        'nix/nixos-module.nix',
        'nix/options.nix',
        'nix/package.nix',
      ]),
    );
    for (const file of files) {
      const parsed = await exec('nix-instantiate', ['--parse', join(ROOT, file)], { env });
      expect(parsed.stdout.length).withContext(file).toBeGreaterThan(0);
    }
  });

  it('builds the package from nix/package.nix, with every npm package at its registry address', async () => {
    const nixos = await evaluateModule(env, 'nixos', { enable: true });
    expect(nixos.packageBuiltFrom).toBe(join(ROOT, 'nix', 'package.nix'));

    // importNpmLock fetches what "resolved" names, checked against "integrity"; npm's lock leaves the address out.
    type LockEntry = {
      version?: string;
      integrity?: string;
      resolved?: string;
      link?: boolean;
      os?: string[];
      cpu?: string[];
    };
    const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    };
    const handed = (await evaluateJson(env, 'lockUrls.nix', ['--arg', 'nixpkgsLib', nixpkgsLib()])) as typeof lock;
    const entries = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.link);
    const fetched = entries.filter(([, entry]) => entry.integrity !== undefined);
    expect(fetched.length).toBeGreaterThan(100);
    for (const [path, entry] of fetched) {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const file = `${name.split('/').pop()}-${entry.version}.tgz`;
      expect(handed.packages[path])
        .withContext(path)
        .toEqual({ ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${file}` });
    }
    // Without a hash only prebuilt binaries for platforms the flake does not build for, which npm skips.
    for (const [path, entry] of entries.filter(([, entry]) => entry.integrity === undefined)) {
      expect(handed.packages[path]).withContext(path).toEqual(entry);
      const forFlake = entry.os?.includes('linux') && (entry.cpu?.includes('x64') || entry.cpu?.includes('arm64'));
      expect(forFlake).withContext(path).toBeFalse();
    }
    expect(handed.packages['node_modules/@esbuild/linux-x64']?.resolved).toBe(
      `https://registry.npmjs.org/@esbuild/linux-x64/-/linux-x64-${lock.packages['node_modules/@esbuild/linux-x64']?.version}.tgz`,
    );
  });

  describe('NixOS', () => {
    it('installs the service for every user, links the configuration and enables the extension', async () => {
      const nixos = await evaluateModule(env, 'nixos', { enable: true, settings: SETTINGS });
      expect(nixos.dbusPackages).toEqual([nixos.packagePath]);
      expect(nixos.systemdPackages).toEqual(['steward-stand-in']);
      expect(nixos.systemPackages).toEqual(['steward-stand-in', 'steward-stand-in-extension']);
      expect(nixos.tmpfilesRules).toEqual([
        'd %h/.config/steward 0700 - - -',
        `L+ %h/.config/steward/config.json - - - - ${nixos.generatedConfig.path}`,
      ]);
      expect(nixos.generatedConfig.path).toMatch(/-steward-config\.json$/);
      const written: unknown = JSON.parse(nixos.generatedConfig.text);
      expect(written).toEqual(SETTINGS);
      expect(configSchema.safeParse(written).success).toBe(true);
      expect(nixos.dconfDatabases).toEqual([{ settings: { 'org/gnome/shell': { 'enabled-extensions': [UUID] } } }]);
    });

    it('leaves the configuration file and the extension alone when asked to', async () => {
      const nixos = await evaluateModule(env, 'nixos', { enable: true, extension: { enable: false } });
      expect(nixos.systemdPackages).toEqual(['steward-stand-in']);
      expect(nixos.systemPackages).toEqual(['steward-stand-in']);
      expect(nixos.tmpfilesRules).toEqual([]);
      expect(nixos.dconfDatabases).toEqual([]);
    });

    it('sets nothing unless enabled', async () => {
      const nixos = await evaluateModule(env, 'nixos', { settings: SETTINGS });
      expect([nixos.systemPackages, nixos.dbusPackages, nixos.systemdPackages, nixos.tmpfilesRules]).toEqual([
        [],
        [],
        [],
        [],
      ]);
      expect(nixos.dconfDatabases).toEqual([]);
    });
  });

  describe('Home Manager', () => {
    it("declares install.sh's unit and activation file, the configuration and the extension", async () => {
      const home = await evaluateModule(env, 'homeManager', { enable: true, settings: SETTINGS });
      const execStart = `${home.packagePath}/libexec/steward/steward-service`;

      // The template's entries, and a restart when the configuration changes.
      const template = iniEntries(await filledTemplate('steward.service.in', execStart));
      const unit: Record<string, Record<string, string[]>> = {
        ...template,
        Unit: { ...template.Unit, 'X-Restart-Triggers': [home.generatedConfig.path] },
      };
      expect(Object.keys(home.units)).toEqual(['steward']);
      expect(iniEntries(home.units.steward ?? '')).toEqual(unit);
      expect(unit.Service?.Type).toEqual(['dbus']);
      expect(unit.Service?.BusName).toEqual([BUS_NAME]);
      expect(unit.Install).toBeUndefined();

      const activation = home.dataFiles[`dbus-1/services/${BUS_NAME}.service`]?.text ?? '';
      expect(iniEntries(activation)).toEqual(iniEntries(await filledTemplate(`${BUS_NAME}.service.in`, execStart)));
      expect(activation).toContain(`Exec=${execStart}\n`);
      expect(activation).toContain('SystemdService=steward.service\n');
      expect(activation).not.toContain('install.sh');
      expect(home.dataFiles[`dbus-1/interfaces/${BUS_NAME}.xml`]?.source).toBe(
        `${home.packagePath}/share/dbus-1/interfaces/${BUS_NAME}.xml`,
      );

      expect(home.configFiles).toEqual({ 'steward/config.json': { text: null, source: home.generatedConfig.path } });
      expect(JSON.parse(home.generatedConfig.text)).toEqual(SETTINGS);
      expect(home.homePackages).toEqual(['steward-stand-in']);
      expect(home.gnomeShell).toEqual({
        enable: true,
        extensions: [{ id: UUID, package: 'steward-stand-in-extension' }],
      });
    });

    it('without settings or the extension, manages neither', async () => {
      const home = await evaluateModule(env, 'homeManager', { enable: true, extension: { enable: false } });
      expect(home.configFiles).toEqual({});
      expect(iniEntries(home.units.steward ?? '').Unit?.['X-Restart-Triggers']).toBeUndefined();
      expect(iniEntries(home.units.steward ?? '').Service?.ExecStart).toEqual([
        `${home.packagePath}/libexec/steward/steward-service`,
      ]);
      expect(home.gnomeShell).toEqual({ enable: false, extensions: [] });
      expect(Object.keys(home.dataFiles).sort()).toEqual([
        `dbus-1/interfaces/${BUS_NAME}.xml`,
        `dbus-1/services/${BUS_NAME}.service`,
      ]);
    });
  });
});
