// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

/** A module's own tests, examples and fixtures: folders at the top of a module in node_modules. */
const MODULE_TOP_TEST_FOLDER =
  /(^|\/)node_modules\/(@[^/]+\/)?[^/]+\/(test|tests|__tests__|spec|examples?|fixtures?)\//;
/** Folders that hold only tests wherever they are (Jest's names). */
const MOCKS_OR_TESTS = /\/(__tests__|__mocks__)\//;
/** A test by its name: foo.spec.js, foo.test.ts, and their maps and declarations. */
const TEST_NAME = /\.(spec|test)\.([cm]?[jt]sx?|d\.[cm]?ts)(\.map)?$/;
/** A folder below a module's top that may hold tests, or runtime code (hono's helper/testing, a lib/test). */
const DEEPER_TEST_FOLDER = /^(.*\/(test|tests|fixtures?)\/)/;

/** Our own test code: a folder of tests or fixtures, a spec, or a test hook (testHook.js, testHooks.js). */
const OWN_TEST_FOLDER = /(^|\/)(test|tests|__tests__|spec|fixtures?)\//;
const OWN_TEST_FILE = /(^|\/)([^/]+\.(spec|test)\.[cm]?js|test[A-Z][^/]*\.[cm]?js)$/;

const inModules = (path) => /(^|\/)node_modules\//.test(path);

/**
 * The paths among `paths` (one package's files) that are test code or test fixtures, which no package ships.
 * In node_modules: a module's test, example and fixture folders at its top; __tests__ and __mocks__ folders;
 * files named as tests; and a deeper test or fixtures folder that holds such a file (zod ships src/v4/core/tests),
 * while one without (runtime code named "testing" or in a lib/test) stays.
 */
export function testFilesIn(paths) {
  const deeperTestFolders = new Set(
    paths
      .filter((path) => inModules(path) && TEST_NAME.test(path))
      .map((path) => DEEPER_TEST_FOLDER.exec(path)?.[1])
      .filter(Boolean),
  );
  return paths.filter((path) => {
    if (!inModules(path)) return OWN_TEST_FOLDER.test(path) || OWN_TEST_FILE.test(path);
    return (
      MODULE_TOP_TEST_FOLDER.test(path) ||
      MOCKS_OR_TESTS.test(path) ||
      TEST_NAME.test(path) ||
      [...deeperTestFolders].some((folder) => path.startsWith(folder))
    );
  });
}

/** Every path a .deb holds, as "/usr/lib/…" (dpkg-deb --contents, links without their targets). */
export function debContents(deb) {
  return execFileSync('dpkg-deb', ['--contents', deb], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf('./') + 1).replace(/ -> .*$/, ''));
}

/** The extensions.gnome.org zip of a built extension's folder, as gnome-extensions pack makes it. */
export function packExtensionZip(builtExtension, zip) {
  rmSync(zip, { force: true });
  execFileSync('zip', ['-q', '-r', '-X', zip, '.'], { cwd: builtExtension, stdio: 'inherit' });
}

/** Every file a zip holds, relative to its top (zipinfo -1). */
export function zipContents(zip) {
  return execFileSync('zipinfo', ['-1', zip], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter(Boolean);
}
