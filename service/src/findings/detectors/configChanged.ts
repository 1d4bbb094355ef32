// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// config-changed-before-failure: a watched configuration file changed shortly
// before a unit failed — the likely cause, and a change a fix can revert.
import { _, format, ngettext } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput, Evidence } from '../types.js';
import { isSystemManager } from './journal.js';
import { parseUnitFailure } from './unitFailed.js';

export const CONFIG_CHANGED_BEFORE_FAILURE = 'config-changed-before-failure';

export interface ConfigChangedOptions {
  /** How long before a failure a change counts (default 10 minutes). */
  windowMs?: number;
  /** Which changed paths are configuration (default: isConfigPath). */
  isConfig?: (path: string) => boolean;
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

/** A home directory's files: what a user's own programs read, and no system service. */
const USER_PLACE = /^\/(?:home|root|var\/home)\/|\/\.config\//;

/** Whether a change to `path` may be why a unit of the system's (`system`) or a user's manager failed. */
function mayConfigure(path: string, scope: 'system' | 'user'): boolean {
  return scope === 'user' || !USER_PLACE.test(path);
}

const SAME_FAILURE_MS = 2000;

interface Change {
  path: string;
  previousHash: string | null;
  at: Date;
}

export class ConfigChangedDetector implements Detector {
  readonly kinds = [CONFIG_CHANGED_BEFORE_FAILURE];
  private readonly windowMs: number;
  private readonly isConfig: (path: string) => boolean;
  /** Recent changes, oldest first; the earliest change of each path in the window is kept (its hash is the good one). */
  private changes: Change[] = [];
  private readonly lastReport = new Map<string, number>();

  constructor(options: ConfigChangedOptions = {}) {
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.isConfig = options.isConfig ?? isConfigPath;
  }

  detect(event: WatchEvent): DetectorOutput[] {
    this.forgetBefore(event.at.getTime() - this.windowMs);
    if (event.type === 'fileChanged') {
      // Rewritten with the same content (touch, an editor saving unchanged): nothing changed.
      if (event.previousHash === event.hash || !this.isConfig(event.path)) return [];
      const kept = this.changes.find((c) => c.path === event.path);
      if (!kept) this.changes.push({ path: event.path, previousHash: event.previousHash, at: event.at });
      // Put back as it was before (restored, an edit undone, a new file deleted): no longer a change.
      else if (kept.previousHash === event.hash) this.changes = this.changes.filter((c) => c !== kept);
      return [];
    }
    if (this.changes.length === 0) return [];
    const failure = parseUnitFailure(event);
    if (!failure || failure.jobMessage) return [];
    const scope =
      event.type === 'unit'
        ? event.state.scope
        : event.type === 'journal' && isSystemManager(event.entry)
          ? 'system'
          : 'user';
    const changes = this.changes.filter((c) => mayConfigure(c.path, scope));
    const latest = changes.at(-1);
    if (!latest) return [];
    // The journal and the manager's D-Bus signal report the same failure.
    const previous = this.lastReport.get(failure.unit);
    if (previous !== undefined && event.at.getTime() - previous < SAME_FAILURE_MS) return [];
    this.lastReport.set(failure.unit, event.at.getTime());
    const files = changes.map((c) => c.path);
    const evidence: Evidence[] = [
      ...[...changes].reverse().map((c): Evidence => ({
        kind: 'file',
        text: c.previousHash
          ? format(_('{path} changed (previous version {hash})'), { path: c.path, hash: c.previousHash })
          : format(_('{path} changed (new file)'), { path: c.path }),
        path: c.path,
        at: c.at,
      })),
      failure.evidence,
    ];
    return [
      {
        report: {
          kind: CONFIG_CHANGED_BEFORE_FAILURE,
          severity: 'error',
          subject: failure.unit,
          title: failureTitle(failure.unit, event.at.getTime() - latest.at.getTime(), files.length, latest.path),
          evidence,
          at: event.at,
        },
      },
    ];
  }

  private forgetBefore(time: number): void {
    const oldest = this.changes[0];
    if (oldest && oldest.at.getTime() < time) this.changes = this.changes.filter((c) => c.at.getTime() >= time);
  }
}

/** "x.service failed 30 seconds after /etc/x.conf changed": the delay in words that match it. */
function failureTitle(unit: string, elapsedMs: number, fileCount: number, path: string): string {
  const seconds = Math.max(1, Math.round(elapsedMs / 1000));
  const minutes = Math.max(1, Math.round(elapsedMs / 60_000));
  const values = { unit, seconds, minutes, path, files: fileCount };
  if (fileCount === 1)
    return format(
      seconds < 60
        ? ngettext(
            '{unit} failed a second after {path} changed',
            '{unit} failed {seconds} seconds after {path} changed',
            seconds,
          )
        : ngettext(
            '{unit} failed a minute after {path} changed',
            '{unit} failed {minutes} minutes after {path} changed',
            minutes,
          ),
      values,
    );
  return format(
    seconds < 60
      ? ngettext(
          // Translators: {files} is a number of files, always more than one.
          '{unit} failed a second after {files} configuration files changed',
          '{unit} failed {seconds} seconds after {files} configuration files changed',
          seconds,
        )
      : ngettext(
          // Translators: {files} is a number of files, always more than one.
          '{unit} failed a minute after {files} configuration files changed',
          '{unit} failed {minutes} minutes after {files} configuration files changed',
          minutes,
        ),
    values,
  );
}
