// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** What gnome-extensions pack puts in a bundle without being told. */
const PACKED_ANYWAY = new Set(['extension.js', 'prefs.js', 'metadata.json', 'stylesheet.css']);

/**
 * The gnome-extensions pack arguments that bundle a built extension directory the way
 * extensions.gnome.org gets it: each GSettings schema, and every other module, folder and file as an
 * extra source. gschemas.compiled stays out; pack leaves compiling to the installer.
 */
export async function packArgs(extensionDir: string): Promise<string[]> {
  const entries = await readdir(extensionDir);
  const schemas = entries.includes('schemas') ? await readdir(join(extensionDir, 'schemas')) : [];
  return [
    ...schemas.filter((file) => file.endsWith('.gschema.xml')).map((file) => `--schema=schemas/${file}`),
    ...entries.filter((entry) => entry !== 'schemas' && !PACKED_ANYWAY.has(entry)).map((e) => `--extra-source=${e}`),
  ];
}
