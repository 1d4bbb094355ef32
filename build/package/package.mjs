#!/usr/bin/env node
// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `npm run package`: the Debian package dist/packages/steward_VERSION_ARCH.deb and the upload zip
// for extensions.gnome.org, dist/packages/steward@steward.github.io.shell-extension.zip.
//   node build/package/package.mjs [--skip-build]
// STEWARD_BUILD_VERSION replaces package.json's version (the upgrade test builds two); STEWARD_DIST
// builds into another directory than dist/; STEWARD_DEB_COMPRESSION=gzip packs faster than xz.
// Needs root on first use: better-sqlite3 is compiled per Node.js ABI in Debian root filesystems
// (see native.mjs), cached beside the e2e root filesystems.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { debContents, packExtensionZip, testFilesIn, zipContents } from './contents.mjs';
import { betterSqliteBinary, DEBIAN_ABIS, packageCacheDir } from './native.mjs';
import { productionPackages } from './productionPackages.mjs';
import { glibcNeeded, tidyModules } from './tidyModules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = join(root, 'build', 'package');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const metadata = JSON.parse(readFileSync(join(root, 'extension', 'metadata.json'), 'utf8'));
const UUID = metadata.uuid;
const BUS_NAME = 'io.github.steward.Steward1';
const version = process.env.STEWARD_BUILD_VERSION ?? pkg.version;
const maintainer = process.env.STEWARD_MAINTAINER ?? 'Steward maintainers <steward@steward.github.io>';
const dist = process.env.STEWARD_DIST ? resolve(process.env.STEWARD_DIST) : join(root, 'dist');
const out = join(dist, 'packages');

/** The llama.cpp builds in the package: the CPU one and Vulkan's; CUDA's (over 500 MB) is left out. */
const LLAMA_PREBUILTS = { amd64: ['linux-x64', 'linux-x64-vulkan'], arm64: ['linux-arm64'] };

const run = (command, args, options = {}) => execFileSync(command, args, { stdio: 'inherit', ...options });

// What a fresh clone lacks, named in one line rather than found one failure at a time.
const PROGRAMS = {
  'dpkg-deb': 'dpkg',
  zip: 'zip',
  zipinfo: 'unzip',
  strip: 'binutils',
  patchelf: 'patchelf',
  gzip: 'gzip',
  msgfmt: 'gettext',
  xgettext: 'gettext',
  'glib-compile-schemas': 'libglib2.0-bin',
};
const onPath = (name) => (process.env.PATH ?? '').split(':').some((dir) => existsSync(join(dir, name)));
const missing = [
  ...new Set(
    Object.entries(PROGRAMS)
      .filter(([name]) => !onPath(name))
      .map(([, debian]) => debian),
  ),
];
if (missing.length > 0) {
  console.error(`npm run package needs: ${missing.join(' ')} (sudo apt install ${missing.join(' ')})`);
  process.exit(1);
}
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('==> npm ci: the dependencies the package takes its runtime modules from');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: root });
}

if (!process.argv.includes('--skip-build'))
  run('node', [join(root, 'build', 'build.mjs'), '--release', 'service', 'extension']);
mkdirSync(out, { recursive: true });

const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
if (!LLAMA_PREBUILTS[arch])
  throw new Error(`no package for ${arch}: node-llama-cpp has no prebuilt binaries chosen for it`);

const stage = join(dist, 'package-root');
rmSync(stage, { recursive: true, force: true });
const into = (path) => join(stage, path);
const put = (from, to, mode = 0o644) => {
  mkdirSync(dirname(into(to)), { recursive: true });
  cpSync(from, into(to), { recursive: true });
  chmodSync(into(to), mode);
};
const write = (to, text, mode = 0o644) => {
  mkdirSync(dirname(into(to)), { recursive: true });
  writeFileSync(into(to), text);
  chmodSync(into(to), mode);
};

// --- the service and the command-line tool -------------------------------------

const lib = '/usr/lib/steward';
cpSync(join(dist, 'service'), into(`${lib}/service`), { recursive: true });
// The service's catalogs live in /usr/share/locale; the service looks beside its code.
const serviceLocale = into(`${lib}/service/locale`);
for (const lang of readdirSync(serviceLocale)) {
  put(join(serviceLocale, lang, 'LC_MESSAGES', 'steward.mo'), `/usr/share/locale/${lang}/LC_MESSAGES/steward.mo`);
}
rmSync(serviceLocale, { recursive: true });
run('ln', ['-s', '../../../share/locale', serviceLocale]);
for (const file of readdirSync(into(`${lib}/service`)).filter((f) => f.endsWith('.js.map'))) {
  rmSync(into(`${lib}/service/${file}`));
}
write(
  `${lib}/package.json`,
  `${JSON.stringify({ name: pkg.name, version, type: pkg.type, private: true, dependencies: pkg.dependencies }, null, 2)}\n`,
);

