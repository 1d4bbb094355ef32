// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// search_packages and package_status: what the package manager offers and has installed.
import { z } from 'zod';

import { packageName } from '../../fixes/params.js';
import { N_ } from '../../i18n.js';
import type { PackageInfo } from '../machine.js';
import { defineTool } from '../tool.js';

const describePackage = (info: PackageInfo) =>
  `${info.name} ${info.version}${info.installed ? ' (installed)' : ''}${info.summary ? `: ${info.summary}` : ''}`;

export const searchPackagesTool = defineTool({
  name: 'search_packages',
  description: 'Find packages by name; says which are installed.',
  params: z.object({
    query: z
      .string()
      .min(2)
      .max(64)
      .regex(/^[a-z0-9+.-]+$/, 'lower-case letters, digits and + . - only'),
    limit: z.number().int().min(1).max(20).default(10),
  }),
  progress: N_('searching packages…'),
  async run({ query, limit }, { machine }) {
    const found = await machine.searchPackages(query, limit);
    return found.length === 0 ? `No package name contains "${query}".` : found.map(describePackage).join('\n');
  },
});

export const packageStatusTool = defineTool({
  name: 'package_status',
  description: 'Whether a package is installed, and which version.',
  params: z.object({
    name: packageName,
  }),
  progress: N_('checking a package…'),
  async run({ name }, { machine }) {
    const info = await machine.packageStatus(name);
    if (!info) return `No package named ${name} is known`;
    return info.installed
      ? `${info.name} ${info.version} is installed`
      : `${info.name} is not installed; ${info.version} is available`;
  },
});
