// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  describeVersions,
  gpuDriverVersionsAction,
  installedNvidia,
  upstreamOf,
} from '../../../service/src/kinds/gpuFault/driverVersions.js';
import { writeTree } from '../../support/fileTree.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

const stanza = (name: string, version: string, status = 'install ok installed') =>
  `Package: ${name}\nStatus: ${status}\nPriority: optional\nArchitecture: amd64\nVersion: ${version}\nDescription: x\n`;

// Ubuntu's packaging of 550: the module built by DKMS, the libraries and tools beside it.
const UBUNTU_550 = [
  stanza('nvidia-dkms-550', '550.67-0ubuntu0.22.04.1'),
  stanza('libnvidia-compute-550', '550.67-0ubuntu0.22.04.1'),
  stanza('libnvidia-gl-550', '550.67-0ubuntu0.22.04.1'),
  stanza('nvidia-utils-550', '550.67-0ubuntu0.22.04.1'),
  stanza('nvidia-settings', '510.47.03-0ubuntu1'),
  stanza('libnvidia-compute-535', '535.161.07-0ubuntu0.22.04.1', 'deinstall ok config-files'),
  stanza('libc6', '2.35-0ubuntu3.6'),
].join('\n');

describe('info.gpu_driver_versions', () => {
  let temp: TempDir;

  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.remove());

  const machine = (files: Record<string, string>) => writeTree(temp.path, files);

  it('reads the installed packages from dpkg’s status file, module and userspace apart, installed ones only', () => {
    expect(installedNvidia(UBUNTU_550)).toEqual({
      modulePackages: [{ name: 'nvidia-dkms-550', version: '550.67-0ubuntu0.22.04.1' }],
      userspace: [
        { name: 'libnvidia-compute-550', version: '550.67-0ubuntu0.22.04.1' },
        { name: 'libnvidia-gl-550', version: '550.67-0ubuntu0.22.04.1' },
        { name: 'nvidia-utils-550', version: '550.67-0ubuntu0.22.04.1' },
      ],
    });
    expect(upstreamOf('1:550.67-0ubuntu0.22.04.1')).toBe('550.67');
    expect(upstreamOf('535.54.03-1')).toBe('535.54.03');
  });

  it('says the kernel still runs the old module and a restart loads the installed one', async () => {
    await machine({ 'sys/module/nvidia/version': '550.54.14\n', 'var/lib/dpkg/status': UBUNTU_550 });
    const action = gpuDriverVersionsAction({ root: temp.path });
    const preview = await action.preview({}, homeContext(temp.path));
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details).toEqual([
      'The NVIDIA kernel module loaded now: 550.54.14.',
      'Installed driver libraries and tools: libnvidia-compute-550 550.67-0ubuntu0.22.04.1, libnvidia-gl-550 550.67-0ubuntu0.22.04.1, nvidia-utils-550 550.67-0ubuntu0.22.04.1.',
      'Installed kernel module packages: nvidia-dkms-550 550.67-0ubuntu0.22.04.1.',
      'The kernel still runs module 550.54.14, but nvidia-dkms-550 550.67, which matches the libraries, is installed: restarting the computer loads it and aligns them.',
    ]);
    const { summary } = await action.run({}, homeContext(temp.path), runOptions());
    expect(summary.split('\n')).toEqual(preview.details);
  });

  it('names the module package to install where it lags the libraries, from /proc where /sys has no version', async () => {
    await machine({
      'proc/driver/nvidia/version':
        'NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.54.03  Tue Jun  6 22:20:39 UTC 2023\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n',
      'var/lib/dpkg/status': [
        stanza('nvidia-kernel-dkms', '535.54.03-1'),
        stanza('libnvidia-glcore', '535.104.05-1'),
        stanza('libcuda1', '535.104.05-1'),
      ].join('\n'),
    });
    const { details } = await gpuDriverVersionsAction({ root: temp.path }).preview({}, homeContext(temp.path));
    expect(details[0]).toBe('The NVIDIA kernel module loaded now: 535.54.03.');
    expect(details.at(-1)).toBe(
      'nvidia-kernel-dkms 535.54.03 builds a module older or newer than the libraries (535.104.05): installing nvidia-kernel-dkms at 535.104.05 aligns them, then a restart loads it.',
    );
  });

  it('has nothing to show on a computer without NVIDIA’s driver, and says when the versions agree', async () => {
    await machine({ 'var/lib/dpkg/status': stanza('libc6', '2.36-9') });
    expect(
      (await gpuDriverVersionsAction({ root: temp.path }).preview({}, homeContext(temp.path))).changesNothing,
    ).toBeTrue();
    expect(
      describeVersions({
        loaded: '550.67',
        modulePackages: [{ name: 'nvidia-kernel-dkms', version: '550.67-1' }],
        userspace: [{ name: 'libcuda1', version: '550.67-1' }],
      }).at(-1),
    ).toBe('The loaded module and the libraries agree (550.67) now.');
    expect(gpuDriverVersionsAction().params.safeParse({ root: '/' }).success).toBeFalse();
  });
});
