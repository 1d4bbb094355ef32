// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The NixOS read side against a STAND-IN NixOS root (test/support/nixosStandIn.ts): names checked against
// the stand-in nixpkgs evaluated by the real nix-instantiate, options from an options.json the vendored
// nixpkgs lib made, suggestions compared with nixpkgs' own rule run by Nix, the declaration and generations.
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { detectNixos } from '../../service/src/core/nixosPlatform.js';
import { focusOn, readDeclaration } from '../../service/src/nixos/configView.js';
import { homeGenerations, systemGenerations } from '../../service/src/nixos/generations.js';
import { NixosReader } from '../../service/src/nixos/nixosReader.js';
import { findNixpkgs } from '../../service/src/nixos/nixpkgsSource.js';
import { nearestNames, type NixosSearch, openNixosSearch } from '../../service/src/nixos/search.js';
import { sourceStorePath } from '../../service/src/nixos/storePath.js';
import { nixpkgsLib } from '../support/nix.js';
import { makeNixosStandIn, nix, type NixosStandIn } from '../support/nixosStandIn.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// lib/modules.nix's checkUnmatched suggestions, word for word, run by Nix over the same candidates.
const NIXPKGS_RULE = `{ lib, wrong, candidates }: let inherit (import lib) pipe sortOn take filter length; inherit ((import lib).strings) levenshtein levenshteinAtMost; candidateNames = builtins.fromJSON candidates; invalidOptionName = wrong; in
  if length candidateNames < 100 then pipe candidateNames [ (sortOn (levenshtein invalidOptionName)) (take 3) ]
  else pipe candidateNames [ (filter (levenshteinAtMost 2 invalidOptionName)) (sortOn (levenshtein invalidOptionName)) (take 3) ]`;

// The search runs nix-instantiate with this process's environment, as the service does: the stand-in's
// store and state for the while, the variables put back as they were after.
const NIX_VARIABLES = ['NIX_STORE_DIR', 'NIX_STATE_DIR', 'NIX_LOG_DIR', 'NIX_CONF_DIR', 'NIX_REMOTE', 'NIX_PATH'];

function useNixOf(standIn: NixosStandIn): () => void {
  const saved = NIX_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of NIX_VARIABLES) {
    const value = standIn.env[name];
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
}

