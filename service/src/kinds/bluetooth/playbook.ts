// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What Steward proposes when the Bluetooth adapter does not work: the lines that say why, from the writer that
// said it (the kernel's driver or bluetoothd). Nothing is installed for missing firmware: which package holds a
// controller's file differs by distribution and vendor, and a guessed package is no fix.
import type { FindingWithEvidence } from '../../findings/store.js';
import { systemBusOf } from '../../fixes/actions/polkit.js';
import {
  logsStep,
  OWN_LINES,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
} from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { adapterFacts } from './infoAction.js';
import { BLOCKED_EVIDENCE } from './offDetector.js';
import { readAirplane } from './rfkillActions.js';

export const bluetoothUnavailable: Playbook = async (finding: FindingWithEvidence): Promise<ProposalDraft> => ({
  title: _('See why the Bluetooth adapter does not work'),
  explanation: format(_('{title}. {advice}'), {
    title: finding.title,
    advice: _(
      'The log shows what the driver or bluetoothd said about the adapter: a firmware file that is missing, a ' +
        'controller that stopped answering, or a setting bluetoothd could not make. A missing firmware file comes with the ' +
        'distribution’s firmware package; a controller that stopped answering often works again after the ' +
        'computer is switched off completely.',
    ),
  }),
  actions: [logsStep(finding, undefined, OWN_LINES)],
});

/**
 * An adapter BlueZ holds unpowered: switch it on through BlueZ. One blocked through rfkill BlueZ will not power:
 * GNOME's Bluetooth airplane mode is turned off instead (its own switch's soft block). A hardware switch's block no
 * program can lift: the proposal then says so, with the adapter's name and where the switch is, and offers nothing to
 * change, only the adapter's state to look at. The latest evidence is the adapter's state now: the finding keeps what
 * BlueZ said before, a block lifted long ago included.
 */
export const bluetoothOff: Playbook = async (finding, tools) => {
  const blocked = finding.evidence.at(-1)?.text === BLOCKED_EVIDENCE;
  if (blocked && (await hardwareBlocked(tools))) return hardwareBlock(finding, tools);
  const step = blocked
    ? { name: 'bluetooth.unblock', params: {} }
    : { name: 'bluetooth.power_on', params: { adapter: finding.subject } };
  const preview = await tools.preview(step);
  if (!preview || preview.changesNothing) return null;
  return {
    title: blocked ? _('Turn Bluetooth Airplane Mode Off') : _('Turn the Bluetooth adapter on'),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: blocked
        ? _('GNOME’s Bluetooth switch blocks the radio through rfkill; turning its airplane mode off unblocks it.')
        : _('BlueZ has the adapter but does not power it; switching it on is what GNOME’s Bluetooth switch does.'),
    }),
    actions: [step],
  };
};

/** Whether gnome-settings-daemon says a hardware switch blocks Bluetooth; false where it cannot be asked. */
async function hardwareBlocked(tools: PlaybookTools): Promise<boolean> {
  try {
    return (await readAirplane(tools.context.sessionBus, tools.context.log)).hardware;
  } catch {
    return false;
  }
}

/** A hardware switch or key holds the radio off: explained, with the adapter's own name, and nothing to change. */
async function hardwareBlock(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft> {
  const adapter = finding.subject;
  const { name } = await adapterFacts(systemBusOf(tools.context), adapter);
  const named = name && name !== adapter ? format(_('{name} ({adapter})'), { name, adapter }) : adapter;
  return {
    title: format(_('Bluetooth adapter {adapter} is switched off by a switch or key on the computer'), {
      adapter: named,
    }),
    explanation: format(
      _(
        'Bluetooth adapter {adapter} is switched off by a switch or key on the computer: a wireless switch on its ' +
          'side or front, or a key with an antenna or airplane on it (often together with Fn). No program can ' +
          'switch it back on; that switch or key can. Nothing is changed here.',
      ),
      { adapter: named },
    ),
    actions: [{ name: 'info.bluetooth', params: { adapter } }],
  };
}
