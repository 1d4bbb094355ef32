// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What Steward proposes when the session has no sound: first the lines that say why (the audio unit's log, or the
// writer's own lines around the evidence), then, where an audio daemon's unit is down, restarting it in its own
// manager. Nothing else is restarted: not the session, not another program holding a busy device.
// From PipeWire's own state: no output device, or no input while a program records (restart WirePlumber, which
// finds the devices), and the chosen default output gone while another exists (make that other one the default).
import type { FindingWithEvidence } from '../../findings/store.js';
import { UnitManager } from '../../fixes/actions/systemdUnits.js';
import {
  knownUnit,
  logsStep,
  OWN_LINES,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
  unitLogsStep,
  unitScope,
} from '../../fixes/playbookSteps.js';
import { _, format, N_ } from '../../i18n.js';
import { readSound } from './pipewire.js';
import { isDevice, NO_INPUT, NO_OUTPUT, NO_SESSION_MANAGER, RECORDING_FROM } from './stateDetector.js';
import { isAudioUnit } from './units.js';

/** The audio unit that finds the sound devices and makes them PipeWire's nodes. */
const WIREPLUMBER = 'wireplumber.service';

export const soundUnavailable: Playbook = async (finding, tools): Promise<ProposalDraft> => {
  if (finding.subject === NO_OUTPUT) return noDevice(finding, tools, 'output');
  if (finding.subject === NO_INPUT) return noDevice(finding, tools, 'input');
  const unit = isAudioUnit(finding.subject) ? await knownUnit(finding, tools) : null;
  if (!unit) return deviceLogs(finding);
  const logs = await unitLogsStep(finding, unit, tools);
  const down = await isDown(unit, tools);
  return {
    title: down ? format(_('Restart {unit} to get sound back'), { unit: unit.unit }) : _('See why there is no sound'),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: down
        ? _(
            'The log shows why the sound service stopped. Restarting it in your own service manager starts the ' +
              'sound again where the cause was passing (a device that was busy, a crash); where it fails again, ' +
              'the log says what to repair first.',
          )
        : _('The log shows what the sound service said about the failure; systemd has started it again.'),
    }),
    actions: down ? [logs, { name: 'systemd.restart_unit', params: unit }] : [logs],
  };
};

/** A device the daemon or the kernel could not use: the writer's own lines say which and why. */
function deviceLogs(finding: FindingWithEvidence): ProposalDraft {
  return {
    title: _('See why there is no sound'),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: _(
        'The log shows what the sound driver or the sound service said about the device: another program holding ' +
          'it, a device that is gone, or a sound card whose firmware or codec the kernel did not find. Missing ' +
          'firmware comes with the distribution’s firmware package (for Intel laptops often sof-firmware).',
      ),
    }),
    actions: [logsStep(finding, undefined, OWN_LINES)],
  };
}

/** Whether the unit is not running now, as its manager says: a failed or stopped unit is what a restart helps. */
async function isDown(unit: { unit: string; scope: 'user' | 'system' }, tools: PlaybookTools): Promise<boolean> {
  const status = await new UnitManager(tools.context, unit.scope).status(unit.unit).catch(() => null);
  return status !== null && status.activeState !== 'active' && status.activeState !== 'activating';
}

/** What restarting WirePlumber looks for, by the device that is missing. */
const RESTART_FOR = {
  output: {
    title: N_('Restart {unit} to get sound back'),
    advice: N_(
      'WirePlumber finds the sound cards and makes them PipeWire’s outputs; restarting it looks for them again, ' +
        'and this finding goes away once an output is back. Where none comes back, its log says why.',
    ),
  },
  input: {
    title: N_('Restart {unit} to look for a microphone again'),
    advice: N_(
      'WirePlumber finds the microphones and makes them PipeWire’s inputs; restarting it looks for them again, ' +
        'and this finding goes away once an input is there. Where none comes, the computer may have no ' +
        'microphone, or one that is switched off or muted in hardware; its log says what it found.',
    ),
  },
};

