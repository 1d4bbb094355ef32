# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# The lock file as the package hands it to importNpmLock: each package with its registry address.
#   nix-instantiate --eval --strict --json lockUrls.nix --arg nixpkgsLib PATH
{ nixpkgsLib }:
let
  lib = import nixpkgsLib;
  root = ../../..;
in
(import (root + "/nix/lib.nix") { inherit lib; }).withRegistryUrls (lib.importJSON (root + "/package-lock.json"))
