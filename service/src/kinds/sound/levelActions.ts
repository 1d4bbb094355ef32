// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// sound.unmute and sound.mute: a sound output (or input) heard again, and muted again, as GNOME's volume slider and
// `wpctl set-mute` do: WirePlumber's wpctl sets the node's mute (a device's route, where it has one). One at volume
// 0 is also brought to half its range, as the slider's middle; its undo puts that volume back, and the mute where
// there was one. Each undoes the other. The user's own PipeWire, no polkit.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import type { ActionDefinition, Verification } from '../../fixes/action.js';
import { _, format, N_ } from '../../i18n.js';
import { setDefaultSinkParams } from './actions.js';
import { readSound } from './pipewire.js';
import { atVolumeZero, type AudioNode, silenced } from './state.js';

const run = promisify(execFile);
const TIMEOUT_MS = 10_000;
/** The slider's middle, as wpctl takes it (cubic: what GNOME shows as 50 %). */
const MIDDLE = 0.5;

const unmuteParams = setDefaultSinkParams;
type UnmuteParams = z.infer<typeof unmuteParams>;
const muteParams = setDefaultSinkParams
  .extend({
    /** The linear volume to put back, where unmuting raised it from silence. */
    volume: z.number().min(0).max(1.5).optional(),
    /** Whether to mute it: by default only where no volume is put back (an output silent and muted: both). */
    mute: z.boolean().optional(),
  })
  .strict();
type MuteParams = z.infer<typeof muteParams>;

async function soundNode(name: string): Promise<AudioNode> {
  const { state } = await readSound().catch((error: Error) => {
    throw new StewardError(
      'Unavailable',
      format(_('PipeWire could not be read: {error}'), { error: error.message.slice(0, 300) }),
    );
  });
  // An input too: a microphone muted while a program records from it (stateDetector.ts).
  const node = [...state.sinks, ...state.sources].find((candidate) => candidate.name === name);
  if (!node) throw new StewardError('NotFound', format(_('PipeWire has no sound output {name}'), { name }));
  return node;
}

async function wpctl(args: string[]): Promise<void> {
  await run('wpctl', args, { timeout: TIMEOUT_MS }).catch((error: Error) => {
    throw new StewardError(
      'Unavailable',
      format(_('WirePlumber could not change the output: {error}'), { error: error.message.slice(0, 300) }),
    );
  });
}

const heard = (sink: AudioNode) => !silenced(sink);

/** The volume as GNOME's slider shows it: wpctl's and the slider's scale is the cube root of PipeWire's. */
const percent = (volume: number) => Math.round(Math.cbrt(volume) * 100);

function levelWords(sink: AudioNode): string {
  if (sink.mute) return format(_('{device} is muted'), { device: sink.description });
  if (atVolumeZero(sink)) return format(_('{device} is at volume 0'), { device: sink.description });
  if (sink.volume === undefined) return format(_('{device} is not muted'), { device: sink.description });
  return format(_('{device} is at volume {percent} %, not muted'), {
    device: sink.description,
    percent: percent(sink.volume),
  });
}

/** What unmuting does to `sink`, in a person's words: its mute off, its volume up from 0, or both. */
function unmuteWords(sink: AudioNode): { summary: string; done: string } {
  const device = sink.description;
  if (sink.mute && atVolumeZero(sink))
    return {
      summary: format(_('Unmute {device} and turn it up'), { device }),
      done: format(_('{device} is unmuted, at half volume'), { device }),
    };
  if (atVolumeZero(sink))
    return {
      summary: format(_('Turn up {device}'), { device }),
      done: format(_('{device} is at half volume'), { device }),
    };
  return { summary: format(_('Unmute {device}'), { device }), done: format(_('{device} is unmuted'), { device }) };
}

/** What muting with `params` does, in a person's words: the mute on, the volume back to 0, or both. */
function muteWords(device: string, { volume, mute }: MuteParams): { summary: string; done: string } {
  if (volume === undefined)
    return { summary: format(_('Mute {device}'), { device }), done: format(_('{device} is muted'), { device }) };
  if (mute)
    return {
      summary: format(_('Mute {device} and set it back to volume 0'), { device }),
      done: format(_('{device} is muted, at volume 0'), { device }),
    };
  return {
    summary: format(_('Set {device} back to volume 0'), { device }),
    done: format(_('{device} is at volume 0 again'), { device }),
  };
}

