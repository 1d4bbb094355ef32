// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.sound: the session's sound as PipeWire has it (pw-dump): the output and input devices, the default and the
// chosen ones, the programs recording, whether a session manager keeps the defaults, and the audio daemons' units in
// the person's service manager. The first step for "no sound": it shows the cause on this machine. It only reads.
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { describingAction } from '../../desktop/describingAction.js';
import type { ActionContext } from '../../fixes/action.js';
import { UnitManager } from '../../fixes/actions/systemdUnits.js';
import { _, format, N_ } from '../../i18n.js';
import { readSound } from './pipewire.js';
import type { AudioNode, SoundState } from './state.js';
import { isDevice } from './stateDetector.js';

const params = z.object({}).strict();
type SoundInfoParams = z.infer<typeof params>;

/** The user units of PipeWire's daemons, in the order they start. */
const AUDIO_UNITS = ['pipewire.service', 'pipewire-pulse.service', 'wireplumber.service'];

const nodeText = ({ description, name }: AudioNode) => format(_('{description} ({name})'), { description, name });

function devices(label: string, nodes: AudioNode[]): string {
  const real = nodes.filter(isDevice);
  if (real.length > 0) return format(label, { devices: real.map(nodeText).join(', ') });
  const stand = nodes.map((node) => node.name).join(', ');
  return format(label, {
    devices: stand ? format(_('none (only stand-ins: {names})'), { names: stand }) : _('none'),
  });
}

/** The default device now and the one the person chose, where they differ; an input may be an output's monitor. */
function chosen(state: SoundState, now: string | undefined, configured: string | undefined, nodes: AudioNode[]) {
  const label = (name: string) => {
    const node = nodes.find((candidate) => candidate.name === name);
    if (node) return nodeText(node);
    const monitored = state.sinks.find((sink) => sink.name === name);
    return monitored
      ? format(_('what {device} plays (its monitor)'), { device: nodeText(monitored) })
      : format(_('{name}, which is not there now'), { name });
  };
  if (!state.managed) return _('none: no session manager (WirePlumber) keeps the defaults');
  const current = now === undefined ? _('none') : label(now);
  return configured === undefined || configured === now
    ? current
    : format(_('{current}; you chose {chosen}'), { current, chosen: label(configured) });
}

/** The daemons' units as the person's service manager has them; none where there is no such manager. */
async function units(context: ActionContext): Promise<string[]> {
  const manager = new UnitManager(context, 'user');
  const lines = await Promise.all(
    AUDIO_UNITS.map(async (unit) => {
      const status = await manager.status(unit).catch(() => null);
      return status && format(_('{unit}: {state}'), { unit, state: status.activeState });
    }),
  );
  const known = lines.filter((line): line is string => line !== null);
  return known.length > 0 ? known : [_('Audio services: none in your service manager (the daemons run without one)')];
}

async function describe(context: ActionContext): Promise<string[]> {
  const { state } = await readSound().catch((error: Error) => {
    throw new StewardError(
      'Unavailable',
      format(_('PipeWire could not be read: {error}'), { error: error.message.slice(0, 300) }),
    );
  });
  return [
    devices(_('Outputs: {devices}'), state.sinks),
    devices(_('Inputs: {devices}'), state.sources),
    format(_('Default output: {device}'), {
      device: chosen(state, state.defaultSink, state.configuredSink, state.sinks),
    }),
    format(_('Default input: {device}'), {
      device: chosen(state, state.defaultSource, state.configuredSource, state.sources),
    }),
    ...(state.recording.length > 0
      ? [format(_('Recording now: {programs}'), { programs: state.recording.join(', ') })]
      : []),
    ...(await units(context)),
  ];
}

export const soundInfo = describingAction<SoundInfoParams>({
  name: 'info.sound',
  title: N_('Show the sound devices, the defaults and the audio services'),
  params: params,
  shows: () => _('Show the sound devices PipeWire has, the defaults and the audio services'),
  describe: (_params, context) => describe(context),
  changesNothing: () => _('showing the sound devices changes nothing'),
  observed: () => _('read the sound devices from PipeWire'),
});
