// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// sound.unmute and sound.mute: a sound output heard again, and muted again, as GNOME's volume slider and `wpctl
// set-mute` do: WirePlumber's wpctl sets the node's mute (a device's route, where it has one). An output at volume 0
// is also brought to half its range, as the slider's middle; muting it again puts that volume back. Each undoes the
// other. The user's own PipeWire, no polkit.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import type { ActionDefinition, Verification } from '../../fixes/action.js';
import { _, format, N_ } from '../../i18n.js';
import { setDefaultSinkParams } from './actions.js';
import { readSound } from './pipewire.js';
import type { AudioNode } from './state.js';

const run = promisify(execFile);
const TIMEOUT_MS = 10_000;
/** A volume at or below this is silence; below it an unmuted output is brought to the slider's middle. */
const SILENT = 0.0001;
/** The slider's middle, as wpctl takes it (cubic: what GNOME shows as 50 %). */
const MIDDLE = 0.5;

const unmuteParams = setDefaultSinkParams;
type UnmuteParams = z.infer<typeof unmuteParams>;
const muteParams = setDefaultSinkParams
  .extend({
    /** The linear volume to put back, where unmuting raised it from silence. */
    volume: z.number().min(0).max(1.5).optional(),
  })
  .strict();
type MuteParams = z.infer<typeof muteParams>;

async function output(name: string): Promise<AudioNode> {
  const { state } = await readSound().catch((error: Error) => {
    throw new StewardError(
      'Unavailable',
      format(_('PipeWire could not be read: {error}'), { error: error.message.slice(0, 300) }),
    );
  });
  const sink = state.sinks.find((candidate) => candidate.name === name);
  if (!sink) throw new StewardError('NotFound', format(_('PipeWire has no sound output {name}'), { name }));
  return sink;
}

async function wpctl(args: string[]): Promise<void> {
  await run('wpctl', args, { timeout: TIMEOUT_MS }).catch((error: Error) => {
    throw new StewardError(
      'Unavailable',
      format(_('WirePlumber could not change the output: {error}'), { error: error.message.slice(0, 300) }),
    );
  });
}

const silent = (sink: AudioNode) => sink.volume !== undefined && sink.volume <= SILENT;
const heard = (sink: AudioNode) => sink.mute !== true && !silent(sink);

function levelWords(sink: AudioNode): string {
  if (sink.mute) return format(_('{device} is muted'), { device: sink.description });
  if (silent(sink)) return format(_('{device} is at volume 0'), { device: sink.description });
  return format(_('{device} is not muted'), { device: sink.description });
}

export const unmuteOutput: ActionDefinition<UnmuteParams> = {
  name: 'sound.unmute',
  title: N_('Unmute a sound output'),
  params: unmuteParams,
  risk: 'low',
  needsAuthorization: false,
  readOnly: false,
  changes: 'desktop',
  async preview({ name }) {
    const sink = await output(name);
    return {
      summary: format(_('Unmute {device}'), { device: sink.description }),
      details: [
        levelWords(sink),
        ...(sink.mute ? [format(_('Set the mute of {name} off (wpctl set-mute)'), { name })] : []),
        ...(silent(sink) ? [format(_('Set the volume of {name} to half its range (wpctl set-volume)'), { name })] : []),
      ],
      changesNothing: heard(sink),
    };
  },
  async run({ name }, _context, { progress }) {
    const before = await output(name);
    const id = String(before.id);
    if (before.mute) await wpctl(['set-mute', id, '0']);
    if (silent(before)) await wpctl(['set-volume', id, String(MIDDLE)]);
    const summary = format(_('{device} is unmuted'), { device: before.description });
    progress(1, summary);
    return {
      summary,
      undo: {
        action: 'sound.mute',
        params: { name, ...(silent(before) && { volume: before.volume }) },
        summary: format(_('Mute {device} again'), { device: before.description }),
      },
    };
  },
  async verify({ name }): Promise<Verification> {
    const sink = await output(name);
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
  async preview({ name, volume }) {
    const sink = await output(name);
    return {
      summary: format(_('Mute {device}'), { device: sink.description }),
      details: [
        levelWords(sink),
        volume === undefined
          ? format(_('Set the mute of {name} on (wpctl set-mute)'), { name })
          : format(_('Set the volume of {name} back to 0 (wpctl set-volume)'), { name }),
      ],
      changesNothing: volume === undefined ? sink.mute === true : silent(sink),
    };
  },
  async run({ name, volume }, _context, { progress }) {
    const before = await output(name);
    const id = String(before.id);
    // wpctl takes the cube root of PipeWire's linear volume, as the slider shows it.
    if (volume === undefined) await wpctl(['set-mute', id, '1']);
    else await wpctl(['set-volume', id, String(Math.cbrt(volume))]);
    const summary = format(_('{device} is muted'), { device: before.description });
    progress(1, summary);
    return {
      summary,
      undo: {
        action: 'sound.unmute',
        params: { name },
        summary: format(_('Unmute {device}'), { device: before.description }),
      },
    };
  },
  async verify({ name, volume }): Promise<Verification> {
    const sink = await output(name);
    return { ok: volume === undefined ? sink.mute === true : silent(sink), observed: levelWords(sink) };
  },
};
