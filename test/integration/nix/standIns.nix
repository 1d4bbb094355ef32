# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Stand-ins for what Steward's modules use from outside nixpkgs' lib, for evaluating them
# here without nixpkgs, NixOS or Home Manager: the option declarations they set (shaped as
# NixOS and Home Manager declare them), pkgs.formats.json, and the flake's nixpkgs input.
{ lib }:
let
  inherit (lib) mkOption types;
  option = type: default: mkOption { inherit type default; };

  standInDerivation =
    name: attrs:
    {
      type = "derivation";
      inherit name;
      outPath = "/nix/store/00000000000000000000000000000000-${name}";
    }
    // attrs;

  # Home Manager's systemd.user.services entries: sections of keys whose values are
  # scalars or lists, rendered as its toSystemdIni does (a list: the key once per value).
  unitValue = types.oneOf [
    types.bool
    types.int
    types.str
    types.path
    (types.listOf (
      types.oneOf [
        types.int
        types.str
        types.path
      ]
    ))
  ];
  renderUnit = lib.generators.toINI {
    listsAsDuplicateKeys = true;
    mkKeyValue =
      key: value:
      "${key}=${
        if builtins.isBool value then
          (if value then "true" else "false")
        else
          toString value
      }";
  };

  homeFile = types.submodule {
    options = {
      text = option (types.nullOr types.lines) null;
      source = option (types.nullOr types.path) null;
      force = option types.bool false;
    };
  };
in
rec {
  # The flake's nixpkgs input: its lib, and a callPackage that makes a stand-in for Steward's package.
  nixpkgs = {
    inherit lib;
    legacyPackages = lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] (system: {
      callPackage =
        path: _overrides:
        standInDerivation "steward-stand-in" {
          builtFrom = toString path;
          extensionUuid = "steward@steward.github.io";
          extension = standInDerivation "steward-stand-in-extension" { extensionUuid = "steward@steward.github.io"; };
        };
    });
  };

  # nixpkgs' pkgs.formats.json: its value type, and a generated file named by its content
  # (the path that `nix-instantiate --eval` computes without writing it).
  pkgs = {
    stdenv.hostPlatform.system = "x86_64-linux";
    formats.json =
      { }:
      {
        type =
          let
            valueType =
              types.nullOr (
                types.oneOf [
                  types.bool
                  types.int
                  types.float
                  types.str
                  types.path
                  (types.attrsOf valueType)
                  (types.listOf valueType)
                ]
              )
              // {
                description = "JSON value";
              };
          in
          valueType;
        generate =
          name: value:
          let
            text = builtins.toJSON value;
          in
          standInDerivation name { outPath = builtins.toFile name text; inherit text; };
      };
  };

  inherit renderUnit;

  nixosOptions = {
    options = {
      environment.systemPackages = option (types.listOf types.package) [ ];
      services.dbus.packages = option (types.listOf types.path) [ ];
      systemd.packages = option (types.listOf types.package) [ ];
      systemd.user.tmpfiles.rules = option (types.listOf types.str) [ ];
      programs.dconf.profiles = option (types.attrsOf (
        types.submodule {
          options.databases = option (types.listOf (types.attrsOf types.anything)) [ ];
        }
      )) { };
    };
  };

  homeManagerOptions = {
    options = {
      home.packages = option (types.listOf types.package) [ ];
      systemd.user.services = option (types.attrsOf (types.attrsOf (types.attrsOf unitValue))) { };
      xdg.configFile = option (types.attrsOf homeFile) { };
      xdg.dataFile = option (types.attrsOf homeFile) { };
      programs.gnome-shell = {
        enable = option types.bool false;
        extensions = option (types.listOf (
          types.submodule {
            options = {
              id = mkOption { type = types.str; };
              package = mkOption { type = types.package; };
            };
          }
        )) [ ];
      };
    };
  };
}
