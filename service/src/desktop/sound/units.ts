// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The audio daemons and the units they run in. Their units' failures are the sound kind's: unit-failed, crash-loop
// and crash leave them to it, so that one failure makes one finding, of the class a person would name ("no sound").
import type { Writers } from '../../findings/writers.js';
import type { JournalEntry } from '../../watch/events.js';

interface AudioDaemon {
  /** Its program, as findings/writers.ts names the component. */
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
 * The audio daemon that wrote the line, as findings/writers.ts proves it: its installed program, run by the session's
 * user in the daemon's own user unit. A process that merely calls itself "pipewire", or runs a copy of it, is not the
 * daemon; nor is another user's.
 */
export function audioDaemonOf(entry: JournalEntry, writers: Writers): AudioDaemon | undefined {
  const writer = writers.provenWriter(entry);
  return DAEMONS.find((daemon) => daemon.program === writer?.name);
}
