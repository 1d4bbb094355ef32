// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { editNixModule, type NixEdit } from '../../service/src/nixos/nixEdits.js';
import { NixParseError, parseNix } from '../../service/src/nixos/nixParser.js';
import { nixParseProblem, proposeNixEdit } from '../../service/src/nixos/nixProposal.js';
import { nixEnvironment, nixpkgsLib } from '../support/nix.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const exec = promisify(execFile);

// Real configuration files (test/fixtures/nixos/README.md says where each comes from); every result is
// checked by Debian's nix-instantiate --parse.
const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'nixos');

interface Case {
  edit: NixEdit;
  /** The diff's changed lines, '+'/'-' and the text; [] where the file needs no change. */
  changes: string[];
}

const SYSTEM = 'environment.systemPackages' as const;

const FILES: { file: string; path: string; cases: Case[] }[] = [
  {
    file: 'chaosdorf-laptops-configuration.nix',
    path: '/etc/nixos/configuration.nix',
    cases: [
      { edit: { kind: 'add-package', list: 'environment.systemPackages', name: 'blender' }, changes: ['+    blender'] },
      { edit: { kind: 'remove-package', list: 'environment.systemPackages', name: 'vlc' }, changes: ['-    vlc'] },
      {
        edit: { kind: 'set-service', service: 'openssh', enable: true },
        changes: ['+  services.openssh.enable = true;'],
      },
      {
        edit: { kind: 'set-service', service: 'printing', enable: false },
        changes: ['-  services.printing.enable = true;', '+  services.printing.enable = false;'],
      },
    ],
  },
  {
    // `[ pkgs.x # comment ]` style, no `with`.
    file: 'nixpkgs-profiles-base.nix',
    path: '/etc/nixos/base.nix',
    cases: [
      { edit: { kind: 'add-package', list: SYSTEM, name: 'blender' }, changes: ['+    pkgs.blender'] },
      {
        edit: { kind: 'remove-package', list: SYSTEM, name: 'mssys' },
        changes: ['-    pkgs.mssys # for writing Microsoft boot sectors / MBRs'],
      },
      {
        edit: { kind: 'set-service', service: 'openssh', enable: true },
        changes: ['+  services.openssh.enable = true;'],
      },
    ],
  },
  {
    // A flake's NixOS module: multi-line function header, nested `services.openssh = { enable = …; }`, no package list.
    file: 'starter-standard-configuration.nix',
    path: '/etc/nixos/nixos/configuration.nix',
    cases: [
      {
        edit: { kind: 'add-package', list: SYSTEM, name: 'blender' },
        changes: ['+  environment.systemPackages = [ pkgs.blender ];'],
      },
      { edit: { kind: 'remove-package', list: SYSTEM, name: 'vim' }, changes: [] },
      {
        edit: { kind: 'set-service', service: 'openssh', enable: false },
        changes: ['-    enable = true;', '+    enable = false;'],
      },
      {
        edit: { kind: 'set-service', service: 'printing', enable: true },
        changes: ['+  services.printing.enable = true;'],
      },
    ],
  },
  {
    // Home Manager, with `home = { … };` nested: the package list goes inside it.
    file: 'starter-standard-home.nix',
    path: '/home/you/.config/home-manager/home.nix',
    cases: [
      {
        edit: { kind: 'add-package', list: 'home.packages', name: 'ripgrep' },
        changes: ['+    packages = [ pkgs.ripgrep ];'],
      },
      { edit: { kind: 'remove-package', list: 'home.packages', name: 'ripgrep' }, changes: [] },
      {
        edit: { kind: 'set-service', service: 'syncthing', enable: true },
        changes: ['+  services.syncthing.enable = true;'],
      },
    ],
  },
];

interface Evaluated {
  enable: Record<string, boolean | null>;
  packages: number | null;
}

/**
 * The module in `file` called with nixpkgs' real lib and empty `config`, `pkgs` and `inputs`: Nix is lazy, so
 * reading an enable flag or counting a list's items needs no package. The merge of dotted and nested bindings
 * (`services.x.enable` beside `services = { … }`) is Nix's own.
 */
