// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// esbuild's text loader turns the interface XML into a string at build time.
declare module '*.xml' {
  const text: string;
  export default text;
}

// Set by esbuild from package.json.
declare const STEWARD_VERSION: string;

// Set by esbuild: true in the builds users install (build.mjs --release), where the test hooks are left out.
declare const STEWARD_RELEASE: boolean;
