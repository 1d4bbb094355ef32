// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The voice the person chose for the screen reader: Orca keeps it in
// $XDG_DATA_HOME/orca/user-settings.conf (JSON) and sets it on its own
// speech-dispatcher connection, so Steward sets the same on its own, mapped
// to SSIP's ranges as Orca's speechdispatcherfactory.py maps them. Without
// Orca's settings, speech-dispatcher's defaults (speechd.conf) apply.
import { join } from 'node:path';

import { readSmallFile } from '../smallFile.js';

export interface ScreenReaderVoice {
  /** speech-dispatcher's output module (espeak-ng, festival, piper…); absent: its default. */
  module?: string;
  /** SSIP's -100…100. */
  rate?: number;
  pitch?: number;
  /** e.g. "en-US". */
  language?: string;
  /** A synthesis voice of the module, by name. */
  voice?: string;
}

const MAX_SETTINGS_BYTES = 4 * 1024 * 1024;
// Names go into an SSIP command line: one line, no control characters.
const SAFE_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ()._+-]{0,99}$/u;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

type Json = Record<string, unknown>;
const object = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, value));
const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const name = (value: unknown) => (typeof value === 'string' && SAFE_NAME.test(value) ? value : undefined);

/** The default voice of Orca's settings in effect: its starting profile over the general settings. */
export function orcaVoice(settings: unknown): ScreenReaderVoice {
  const root = object(settings);
  const general = object(root.general);
  const starting = general.startingProfile;
  const profileKey = Array.isArray(starting) && typeof starting[1] === 'string' ? starting[1] : 'default';
  const profile = object(object(root.profiles)[profileKey]);
  const effective = { ...general, ...profile };
  const factory = effective.speechServerFactory;
  // Another speech server (Spiel…) has voices that speech-dispatcher does not know.
  if (typeof factory === 'string' && !factory.endsWith('speechdispatcherfactory')) return {};
  const voice = object(object(effective.voices).default);
  const family = object(voice.family);
  const result: ScreenReaderVoice = {};
  const server = effective.speechServerInfo;
  const module = Array.isArray(server) ? name(server[1]) : undefined;
  if (module && module !== 'default') result.module = module;
  const rate = number(voice.rate);
  if (rate !== undefined) result.rate = Math.trunc(2 * clamp(rate, 0, 99) - 98);
  const pitch = number(voice['average-pitch']);
  if (pitch !== undefined) result.pitch = Math.trunc(20 * clamp(pitch, 0, 9) - 90);
  const lang = typeof family.lang === 'string' ? family.lang : '';
  const dialect = typeof family.dialect === 'string' ? family.dialect : '';
  const language = dialect ? `${lang}-${dialect}` : lang;
  if (LANGUAGE.test(language)) result.language = language;
  const voiceName = name(family.name);
  // Orca's stand-in for "the module's default voice" is a label, not a voice.
  if (voiceName && !/ default voice$/.test(voiceName)) result.voice = voiceName;
  return result;
}

/** Orca's voice for this user, or nothing when Orca was never set up (or its file cannot be read). */
export async function readScreenReaderVoice(dataHome: string): Promise<ScreenReaderVoice> {
  try {
    return orcaVoice(JSON.parse(await readSmallFile(join(dataHome, 'orca', 'user-settings.conf'), MAX_SETTINGS_BYTES)));
  } catch {
    return {};
  }
}

/** The SSIP commands that give a connection this voice; the module first, as it resets the voice. */
export function voiceCommands(voice: ScreenReaderVoice): string[] {
  return [
    ...(voice.module ? [`SET SELF OUTPUT_MODULE ${voice.module}`] : []),
    ...(voice.language ? [`SET SELF LANGUAGE ${voice.language}`] : []),
    ...(voice.voice ? [`SET SELF SYNTHESIS_VOICE ${voice.voice}`] : []),
    ...(voice.rate !== undefined ? [`SET SELF RATE ${voice.rate}`] : []),
    ...(voice.pitch !== undefined ? [`SET SELF PITCH ${voice.pitch}`] : []),
  ];
}