describe('NixOS search over the stand-in nixpkgs', () => {
  let temp: TempDir;
  let standIn: NixosStandIn;
  let search: NixosSearch;
  let restoreNix: () => void;

  beforeAll(async () => {
    temp = await makeTempDir('steward-nixos-');
    standIn = await makeNixosStandIn(temp.path);
    restoreNix = useNixOf(standIn);
    const opened = await openNixosSearch({ root: standIn.root, cacheDir: join(temp.path, 'cache') });
    if (!opened) throw new Error('the stand-in nixpkgs was not found');
    search = opened;
  });

  afterAll(async () => {
    restoreNix();
    await temp.remove();
  });

  it('finds nixpkgs through root’s nixos channel, links followed below the root', () => {
    expect(search.source.via).toBe('channel');
    expect(search.source.from).toBe('/nix/var/nix/profiles/per-user/root/channels/nixos');
    expect(search.source.path).toBe(standIn.nixpkgs);
    expect(search.source.version).toBe('25.05');
    expect(search.source.optionsJson).toMatch(
      /nixos-system-nixos-25\.05\.804936.*\/sw\/share\/doc\/nixos\/options\.json$/,
    );
  });

  it('says a real package exists, and caches the evaluated names', async () => {
    expect(await search.checkPackage('blender')).toEqual({ ok: true });
    expect(await search.checkPackage('python3Packages.requests')).toEqual({ ok: true });
    const cached = await readdir(join(temp.path, 'cache'));
    expect(cached).toEqual([jasmine.stringMatching(/^nixpkgs-names-[0-9a-f]{32}\.json$/)]);
    const names = JSON.parse(await readFile(join(temp.path, 'cache', cached[0] ?? ''), 'utf8')) as string[];
    expect(names).toContain('blender');
    expect(names.length).toBeGreaterThan(100);
  });

  it('gives a wrong package name the nearest real ones', async () => {
    expect(await search.checkPackage('blendr')).toEqual({
      ok: false,
      why: 'nixpkgs has no package “blendr”',
      suggestions: ['blender'],
    });
    expect(await search.checkPackage('Firefox')).toEqual(jasmine.objectContaining({ suggestions: ['firefox'] }));
    // Among fewer than 100 names (a package set's two here), the three nearest however far, as nixpkgs does.
    expect(await search.checkPackage('python3Packages.request')).toEqual(
      jasmine.objectContaining({ ok: false, suggestions: ['python3Packages.requests', 'python3Packages.numpy'] }),
    );
    const far = await search.checkPackage('photoshop');
    expect(far).toEqual(jasmine.objectContaining({ ok: false, suggestions: [] }));
  });

  it('refuses a package set, a removed name and text that is no attribute path', async () => {
    expect(await search.checkPackage('python3Packages')).toEqual(
      jasmine.objectContaining({ ok: false, why: jasmine.stringMatching(/is a set of packages/) }),
    );
    expect(await search.checkPackage('blender-with-packages')).toEqual(
      jasmine.objectContaining({ ok: false, why: jasmine.stringMatching(/no longer evaluates/) }),
    );
    expect(await search.checkPackage('blender; rm -rf /')).toEqual(
      jasmine.objectContaining({ ok: false, why: jasmine.stringMatching(/not an attribute name/) }),
    );
  });

  it('suggests the names nixpkgs’ own rule suggests, among many and among few', async () => {
    // The first name looked up writes the cache of package names, whichever spec runs first.
    await search.checkPackage('blender');
    const names = JSON.parse(
      await readFile(join(temp.path, 'cache', (await readdir(join(temp.path, 'cache')))[0] ?? ''), 'utf8'),
    ) as string[];
    const siblings = ['enable', 'ports', 'settings', 'openFirewall', 'banner', 'hostKeys'];
    for (const [wrong, candidates] of [
      ['blendr', names],
      ['gimpp', names],
      ['vlcc', names],
      ['pythn3', names],
      ['enabel', siblings],
      ['prot', siblings],
      ['setting', siblings],
    ] as const) {
      const byNix = JSON.parse(
        await nix(standIn.env, 'nix-instantiate', [
          '--eval',
          '--strict',
          '--json',
          '-E',
          NIXPKGS_RULE,
          '--argstr',
          'lib',
          nixpkgsLib(),
          '--argstr',
          'wrong',
          wrong,
          '--argstr',
          'candidates',
          JSON.stringify(candidates),
        ]),
      ) as string[];
      expect(nearestNames(wrong, candidates)).withContext(wrong).toEqual(byNix);
    }
  });

  it('checks options from the options.json, `<name>` matching any name', async () => {
    expect(await search.checkOption('services.openssh.enable')).toEqual({ ok: true });
    expect(await search.checkOption('services.openssh.settings.PermitRootLogin')).toEqual({ ok: true });
    expect(await search.checkOption('users.users.alice.packages')).toEqual({ ok: true });
    // Few siblings: the three nearest, completed with the rest of the path where that is an option.
    expect(await search.checkOption('services.opensh.enable')).toEqual({
      ok: false,
      why: 'NixOS has no option “services.opensh.enable”',
      suggestions: ['services.openssh.enable', 'services.homed.enable', 'services.pipewire.enable'],
    });
    expect(await search.checkOption('services.openssh.enabled')).toEqual(
      jasmine.objectContaining({
        suggestions: ['services.openssh.enable', 'services.openssh.ports', 'services.openssh.settings'],
      }),
    );
    expect(await search.checkOption('users.users.alice.pakages')).toEqual(
      jasmine.objectContaining({ suggestions: jasmine.arrayContaining(['users.users.alice.packages']) }),
    );
    expect(await search.checkOption('services.openssh')).toEqual(
      jasmine.objectContaining({ ok: false, suggestions: ['services.openssh.enable'] }),
    );
    expect(await search.checkOption('services.openssh.enable.now')).toEqual(
      jasmine.objectContaining({ ok: false, suggestions: ['services.openssh.enable'] }),
    );
  });

  it('searches package names with their descriptions, and options by name and description', async () => {
    const packages = await search.searchPackages('blend', 5);
    expect(packages.map(({ name }) => name)).toEqual(['blender', 'blender-hip', 'blender-with-packages']);
    expect(packages[0]).toEqual({
      name: 'blender',
      version: '4.4.3',
      description: '3D Creation/Animation/Publishing System',
    });
    expect(packages[2]).toEqual({ name: 'blender-with-packages', version: null, description: null });
    const options = await search.searchOptions('ssh', 3);
    expect(options[0]).toEqual(
      jasmine.objectContaining({
        name: 'services.openssh.ports',
        type: 'list of 16 bit unsigned integer; between 0 and 65535 (both inclusive)',
      }),
    );
    expect((await search.searchOptions('printing', 5)).map(({ name }) => name)).toEqual(['services.printing.enable']);
  });

  it('reads the declaration with its imports followed, and the bindings below a path', async () => {
    const home = join(temp.path, 'home');
    await mkdir(join(home, '.config', 'home-manager'), { recursive: true });
    await copyFile(
      join('test', 'fixtures', 'nixos', 'starter-standard-home.nix'),
      join(home, '.config', 'home-manager', 'home.nix'),
    );
    const platform = await detectNixos({ root: standIn.root, home });
    if (!platform) throw new Error('the stand-in root is not detected as NixOS');
    const files = await readDeclaration(platform, home, standIn.root);
    expect(files.map(({ path, role, importedBy }) => [path, role, importedBy])).toEqual([
      ['/etc/nixos/configuration.nix', 'system', null],
      [join(home, '.config', 'home-manager', 'home.nix'), 'home', null],
      ['/etc/nixos/hardware-configuration.nix', 'import', '/etc/nixos/configuration.nix'],
      ['/etc/nixos/profiles/base.nix', 'import', '/etc/nixos/hardware-configuration.nix'],
    ]);
    // Its imports list holds only comments: nothing to follow, nothing left unfollowed.
    expect(files[1]?.notFollowed).toEqual([]);
    expect(focusOn(files, 'programs.git').map(({ file, text }) => [file, text])).toEqual([
      [join(home, '.config', 'home-manager', 'home.nix'), 'programs.git.enable = true;'],
    ]);
    expect(files.every(({ problem }) => problem === null)).toBeTrue();
    const xserver = focusOn(files, 'services.xserver');
    expect(xserver.map(({ path, line }) => [path, line])).toEqual([
      ['services.xserver.enable', 48],
      ['services.xserver.displayManager.lightdm', 49],
      ...xserver.slice(2).map(({ path, line }) => [path, line]),
    ]);
    expect(xserver[0]?.text).toBe('services.xserver.enable = true;');
    const packages = focusOn(files, 'environment.systemPackages');
    expect(packages.map(({ file }) => file)).toEqual(['/etc/nixos/configuration.nix', '/etc/nixos/profiles/base.nix']);
  });

  it('lists Home Manager’s generations from the user’s state profile', async () => {
    const profiles = join(temp.path, 'hm', '.local', 'state', 'nix', 'profiles');
    await mkdir(profiles, { recursive: true });
    for (const number of [1, 2])
      await symlink(
        `/nix/store/${'a'.repeat(31)}${number}-home-manager-generation`,
        join(profiles, `home-manager-${number}-link`),
      );
    await symlink('home-manager-1-link', join(profiles, 'home-manager'));
    const profile = await homeGenerations(join(temp.path, 'hm'), 'alice', standIn.root);
    expect(profile?.generations.map(({ number, current, booted }) => [number, current, booted])).toEqual([
      [2, false, null],
      [1, true, null],
    ]);
  });

  it('lists the generations newest first, the current and the booted one marked', async () => {
    const profile = await systemGenerations(standIn.root);
    expect(
      profile?.generations.map(({ number, current, booted, version, date }) => [
        number,
        current,
        booted,
        version,
        date.toISOString(),
      ]),
    ).toEqual([
      [3, true, false, '25.05.804936.a676066377a2 (Warbler)', '2026-06-15T10:30:00.000Z'],
      [2, false, true, '25.05.804500.2a3b4c5d6e7f (Warbler)', '2026-06-08T10:30:00.000Z'],
      [1, false, false, '25.05.804000.1f2e3d4c5b6a (Warbler)', '2026-06-01T10:30:00.000Z'],
    ]);
  });
});