async function evaluateModule(dir: string, file: string, services: string[]): Promise<Evaluated> {
  const env = await nixEnvironment(dir);
  const expression = `
    { file, lib, services }:
    let
      module = import (/. + file);
      args = { lib = import (/. + lib); config = { }; pkgs = { }; inputs = { }; options = { }; modulesPath = "/"; };
      value = if builtins.isFunction module then module (builtins.intersectAttrs (builtins.functionArgs module) args) else module;
      list = value.environment.systemPackages or value.home.packages or null;
    in {
      enable = builtins.listToAttrs (map (name: { inherit name; value = value.services.\${name}.enable or null; }) services);
      packages = if list == null then null else builtins.length list;
    }`;
  const serviceList = `[ ${services.map((name) => JSON.stringify(name)).join(' ')} ]`;
  const { stdout } = await exec(
    'nix-instantiate',
    [
      '--eval',
      '--strict',
      '--json',
      '-E',
      expression,
      '--argstr',
      'file',
      file,
      '--argstr',
      'lib',
      nixpkgsLib(),
    ].concat(['--arg', 'services', serviceList]),
    { env },
  );
  return JSON.parse(stdout) as Evaluated;
}

const changedLines = (diff: string[]) =>
  diff.slice(2).filter((line) => (line.startsWith('+') || line.startsWith('-')) && !line.startsWith('\\'));

describe('structural edits of real NixOS and Home Manager files', () => {
  for (const { file, path, cases } of FILES) {
    describe(file, () => {
      let before = '';
      let temp: TempDir;
      beforeAll(async () => {
        before = await readFile(join(FIXTURES, file), 'utf8');
        temp = await makeTempDir('steward-nixos-');
      });
      afterAll(() => temp.remove());

      it('is valid Nix as committed', async () => {
        expect(await nixParseProblem(before)).toBeNull();
      });

      for (const { edit, changes } of cases) {
        it(`${JSON.stringify(edit)}: parses, changes only the expected lines, and is idempotent`, async () => {
          const proposal = await proposeNixEdit(path, before, edit);
          if (changes.length === 0) {
            expect(proposal.status).toBe('unchanged');
            return;
          }
          if (proposal.status !== 'changed') throw new Error(`${proposal.status}: ${proposal.why}`);
          expect(await nixParseProblem(proposal.after)).toBeNull();
          expect(changedLines(proposal.diff)).toEqual(changes);
          expect(editNixModule(proposal.after, edit).status).toBe('unchanged');

          // What the edit means, as Nix evaluates the file with nixpkgs' lib.
          const service = edit.kind === 'set-service' ? [edit.service] : [];
          await writeFile(join(temp.path, 'before.nix'), before);
          await writeFile(join(temp.path, 'after.nix'), proposal.after);
          const was = await evaluateModule(temp.path, join(temp.path, 'before.nix'), service);
          const is = await evaluateModule(temp.path, join(temp.path, 'after.nix'), service);
          if (edit.kind === 'set-service') expect(is.enable[edit.service]).toBe(edit.enable);
          else expect(is.packages).toBe((was.packages ?? 0) + (edit.kind === 'add-package' ? 1 : -1));
        });
      }
    });
  }
});

