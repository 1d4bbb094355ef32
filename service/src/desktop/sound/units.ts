// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The audio daemons and the units they run in. Their units' failures are the sound kind's: unit-failed, crash-loop
// and crash leave them to it, so that one failure makes one finding, of the class a person would name ("no sound").
import type { JournalEntry } from '../../watch/events.js';

interface AudioDaemon {
  /** Its program's file name (journald's `_EXE`); `_COMM` is its first 15 characters. */
  program: string;
  unit: string;
}

const DAEMONS: readonly AudioDaemon[] = [
  { program: 'pipewire', unit: 'pipewire.service' },
  { program: 'pipewire-pulse', unit: 'pipewire-pulse.service' },
  { program: 'wireplumber', unit: 'wireplumber.service' },
  { program: 'pulseaudio', unit: 'pulseaudio.service' },
];

const AUDIO_UNITS = new Set(DAEMONS.map((daemon) => daemon.unit));

/** Whether `unit` is one of the audio daemons' units (a user's, or a system-wide PipeWire's). */
export function isAudioUnit(unit: string): boolean {
  return AUDIO_UNITS.has(unit);
}

/**
 * The audio daemon that wrote the line, by journald's trusted fields: its program (`_EXE`, else the truncated
 * `_COMM`) running in its own unit, a user's (`_SYSTEMD_USER_UNIT`) or the system's. A process that merely calls
 * itself "pipewire" in an app's scope is not the daemon.
 */
export function audioDaemonOf(entry: JournalEntry): AudioDaemon | undefined {
  const { _SYSTEMD_USER_UNIT: userUnit, _SYSTEMD_UNIT: systemUnit, _EXE: exe, _COMM: comm } = entry.fields;
  const program = exe === undefined ? undefined : exe.slice(exe.lastIndexOf('/') + 1);
  return DAEMONS.find(
    (daemon) =>
      (userUnit === daemon.unit || systemUnit === daemon.unit) &&
      (program !== undefined ? program === daemon.program : comm === daemon.program.slice(0, 15)),
  );
}
