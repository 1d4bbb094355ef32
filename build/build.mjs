#!/usr/bin/env node
// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Builds everything into dist/: the service and CLI (Node), the extension
// directory (GJS), the translation template, and the test bundles.
//   node build/build.mjs [--release] [types|service|extension|tests|bench|corpus|fuzz|gym|gym-desktop ...]   (default: all but types, bench, corpus, fuzz, gym and gym-desktop)
// `types` rewrites the TypeScript types generated from dbus-interfaces/*.xml; every other build
// first checks that they are current and stops if they are not.
// STEWARD_DIST=DIR builds into DIR instead, and STEWARD_SPECS=REGEX bundles only
// the matching spec files: for working on one part while another build runs. STEWARD_BUILD_VERSION
// replaces package.json's version (the package upgrade test builds two versions).
// --release builds what users install (build/install.sh, npm run package): STEWARD_RELEASE is true, so the
// service's test hooks (service/src/testHooks.ts) are dead code that esbuild leaves out.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';
import * as prettier from 'prettier';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.STEWARD_DIST ? resolve(process.env.STEWARD_DIST) : join(root, 'dist');
const specFilter = new RegExp(process.env.STEWARD_SPECS ?? '');
const release = process.argv.includes('--release');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
pkg.version = process.env.STEWARD_BUILD_VERSION ?? pkg.version;
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
  define: { STEWARD_VERSION: JSON.stringify(pkg.version), STEWARD_RELEASE: String(release) },
};

async function buildService() {
  const out = join(dist, 'service');
  rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    ...shared,
    // V8 keeps a script's source for good, and one character past Latin-1 ("→") stores the whole 1.6 MB
    // bundle at two bytes a character: strings and regular expressions as ASCII escapes, and see asciiComments.
    charset: 'ascii',
    entryPoints: {
      'steward-service': 'service/src/main.ts',
      steward: 'service/src/cli/main.ts',
      'steward-engine': 'service/src/engine/worker.ts',
      'steward-backend-probe': 'service/src/engine/backendProbeWorker.ts',
      'steward-redaction': 'service/src/engine/redactionWorker.ts',
      'steward-model-inspector': 'service/src/models/inspector.ts',
      'steward-docs-indexer': 'service/src/docs/indexerProcess.ts',
      'steward-speech': 'service/src/voice/recognizerWorker.ts',
      'steward-voice': 'service/src/voice/synthesizerWorker.ts',
    },
    outdir: out,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
  });
  asciiComments(out);
  // steward eval reads its scenarios from beside the CLI.
  cpSync(join(root, 'service', 'eval', 'scenarios'), join(out, 'eval', 'scenarios'), { recursive: true });
  // The documentation search's task examples (build/task-examples.mjs), read from beside the service.
  cpSync(join(root, 'service', 'data'), join(out, 'data'), { recursive: true });
  compileCatalogs(join(out, 'locale'), 'steward');
  await buildShellFiles();
}

/**
 * esbuild keeps comments inside expressions as written, whatever the charset: their characters past ASCII
 * ("…", "→") become escapes too, which in a comment change nothing but the bytes.
 */
