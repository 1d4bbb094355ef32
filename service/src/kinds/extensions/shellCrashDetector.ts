// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// extension-error from a crash of the shell itself: GNOME Shell dumped core (systemd-coredump's own record, written
// as root, of the session's user's process running the installed gnome-shell program) soon after an extension was
// turned on or changed version while the shell ran. The kernel's fault line names a process only by its name, which
// any copy of a program may carry: it is no record of the shell's crash.
// An extension runs inside the shell, so its native calls crash the shell, not itself; the one most recently
// turned on is the likely cause, and the finding names it with how long before the crash it came.
//
// What Steward saw at its own start is no change: at login the shell turns every extension on at once, and a crash
// then points at none of them in particular.
import { isJournal, journalEvidence } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import { _, format } from '../../i18n.js';
import type { JournalEntry, WatchEvent } from '../../watch/events.js';
import { isCoredumpRecord } from '../crash/coredumpDetector.js';
import { EXTENSION_ERROR } from './journalDetector.js';
import { ENABLED, STEWARD_UUID, UNINSTALLED } from './shell.js';
import type { ExtensionState } from './state.js';

/** What the crash record says, in systemd-coredump's and the shell's own names (not translated): the playbook's sign. */
export const SHELL_CRASH_EVIDENCE = 'systemd-coredump: gnome-shell dumped core';

/** How soon after a change a crash is laid at its door: long enough for a menu opened once, not a day's use. */
const WINDOW_MS = 10 * 60_000;
/** Changes kept: the shell runs a few dozen extensions at most. */
const MAX_CHANGES = 64;

interface Change {
  uuid: string;
  name: string;
  version: string;
  /** True for a new version, false for turned on. */
  updated: boolean;
  at: number;
}

/** systemd-coredump's record of the session's shell: its installed program, run by the session's user. */
function isShellCrash(entry: JournalEntry, writers: Writers): boolean {
  const { COREDUMP_EXE: exe, COREDUMP_UID: uid } = entry.fields;
  return (
    isCoredumpRecord(entry.fields) && uid === String(writers.sessionUid) && writers.isProgramOf('gnome-shell', exe)
  );
}

export class ShellCrashDetector implements Detector {
  readonly kinds = [EXTENSION_ERROR];
  /** Each extension as last seen, by uuid. */
  readonly #seen = new Map<string, ExtensionState>();
  /** Extensions turned on or updated while the shell ran, oldest first. */
  #changes: Change[] = [];

  constructor(private readonly writers: Writers) {}

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type === 'desktop' && event.desktop.kind === 'extension') {
      this.#follow(event.desktop.extension, event.at.getTime());
      return [];
    }
    if (!isJournal(event) || !isShellCrash(event.entry, this.writers)) return [];
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
          evidence: [journalEvidence(event), { kind: 'text', text: SHELL_CRASH_EVIDENCE, at: event.at }],
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
