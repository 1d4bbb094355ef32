// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The detector registry: every detector, each with its own state, configured in one place: every kind's (its folder
// kinds/<kind>/, handed in by service/parts.ts) in kinds/index.ts's order, then the catch-all.
//
// Kind                           Severity          From          Default threshold
// unit-failed                    error             journal, unit "Failed with result" / "Failed to start"; resolves on start
//                                warning           journal       the same words from a program that is not a manager: its claim
// crash-loop                     error             journal       ≥ 3 scheduled restarts in 10 min, or the start limit hit
// coredump                       error             journal       every systemd-coredump entry
// crash                          error             journal       kernel segfaults and traps; a unit's main process dumped or killed by SEGV/ABRT/…, or its result core-dump (PID 1)
// oom-kill                       error             journal       every kernel OOM kill and systemd-oomd kill
// filesystem-error               critical          journal       ext4/btrfs/xfs errors (kernel only)
// storage-error                  error/critical    journal       libata, SCSI, block-layer and NVMe errors (kernel only); once per disk per burst
// gpu-fault                      error/critical    journal       NVIDIA Xid (fallen off the bus: critical), amdgpu/i915/xe hangs and resets (kernel only),
//                                                                 NVIDIA driver/library mismatch (any program); once per GPU per burst
// no-space                       error             journal       ENOSPC from any program or journald; per mount (or program) per 10 min
// dns-failure                    warning           journal       resolved degraded/DNSSEC, failed lookups
// auth-failures                  warning           journal       ≥ 5 failures from one address/user in 10 min
// package-manager-error          warning           journal       dpkg/apt, PackageKit, dnf failures
//                                warning           dpkg          a package dpkg's database leaves part-way, an interrupted run; resolves when finished
// thermal-throttling             warning           journal       throttled; resolves when every CPU is normal
// disk-low / disk-critical       warning/critical  disk          < min(10%, 5 GB) / < min(3%, 1 GB); resolve at 1.2×
// inode-exhaustion               warning/critical  disk          < 10% / < 2% inodes free; resolve at 1.2×
// memory-pressure                warning           PSI           full avg10 > 10%; resolves < 5%; machine and user@UID.service
// link-down                      warning           link          an up interface went down (not lo/containers)
// no-route                       warning           link          no default route
// no-connectivity/captive-portal warning/info      connectivity  none or limited / portal; resolve on full
// config-error                   error             journal       a program names a configuration file and line
// network-failure/wifi-secrets   warning           journal       NM/networkd/dhclient failures, NIC link down or hangs, 3 Wi-Fi drops in 10 min; no secrets
// config-changed-before-failure  error             file + unit   a config change ≤ 10 min before a unit failure
// unrecognised-errors            warning           journal       ≥ 5 unclaimed errors of one template and program in 10 min (runs last)
import type { DetectorOptions } from '../detectorOptions.js';
import type { Detector } from '../types.js';
import { Writers } from '../writers.js';
import { UnrecognisedErrorsDetector } from './unrecognised.js';

/** What the registry takes of a kind (fixes/kind.ts's Kind): its detectors. */
export interface DetectingKind {
  detectors(writers: Writers, options?: DetectorOptions): Detector[];
}

/** A fresh set of every detector of `kinds`. Each call gives new state: one set per findings pipeline. */
export function createDetectors(kinds: readonly DetectingKind[], options: DetectorOptions = {}): Detector[] {
  const writers = options.writers ?? new Writers(-1);
  return [
    // Every kind's, in the kinds' order: the machine room's, then the desktop session's.
    ...kinds.flatMap((kind) => kind.detectors(writers, options)),
    new UnrecognisedErrorsDetector(),
  ];
}

/** Every finding kind the registry can report. */
export function detectorKinds(detectors: readonly Detector[]): string[] {
  return detectors.flatMap((d) => [...d.kinds]);
}

export { DISK_DEFAULTS, diskThresholds, type DiskSpaceOptions } from '../detectorOptions.js';
