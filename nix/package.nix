# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Steward's service, command-line tool, user unit, D-Bus activation file and (in the
# "extension" output) GNOME Shell extension, built from package-lock.json: every npm
# package is fetched by the integrity hash the lock file records, so there is no
# hash here to keep up to date by hand.
{
  lib,
  stdenv,
  buildNpmPackage,
  importNpmLock,
  nodejs,
  python3,
  glib,
  gettext,
  makeWrapper,
  autoPatchelfHook,
  vulkan-loader,
}:
let
  steward = import ./lib.nix { inherit lib; };
  manifest = lib.importJSON ../package.json;

  # The repository without what the build makes or what only Nix reads.
  src = lib.cleanSourceWith {
    src = ../.;
    filter =
      path: _type:
      !(builtins.elem (lib.removePrefix "${toString ../.}/" (toString path)) [
        "node_modules"
        "dist"
        "nix"
        "flake.nix"
        "flake.lock"
      ]);
  };

  # node-llama-cpp's prebuilt llama.cpp for this machine: the CPU build and the Vulkan one.
  # The CUDA builds (hundreds of MB, linked against NVIDIA's unfree libraries) and other
  # platforms' builds are left out.
  llamaPlatform =
    {
      x86_64-linux = "linux-x64";
      aarch64-linux = "linux-arm64";
    }
    .${stdenv.hostPlatform.system}
      or (throw "steward: node-llama-cpp has no prebuilt llama.cpp for ${stdenv.hostPlatform.system}");

  serviceCommand = "${placeholder "out"}/libexec/steward/steward-service";
in
buildNpmPackage {
  pname = "steward";
  inherit (manifest) version;
  inherit src nodejs;

  npmDeps = importNpmLock {
    npmRoot = src;
    package = manifest;
    packageLock = steward.withRegistryUrls (lib.importJSON ../package-lock.json);
  };
  npmConfigHook = importNpmLock.npmConfigHook;

  outputs = [
    "out"
    "extension"
  ];

  nativeBuildInputs = [
    python3 # node-gyp, for better-sqlite3
    glib # glib-compile-schemas
    gettext # msgfmt, xgettext
    makeWrapper
    autoPatchelfHook # node-llama-cpp's prebuilt binaries
  ];
  # What the prebuilt llama.cpp links against: libstdc++ and libgomp, and the Vulkan loader.
  buildInputs = [
    stdenv.cc.cc.lib
    vulkan-loader
  ];

  env = {
    # better-sqlite3 compiles against this Node's headers (npm_config_nodedir, set by the hook)
    # instead of asking the network for a prebuilt binary.
    npm_config_build_from_source = "true";
    # node-llama-cpp must use the binaries in the lock file, never fetch or build its own.
    NODE_LLAMA_CPP_SKIP_DOWNLOAD = "true";
    stewardUnit = steward.unitText serviceCommand;
    stewardActivation = steward.activationText serviceCommand;
  };

  buildPhase = ''
    runHook preBuild
    node build/build.mjs service extension
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall

    npm prune --omit=dev --no-save
    for dir in node_modules/@node-llama-cpp/*; do
      case $(basename "$dir") in
        ${llamaPlatform} | ${llamaPlatform}-vulkan) ;;
        *) rm -rf "$dir" ;;
      esac
    done

    lib=$out/lib/steward
    mkdir -p "$lib"
    cp -R dist/service "$lib/service"
    cp -R node_modules "$lib/node_modules"
    # The original manifest (the hook's copy names store paths): "type": "module" for the service's files.
    cp ${../package.json} "$lib/package.json"

    makeWrapper ${lib.getExe nodejs} $out/bin/steward \
      --add-flags "$lib/service/steward.js" --set NODE_LLAMA_CPP_SKIP_DOWNLOAD true
    makeWrapper ${lib.getExe nodejs} $out/libexec/steward/steward-service \
      --add-flags "$lib/service/steward-service.js" --set NODE_LLAMA_CPP_SKIP_DOWNLOAD true

    mkdir -p $out/lib/systemd/user $out/share/dbus-1/services $out/share/dbus-1/interfaces
    printf '%s\n' "$stewardUnit" >$out/lib/systemd/user/steward.service
    printf '%s\n' "$stewardActivation" >$out/share/dbus-1/services/${steward.busName}.service
    cp dbus-interfaces/${steward.busName}.xml $out/share/dbus-1/interfaces/

    mkdir -p $extension/share/gnome-shell/extensions
    cp -R dist/extension/${steward.extensionUuid} $extension/share/gnome-shell/extensions/

    runHook postInstall
  '';

  passthru = {
    # For Home Manager's programs.gnome-shell.extensions and nixpkgs' gnomeExtensions conventions.
    inherit (steward) extensionUuid;
  };

  meta = {
    description = manifest.description;
    license = lib.licenses.gpl2Plus;
    mainProgram = "steward";
    platforms = [
      "x86_64-linux"
      "aarch64-linux"
    ];
  };
}
