# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# The options of services.steward, the same in the NixOS and the Home Manager module.
{
  lib,
  settingsFormat,
  defaultPackage,
}:
{
  enable = lib.mkEnableOption "Steward, the local AI steward of the GNOME desktop: a user service started through D-Bus";

  package = lib.mkOption {
    type = lib.types.package;
    default = defaultPackage;
    defaultText = lib.literalExpression "steward.packages.\${pkgs.stdenv.hostPlatform.system}.default";
    description = "The Steward package: service, command-line tool, and GNOME Shell extension (its `extension` output).";
  };

  settings = lib.mkOption {
    type = settingsFormat.type;
    default = { };
    example = lib.literalExpression ''
      {
        logLevel = "warning";
        inference = { gpu = "vulkan"; idleUnloadSeconds = 600; };
        watch.files.paths = [ "/etc/fstab" ];
      }
    '';
    description = ''
      Steward's configuration, written as {file}`~/.config/steward/config.json`
      (the keys and values that `steward config` and the README describe). When set, the file
      is Nix's: changes made in Steward's preferences last until the next activation.
      Left empty, the file is not managed and the preferences own it.
    '';
  };

  extension.enable = lib.mkOption {
    type = lib.types.bool;
    default = true;
    description = "Whether to install and enable Steward's GNOME Shell extension (its panel menu, quick chat and overview search).";
  };
}
