// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { installHelp, parseOsRelease } from '../../extension/src/client/serviceHelp.js';

const _ = (text: string) => text;
const HOME = 'https://example.org/steward';

// os-release files as these distributions ship them (the fields that matter, quoted as they quote them).
const TRIXIE =
  'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\nID=debian\n';
const UBUNTU = 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const MINT = 'NAME="Linux Mint"\nPRETTY_NAME="Linux Mint 22"\nID=linuxmint\nID_LIKE="ubuntu debian"\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\nPRETTY_NAME="Fedora Linux 41 (Workstation Edition)"\n';
const ARCH = 'NAME="Arch Linux"\nPRETTY_NAME="Arch Linux"\nID=arch\n';
const TUMBLEWEED =
  'NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\nPRETTY_NAME="openSUSE Tumbleweed"\n';
const NIXOS = 'NAME=NixOS\nID=nixos\nPRETTY_NAME="NixOS 24.11 (Vicuna)"\n';

describe('how the extension alone tells a person to get the service', () => {
  it('reads os-release with its quoting', () => {
    expect(parseOsRelease('ID=debian\nPRETTY_NAME="Debian \\"x\\""\n# comment\nVERSION=\'13\'\n')).toEqual({
      ID: 'debian',
      PRETTY_NAME: 'Debian "x"',
      VERSION: '13',
    });
  });

  it('gives the exact apt command on Debian and on what derives from it', () => {
    const apt = `sudo apt install git nodejs npm libglib2.0-bin gettext && git clone ${HOME} ~/steward && cd ~/steward && npm run install-user`;
    for (const [text, name] of [
      [TRIXIE, 'Debian GNU/Linux 13 (trixie)'],
      [UBUNTU, 'Ubuntu 24.04.1 LTS'],
      [MINT, 'Linux Mint 22'],
    ] as const) {
      const help = installHelp(text, HOME, _);
      expect(help.command).toBe(apt);
      expect(help.text).toBe(`On ${name}, install it for yourself with “${apt}”.`);
    }
  });

  it('gives each other family its own package manager', () => {
    expect(installHelp(FEDORA, HOME, _).command).toMatch(
      /^sudo dnf install git nodejs npm glib2 gettext && git clone /,
    );
    expect(installHelp(ARCH, HOME, _).command).toMatch(/^sudo pacman -S --needed git nodejs npm glib2 gettext && /);
    expect(installHelp(TUMBLEWEED, HOME, _).command).toMatch(/^sudo zypper install git nodejs npm glib2-tools /);
  });

  it('gives NixOS the module, not a clone', () => {
    const help = installHelp(NIXOS, HOME, _);
    expect(help.command).toBe('services.steward.enable = true;');
    expect(help.text).toContain(`Add the flake at ${HOME}`);
    expect(help.text).toContain('nixos-rebuild switch');
  });

  it('names what is needed where the distribution is unknown or os-release unreadable', () => {
    const help = installHelp('', HOME, _);
    expect(help.command).toBe(`git clone ${HOME} ~/steward && cd ~/steward && npm run install-user`);
    expect(help.text).toContain('Node.js 20.19 or later');
  });

  describe('while Steward has no public home', () => {
    it('names the tools to install and the command to run in a copy of the source, no address', () => {
      const help = installHelp(TRIXIE, '', _);
      expect(help.command).toBe('sudo apt install git nodejs npm libglib2.0-bin gettext');
      expect(help.text).toBe(
        'On Debian GNU/Linux 13 (trixie), install what it builds with ' +
          '“sudo apt install git nodejs npm libglib2.0-bin gettext”. ' +
          'Then run “npm run install-user” in a copy of Steward’s source.',
      );
      expect(installHelp(FEDORA, '', _).text).toContain('“sudo dnf install git nodejs npm glib2 gettext”');
    });

    it('on NixOS, the flake of a copy of the source', () => {
      const help = installHelp(NIXOS, '', _);
      expect(help.command).toBe('services.steward.enable = true;');
      expect(help.text).toContain(
        'Add the flake of a copy of Steward’s source with “services.steward.enable = true;”.',
      );
      expect(help.text).toContain('nixos-rebuild switch');
    });

    it('where the distribution is unknown, what is needed and the command', () => {
      const help = installHelp('', '', _);
      expect(help.command).toBe('npm run install-user');
      expect(help.text).toContain('Node.js 20.19 or later');
      expect(help.text).toContain('“npm run install-user” in a copy of Steward’s source');
    });

    it('never sends a person to an address', () => {
      for (const text of [TRIXIE, UBUNTU, FEDORA, ARCH, TUMBLEWEED, NIXOS, ''])
        expect(installHelp(text, '', _).text).not.toMatch(/https?:|git clone/);
    });
  });

  it('says only what to do: the heading above it already says the service is not installed', () => {
    for (const home of [HOME, ''])
      for (const text of [TRIXIE, UBUNTU, FEDORA, ARCH, TUMBLEWEED, NIXOS, ''])
        expect(installHelp(text, home, _).text).not.toMatch(/not installed/);
  });

  it('never names a package no archive has', () => {
    for (const text of [TRIXIE, UBUNTU, FEDORA, ARCH, TUMBLEWEED, NIXOS, ''])
      expect(installHelp(text, HOME, _).text).not.toMatch(/install steward\b/);
  });
});