/** Whether muting with `params` leaves `sink` as they ask. */
const mutedAsAsked = (sink: AudioNode, { volume, mute }: MuteParams) =>
  volume === undefined ? sink.mute === true : atVolumeZero(sink) && (!mute || sink.mute === true);

export const unmuteOutput: ActionDefinition<UnmuteParams> = {
  name: 'sound.unmute',
  title: N_('Unmute a sound output'),
  params: unmuteParams,
  risk: 'low',
  needsAuthorization: false,
  readOnly: false,
  changes: 'desktop',
  async preview({ name }) {
    const sink = await soundNode(name);
    return {
      summary: unmuteWords(sink).summary,
      details: [
        levelWords(sink),
        ...(sink.mute
          ? [format(_('Turn off the mute of {device} (wpctl set-mute on {name})'), { device: sink.description, name })]
          : []),
        ...(atVolumeZero(sink)
          ? [
              format(_('Set the volume of {device} to half its range (wpctl set-volume on {name})'), {
                device: sink.description,
                name,
              }),
            ]
          : []),
      ],
      changesNothing: heard(sink),
    };
  },
  async run({ name }, _context, { progress }) {
    const before = await soundNode(name);
    const id = String(before.id);
    if (before.mute) await wpctl(['set-mute', id, '0']);
    if (atVolumeZero(before)) await wpctl(['set-volume', id, String(MIDDLE)]);
    const { done: summary } = unmuteWords(before);
    progress(1, summary);
    const undo: MuteParams = {
      name,
      ...(atVolumeZero(before) && { volume: before.volume, ...(before.mute && { mute: true }) }),
    };
    return {
      summary,
      undo: {
        action: 'sound.mute',
        params: undo,
        summary:
          undo.volume === undefined
            ? format(_('Mute {device} again'), { device: before.description })
            : muteWords(before.description, undo).summary,
      },
    };
  },
  async verify({ name }): Promise<Verification> {
    const sink = await soundNode(name);
    return { ok: heard(sink), observed: levelWords(sink) };
  },
};

export const muteOutput: ActionDefinition<MuteParams> = {
  name: 'sound.mute',
  title: N_('Mute a sound output'),
  params: muteParams,
  risk: 'low',
  needsAuthorization: false,
  readOnly: false,
  changes: 'desktop',
  async preview(params) {
    const { name, volume, mute } = params;
    const sink = await soundNode(name);
    return {
      summary: muteWords(sink.description, params).summary,
      details: [
        levelWords(sink),
        ...(volume === undefined || mute
          ? [format(_('Turn on the mute of {device} (wpctl set-mute on {name})'), { device: sink.description, name })]
          : []),
        ...(volume === undefined
          ? []
          : [
              format(_('Set the volume of {device} back to 0 (wpctl set-volume on {name})'), {
                device: sink.description,
                name,
              }),
            ]),
      ],
      changesNothing: mutedAsAsked(sink, params),
    };
  },
  async run(params, _context, { progress }) {
    const { name, volume, mute } = params;
    const before = await soundNode(name);
    const id = String(before.id);
    if (volume === undefined || mute) await wpctl(['set-mute', id, '1']);
    // wpctl takes the cube root of PipeWire's linear volume, as the slider shows it.
    if (volume !== undefined) await wpctl(['set-volume', id, String(Math.cbrt(volume))]);
    const { done: summary } = muteWords(before.description, params);
    progress(1, summary);
    const after: AudioNode = {
      ...before,
      mute: volume === undefined || mute === true || before.mute,
      volume: volume ?? before.volume,
    };
    return {
      summary,
      undo: { action: 'sound.unmute', params: { name }, summary: unmuteWords(after).summary },
    };
  },
  async verify(params): Promise<Verification> {
    const sink = await soundNode(params.name);
    return { ok: mutedAsAsked(sink, params), observed: levelWords(sink) };
  },
};
