# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# NixOS: services.steward. Steward is a per-user service: the package's user unit and D-Bus
# activation file are installed for every user and start it on first use (no [Install]: D-Bus
# activation starts it), as nixpkgs does for other session services.
stewardPackages:
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.services.steward;
  steward = import ./lib.nix { inherit lib; };
  settingsFormat = pkgs.formats.json { };
  configFile = settingsFormat.generate "steward-config.json" cfg.settings;
in
{
  options.services.steward = import ./options.nix {
    inherit lib settingsFormat;
    defaultPackage = stewardPackages.${pkgs.stdenv.hostPlatform.system}.default;
  };

  config = lib.mkIf cfg.enable (
    lib.mkMerge [
      {
        environment.systemPackages = [ cfg.package ];
        services.dbus.packages = [ cfg.package ];
        systemd.packages = [ cfg.package ];
      }

      # The configuration lives in each user's home; systemd's user tmpfiles link it there at login.
      (lib.mkIf (cfg.settings != { }) {
        systemd.user.tmpfiles.rules = [
          "d %h/.config/steward 0700 - - -"
          "L+ %h/.config/steward/config.json - - - - ${configFile}"
        ];
      })

      # Installed system-wide and enabled by default: a user's own list of enabled extensions, once
      # changed, takes precedence (the Extensions app or `gnome-extensions enable` then adds it).
      (lib.mkIf cfg.extension.enable {
        environment.systemPackages = [ cfg.package.extension ];
        programs.dconf.profiles.user.databases = [
          { settings."org/gnome/shell".enabled-extensions = [ steward.extensionUuid ]; }
        ];
      })
    ]
  );
}