/** Starting WirePlumber again where it is gone. */
const RESTART_MANAGER = {
  title: N_('Restart {unit} to get sound back'),
  advice: N_(
    'WirePlumber finds the sound cards and makes them PipeWire’s outputs and inputs; without it nothing plays. ' +
      'Restarting it in your own service manager starts it again, and this finding goes away once an output is ' +
      'back. Where it stops again, its log says why.',
  ),
};

/**
 * PipeWire has no output device, or none to record from while a program records. First the devices, the defaults
 * and the audio units as they are; then, where WirePlumber is a unit of the person's manager, its restart: it looks
 * for the devices again, and the finding resolves once one is back, which is the restart's real check.
 */
async function noDevice(
  finding: FindingWithEvidence,
  tools: PlaybookTools,
  direction: 'output' | 'input',
): Promise<ProposalDraft> {
  const devices = { name: 'info.sound', params: {} };
  const managerGone = finding.evidence.at(-1)?.text === NO_SESSION_MANAGER;
  const scope = await unitScope(WIREPLUMBER, tools);
  if (scope === null)
    return {
      title: _('See which sound devices PipeWire has'),
      explanation: format(_('{title}. {advice}'), {
        title: finding.title,
        advice: managerGone
          ? _(
              'WirePlumber finds the sound cards and makes them PipeWire’s outputs and inputs; without it nothing ' +
                'plays. Here it is no service of your own service manager that could be started again: it starts ' +
                'with your session, so signing out and in again starts it. The first step shows what PipeWire has.',
            )
          : _(
              'The first step shows the outputs and inputs PipeWire has, the defaults and the audio services. A ' +
                'device that is not there at all is not seen by the driver: unplugged, switched off, or a sound card ' +
                'whose firmware is missing.',
            ),
      }),
      actions: [devices],
    };
  const unit = { unit: WIREPLUMBER, scope };
  const restart = managerGone ? RESTART_MANAGER : RESTART_FOR[direction];
  return {
    title: format(_(restart.title), { unit: WIREPLUMBER }),
    explanation: format(_('{title}. {advice}'), { title: finding.title, advice: _(restart.advice) }),
    actions: [devices, logsStep(finding, unit), { name: 'systemd.restart_unit', params: unit }],
  };
}

/** The chosen output is gone: make the one PipeWire plays on now (or another device) the default. */
export const soundDefaultGone: Playbook = async (finding, tools) => {
  const snapshot = await readSound().catch(() => null);
  if (!snapshot) return null;
  const { state } = snapshot;
  const devices = state.sinks.filter(isDevice);
  const target = devices.find((sink) => sink.name === state.defaultSink) ?? devices[0];
  if (!target) return null;
  const step = { name: 'sound.set_default_sink', params: { name: target.name } };
  const preview = await tools.preview(step);
  if (!preview || preview.changesNothing) return null;
  return {
    title: format(_('Make {device} the Default Sound Output'), { device: target.description }),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: _(
        'The output you chose is not there (unplugged, switched off, or its driver did not start); PipeWire plays ' +
          'on another one meanwhile. Making that one the default keeps your sound there; undoing it chooses the ' +
          'old one again.',
      ),
    }),
    actions: [step],
  };
};

/**
 * The output sound plays on is muted or silent while a program plays, or the input a program records from: unmute
 * it, as the volume slider does.
 */
export const soundMuted: Playbook = async (finding, tools) => {
  const step = { name: 'sound.unmute', params: { name: finding.subject } };
  const preview = await tools.preview(step);
  if (!preview || preview.changesNothing) return null;
  const input = finding.evidence.some((evidence) => evidence.text.includes(RECORDING_FROM));
  return {
    title: preview.summary,
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: input
        ? _(
            'The program records, but the input it records from is muted or at volume 0, so it hears nothing: in ' +
              'a call, nobody hears you. A microphone mute key does this too. This does what the input volume ' +
              'slider in Settings does: it unmutes the input, and turns a volume of 0 up to half. Undo puts back ' +
              'how it was.',
          )
        : _(
            'The program plays, but the output it plays on is muted or at volume 0, so nothing is heard. This does ' +
              'what the output’s volume slider does: it unmutes the output, and turns a volume of 0 up to half. ' +
              'Undo puts back how it was.',
          ),
    }),
    actions: [step],
  };
};
