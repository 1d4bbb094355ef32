# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# What Steward's package and its NixOS and Home Manager modules share: its names,
# and its user unit and D-Bus activation file, read from the same templates that
# build/install.sh fills, so that every install path starts the service alike.
{ lib }:
let
  templates = ../build/templates;

  # A template with its Exec line filled in, without the comment that names install.sh.
  fill =
    template: execStart:
    lib.concatStringsSep "\n" (
      lib.filter (line: !lib.hasPrefix "# Written by" line) (
        lib.splitString "\n" (
          builtins.replaceStrings [ "@EXEC_START@" ] [ execStart ] (builtins.readFile (templates + "/${template}"))
        )
      )
    );

  # An INI unit as Home Manager's systemd.user.services takes it: { Section = { Key = value; }; },
  # a key given more than once becoming a list of its values.
  unitSections =
    text:
    let
      lines = lib.filter (line: line != "" && !lib.hasPrefix "#" line) (lib.splitString "\n" text);
      read =
        state: line:
        let
          header = builtins.match "\\[(.+)]" line;
          entry = builtins.match "([^=]+)=(.*)" line;
          key = builtins.elemAt entry 0;
          value = builtins.elemAt entry 1;
          earlier = state.sections.${state.section}.${key} or null;
        in
        if header != null then
          state // { section = builtins.head header; }
        else if entry == null || state.section == null then
          throw "steward: cannot read the unit template line '${line}'"
        else
          state
          // {
            sections = lib.recursiveUpdate state.sections {
              ${state.section}.${key} = if earlier == null then value else lib.toList earlier ++ [ value ];
            };
          };
    in
    (lib.foldl' read {
      section = null;
      sections = { };
    } lines).sections;
in
rec {
  busName = "io.github.steward.Steward1";
  extensionUuid = "steward@steward.github.io";

  # The service's command inside a package built by ./package.nix.
  serviceCommand = package: "${package}/libexec/steward/steward-service";

  unitText = execStart: fill "steward.service.in" execStart;
  activationText = execStart: fill "${busName}.service.in" execStart;
  unitSectionsFor = execStart: unitSections (unitText execStart);

  # The lock file names no download addresses (npm leaves "resolved" out for its default
  # registry); importNpmLock needs them, and the registry's addresses follow from name and version.
  registryUrl =
    name: version:
    "https://registry.npmjs.org/${name}/-/${lib.last (lib.splitString "/" name)}-${version}.tgz";
  withRegistryUrls =
    lock:
    lock
    // {
      packages = lib.mapAttrs (
        path: entry:
        if path == "" || entry ? resolved || entry.link or false || !(entry ? integrity) then
          entry
        else
          entry
          // {
            resolved = registryUrl (entry.name or (lib.last (lib.splitString "node_modules/" path))) entry.version;
          }
      ) lock.packages;
    };
}
