// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The detectors' thresholds, as the configuration sets them: the engine's detectors and the kinds' read theirs here.
import type { LinkPlaces } from './detectors/fileLink.js';
import type { Writers } from './writers.js';

export interface AuthFailuresOptions {
  /** Failures from one source within the window that make a finding (default 3). */
  threshold?: number;
  /** Default 10 minutes. */
  windowMs?: number;
}

export interface ConfigChangedOptions {
  /** How long before a failure a change counts (default 10 minutes). */
  windowMs?: number;
  /** Which changed paths are configuration (default: isConfigPath). */
  isConfig?: (path: string) => boolean;
  /** $HOME and $XDG_CONFIG_HOME, where an application's own settings folder is found (default: this user's). */
  places?: LinkPlaces;
}

/**
 * Files under /etc and ~/.config, and files with a configuration suffix. The
 * inotify source also watches the coredump directory, whose files are not configuration.
 */
export function isConfigPath(path: string): boolean {
  if (path.startsWith('/var/') || path.startsWith('/tmp/') || path.startsWith('/run/')) return false;
  return (
    path.startsWith('/etc/') ||
    path.includes('/.config/') ||
    /\.(?:conf|cfg|ini|toml|ya?ml|json|service|socket|timer|network|netdev|link|rules)$/.test(path)
  );
}

/** Whether `path` is one of `listed` or inside one of them (a directory). */
export function listedPath(listed: readonly string[], path: string): boolean {
  return listed.some((entry) => path === entry || path.startsWith(entry.endsWith('/') ? entry : `${entry}/`));
}

export interface CrashLoopOptions {
  /** Scheduled restarts of one unit within the window that make a loop (default 3). */
  restarts?: number;
  /** Default 10 minutes. */
  windowMs?: number;
}

export interface DiskSpaceOptions {
  /** Low when less than this fraction of the filesystem is available… (default 0.10) */
  lowFraction?: number;
  /** …or less than this many bytes, whichever is smaller (default 5 GB): 10% of a 2 TB disk is plenty. */
  lowBytes?: number;
  /** Critical below this fraction (default 0.03)… */
  criticalFraction?: number;
  /** …or below this many bytes, whichever is smaller (default 1 GB). */
  criticalBytes?: number;
  /** A finding resolves once available space is this many times its threshold (default 1.2). */
  hysteresis?: number;
}

const GB = 1e9;

export const DISK_DEFAULTS: Required<DiskSpaceOptions> = {
  lowFraction: 0.1,
  lowBytes: 5 * GB,
  criticalFraction: 0.03,
  criticalBytes: 1 * GB,
  hysteresis: 1.2,
};

/** The thresholds as the settings give them (watch.disks): percentages and GB. */
export interface DiskThresholdSettings {
  lowPercent: number;
  lowGB: number;
  criticalPercent: number;
  criticalGB: number;
}

export const diskThresholds = (settings: DiskThresholdSettings): DiskSpaceOptions => ({
  lowFraction: settings.lowPercent / 100,
  lowBytes: settings.lowGB * GB,
  criticalFraction: settings.criticalPercent / 100,
  criticalBytes: settings.criticalGB * GB,
});

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