describe('the Nix parser', () => {
  it('reads every file of nixpkgs’ lib, spanning each whole file', async () => {
    const lib = nixpkgsLib();
    const files = (await readdir(lib, { recursive: true })).filter((name) => name.endsWith('.nix'));
    expect(files.length).toBeGreaterThan(100);
    for (const name of files) {
      const text = await readFile(join(lib, name), 'utf8');
      const tree = parseNix(text);
      expect(text.slice(tree.end).trim().replace(/#.*$/gm, '').trim()).withContext(name).toBe('');
    }
  });

  it('refuses what Nix refuses', async () => {
    for (const text of ['{ a = 1 }', '[ 1 ', '{ a = "x; }', "''unterminated", 'let a = 1; a']) {
      expect(await nixParseProblem(text))
        .withContext(text)
        .not.toBeNull();
      expect(() => parseNix(text))
        .withContext(text)
        .toThrowError(NixParseError);
    }
  });
});

describe('a flake', () => {
  it('is refused as a place for module edits', async () => {
    const text = await readFile(join(FIXTURES, 'starter-standard-flake.nix'), 'utf8');
    expect(await nixParseProblem(text)).toBeNull();
    const result = editNixModule(text, { kind: 'set-service', service: 'openssh', enable: true });
    expect(result.status).toBe('refused');
  });
});

describe('structural edits of module shapes', () => {
  const apply = (text: string, edit: NixEdit) => {
    const result = editNixModule(text, edit);
    return result.status === 'changed' ? result.text : result.status;
  };
  const ssh = (enable: boolean): NixEdit => ({ kind: 'set-service', service: 'openssh', enable });
  const add = (name: string): NixEdit => ({ kind: 'add-package', list: 'environment.systemPackages', name });

  it('sets enable inside a nested services set, keeping its layout', () => {
    const text =
      '{ pkgs, ... }:\n{\n  services = {\n    openssh.enable = false;\n    printing.enable = true;\n  };\n}\n';
    expect(apply(text, ssh(true))).toBe(text.replace('openssh.enable = false', 'openssh.enable = true'));
  });

  it('adds enable to an existing services.X set rather than beside it', () => {
    const text = '{ ... }:\n{\n  services.openssh = {\n    ports = [ 22 ];\n  };\n}\n';
    expect(apply(text, ssh(true))).toBe(
      '{ ... }:\n{\n  services.openssh = {\n    ports = [ 22 ];\n    enable = true;\n  };\n}\n',
    );
  });

  it('creates the attribute in an empty module', () => {
    expect(apply('{ ... }: { }\n', ssh(true))).toBe('{ ... }: { services.openssh.enable = true; }\n');
  });

  it('refuses to rewrite an enable set by an expression', () => {
    const result = editNixModule('{ lib, ... }: { services.openssh.enable = lib.mkDefault true; }', ssh(false));
    expect(result.status).toBe('refused');
  });

  it('spells a package as the list does: pkgs.x in a list without with', () => {
    const text = '{ pkgs, ... }: {\n  environment.systemPackages = [ pkgs.git pkgs.htop ];\n}\n';
    expect(apply(text, add('blender'))).toBe(text.replace('pkgs.htop', 'pkgs.htop pkgs.blender'));
  });

  it('creates the list where the module has none, only when pkgs is bound', () => {
    expect(apply('{ pkgs, ... }: {\n  networking.hostName = "x";\n}\n', add('vim'))).toBe(
      '{ pkgs, ... }: {\n  networking.hostName = "x";\n  environment.systemPackages = [ pkgs.vim ];\n}\n',
    );
    expect(editNixModule('{ config, ... }: { }', add('vim')).status).toBe('refused');
  });

  it('removes a package with its trailing comment, and one from a one-line list', () => {
    const text = '{ pkgs, ... }: {\n  home.packages = with pkgs; [\n    ripgrep # search\n    fd\n  ];\n}\n';
    const edit: NixEdit = { kind: 'remove-package', list: 'home.packages', name: 'ripgrep' };
    expect(apply(text, edit)).toBe('{ pkgs, ... }: {\n  home.packages = with pkgs; [\n    fd\n  ];\n}\n');
    expect(apply('{ pkgs, ... }: { home.packages = [ pkgs.fd pkgs.ripgrep ]; }', edit)).toBe(
      '{ pkgs, ... }: { home.packages = [ pkgs.fd ]; }',
    );
  });

  it('refuses names that are not plain attribute paths', () => {
    expect(editNixModule('{ pkgs, ... }: { }', add('vim ]; x = [')).status).toBe('refused');
    expect(editNixModule('{ ... }: { }', { kind: 'set-service', service: 'a"b', enable: true }).status).toBe('refused');
  });

  it('refuses a list built by an expression rather than guessing where to add', () => {
    const text = '{ pkgs, lib, ... }: { environment.systemPackages = lib.optionals true [ pkgs.vim ]; }';
    expect(editNixModule(text, add('git')).status).toBe('refused');
  });
});
