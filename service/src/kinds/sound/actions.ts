// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// sound.set_default_sink: make a sink the default output, as GNOME Settings' output choice and `wpctl set-default`
// do: PipeWire's `default` metadata gets default.configured.audio.sink, and WirePlumber makes that sink the
// default (default.audio.sink). Its undo sets the sink chosen before, even one that is gone now: WirePlumber takes
// it back once it returns. The user's own PipeWire, no polkit.
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import type { ActionDefinition, Verification } from '../../fixes/action.js';
import { _, format, N_ } from '../../i18n.js';
import { shownName } from '../../untrustedText.js';
import { readSound, setConfiguredSink, type SoundSnapshot } from './pipewire.js';
import { sinkLabel } from './stateDetector.js';

export const setDefaultSinkParams = z
  .object({
    /** The sink's node name (node.name): "alsa_output.pci-0000_00_1f.3.analog-stereo", "bluez_output.…". */
    name: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9][\w.:@+-]*$/, 'a PipeWire node name such as alsa_output.pci-0000_00_1f.3.analog-stereo'),
  })
  .strict();
export type SetDefaultSinkParams = z.infer<typeof setDefaultSinkParams>;

/** How long WirePlumber may take to make the chosen sink the default: it answers within milliseconds. */
const FOLLOW_MS = 5000;

const noManager = () =>
  _('PipeWire has no default metadata: WirePlumber, which keeps the default devices, does not run');

/** The sound state, or Unavailable when PipeWire cannot be read or has no session manager. */
async function read(): Promise<SoundSnapshot & { metadataId: number }> {
  const snapshot = await readSound().catch((error: Error) => {
    throw new StewardError(
      'Unavailable',
      format(_('PipeWire could not be read: {error}'), { error: error.message.slice(0, 300) }),
    );
  });
  const { metadataId } = snapshot;
  if (metadataId === undefined) throw new StewardError('Unavailable', noManager());
  return { ...snapshot, metadataId };
}

const isDefault = ({ state }: SoundSnapshot, name: string) =>
  state.configuredSink === name && state.defaultSink === name;

function observed({ state }: SoundSnapshot): string {
  return state.defaultSink === undefined
    ? _('PipeWire has no default sound output')
    : format(_('{device} is the default sound output'), { device: shownName(sinkLabel(state, state.defaultSink)) });
}

export const setDefaultSink: ActionDefinition<SetDefaultSinkParams> = {
  name: 'sound.set_default_sink',
  title: N_('Make another sound output the default'),
  params: setDefaultSinkParams,
  risk: 'low',
  // The user's own PipeWire: no polkit.
  needsAuthorization: false,
  readOnly: false,
  changes: 'desktop',
  async preview({ name }) {
    const snapshot = await read();
    const { state } = snapshot;
    const present = state.sinks.some((sink) => sink.name === name);
    return {
      summary: format(_('Make {device} the Default Sound Output'), { device: shownName(sinkLabel(state, name)) }),
      details: [
        format(_('Set default.configured.audio.sink of PipeWire’s default metadata to {name}'), { name }),
        observed(snapshot),
        ...(present
          ? []
          : [format(_('PipeWire has no output {name} now: it becomes the default when it is back'), { name })]),
      ],
      changesNothing: isDefault(snapshot, name),
    };
  },
  async run({ name }, _context, { progress }) {
    const before = await read();
    const previous = before.state.configuredSink ?? before.state.defaultSink;
    // WirePlumber follows a sink that is there; one that is gone it takes once it is back: no wait for it.
    const present = before.state.sinks.some((sink) => sink.name === name);
    await setConfiguredSink(before.metadataId, name, process.env, present ? FOLLOW_MS : 0).catch((error: Error) => {
      throw new StewardError(
        'Unavailable',
        format(_('PipeWire could not be read: {error}'), { error: error.message.slice(0, 300) }),
      );
    });
    const summary = format(_('{device} is the default sound output'), {
      device: shownName(sinkLabel(before.state, name)),
    });
    progress(1, summary);
    return {
      summary,
      undo:
        previous === undefined || previous === name || !setDefaultSinkParams.safeParse({ name: previous }).success
          ? { impossible: _('No other sound output was the default before') }
          : {
              action: 'sound.set_default_sink',
              params: { name: previous },
              summary: format(_('Make {device} the default sound output again'), {
                device: shownName(sinkLabel(before.state, previous)),
              }),
            },
    };
  },
  async verify({ name }): Promise<Verification> {
    const snapshot = await read();
    const present = snapshot.state.sinks.some((sink) => sink.name === name);
    // A chosen sink that is not there cannot play yet; WirePlumber takes it once it is back.
    const ok = present ? isDefault(snapshot, name) : snapshot.state.configuredSink === name;
    return { ok, observed: observed(snapshot) };
  },
};
