// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later

/** One PipeWire audio node (a sink or a source) as pw-dump shows it. */
export interface AudioNode {
  id: number;
  name: string;
  description: string;
  mediaClass: string;
}

/** What PipeWire says of the session's sound now. */
export interface SoundState {
  sinks: AudioNode[];
  sources: AudioNode[];
  /** The default sink's node name from the `default` metadata, when one is set. */
  defaultSink?: string;
  defaultSource?: string;
}
