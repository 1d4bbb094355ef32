// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { setDefaultSink } from './actions.js';
import { SOUND_UNAVAILABLE, SoundUnavailableDetector } from './detector.js';
import { soundInfo } from './infoAction.js';
import { muteOutput, unmuteOutput } from './levelActions.js';
import { soundDefaultGone, soundMuted, soundUnavailable } from './playbook.js';
import { PipeWireSource } from './source.js';
import { SOUND_DEFAULT_GONE, SOUND_MUTED, SoundStateDetector } from './stateDetector.js';

export const soundKind: Kind = {
  name: 'sound',
  // PipeWire's own state through pw-dump; where PipeWire does not run, the source waits for its socket.
  sources: ({ log }) => [new PipeWireSource({ name: 'desktop.sound', log })],
  detectors: (writers) => [new SoundUnavailableDetector(writers), new SoundStateDetector()],
  actions: () => [soundInfo, setDefaultSink, unmuteOutput, muteOutput] as unknown as ActionDefinition[],
  playbooks: {
    [SOUND_UNAVAILABLE]: soundUnavailable,
    [SOUND_DEFAULT_GONE]: soundDefaultGone,
    [SOUND_MUTED]: soundMuted,
  },
};
