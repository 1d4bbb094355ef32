# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Home Manager: services.steward for one user. The user unit and D-Bus activation file are
# declared here (from the templates build/install.sh fills), so Home Manager restarts the
# service when the package or its configuration changes.
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
  execStart = steward.serviceCommand cfg.package;
in
{
  options.services.steward = import ./options.nix {
    inherit lib settingsFormat;
    defaultPackage = stewardPackages.${pkgs.stdenv.hostPlatform.system}.default;
  };

  config = lib.mkIf cfg.enable (
    lib.mkMerge [
      {
        home.packages = [ cfg.package ];
        systemd.user.services.steward = steward.unitSectionsFor execStart;
        xdg.dataFile."dbus-1/services/${steward.busName}.service".text = steward.activationText execStart;
        xdg.dataFile."dbus-1/interfaces/${steward.busName}.xml".source =
          "${cfg.package}/share/dbus-1/interfaces/${steward.busName}.xml";
      }

      (lib.mkIf (cfg.settings != { }) {
        xdg.configFile."steward/config.json".source = configFile;
        systemd.user.services.steward.Unit.X-Restart-Triggers = [ "${configFile}" ];
      })

      (lib.mkIf cfg.extension.enable {
        programs.gnome-shell = {
          enable = lib.mkDefault true;
          extensions = [
            {
              id = steward.extensionUuid;
              package = cfg.package.extension;
            }
          ];
        };
      })
    ]
  );
}