function asciiComments(dir) {
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.js'))) {
    const path = join(dir, name);
    const text = readFileSync(path, 'utf8');
    // Without the u flag, each UTF-16 unit alone: a character past the BMP as its surrogate pair.
    const ascii = text.replace(/[^\0-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (ascii !== text) writeFileSync(path, ascii);
  }
}

/**
 * The man page and the shell completions, made from the CLI's command table, under dist/share
 * as a package installs them below /usr (build/install.sh copies them below ~/.local).
 */
async function buildShellFiles() {
  // Beside the checkout's node_modules, where its imports resolve, wherever STEWARD_DIST points.
  const generator = join(root, 'node_modules', '.cache', 'steward', `shell-files-${process.pid}.mjs`);
  await esbuild.build({
    ...shared,
    entryPoints: ['service/src/cli/shellFiles.ts'],
    outfile: generator,
    platform: 'node',
    target: 'node20',
    packages: 'external',
  });
  const { shellFiles } = await import(generator);
  rmSync(join(dist, 'share'), { recursive: true, force: true });
  for (const [path, text] of Object.entries(shellFiles(pkg.version, join(dist, 'service', 'locale')))) {
    mkdirSync(dirname(join(dist, path)), { recursive: true });
    writeFileSync(join(dist, path), text);
  }
  rmSync(generator, { force: true });
}

/**
 * The D-Bus types of both sides, made from the XML, formatted as the sources are. They are
 * committed, so that type-checking and lint work on a fresh checkout and an API change shows in review.
 */
async function generatedTypeFiles() {
  const generator = join(root, 'node_modules', '.cache', 'steward', `dbus-types-${process.pid}.mjs`);
  await esbuild.build({
    ...shared,
    entryPoints: ['service/src/dbus/typesGenerator.ts'],
    outfile: generator,
    platform: 'node',
    target: 'node20',
    packages: 'external',
  });
  const { dbusTypeFiles } = await import(generator);
  rmSync(generator, { force: true });
  const files = {};
  for (const [path, text] of Object.entries(dbusTypeFiles())) {
    const options = { ...(await prettier.resolveConfig(join(root, path))), parser: 'typescript' };
    files[path] = await prettier.format(text, options);
  }
  return files;
}

async function writeTypes() {
  for (const [path, text] of Object.entries(await generatedTypeFiles())) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

async function checkTypes() {
  for (const [path, text] of Object.entries(await generatedTypeFiles())) {
    let current = null;
    try {
      current = readFileSync(join(root, path), 'utf8');
    } catch {
      // missing: stale as well
    }
    if (current !== text) throw new Error(`${path} does not match dbus-interfaces/: run node build/build.mjs types`);
  }
}

/**
 * The project's public home: package.json's "homepage", the one place it is set. Steward has none yet, so
 * package.json names none and every message that would send a person there names the README's install
 * section and the commands that work from a copy of the source instead; metadata.json gets its "url" then.
 */
const PROJECT_HOME = pkg.homepage ?? '';

/**
 * The extension's test hook (extension/src/shell/testHook.ts), built apart from the extension: no package
 * ships it; the e2e harness copies it into the extension it installs (test/e2e/harness/session.sh).
 */
const TEST_HOOK = join('shell', 'testHook.ts');

async function buildExtension() {
  const out = join(dist, 'extension', UUID);
  rmSync(join(dist, 'extension'), { recursive: true, force: true });
  rmSync(join(dist, 'extension-test-hook'), { recursive: true, force: true });
  const sources = readdirSync(join(root, 'extension', 'src'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== TEST_HOOK);
  await compileExtensionSources(sources, out);
  writeFileSync(join(out, 'client', 'interfaces.js'), interfacesModule());
  await formatExtensionScripts(out);
  await compileExtensionSources([TEST_HOOK], join(dist, 'extension-test-hook'));
  await formatExtensionScripts(join(dist, 'extension-test-hook'));
  writeFileSync(
    join(out, 'metadata.json'),
    `${JSON.stringify({ ...metadataTemplate, 'version-name': pkg.version, ...(PROJECT_HOME && { url: PROJECT_HOME }) }, null, 2)}\n`,
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

/** One JavaScript file per TypeScript file, as reviewers on extensions.gnome.org prefer. */
async function compileExtensionSources(sources, outdir) {
  await esbuild.build({
    entryPoints: sources.map((file) => join('extension', 'src', file)),
    outbase: join('extension', 'src'),
    outdir,
    bundle: false,
    format: 'esm',
    platform: 'neutral',
    // GJS 1.80 (Ubuntu 24.04, RHEL 10) embeds SpiderMonkey 115.
    target: 'firefox115',
    charset: 'utf8',
    logLevel: 'warning',
  });
}

/** Formats every script under `dir` the way our sources are. */
async function formatExtensionScripts(dir) {
  const prettierOptions = {
    ...(await prettier.resolveConfig(join(root, 'extension', 'src', 'extension.ts'))),
    parser: 'babel',
  };
  for (const file of readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.js'))) {
    const path = join(dir, file);
    writeFileSync(path, await prettier.format(readFileSync(path, 'utf8'), prettierOptions));
  }
}

/**
 * The extension's proxies are made from the interface XML, inlined here at
 * build time without comments and documentation, which GJS does not need.
 */
function interfacesModule() {
  const compact = (xml) => {
    const text = xml
      .replace(/<!DOCTYPE[^>]*>/, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/\s*<annotation name="org\.gtk\.GDBus\.DocString"[^>]*\/>/g, '')
      .replace(/\n\s*\n/g, '\n')
      .trim();
    if (/[`$\\]/.test(text))
      throw new Error('the interface XML must not contain `, $ or \\: it is inlined in a template literal');
    return text;
  };
  // Each interface by the key the client knows it by, with its name read from the XML itself.
  const files = {
    core: '',
    chat: '.Chat',
    findings: '.Findings',
    proposals: '.Proposals',
    models: '.Models',
    settings: '.Settings',
    voice: '.Voice',
  };
  const entries = Object.entries(files).map(([key, suffix]) => {
    const xml = compact(readFileSync(join(root, 'dbus-interfaces', `io.github.steward.Steward1${suffix}.xml`), 'utf8'));
    const name = /<interface name="([^"]+)"/.exec(xml)?.[1];
    if (!name) throw new Error(`io.github.steward.Steward1${suffix}.xml names no interface`);
    return `  ${key}: {\n    name: '${name}',\n    xml: \`${xml}\`,\n  },`;
  });
  return [
    '// Generated by build/build.mjs from the XML in dbus-interfaces/.',
    '',
    '/** The revision of the D-Bus API this extension was built against. */',
    `export const API_VERSION = ${apiVersion};`,
    '',
    "/** The project's public home (package.json \"homepage\"); '' until it has one. */",
    `export const PROJECT_HOME = '${PROJECT_HOME}';`,
    '',
    "/** The service's interfaces: each one's name and introspection XML. */",
    'export const INTERFACES = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

function buildTranslations(extensionDir) {
  const domain = metadataTemplate['gettext-domain'];
  const poDir = join(root, 'po');
  const sources = listFile(join(poDir, 'POTFILES')).flatMap(filesOf);
  mkdirSync(join(dist, 'po'), { recursive: true });
  const pot = join(dist, 'po', `${domain}.pot`);
  const xgettext = (extraArgs, files) => {
    const args = [
      '--from-code=UTF-8',
      '--add-comments=Translators:',
      `--package-name=${pkg.name}`,
      `--package-version=${pkg.version}`,
      `--output=${pot}`,
      ...extraArgs,
      ...files,
    ];
    const result = spawnSync('xgettext', args, { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`xgettext failed:\n${result.stderr}`);
    // Debian's gettext notes on every run that it uses its own copy of the GSettings rules.
    const warnings = result.stderr.split('\n').filter((line) => line && !line.includes('fallback ITS rule'));
    for (const warning of warnings) console.warn(warning);
  };
  // --language applies to all files of a run, so the schema (whose format
  // xgettext knows from its name) and the TypeScript sources take two runs.
  xgettext(
    [],
    sources.filter((source) => !source.endsWith('.ts')),
  );
  xgettext(
    [
      '--join-existing',
      '--language=JavaScript',
      '--keyword=_',
      '--keyword=N_',
      '--keyword=ngettext:1,2',
      '--keyword=pgettext:1c,2',
    ],
    sources.filter((source) => source.endsWith('.ts')),
  );
  compileCatalogs(join(extensionDir, 'locale'), domain);
}

/** Compiles each po/LANG.po into LOCALE_DIR/LANG/LC_MESSAGES/DOMAIN.mo: the extension and the service share one set. */
function compileCatalogs(localeDir, domain) {
  const poDir = join(root, 'po');
  for (const lang of listFile(join(poDir, 'LINGUAS'))) {
    const target = join(localeDir, lang, 'LC_MESSAGES');
    mkdirSync(target, { recursive: true });
    execFileSync('msgfmt', ['--check', '-o', join(target, `${domain}.mo`), join(poDir, `${lang}.po`)]);
  }
}

/** A POTFILES entry's files: the file, or a folder's (ending in "/") TypeScript files, so a new kind's come with it. */
function filesOf(entry) {
  if (!entry.endsWith('/')) return [entry];
  return readdirSync(join(root, entry), { recursive: true })
    .filter((file) => String(file).endsWith('.ts'))
    .map((file) => join(entry, String(file)))
    .sort();
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
    .filter((file) => file.endsWith('.helper.ts') || (file.endsWith('.spec.ts') && specFilter.test(file)))
    .map((file) => join('test', file));
  // The gym's spec runs these inside the booted system, from the checkout's dist/; a parallel run names the
  // reporter module with --reporter= (test/run.sh).
  entryPoints.push(...GYM_INSIDE, CI_REPORTER);
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

/** What runs inside the gym's system: the agent, and the scenarios' internet and stand-in desktop portal. */
const GYM_INSIDE = ['test/gym/agent.ts', 'test/gym/internet.ts', 'test/gym/portalStandIn.ts'];
const CI_REPORTER = 'test/support/ciReporter.ts';

/** `npm run gym`: the runner, and the agent it starts inside the booted system (see test/gym/README.md). */
async function buildGym() {
  await esbuild.build({
    ...shared,
    entryPoints: ['test/gym/run.ts', ...GYM_INSIDE],
    outdir: join(dist, 'test'),
    outbase: 'test',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
  });
}

/** `npm run gym:desktop`: the desktop gym's runner (see test/e2e/README.md); it needs the service and extension built. */
async function buildDesktopGym() {
  await esbuild.build({
    ...shared,
    entryPoints: ['test/e2e/desktopGym/run.ts'],
    outdir: join(dist, 'test'),
    outbase: 'test',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
  });
}

async function buildBench() {
  const out = join(dist, 'bench');
  rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    ...shared,
    entryPoints: [
      'test/bench/run.ts',
      'test/bench/redaction.ts',
      'test/bench/findings.ts',
      'test/bench/flood.ts',
      'test/bench/assistant.ts',
      'test/bench/extension.ts',
      'test/bench/docs.ts',
      'test/bench/docsRetrieval.ts',
      'test/bench/docsEmbeddingRerank.ts',
      'test/bench/model.ts',
      'test/bench/ttftBreakdown.ts',
      'test/bench/cold.ts',
      'test/bench/toolPrompt.ts',
      'test/bench/promptBudget.ts',
    ],
    outdir: out,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
  });
}

async function buildCorpus() {
  const out = join(dist, 'corpus');
  rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    ...shared,
    entryPoints: ['test/corpus/run.ts'],
    outdir: out,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
  });
}

async function buildFuzz() {
  const out = join(dist, 'fuzz');
  rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    ...shared,
    entryPoints: ['test/fuzz/run.ts'],
    outdir: out,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
  });
}

const targets = {
  types: writeTypes,
  service: buildService,
  extension: buildExtension,
  tests: buildTests,
  bench: buildBench,
  corpus: buildCorpus,
  fuzz: buildFuzz,
  gym: buildGym,
  'gym-desktop': buildDesktopGym,
};
// The benchmarks are slow and timing-sensitive: they run on their own (npm run bench).
const defaults = release ? ['service', 'extension'] : ['service', 'extension', 'tests'];
const requested = process.argv.slice(2).filter((arg) => arg !== '--release');
if (!requested.includes('types')) await checkTypes();
for (const name of requested.length > 0 ? requested : defaults) {
  const build = targets[name];
  if (!build) throw new Error(`unknown build target ${name}; choose from ${Object.keys(targets).join(', ')}`);
  await build();
  console.log(`built ${name} → ${relative(root, dist)}/`);
}
