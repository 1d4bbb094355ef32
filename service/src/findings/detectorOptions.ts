// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The detectors' thresholds, as the configuration sets them: the engine's detectors and the kinds' read theirs here.
import type { ConfigChangedOptions } from './detectors/configChanged.js';
import type { DiskSpaceOptions } from './detectors/diskSpace.js';
import type { Writers } from './writers.js';

export interface AuthFailuresOptions {
  /** Failures from one source within the window that make a finding (default 3). */
  threshold?: number;
  /** Default 10 minutes. */
  windowMs?: number;
}

export interface CrashLoopOptions {
  /** Scheduled restarts of one unit within the window that make a loop (default 3). */
  restarts?: number;
  /** Default 10 minutes. */
  windowMs?: number;
}

export interface InodeOptions {
  /** Warning when less than this fraction of inodes is free (default 0.10). */
  lowFraction?: number;
  /** Critical below this fraction (default 0.02). */
  criticalFraction?: number;
  /** Resolves once free inodes are this many times the warning threshold (default 1.2). */
  hysteresis?: number;
}

export interface LinkDownOptions {
  /** Interfaces never reported (default the virtual ones of containers and VMs, kinds/linkDown's VIRTUAL_INTERFACES). */
  ignore?: RegExp;
}

export interface MemoryPressureOptions {
  /** Report when "full avg10" exceeds this percentage (default 10). */
  reportAbove?: number;
  /** Resolve when it falls below this percentage (default 5). */
  resolveBelow?: number;
}

export interface DetectorOptions {
  disk?: DiskSpaceOptions | (() => DiskSpaceOptions);
  inodes?: InodeOptions;
  memoryPressure?: MemoryPressureOptions;
  crashLoop?: CrashLoopOptions;
  authFailures?: AuthFailuresOptions;
  configChanged?: ConfigChangedOptions;
  linkDown?: LinkDownOptions;
  /** Who wrote each journal line, for the desktop's detectors; without it no desktop component's line is proven. */
  writers?: Writers;
}
