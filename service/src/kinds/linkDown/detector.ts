// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// link-down: a network interface that was up went down (cable pulled, Wi-Fi lost).
import type { LinkDownOptions } from '../../findings/detectorOptions.js';
import { ConditionTracker } from '../../findings/detectors/condition.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const LINK_DOWN = 'link-down';

/** Loopback and the virtual interfaces of containers and VMs, which go up and down as they start and stop. */
export const VIRTUAL_INTERFACES =
  /^(?:lo|docker\d*|veth.*|br-[0-9a-f]+|virbr\d+(?:-nic)?|vnet\d+|podman\d+|cni\d+|flannel\..*|vboxnet\d+|vmnet\d+|lxcbr\d+|lxdbr\d+)$/;

export class LinkDownDetector implements Detector {
  readonly kinds = [LINK_DOWN];
  private readonly ignore: RegExp;
  private readonly state = new ConditionTracker<'up' | 'down'>();

  constructor(options: LinkDownOptions = {}) {
    this.ignore = options.ignore ?? VIRTUAL_INTERFACES;
  }

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'link' || this.ignore.test(event.link.name)) return [];
    const { name, up } = event.link;
    const change = this.state.change(name, up ? 'up' : 'down');
    if (!change) return [];
    if (up) return [{ resolve: { kind: LINK_DOWN, subject: name, at: event.at } }];
    // An interface first seen down is one the user does not use (Wi-Fi off, no cable): only report losing a link,
    // and one that carried something of the machine's (not a veth's spare end, whose peer was switched off).
    if (change.previous !== 'up' || event.link.had?.carried === false) return [];
    return [
      {
        report: {
          kind: LINK_DOWN,
          severity: 'warning',
          subject: name,
          title: format(_('Network interface {name} went down'), { name }),
          evidence: [
            { kind: 'text', text: format(_('{name}: link down'), { name }), at: event.at },
            // What it held just before, as `ip` prints it: the addresses and routes the link may now lose.
            ...(event.link.had?.addresses ?? []).map((address) => ({
              kind: 'text' as const,
              text: `${address.includes(':') ? 'inet6' : 'inet'} ${address}`,
              at: event.at,
            })),
            ...(event.link.had?.routes ?? []).map((route) => ({
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
