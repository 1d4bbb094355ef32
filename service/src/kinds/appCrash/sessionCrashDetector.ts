// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// crash: a program of the desktop session died of its own fault, as the session's manager says: gnome-session, which
// starts the shell and the session's helpers and watches them as systemd watches units ("Application
// 'org.gnome.Shell.desktop' killed by signal 11", gsm-autostart-app.c), or GNOME Shell's own crash handler about
// itself ("GNOME Shell crashed with signal 11", main.c), or GLib ending the shell at a fatal message of its own. Each
// is believed only as findings/writers.ts proves it: the installed program, run by the session's user. The signal
// decides, as for systemd's code=killed lines: a fault's (SEGV, BUS, FPE, ILL, ABRT, TRAP, SYS), never one someone
// sent to end it (TERM, KILL, HUP).
import { FAULT_SIGNALS, signalName } from '../../causes/signals.js';
import { glibFatalIn } from '../../desktop/componentLines.js';
import { isJournal, journalEvidence } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { CRASH } from '../crash/crashDetector.js';

// A fault's signal by its number as both print it ("11" → SIGSEGV); none for a signal someone sent to end it.
const faultSignal = (number: string | undefined) => {
  const name = number === undefined ? undefined : signalName(Number(number));
  return name && FAULT_SIGNALS.has(name) ? name : undefined;
};

const SESSION_KILLED = /\bApplication '([^']+)' killed by signal (\d+)/;
const SHELL_CRASHED = /\bcrashed with signal (\d+)\b/;

export class SessionCrashDetector implements Detector {
  readonly kinds = [CRASH];

  constructor(private readonly writers: Writers) {}

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const writer = this.writers.provenWriter(event.entry)?.name;
    const { message } = event.entry;
    let subject: string | undefined;
    let signal: string | undefined;
    if (writer === 'gnome-session') {
      const killed = SESSION_KILLED.exec(message);
      subject = killed?.[1]?.replace(/\.desktop$/, '');
      signal = faultSignal(killed?.[2]);
    } else if (writer === 'gnome-shell') {
      subject = 'gnome-shell';
      // GLib aborts the shell at its own fatal messages (mutter's failed g_assert: "Bail out! libmutter:ERROR:…").
      signal = glibFatalIn(message) !== null ? 'SIGABRT' : faultSignal(SHELL_CRASHED.exec(message)?.[1]);
    }
    if (!subject || !signal) return [];
    return [
      {
        report: {
          kind: CRASH,
          severity: 'error',
          subject,
          title: format(_('{name} crashed ({signal})'), { name: subject, signal }),
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }
}
