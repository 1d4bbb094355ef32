// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The audio daemons and the units they run in. Their units' failures are the sound kind's: unit-failed, crash-loop
// and crash leave them to it, so that one failure makes one finding, of the class a person would name ("no sound").
import { areaOfUnit, type Writers } from '../../findings/writers.js';
import type { JournalEntry } from '../../watch/events.js';

interface AudioDaemon {
  /** Its program, as findings/writers.ts names the component. */
  program: string;
  unit: string;
}

export const AUDIO_DAEMONS: readonly AudioDaemon[] = [
  { program: 'pipewire', unit: 'pipewire.service' },
  { program: 'pipewire-pulse', unit: 'pipewire-pulse.service' },
  { program: 'wireplumber', unit: 'wireplumber.service' },
  { program: 'pipewire-media-session', unit: 'pipewire-media-session.service' },
  { program: 'pulseaudio', unit: 'pulseaudio.service' },
  { program: 'alsactl', unit: 'alsa-restore.service' },
];

/** Whether `unit` is one of the sound components' units (a user's audio daemon, a system-wide PipeWire, ALSA's). */
export function isAudioUnit(unit: string): boolean {
  return areaOfUnit(unit) === 'sound';
}

/**
 * The audio daemon that wrote the line, as findings/writers.ts proves it: its installed program, run by the session's
 * user in the daemon's own user unit. A process that merely calls itself "pipewire", or runs a copy of it, is not the
 * daemon; nor is another user's.
 */
export function audioDaemonOf(entry: JournalEntry, writers: Writers): AudioDaemon | undefined {
  const writer = writers.provenWriter(entry);
  return AUDIO_DAEMONS.find((daemon) => daemon.program === writer?.name);
}

/**
 * What a daemon's own line is about where it names no device: the daemon's unit where it ran in it, else the daemon
 * itself, which the session autospawned or a person started by hand in a login session's scope: its unit then holds
 * none of its lines and says nothing of it.
 */
export function daemonSubject(entry: JournalEntry, daemon: AudioDaemon): string {
  const { _SYSTEMD_UNIT: unit, _SYSTEMD_USER_UNIT: userUnit } = entry.fields;
  return userUnit === daemon.unit || unit === daemon.unit ? daemon.unit : daemon.program;
}
