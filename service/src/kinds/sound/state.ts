// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later

/** One PipeWire audio node (a sink or a source) as pw-dump shows it; its texts are the device's, cleaned. */
export interface AudioNode {
  id: number;
  name: string;
  description: string;
  mediaClass: string;
  /** node.virtual: a node no device stands behind (a loopback, a filter, a null sink made as a fallback). */
  virtual: boolean;
  /** Muted, as the node's Props say (WirePlumber mirrors a device route's mute there). */
  mute?: boolean;
  /** The loudest channel's volume, linear (0 silent, 1 full), as the node's Props say. */
  volume?: number;
}

/** What PipeWire says of the session's sound now. */
export interface SoundState {
  sinks: AudioNode[];
  sources: AudioNode[];
  /** The default sink's node name from the `default` metadata (default.audio.sink): where sound plays now. */
  defaultSink?: string;
  /** The sink the person chose (default.configured.audio.sink); WirePlumber plays elsewhere while it is gone. */
  configuredSink?: string;
  defaultSource?: string;
  configuredSource?: string;
  /**
   * The programs recording from an input now (their capture streams' application names, cleaned): a missing
   * microphone matters while one waits for it. Streams that record an output (a screen recorder's) are not here.
   */
  recording: string[];
  /**
   * The outputs programs play into now, each with the programs (their running playback streams linked into it, by
   * application name, cleaned): a muted or silent output matters while something plays into it, whichever output it
   * is (the default, or one a program was sent to).
   */
  playingInto: { sink: string; programs: string[] }[];
  /**
   * The inputs programs record from now, each with the programs (their capture streams linked from it): a muted or
   * silent input matters while something records from it, whichever input it is.
   */
  recordingFrom: { source: string; programs: string[] }[];
  /**
   * Whether a session manager (WirePlumber) keeps the `default` metadata. Without one PipeWire has no devices
   * nor defaults yet (it is starting, or WirePlumber is down: the audio units' own finding says so).
   */
  managed: boolean;
  /**
   * Whether the session manager PipeWire had is gone (WirePlumber ended and not back): not one that is starting, nor
   * a PipeWire that never had one here (one run for video beside PulseAudio).
   */
  managerGone: boolean;
}

/** A volume this low is silence (PipeWire's linear volume; wpctl's 1 % is 0.000001). */
const SILENT = 0.0001;

/** Whether the node's volume is at 0, muted or not. */
export const atVolumeZero = (node: AudioNode): boolean => node.volume !== undefined && node.volume <= SILENT;

/** Whether nothing passes through the node: muted, or at volume 0. */
export const silenced = (node: AudioNode): boolean => node.mute === true || atVolumeZero(node);
