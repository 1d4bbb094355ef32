// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// config-changed-before-failure: a watched configuration file changed shortly before a unit failed, and something
// ties the two (fileLink.ts): the unit's lines, its unit file, the application's own folder, its open files.
// A change nothing ties to the failure is no finding: it is context the failed unit's proposal may mention.
import { homedir } from 'node:os';
import { join } from 'node:path';

import { type ConfigChangedOptions, isConfigPath } from '../../findings/detectorOptions.js';
import { linkOf, type LinkPlaces } from '../../findings/detectors/fileLink.js';
import { firstLine, isServiceManager, isSystemManager } from '../../findings/detectors/journal.js';
import { parseUnitFailure } from '../../findings/detectors/unitFailed.js';
import type { Detector, DetectorOutput, Evidence } from '../../findings/types.js';
import { _, format, ngettext } from '../../i18n.js';
import type { JournalEntry, WatchEvent } from '../../watch/events.js';
import type { UnitPaths } from '../../watch/unitPaths.js';

export const CONFIG_CHANGED_BEFORE_FAILURE = 'config-changed-before-failure';

/** Lines kept per unit, and units remembered at once (the least recently logging one goes first). */
const LINES_PER_UNIT = 20;
const MAX_UNITS = 256;
const MAX_LINE = 1000;

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
  /** Units whose processes had it open when it changed. */
  openedBy: string[];
}

/** What a unit's own processes said and ran, as journald's trusted fields attribute their lines. */
interface UnitTrail {
  lines: string[];
  programs: Set<string>;
}

export class ConfigChangedDetector implements Detector {
  readonly kinds = [CONFIG_CHANGED_BEFORE_FAILURE];
  private readonly windowMs: number;
  private readonly isConfig: (path: string) => boolean;
  /** Recent changes, oldest first; the earliest change of each path in the window is kept (its hash is the good one). */
  private changes: Change[] = [];
  private readonly lastReport = new Map<string, number>();
  private readonly places: LinkPlaces;
  // A Map iterates in insertion order: re-inserting on each line makes it an LRU.
  private readonly trails = new Map<string, UnitTrail>();

  constructor(options: ConfigChangedOptions = {}) {
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.isConfig = options.isConfig ?? isConfigPath;
    const home = options.places?.home ?? homedir();
    this.places = options.places ?? { home, configHome: process.env.XDG_CONFIG_HOME || join(home, '.config') };
  }

  detect(event: WatchEvent): DetectorOutput[] {
    this.forgetBefore(event.at.getTime() - this.windowMs);
    if (event.type === 'fileChanged') {
      // Rewritten with the same content (touch, an editor saving unchanged): nothing changed.
      if (event.previousHash === event.hash || !this.isConfig(event.path)) return [];
      const openedBy = event.openedBy ?? [];
      const kept = this.changes.find((c) => c.path === event.path);
      if (!kept) this.changes.push({ path: event.path, previousHash: event.previousHash, at: event.at, openedBy });
      // Put back as it was before (restored, an edit undone, a new file deleted): no longer a change.
      else if (kept.previousHash === event.hash) this.changes = this.changes.filter((c) => c !== kept);
      else kept.openedBy = [...new Set([...kept.openedBy, ...openedBy])];
      return [];
    }
    if (event.type === 'journal') this.remember(event.entry);
    if (this.changes.length === 0) return [];
    const failure = parseUnitFailure(event);
    if (!failure || failure.jobMessage) return [];
    const scope =
      event.type === 'unit'
        ? event.state.scope
        : event.type === 'journal' && isSystemManager(event.entry)
          ? 'system'
          : 'user';
    const trail = this.trails.get(failure.unit);
    const paths: UnitPaths | undefined = event.type === 'unit' ? event.state.paths : undefined;
    const facts = {
      lines: [...(trail?.lines ?? []), failure.evidence.text],
      programs: [...(trail?.programs ?? [])],
      ...(paths && { paths }),
    };
    const changes = this.changes.flatMap((c) => {
      if (!mayConfigure(c.path, scope)) return [];
      // The unit's own file, new: the unit itself was made then, and never worked without it.
      if (c.previousHash === null && paths?.files[0] === c.path) return [];
      const link = linkOf(c.path, failure.unit, { ...facts, openedBy: c.openedBy }, this.places);
      return link ? [{ ...c, link }] : [];
    });
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
          ? format(_('{path} changed (previous version {hash}); {link}'), {
              path: c.path,
              hash: c.previousHash,
              link: c.link,
            })
          : format(_('{path} changed (new file); {link}'), { path: c.path, link: c.link }),
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

  /** Keeps a unit's own line and the program that wrote it: what its failure's link to a file may be read from. */
  private remember(entry: JournalEntry): void {
    if (isServiceManager(entry) || entry.message === '') return;
    const unit = entry.fields._SYSTEMD_USER_UNIT ?? entry.fields._SYSTEMD_UNIT;
    if (!unit || unit === 'init.scope') return;
    const trail = this.trails.get(unit) ?? { lines: [], programs: new Set<string>() };
    this.trails.delete(unit);
    trail.lines.push(firstLine(entry.message).slice(0, MAX_LINE));
    if (trail.lines.length > LINES_PER_UNIT) trail.lines.shift();
    if (entry.fields._EXE && trail.programs.size < 8) trail.programs.add(entry.fields._EXE);
    this.trails.set(unit, trail);
    if (this.trails.size > MAX_UNITS) this.trails.delete(this.trails.keys().next().value as string);
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
