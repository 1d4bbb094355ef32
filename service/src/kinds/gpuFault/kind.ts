// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A GPU that hung, reset or fell off the bus (the kernel's NVIDIA Xid, amdgpu, i915 and xe lines), or an NVIDIA
// driver whose kernel module and libraries differ; the playbook reads the driver's versions (info.gpu_driver_versions).
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { GPU_FAULT, GpuFaultDetector } from './detector.js';
import { gpuDriverVersionsAction } from './driverVersions.js';
import { gpuFault } from './playbook.js';

export const gpuFaultKind: Kind = {
  name: 'gpuFault',
  sources: () => [],
  detectors: () => [new GpuFaultDetector()],
  actions: ({ testHooks = {} } = {}) =>
    [gpuDriverVersionsAction({ root: testHooks.dpkgRoot })] as unknown as ActionDefinition[],
  playbooks: { [GPU_FAULT]: gpuFault },
};
