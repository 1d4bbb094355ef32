// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// no-connectivity / captive-portal: NetworkManager's connectivity check
// (the Connectivity property: none, portal, limited, full, unknown).
import { ConditionTracker } from '../../findings/detectors/condition.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const NO_CONNECTIVITY = 'no-connectivity';
export const CAPTIVE_PORTAL = 'captive-portal';

type State = 'none' | 'limited' | 'portal' | 'full';

export class ConnectivityDetector implements Detector {
  readonly kinds = [NO_CONNECTIVITY, CAPTIVE_PORTAL];
  private readonly state = new ConditionTracker<State>();

  detect(event: WatchEvent): DetectorOutput[] {
    // 'unknown': the check is off or has not run yet; it says nothing either way.
    if (event.type !== 'connectivity' || event.state === 'unknown') return [];
    const { state, at } = event;
    const change = this.state.change('', state);
    if (!change) return [];
    const was = change.previous;
    const outputs: DetectorOutput[] = [];
    const wasOffline = was === undefined || was === 'none' || was === 'limited';
    if (wasOffline && (state === 'full' || state === 'portal'))
      outputs.push({ resolve: { kind: NO_CONNECTIVITY, subject: '', at } });
    if ((was === undefined || was === 'portal') && state !== 'portal')
      outputs.push({ resolve: { kind: CAPTIVE_PORTAL, subject: '', at } });
    if (state === 'portal') {
      outputs.push(
        report(CAPTIVE_PORTAL, _('A captive portal blocks the internet: sign in to the network'), at, state),
      );
    } else if (state !== 'full') {
      const title =
        state === 'none' ? _('No network connection') : _('Connected to a network, but the internet is unreachable');
      outputs.push(report(NO_CONNECTIVITY, title, at, state));
    }
    return outputs;
  }
}

function report(kind: string, title: string, at: Date, state: State): DetectorOutput {
  return {
    report: {
      kind,
      severity: kind === CAPTIVE_PORTAL ? 'info' : 'warning',
      subject: '',
      title,
      evidence: [{ kind: 'text', text: format(_('NetworkManager connectivity: {state}'), { state }), at }],
      at,
    },
  };
}