const modules = into(`${lib}/node_modules`);
for (const path of productionPackages(root)) {
  const isUnusedPrebuilt = /^node_modules\/@node-llama-cpp\/(.+)$/.exec(path);
  if (isUnusedPrebuilt && !LLAMA_PREBUILTS[arch].includes(isUnusedPrebuilt[1])) continue;
  cpSync(join(root, path), join(stage, lib, path), { recursive: true, verbatimSymlinks: true });
}
// better-sqlite3 with one binary per Debian Node.js ABI, where its loader (bindings) looks for it by ABI.
const sqlite = join(modules, 'better-sqlite3');
for (const part of ['build', 'deps', 'src', 'binding.gyp'])
  rmSync(join(sqlite, part), { recursive: true, force: true });
for (const target of DEBIAN_ABIS) {
  const nodeArch = { amd64: 'x64', arm64: 'arm64' }[arch];
  put(
    betterSqliteBinary(root, target),
    relative(stage, join(sqlite, 'lib', 'binding', `node-v${target.abi}-linux-${nodeArch}`, 'better_sqlite3.node')),
  );
}

const binaries = tidyModules(modules);

const node = '/usr/bin/node';
const execStart = `${node} ${lib}/service/steward-service.js`;
write('/usr/bin/steward', `#!/bin/sh\nexec ${node} ${lib}/service/steward.js "$@"\n`, 0o755);

// --- systemd, D-Bus and polkit --------------------------------------------------

