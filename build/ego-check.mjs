#!/usr/bin/env node
// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Checks an extensions.gnome.org upload zip against the review rules that a program can check:
// metadata fields, no binaries, no minified or bundled code, the schema and the translations
// present, and no synchronous I/O or subprocesses in code that runs inside GNOME Shell.
//   node build/ego-check.mjs [ZIP]   (default dist/packages/steward@steward.github.io.shell-extension.zip)
// Prints one line per problem, "rule: file: what", and exits 1 when there is any.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const zip = process.argv[2] ?? join(root, 'dist', 'packages', 'steward@steward.github.io.shell-extension.zip');

/** What an extension may hold: code, styles, metadata, images, schemas and catalogs. */
const ALLOWED_FILE = /\.(js|json|css|svg|png|xml|mo)$|(^|\/)gschemas\.compiled$/;
/** Bundlers' and minifiers' marks: reviewers read the code as it was written. */
const BUNDLED = [
  /\b__toESM\b/,
  /\b__commonJS\b/,
  /\bvar __defProp\b/,
  /\/\/# sourceMappingURL=/,
  /\bwebpack(Bootstrap|_require)/,
];
const LONGEST_LINE = 400;
/** Calls that block the shell's main loop or start other programs. */
const BLOCKING = [
  /\bGLib\.spawn_\w+/,
  /\bGio\.Subprocess\b/,
  /\bUtil\.spawn\w*/,
  /\bGLib\.file_(get|set)_contents\b/,
  /\.(load_contents|replace_contents|query_info|enumerate_children|make_directory_with_parents)\(/,
  /\bGLib\.(usleep|mkdir_with_parents)\b/,
  /\b\w+_sync\(/,
];
const REQUIRED_METADATA = ['uuid', 'name', 'description', 'shell-version', 'settings-schema', 'gettext-domain'];

const problems = [];
const report = (rule, file, what) => problems.push(`${rule}: ${file}: ${what}`);

const dir = mkdtempSync(join(tmpdir(), 'ego-check-'));
try {
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  check(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const problem of problems) console.log(problem);
if (problems.length > 0) process.exit(1);
console.log(`${relative(process.cwd(), zip)}: passes the mechanical review checks`);

function check(dir) {
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => statSync(join(dir, file)).isFile());
  if (!files.includes('metadata.json')) return report('metadata', 'metadata.json', 'missing');
  if (!files.includes('extension.js')) report('layout', 'extension.js', 'missing');
  const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'));
  checkMetadata(metadata);

  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    if (!ALLOWED_FILE.test(file) || bytes.subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1'))) {
      report('binary', file, 'not a file type an extension may hold');
      continue;
    }
    if (!file.endsWith('.js')) continue;
    const text = bytes.toString('utf8');
    const marks = BUNDLED.filter((mark) => mark.test(text));
    if (marks.length > 0) report('bundled', file, `bundler output (${marks.map(String).join(', ')})`);
    const long = text.split('\n').findIndex((line) => line.length > LONGEST_LINE);
    if (long >= 0) report('minified', file, `line ${long + 1} is longer than ${LONGEST_LINE} characters`);
    // The preferences run in a process of their own, where blocking calls freeze only that window.
    if (file.startsWith('prefs')) continue;
    text.split('\n').forEach((line, index) => {
      const call = BLOCKING.find((pattern) => pattern.test(line));
      if (call) report('blocking', file, `line ${index + 1} blocks the shell or starts a process: ${line.trim()}`);
    });
  }

  const schema = `schemas/${metadata['settings-schema']}.gschema.xml`;
  if (!files.includes(schema)) report('schema', schema, 'missing');
  if (!files.includes('schemas/gschemas.compiled')) report('schema', 'schemas/gschemas.compiled', 'missing');
  const languages = readFileSync(join(root, 'po', 'LINGUAS'), 'utf8')
    .replace(/#.*/g, '')
    .split(/\s+/)
    .filter(Boolean);
  for (const lang of languages) {
    const catalog = `locale/${lang}/LC_MESSAGES/${metadata['gettext-domain']}.mo`;
    if (!files.includes(catalog)) report('translations', catalog, 'missing');
  }
}

function checkMetadata(metadata) {
  for (const field of REQUIRED_METADATA) {
    if (!metadata[field]) report('metadata', 'metadata.json', `lacks "${field}"`);
  }
  // extensions.gnome.org numbers uploads itself and refuses a "version" of the author's.
  if ('version' in metadata) report('metadata', 'metadata.json', 'has "version", which extensions.gnome.org sets');
  if (!/^[-a-zA-Z0-9@._]+$/.test(metadata.uuid ?? '') || !/@/.test(metadata.uuid ?? '')) {
    report('metadata', 'metadata.json', `uuid "${metadata.uuid}" is not of the form name@domain`);
  }
  if (/gnome\.org/.test(metadata.uuid ?? '')) report('metadata', 'metadata.json', 'uuid must not use gnome.org');
  const versions = metadata['shell-version'] ?? [];
  if (!Array.isArray(versions) || versions.some((v) => !/^\d+$/.test(v) || Number(v) < 45)) {
    report('metadata', 'metadata.json', 'shell-version must list major versions from 45 on (ES modules)');
  }
  if (metadata['settings-schema'] && !metadata['settings-schema'].startsWith('org.gnome.shell.extensions.')) {
    report('metadata', 'metadata.json', 'settings-schema must start with org.gnome.shell.extensions.');
  }
}