describe('NixOS search finds a flake’s nixpkgs', () => {
  let temp: TempDir;

  beforeEach(async () => (temp = await makeTempDir('steward-nixos-')));
  afterEach(() => temp.remove());

  it('by the narHash in /etc/nixos/flake.lock, at the store path Nix itself computes', async () => {
    const standIn = await makeNixosStandIn(temp.path, 'flake-lock');
    const source = await findNixpkgs(standIn.root);
    expect(source).toEqual(jasmine.objectContaining({ via: 'flake-lock', path: standIn.nixpkgs, version: '25.05' }));
    const lock = JSON.parse(await readFile(join(standIn.root, 'etc', 'nixos', 'flake.lock'), 'utf8')) as {
      nodes: { nixpkgs: { locked: { narHash: string } } };
    };
    const { narHash } = lock.nodes.nixpkgs.locked;
    const storeDir = standIn.env.NIX_STORE_DIR ?? '';
    const byNix = await nix(standIn.env, 'nix-store', [
      '--print-fixed-path',
      '--recursive',
      'sha256',
      narHash,
      'source',
    ]);
    expect(sourceStorePath(narHash, 'source', storeDir)).toBe(byNix.trim());
  });

  it('by the registry entry nixpkgs.flake.source writes, before the channel', async () => {
    const standIn = await makeNixosStandIn(temp.path, 'registry');
    expect(await findNixpkgs(standIn.root)).toEqual(
      jasmine.objectContaining({ via: 'registry', from: '/etc/nix/registry.json', path: standIn.nixpkgs }),
    );
    await rm(join(standIn.root, 'nix', 'store'), { recursive: true });
    expect(await findNixpkgs(standIn.root)).toBeNull();
    // Then nothing can be checked: the actions get no checker, the tools say why.
    const reader = new NixosReader({ root: standIn.root, home: temp.path, cacheDir: join(temp.path, 'cache') });
    expect(await reader.nameChecker()).toBeNull();
    await expectAsync(reader.nixpkgs()).toBeRejectedWithError(/no nixpkgs of this system was found/);
  });
});

