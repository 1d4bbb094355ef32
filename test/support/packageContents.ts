// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// build/package/contents.mjs with its types: what the packages hold, and which of it is test code.
// @ts-expect-error: a build script in plain JavaScript, without types
import * as contents from '../../build/package/contents.mjs';

const typed = contents as {
  testFilesIn(paths: string[]): string[];
  debContents(deb: string): string[];
  packExtensionZip(builtExtension: string, zip: string): void;
  zipContents(zip: string): string[];
};

export const { testFilesIn, debContents, packExtensionZip, zipContents } = typed;
