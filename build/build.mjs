#!/usr/bin/env node
// Builds everything into dist/: the service and CLI (Node), the extension
// directory (GJS), the translation template, and the test bundles.
//   node build/build.mjs [service|extension|tests ...]   (default: all)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const metadataTemplate = JSON.parse(readFileSync(join(root, 'extension', 'metadata.json'), 'utf8'));
const UUID = metadataTemplate.uuid;

const coreXml = readFileSync(join(root, 'dbus-interfaces', 'io.github.steward.Steward1.xml'), 'utf8');
const apiVersion = /name="io\.github\.steward\.ApiVersion" value="(\d+)"/.exec(coreXml)?.[1];
if (!apiVersion) throw new Error('the core interface XML lacks the io.github.steward.ApiVersion annotation');

const shared = {
  bundle: true,
  format: 'esm',
  charset: 'utf8',
  loader: { '.xml': 'text' },
  logLevel: 'warning',
  define: { STEWARD_VERSION: JSON.stringify(pkg.version), STEWARD_API_VERSION: apiVersion },
};

async function buildService() {
  const out = join(dist, 'service');
  rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    ...shared,
    entryPoints: {
      'steward-service': 'service/src/main.ts',
      steward: 'service/src/cli/main.ts',
    },
    outdir: out,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
  });
}

async function buildExtension() {
  const out = join(dist, 'extension', UUID);
  rmSync(join(dist, 'extension'), { recursive: true, force: true });
  await esbuild.build({
    ...shared,
    entryPoints: ['extension/src/extension.ts'],
    outdir: out,
    platform: 'neutral',
    // GJS 1.80 (Ubuntu 24.04, RHEL 10) embeds SpiderMonkey 115.
    target: 'firefox115',
    external: ['gi://*', 'resource://*', 'gettext', 'system', 'cairo'],
    minify: false,
    treeShaking: false,
    legalComments: 'none',
  });
  writeFileSync(
    join(out, 'metadata.json'),
    `${JSON.stringify({ ...metadataTemplate, 'version-name': pkg.version }, null, 2)}\n`,
  );
  cpSync(join(root, 'extension', 'stylesheet.css'), join(out, 'stylesheet.css'));
  cpSync(join(root, 'extension', 'icons'), join(out, 'icons'), { recursive: true });
  mkdirSync(join(out, 'schemas'));
  for (const file of readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.gschema.xml'))) {
    cpSync(join(root, 'schemas', file), join(out, 'schemas', file));
  }
  // Installs from this directory need the compiled schema; the EGO zip is
  // packed from the sources by gnome-extensions pack, which leaves it out.
  execFileSync('glib-compile-schemas', ['--strict', join(out, 'schemas')]);
  buildTranslations(out);
}

function buildTranslations(extensionDir) {
  const domain = metadataTemplate['gettext-domain'];
  const poDir = join(root, 'po');
  const sources = listFile(join(poDir, 'POTFILES'));
  mkdirSync(join(dist, 'po'), { recursive: true });
  execFileSync(
    'xgettext',
    [
      '--from-code=UTF-8',
      '--add-comments=Translators:',
      '--keyword=_',
      '--keyword=N_',
      '--keyword=ngettext:1,2',
      '--keyword=pgettext:1c,2',
      `--package-name=${pkg.name}`,
      `--package-version=${pkg.version}`,
      `--output=${join(dist, 'po', `${domain}.pot`)}`,
      ...sources.map((source) => (source.endsWith('.ts') ? ['--language=JavaScript', source] : [source])).flat(),
    ],
    { cwd: root },
  );
  for (const lang of listFile(join(poDir, 'LINGUAS'))) {
    const target = join(extensionDir, 'locale', lang, 'LC_MESSAGES');
    mkdirSync(target, { recursive: true });
    execFileSync('msgfmt', ['--check', '-o', join(target, `${domain}.mo`), join(poDir, `${lang}.po`)]);
  }
}

/** Entries of a gettext list file (POTFILES, LINGUAS): whitespace-separated, "#" starts a comment. */
function listFile(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .filter(Boolean);
}

async function buildTests() {
  const out = join(dist, 'test');
  rmSync(out, { recursive: true, force: true });
  const entryPoints = readdirSync(join(root, 'test'), { recursive: true })
    .filter((file) => file.endsWith('.spec.ts') || file.endsWith('.helper.ts'))
    .map((file) => join('test', file));
  await esbuild.build({
    ...shared,
    entryPoints,
    outdir: out,
    outbase: 'test',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
  });
}

const targets = { service: buildService, extension: buildExtension, tests: buildTests };
const requested = process.argv.slice(2);
for (const name of requested.length > 0 ? requested : Object.keys(targets)) {
  const build = targets[name];
  if (!build) throw new Error(`unknown build target ${name}; choose from ${Object.keys(targets).join(', ')}`);
  await build();
  console.log(`built ${name} → ${relative(root, dist)}/`);
}
