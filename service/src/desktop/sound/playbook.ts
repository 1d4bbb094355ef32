// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What Steward proposes when the session has no sound: first the lines that say why (the audio unit's log, or the
// writer's own lines around the evidence), then, where an audio daemon's unit is down, restarting it in its own
// manager. Nothing else is restarted: not the session, not another program holding a busy device.
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
} from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { isAudioUnit } from './units.js';

export const soundUnavailable: Playbook = async (finding, tools): Promise<ProposalDraft> => {
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
