// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// no-route: the machine lost its default route, so nothing beyond the local network is reachable.
import { ConditionTracker } from '../../findings/detectors/condition.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const NO_ROUTE = 'no-route';

export class NoRouteDetector implements Detector {
  readonly kinds = [NO_ROUTE];
  private readonly state = new ConditionTracker<'route' | 'none'>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'link') return [];
    const { hasDefaultRoute, name } = event.link;
    if (!this.state.change('', hasDefaultRoute ? 'route' : 'none')) return [];
    if (hasDefaultRoute) return [{ resolve: { kind: NO_ROUTE, subject: '', at: event.at } }];
    return [
      {
        report: {
          kind: NO_ROUTE,
          severity: 'warning',
          subject: '',
          title: _('No default route: the internet is unreachable'),
          evidence: [
            { kind: 'text', text: format(_('no default route after a change on {name}'), { name }), at: event.at },
            // Where it went out, as `ip` printed it: the link a first step looks at.
            ...(event.link.lostDefaultRoutes ?? []).map((route) => ({
              kind: 'text' as const,
              text: `route ${route}`,
              at: event.at,
            })),
          ],
          at: event.at,
        },
      },
    ];
  }
}
