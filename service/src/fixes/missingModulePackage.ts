// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The package that would provide a module or library a program could not load: PackageKit's SearchFiles on the files
// such a package installs, among the packages not installed yet.
import { readdir } from 'node:fs/promises';

import { type MissingModule, missingModuleIn } from '../causes/missingModule.js';
import { packagesProviding } from './actions/packageKit.js';
import type { PlaybookTools } from './playbookSteps.js';

/** This machine's versioned Python folders (Fedora's /usr/lib64/python3.12), where site-packages lives. */
async function pythonDirs(): Promise<string[]> {
  const roots = ['/usr/lib', '/usr/lib64'];
  const listed = await Promise.all(
    roots.map(async (root) =>
      (await readdir(root).catch(() => [] as string[]))
        .filter((name) => /^python3\.\d+$/.test(name))
        .map((name) => `${root}/${name}`),
    ),
  );
  return listed.flat();
}

/** The first of `lines` that names a missing module, with the package PackageKit says provides it; else null. */
export async function missingModulePackage(
  lines: readonly string[],
  tools: PlaybookTools,
): Promise<{ module: MissingModule; name: string } | null> {
  if (!tools.context.systemBus || !lines.some((line) => missingModuleIn(line))) return null;
  const dirs = await pythonDirs();
  const module = lines.map((line) => missingModuleIn(line, dirs)).find((found) => found !== null);
  if (!module) return null;
  const [name] = await packagesProviding(tools.context, module.files).catch((error: Error) => {
    tools.context.log.debug('no package lookup for a missing module', { module: module.name, error: error.message });
    return [];
  });
  return name ? { module, name } : null;
}
