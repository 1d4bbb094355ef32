# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Evaluates Steward's NixOS or Home Manager module, as the flake offers it, with nixpkgs' lib
# against the stand-ins, with the user's configuration given as JSON, and returns what the
# module produced.
#   nix-instantiate --eval --strict --json evaluate.nix --arg nixpkgsLib PATH \
#     --argstr moduleSet nixos|homeManager --argstr configuration '{"services":{"steward":{…}}}'
{
  nixpkgsLib,
  moduleSet,
  configuration,
}:
let
  lib = import nixpkgsLib;
  standIns = import ./standIns.nix { inherit lib; };
  root = ../../..;
  flake = (import (root + "/flake.nix")).outputs {
    self = flake;
    nixpkgs = standIns.nixpkgs;
  };
  module =
    {
      nixos = flake.nixosModules.default;
      homeManager = flake.homeManagerModules.default;
    }
    .${moduleSet};
  evaluated = lib.evalModules {
    modules = [
      standIns."${moduleSet}Options"
      module
      (builtins.fromJSON configuration)
      { _module.args.pkgs = standIns.pkgs; }
    ];
  };
  inherit (evaluated) config;
  names = map (package: package.name);
  # The file the module's settings make through the JSON format, to compare with what the module placed.
  generatedConfig = (standIns.pkgs.formats.json { }).generate "steward-config.json" config.services.steward.settings;
in
{
  # (Under other names: a set with an outPath would be written as that path alone.)
  packagePath = flake.packages.x86_64-linux.default.outPath;
  packageBuiltFrom = flake.packages.x86_64-linux.default.builtFrom;
  generatedConfig = {
    path = "${generatedConfig}";
    inherit (generatedConfig) text;
  };
}
// {
  nixos = {
    systemPackages = names config.environment.systemPackages;
    dbusPackages = map toString config.services.dbus.packages;
    systemdPackages = names config.systemd.packages;
    tmpfilesRules = config.systemd.user.tmpfiles.rules;
    dconfDatabases = config.programs.dconf.profiles.user.databases or [ ];
  };
  homeManager = {
    homePackages = names config.home.packages;
    units = lib.mapAttrs (_: standIns.renderUnit) config.systemd.user.services;
    dataFiles = lib.mapAttrs (_: file: { inherit (file) text; source = if file.source == null then null else "${file.source}"; }) config.xdg.dataFile;
    configFiles = lib.mapAttrs (_: file: { inherit (file) text; source = if file.source == null then null else "${file.source}"; }) config.xdg.configFile;
    gnomeShell = {
      inherit (config.programs.gnome-shell) enable;
      extensions = map (extension: {
        inherit (extension) id;
        package = extension.package.name;
      }) config.programs.gnome-shell.extensions;
    };
  };
}
.${moduleSet}