describe('NixOS search without an options.json', () => {
  let temp: TempDir;
  let restoreNix = () => {};

  beforeEach(async () => (temp = await makeTempDir('steward-nixos-')));
  afterEach(async () => {
    restoreNix();
    await temp.remove();
  });

  it('evaluates the options from the tree’s own NixOS modules, caches them, and answers as from the file', async () => {
    const standIn = await makeNixosStandIn(temp.path, 'channel', { optionsJson: false });
    restoreNix = useNixOf(standIn);
    const search = await openNixosSearch({ root: standIn.root, cacheDir: join(temp.path, 'cache') });
    expect(search?.source.optionsJson).toBeNull();
    expect(await search?.checkOption('services.openssh.enable')).toEqual({ ok: true });
    expect(await search?.checkOption('users.users.alice.extraGroups')).toEqual({ ok: true });
    expect(await search?.checkOption('services.opensh.enable')).toEqual(
      jasmine.objectContaining({ ok: false, suggestions: jasmine.arrayContaining(['services.openssh.enable']) }),
    );
    expect((await search?.searchOptions('printing', 5))?.map(({ name, type }) => [name, type])).toEqual([
      ['services.printing.enable', 'boolean'],
    ]);
    expect(await readdir(join(temp.path, 'cache'))).toContain(
      jasmine.stringMatching(/^nixos-options-[0-9a-f]{32}\.json$/),
    );
  });
});

describe('the NixOS declaration view', () => {
  let temp: TempDir;

  beforeEach(async () => (temp = await makeTempDir('steward-nixos-')));
  afterEach(() => temp.remove());

  it('does not show imported files that keep secrets', async () => {
    const etc = join(temp.path, 'etc', 'nixos');
    await mkdir(etc, { recursive: true });
    await writeFile(join(temp.path, 'etc', 'NIXOS'), '');
    await writeFile(
      join(etc, 'configuration.nix'),
      '{ ... }: {\n  imports = [ ./wifi-secrets.nix ./host-key.nix ./users.nix ];\n}\n',
    );
    await writeFile(join(etc, 'wifi-secrets.nix'), '{ networking.wireless.networks.home.psk = "correct horse"; }\n');
    await writeFile(
      join(etc, 'host-key.nix'),
      "{ environment.etc.\"ssh/key\".text = ''\n-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n''; }\n",
    );
    await writeFile(join(etc, 'users.nix'), '{ users.users.alice.isNormalUser = true; }\n');
    const platform = await detectNixos({ root: temp.path, home: join(temp.path, 'home') });
    if (!platform) throw new Error('not detected as NixOS');
    const files = await readDeclaration(platform, join(temp.path, 'home'), temp.path);
    expect(files.map(({ path, text, problem }) => [path, text, problem])).toEqual([
      ['/etc/nixos/configuration.nix', jasmine.stringContaining('imports'), null],
      ['/etc/nixos/wifi-secrets.nix', '', 'not shown: its name says it keeps secrets'],
      ['/etc/nixos/host-key.nix', '', 'not shown: it holds a private key'],
      ['/etc/nixos/users.nix', '{ users.users.alice.isNormalUser = true; }\n', null],
    ]);
    expect(focusOn(files, 'networking')).toEqual([]);
  });
});
