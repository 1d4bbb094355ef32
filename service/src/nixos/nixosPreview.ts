// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The preview of a NixOS declaration change: which file, and the unified diff of the
// structural edit, validated by Nix's parser. This is the preview half of the
// nixos.* catalog actions; they join the catalog with their rebuild and rollback.

import { readFile } from 'node:fs/promises';

import { z } from 'zod';

import type { ManagedFile, NixosPlatform } from '../core/nixosPlatform.js';
import { StewardError } from '../dbus/errors.js';
import type { Preview } from '../fixes/action.js';
import { _, format } from '../i18n.js';
import { attributePath, type NixEdit } from './nixEdits.js';
import { proposeNixEdit } from './nixProposal.js';

const attribute = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => attributePath(name) !== null, {
    message: 'not a Nix attribute path such as “blender” or “python3Packages.pip”',
  });

export const nixPackageParams = z.object({
  /** The package's attribute in nixpkgs. */
  package: attribute,
  /** The system's environment.systemPackages, or Home Manager's home.packages. */
  scope: z.enum(['system', 'home']).default('system'),
});

export const nixServiceParams = z.object({
  /** The option path below `services`: "openssh", "printing". */
  service: attribute,
  enable: z.boolean(),
});

type PackageParams = z.infer<typeof nixPackageParams>;

/** The file an edit of `scope` goes to; Unavailable where this machine has none Steward manages. */
export function targetFile(platform: NixosPlatform | null, scope: 'system' | 'home'): ManagedFile {
  if (!platform) throw new StewardError('Unavailable', _('this is not NixOS'));
  const file =
    scope === 'home' ? platform.home : (platform.system?.module ?? (platform.system?.flake ? null : platform.system));
  if (!file) {
    throw new StewardError(
      'Unavailable',
      scope === 'home' ? _('there is no Home Manager home.nix') : _('there is no /etc/nixos/configuration.nix to edit'),
    );
  }
  return file;
}

async function previewEdit(file: ManagedFile, edit: NixEdit, summary: string): Promise<Preview> {
  const before = await readFile(file.path, 'utf8');
  const proposal = await proposeNixEdit(file.path, before, edit);
  if (proposal.status === 'refused') {
    throw new StewardError(
      'Unavailable',
      format(_('{file} cannot be edited safely: {why}'), { file: file.path, why: proposal.why }),
    );
  }
  if (proposal.status !== 'changed') return { summary: proposal.why, details: [], changesNothing: true };
  return { summary, details: proposal.diff, changesNothing: false };
}

/** The preview of adding (or removing) a package: the diff of the managed file. */
export async function previewPackageEdit(
  kind: 'add-package' | 'remove-package',
  { package: name, scope }: PackageParams,
  platform: NixosPlatform | null,
): Promise<Preview> {
  const file = targetFile(platform, scope);
  const list = scope === 'home' ? 'home.packages' : 'environment.systemPackages';
  const summary = format(
    kind === 'add-package' ? _('Add {name} to {list} in {file}') : _('Remove {name} from {list} in {file}'),
    {
      name,
      list,
      file: file.path,
    },
  );
  return previewEdit(file, { kind, list, name }, summary);
}

/** The preview of enabling or disabling `services.<service>` in the system's configuration. */
export async function previewServiceEdit(
  { service, enable }: z.infer<typeof nixServiceParams>,
  platform: NixosPlatform | null,
): Promise<Preview> {
  const file = targetFile(platform, 'system');
  const summary = format(
    enable ? _('Enable services.{service} in {file}') : _('Disable services.{service} in {file}'),
    {
      service,
      file: file.path,
    },
  );
  return previewEdit(file, { kind: 'set-service', service, enable }, summary);
}
