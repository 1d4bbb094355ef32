// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Type packages must never end up bundled as values, and Node's modules do not exist in GJS.
const GJS_PATTERNS = [
  { group: ['@girs/*'], message: 'Type packages are for the type checker only.' },
  { group: ['node:*'], message: 'Node.js modules do not exist in GJS.' },
];
const shellOnly = "only GNOME Shell has it, not the preferences' process";
const SHELL_ONLY_MODULES = ['gi://St', 'gi://Clutter', 'gi://Meta', 'gi://Shell', 'gi://Mtk', 'gi://Cogl'].map(
  (name) => ({
    name,
    message: `${name}: ${shellOnly}.`,
  }),
);
const SHELL_ONLY_PATTERNS = [
  { regex: '^resource:///org/gnome/shell/', caseSensitive: true, message: `GNOME Shell's own modules: ${shellOnly}.` },
  { regex: '/shell/', caseSensitive: true, message: `extension/src/shell/: ${shellOnly}.` },
];
const GTK_MODULES = ['gi://Gtk', 'gi://Adw', 'gi://Gdk'].map((name) => ({
  name,
  message: `${name} is the preferences' toolkit; the shell has none.`,
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  // Type-aware rules (floating and misused promises among them), with each file's own tsconfig.
  ...tseslint.configs.recommendedTypeCheckedOnly,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Off on purpose: an async function without await is how an interface method that returns a
      // promise (ChatEngine.unload, a tool's run) turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // Off: the option and callback interfaces (a command's run, an engine's callbacks) declare functions in
      // method syntax and are destructured; none of them uses `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Sorted imports, as GNOME's HACKING asks: packages (gi://, resource://, npm, node:) first, then ours.
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: { 'simple-import-sort/imports': 'error' },
  },
  {
    // Build scripts in plain JavaScript belong to no tsconfig: no type information for them.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    files: ['service/**/*.ts', 'test/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // A test that dereferences what it just checked reads better without guards.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The extension runs in GJS: type packages must never end up bundled as
    // values, and Node's modules do not exist there.
    files: ['extension/**/*.ts'],
    ignores: ['extension/src/ambient.d.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: GJS_PATTERNS }],
      // GJS's GLib.Error is no Error subclass: D-Bus calls reject with it as it is, for errors.ts to read.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    // The preferences run in the Extensions app's process, not in GNOME Shell. What they load (prefs/, and
    // client/ and shared/, which the shell loads too) may use only what both GJS processes have.
    files: [
      'extension/src/prefs.ts',
      'extension/src/prefs/**/*.ts',
      'extension/src/client/**/*.ts',
      'extension/src/shared/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: SHELL_ONLY_MODULES, patterns: [...GJS_PATTERNS, ...SHELL_ONLY_PATTERNS] },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(connectObject|disconnectObject)$/]',
          message:
            "connectObject() is GNOME Shell's (misc/signals.js): use connect() and disconnect() with handler ids.",
        },
      ],
    },
  },
  {
    // client/ and shared/ serve both the shell's St widgets and the preferences' GTK ones: they import neither.
    files: ['extension/src/client/**/*.ts', 'extension/src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...SHELL_ONLY_MODULES, ...GTK_MODULES],
          patterns: [
            ...GJS_PATTERNS,
            ...SHELL_ONLY_PATTERNS,
            { regex: '/prefs(/|\\.js$)', message: "prefs/ is the preferences' own." },
          ],
        },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  prettier,
);