const fromTemplate = (name) =>
  readFileSync(join(root, 'build', 'templates', name), 'utf8')
    .replace(/^# Written by Steward's build\/install\.sh.*\n/, '# Installed by the steward package.\n')
    .replaceAll('@EXEC_START@', execStart);
write('/usr/lib/systemd/user/steward.service', fromTemplate('steward.service.in'));
write(`/usr/share/dbus-1/services/${BUS_NAME}.service`, fromTemplate(`${BUS_NAME}.service.in`));
for (const file of readdirSync(join(root, 'dbus-interfaces')).filter((f) => f.endsWith('.xml'))) {
  put(join(root, 'dbus-interfaces', file), `/usr/share/dbus-1/interfaces/${file}`);
}
for (const file of readdirSync(join(root, 'build', 'polkit'))) {
  put(join(root, 'build', 'polkit', file), `/usr/share/polkit-1/actions/${file}`);
}
// pkexec runs it for io.github.steward.Steward1.nixos-rebuild, whose policy names this path.
put(join(root, 'build', 'nixos', 'steward-nixos-helper'), '/usr/libexec/steward/steward-nixos-helper', 0o755);

// --- the extension ----------------------------------------------------------------

const extension = `/usr/share/gnome-shell/extensions/${UUID}`;
const builtExtension = join(dist, 'extension', UUID);
cpSync(builtExtension, into(extension), { recursive: true });
// GLib's trigger compiles /usr/share/glib-2.0/schemas; the shell reads system extensions' schemas there.
rmSync(into(`${extension}/schemas`), { recursive: true });
for (const file of readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.gschema.xml'))) {
  put(join(root, 'schemas', file), `/usr/share/glib-2.0/schemas/${file}`);
}
// Without a locale/ of its own, the shell binds the extension's domain to /usr/share/locale.
const extensionLocale = into(`${extension}/locale`);
for (const lang of readdirSync(extensionLocale)) {
  put(join(extensionLocale, lang, 'LC_MESSAGES', `${UUID}.mo`), `/usr/share/locale/${lang}/LC_MESSAGES/${UUID}.mo`);
}
rmSync(extensionLocale, { recursive: true });

// --- documentation: man page, completion, copyright, changelog ---------------------

// Made by the build from the CLI's command table, as build/install.sh installs them.
const shellFile = (path) => join(dist, 'share', path);
write('/usr/share/man/man1/steward.1.gz', gzip(readFileSync(shellFile('man/man1/steward.1'), 'utf8')));
// The man page's translations (man/LANG/man1), where man finds them for the user's language.
for (const lang of readdirSync(shellFile('man')).filter((name) => name !== 'man1')) {
  write(
    `/usr/share/man/${lang}/man1/steward.1.gz`,
    gzip(readFileSync(shellFile(`man/${lang}/man1/steward.1`), 'utf8')),
  );
}
put(shellFile('bash-completion/completions/steward'), '/usr/share/bash-completion/completions/steward');
put(shellFile('zsh/site-functions/_steward'), '/usr/share/zsh/vendor-completions/_steward');
put(shellFile('fish/vendor_completions.d/steward.fish'), '/usr/share/fish/vendor_completions.d/steward.fish');
write('/usr/share/doc/steward/copyright', copyright());
write('/usr/share/doc/steward/changelog.gz', gzip(changelog()));

// --- control --------------------------------------------------------------------------

const shellVersions = metadata['shell-version'].map(Number);
const installedKiB = Number(execFileSync('du', ['-sk', '--apparent-size', stage], { encoding: 'utf8' }).split('\t')[0]);
mkdirSync(into('DEBIAN'));
write(
  'DEBIAN/control',
  readFileSync(join(here, 'debian', 'control.in'), 'utf8')
    .replace('@VERSION@', version)
    .replace('@ARCH@', arch)
    .replace('@MAINTAINER@', maintainer)
    .replace('@INSTALLED_SIZE@', String(installedKiB))
    .replace('@LIBNODE@', DEBIAN_ABIS.map(({ abi }) => `libnode${abi}`).join(' | '))
    .replace('@GLIBC@', glibcNeeded(binaries))
    .replace('@SHELL_MIN@', String(Math.min(...shellVersions)))
    .replace('@SHELL_NEXT@', String(Math.max(...shellVersions) + 1))
    // Only a page that exists: package.json names none until Steward has a public home.
    .replace('@HOMEPAGE@', pkg.homepage ? `Homepage: ${pkg.homepage}\n` : ''),
);
for (const script of ['postinst', 'prerm']) put(join(here, 'debian', script), `DEBIAN/${script}`, 0o755);
run('find', [stage, '-type', 'd', '-exec', 'chmod', '0755', '{}', '+']);
run('find', [stage, '-type', 'f', '!', '-perm', '/111', '-exec', 'chmod', '0644', '{}', '+']);

const deb = join(out, `steward_${version}_${arch}.deb`);
const compression = process.env.STEWARD_DEB_COMPRESSION ?? 'xz';
run('dpkg-deb', ['--root-owner-group', `-Z${compression}`, '--build', stage, deb], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
console.log(
  `packaged ${relative(root, deb)} (${execFileSync('du', ['-h', deb], { encoding: 'utf8' }).split('\t')[0]})`,
);

// --- the extensions.gnome.org zip: what gnome-extensions pack makes --------------------

const zip = join(out, `${UUID}.shell-extension.zip`);
packExtensionZip(builtExtension, zip);
console.log(`packaged ${relative(root, zip)}`);
for (const [made, contents] of [
  [deb, debContents(deb)],
  [zip, zipContents(zip)],
]) {
  const tests = testFilesIn(contents);
  if (tests.length > 0) throw new Error(`${relative(root, made)} holds test code: ${tests.join(', ')}`);
}
const cache = packageCacheDir();
if (existsSync(cache)) {
  const size = execFileSync('du', ['-sh', cache], { encoding: 'utf8' }).split('\t')[0];
  console.log(
    `cache: ${size} in ${cache} (the compiled better-sqlite3 and its build root filesystems; npm run clean removes it)`,
  );
}

function gzip(text) {
  return execFileSync('gzip', ['-9', '-n'], { input: text });
}

function copyright() {
  return `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: steward
${pkg.homepage ? `Source: ${pkg.homepage}\n` : ''}
Files: *
Copyright: ${firstYear()} Steward contributors
License: GPL-2.0-or-later

Files: usr/lib/steward/node_modules/*
Copyright: the authors of each module, named in its package.json
License: various
 Each module under /usr/lib/steward/node_modules carries its own license file;
 all are free software licenses (MIT, ISC, Apache-2.0, BSD).

License: GPL-2.0-or-later
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in /usr/share/common-licenses/GPL-2.
`;
}

function changelog() {
  const date = execFileSync('date', ['-R', '-u', '-d', `@${sourceDateEpoch()}`], { encoding: 'utf8' }).trim();
  return `steward (${version}) unstable; urgency=medium

  * Release ${version}; see the project's history for what changed.

 -- ${maintainer}  ${date}
`;
}

function firstYear() {
  return execFileSync('git', ['log', '--reverse', '--format=%cd', '--date=format:%Y'], {
    cwd: root,
    encoding: 'utf8',
  }).split('\n')[0];
}

/** The time of the last commit, so that two builds of one commit give the same changelog. */
function sourceDateEpoch() {
  if (process.env.SOURCE_DATE_EPOCH) return process.env.SOURCE_DATE_EPOCH;
  return execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8' }).trim();
}
