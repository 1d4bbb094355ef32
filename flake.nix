# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
{
  description = "Steward, a local AI steward for the GNOME desktop: a session service and a GNOME Shell extension";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forEachSystem = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forEachSystem (pkgs: {
        default = pkgs.callPackage ./nix/package.nix { };
      });

      overlays.default = final: _prev: { steward = final.callPackage ./nix/package.nix { }; };

      nixosModules.default = import ./nix/nixos-module.nix self.packages;
      homeManagerModules.default = import ./nix/home-manager-module.nix self.packages;
    };
}
