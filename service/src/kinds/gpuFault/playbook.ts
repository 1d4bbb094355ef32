// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// gpu-fault: which driver versions differ, a card off the bus, or the driver's lines.
import { type Playbook, readLogs } from '../../fixes/playbookSteps.js';
import { _ } from '../../i18n.js';

/** NVIDIA's words for libraries newer (or older) than the kernel module still loaded. */
const DRIVER_MISMATCH = /API mismatch|version mismatch/i;

/** The kernel's words for a PCI device that stopped answering (NVIDIA's Xid 79, PCIe "fallen off the bus"). */
const OFF_THE_BUS = /fallen off the bus|Xid \(PCI:[^)]*\): 79\b/i;

export const gpuFault: Playbook = async (finding) => {
  if (finding.evidence.some((evidence) => DRIVER_MISMATCH.test(evidence.text))) {
    const draft = readLogs(
      finding,
      _('See which NVIDIA driver versions differ'),
      _(
        'The driver was updated, but the kernel still runs its old module, so programs that use the GPU fail. ' +
          'The first step shows the loaded module’s version beside the installed packages’ and names the package ' +
          'that aligns them; usually restarting the computer loads the new module.',
      ),
    );
    // Dropped by the proposer where this computer has no NVIDIA module nor package to compare.
    return { ...draft, actions: [{ name: 'info.gpu_driver_versions', params: {} }, ...draft.actions] };
  }
  if (finding.evidence.some((evidence) => OFF_THE_BUS.test(evidence.text))) {
    // Nothing a program can run brings the device back: only a power cycle does.
    return readLogs(
      finding,
      _('The graphics card stopped answering'),
      _(
        'The card fell off the PCI bus: no command brings it back while the computer runs, so Steward runs none. ' +
          'Save your work and shut down fully (not only restart); if it happens again, check the card’s power and seating, and its temperature.',
      ),
    );
  }
  return readLogs(
    finding,
    _('See what the graphics driver reported'),
    _(
      'The graphics driver reported a fault. After a driver update, a restart of the computer loads the matching driver; ' +
        'a fault that repeats is worth reporting with these log lines.',
    ),
  );
};
