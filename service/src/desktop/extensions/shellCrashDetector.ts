// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// extension-error from a crash of the shell itself: GNOME Shell dumped core (systemd-coredump's own record, or the
// kernel's fault line for gnome-shell) soon after an extension was turned on or changed version while the shell ran.
// An extension runs inside the shell, so its native calls crash the shell, not itself; the one most recently
// turned on is the likely cause, and the finding names it with how long before the crash it came.
//
// What Steward saw at its own start is no change: at login the shell turns every extension on at once, and a crash
// then points at none of them in particular.
import { isCoredumpRecord } from '../../findings/detectors/coredump.js';
import { isJournal, isKernel, journalEvidence, withoutDmesgTime } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { JournalEntry, WatchEvent } from '../../watch/events.js';
import { EXTENSION_ERROR } from './journalDetector.js';
import { ENABLED, STEWARD_UUID, UNINSTALLED } from './shell.js';
import type { ExtensionState } from './state.js';

/** How soon after a change a crash is laid at its door: long enough for a menu opened once, not a day's use. */
const WINDOW_MS = 10 * 60_000;
/** Changes kept: the shell runs a few dozen extensions at most. */
const MAX_CHANGES = 64;

// The kernel's fault lines (arch/x86/mm/fault.c, arch/x86/kernel/traps.c) for the shell's main thread.
const KERNEL_FAULT = /^(?:traps: )?gnome-shell\[\d+\]:? (?:segfault at |general protection fault|trap )/;

interface Change {
  uuid: string;
  name: string;
  version: string;
  /** True for a new version, false for turned on. */
  updated: boolean;
  at: number;
}

function isShellCrash(entry: JournalEntry): boolean {
  const { COREDUMP_EXE: exe, COREDUMP_COMM: comm } = entry.fields;
  if (isCoredumpRecord(entry.fields))
    return exe !== undefined ? exe.slice(exe.lastIndexOf('/') + 1) === 'gnome-shell' : comm === 'gnome-shell';
  return isKernel(entry) && KERNEL_FAULT.test(withoutDmesgTime(entry.message));
}

export class ShellCrashDetector implements Detector {
  readonly kinds = [EXTENSION_ERROR];
  /** Each extension as last seen, by uuid. */
  readonly #seen = new Map<string, ExtensionState>();
  /** Extensions turned on or updated while the shell ran, oldest first. */
  #changes: Change[] = [];

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type === 'desktop' && event.desktop.kind === 'extension') {
      this.#follow(event.desktop.extension, event.at.getTime());
      return [];
    }
    if (!isJournal(event) || !isShellCrash(event.entry)) return [];
    const crashedAt = event.at.getTime();
    const suspect = this.#changes.findLast((change) => change.at <= crashedAt && crashedAt - change.at <= WINDOW_MS);
    if (!suspect) return [];
    const minutes = String(Math.max(1, Math.round((crashedAt - suspect.at) / 60_000)));
    const { name, version } = suspect;
    return [
      {
        report: {
          kind: EXTENSION_ERROR,
          severity: 'error',
          subject: suspect.uuid,
          title: suspect.updated
            ? // Translators: {minutes} is a whole number of minutes, at least 1.
              format(
                _('GNOME Shell crashed {minutes} min after the extension {name} was updated to version {version}'),
                {
                  minutes,
                  name,
                  version,
                },
              )
            : format(_('GNOME Shell crashed {minutes} min after the extension {name} was turned on'), {
                minutes,
                name,
              }),
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }

  #follow(extension: ExtensionState, at: number): void {
    const previous = this.#seen.get(extension.uuid);
    if (extension.state === UNINSTALLED) this.#seen.delete(extension.uuid);
    else this.#seen.set(extension.uuid, extension);
    if (!previous || extension.uuid === STEWARD_UUID || extension.state !== ENABLED) return;
    const updated = previous.version !== extension.version;
    if (!updated && previous.state === ENABLED) return;
    const { uuid, name, version } = extension;
    this.#changes = [...this.#changes.filter((change) => change.uuid !== uuid), { uuid, name, version, updated, at }];
    if (this.#changes.length > MAX_CHANGES) this.#changes.shift();
  }
}
