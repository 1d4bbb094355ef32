// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.gpu_driver_versions: which NVIDIA driver versions disagree. The kernel module's version as the kernel has
// it loaded (/sys/module/nvidia/version, /proc/driver/nvidia/version) beside the versions dpkg's database records
// of the installed userspace and of the package that builds or ships the module, and the package that aligns them.
// It only reads.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import type { ActionDefinition } from '../../fixes/action.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';

const params = z.object({}).strict();
const MAX_LISTED = 8;

// The kernel module's packages: Debian's nvidia-kernel-dkms / nvidia-open-kernel-dkms, Ubuntu's nvidia-dkms-550 and
// linux-modules-nvidia-550-generic, Fedora-style akmod names never reach dpkg.
const MODULE_PACKAGE =
  /^(?:nvidia(?:-open)?-kernel-(?:dkms|source)|nvidia-dkms-\d+(?:-open|-server)?|linux-modules-nvidia-.+)$/;
// The userspace that talks to the module: the libraries (libnvidia-*, libcuda1), the X driver and nvidia-utils.
const USERSPACE_PACKAGE =
  /^(?:libnvidia-.+|libcuda1|nvidia-driver-libs|nvidia-utils(?:-\d+.*)?|xserver-xorg-video-nvidia(?:-\d+.*)?)$/;
// /proc/driver/nvidia/version: "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024".
const PROC_VERSION = /Kernel Module\s+(\d+(?:\.\d+)+)/;

export interface InstalledPackage {
  name: string;
  version: string;
}

export interface DriverVersions {
  /** The loaded module's version; undefined where no NVIDIA module is loaded. */
  loaded?: string;
  modulePackages: InstalledPackage[];
  userspace: InstalledPackage[];
}

/** A Debian version's upstream part: "1:550.67-1ubuntu0.22.04.1" → "550.67". */
export const upstreamOf = (version: string) => version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');

/** The installed NVIDIA packages in dpkg's status file, split into the module's and the userspace's. */
export function installedNvidia(status: string): Pick<DriverVersions, 'modulePackages' | 'userspace'> {
  const modulePackages: InstalledPackage[] = [];
  const userspace: InstalledPackage[] = [];
  for (const stanza of status.split(/\n\s*\n/)) {
    const name = /^Package: *(\S+)/m.exec(stanza)?.[1];
    const version = /^Version: *(\S+)/m.exec(stanza)?.[1];
    if (!name || !version || !/^Status: *\S+ +\S+ +installed$/m.test(stanza)) continue;
    if (MODULE_PACKAGE.test(name)) modulePackages.push({ name, version });
    else if (USERSPACE_PACKAGE.test(name)) userspace.push({ name, version });
  }
  return { modulePackages, userspace };
}

/** What the machine holds under `root`: the loaded module's version and dpkg's record of the packages. */
export async function readDriverVersions(root = '/'): Promise<DriverVersions> {
  const [sysVersion, procVersion, status] = await Promise.all(
    ['sys/module/nvidia/version', 'proc/driver/nvidia/version', 'var/lib/dpkg/status'].map((path) =>
      readFile(join(root, path), 'utf8').catch(() => ''),
    ),
  );
  const loaded = (sysVersion ?? '').trim() || PROC_VERSION.exec(procVersion ?? '')?.[1];
  return { ...(loaded && { loaded: cleanLine(loaded, 40) }), ...installedNvidia(status ?? '') };
}

const listed = (packages: InstalledPackage[]) =>
  packages
    .slice(0, MAX_LISTED)
    .map(({ name, version }) => `${name} ${version}`)
    .join(', ');

/** The versions as the lines a person reads, and which package aligns them. */
export function describeVersions({ loaded, modulePackages, userspace }: DriverVersions): string[] {
  if (!loaded && modulePackages.length === 0 && userspace.length === 0) return [];
  const lines = [
    loaded
      ? format(_('The NVIDIA kernel module loaded now: {version}.'), { version: loaded })
      : _('No NVIDIA kernel module is loaded now.'),
  ];
  if (userspace.length > 0)
    lines.push(format(_('Installed driver libraries and tools: {packages}.'), { packages: listed(userspace) }));
  if (modulePackages.length > 0)
    lines.push(format(_('Installed kernel module packages: {packages}.'), { packages: listed(modulePackages) }));
  const libraries = [...new Set(userspace.map((entry) => upstreamOf(entry.version)))];
  const library = libraries.length === 1 ? libraries[0] : undefined;
  if (libraries.length > 1)
    lines.push(format(_('The libraries themselves disagree ({versions}).'), { versions: libraries.join(', ') }));
  const module = modulePackages[0];
  if (!library || !module) return lines;
  const moduleVersion = upstreamOf(module.version);
  if (moduleVersion !== library) {
    lines.push(
      format(
        _(
          '{package} {version} builds a module older or newer than the libraries ({library}): installing {package} at {library} aligns them, then a restart loads it.',
        ),
        { package: module.name, version: moduleVersion, library },
      ),
    );
  } else if (loaded && loaded !== library) {
    lines.push(
      format(
        _(
          'The kernel still runs module {loaded}, but {package} {library}, which matches the libraries, is installed: restarting the computer loads it and aligns them.',
        ),
        { loaded, package: module.name, library },
      ),
    );
  } else if (loaded === library) {
    lines.push(format(_('The loaded module and the libraries agree ({version}) now.'), { version: library }));
  }
  return lines;
}

/** info.gpu_driver_versions; `root` stands for `/` in tests (STEWARD_TEST_DPKG_ROOT). */
export function gpuDriverVersionsAction({ root = '/' }: { root?: string } = {}): ActionDefinition<
  z.infer<typeof params>
> {
  return {
    name: 'info.gpu_driver_versions',
    title: N_('Show which NVIDIA driver versions disagree'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // The preview is the result; a machine with no NVIDIA module nor package has nothing to show.
    async preview() {
      const details = describeVersions(await readDriverVersions(root));
      return {
        summary: _('Show the loaded NVIDIA module’s version and the installed packages’ versions'),
        details,
        changesNothing: details.length === 0,
      };
    },
    async run() {
      const details = describeVersions(await readDriverVersions(root));
      return {
        summary: (details.length > 0
          ? details
          : [_('No NVIDIA kernel module nor package is on this computer now.')]
        ).join('\n'),
        undo: { impossible: _('showing driver versions changes nothing') },
      };
    },
    async verify() {
      return { ok: true, observed: _('read the NVIDIA module’s and packages’ versions') };
    },
  };
}
