// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// bluetooth-off: BlueZ says an adapter is not powered, or is blocked through rfkill. Often the person switched it
// off, so it is only information; it resolves as soon as BlueZ powers the adapter again or the adapter goes away.
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const BLUETOOTH_OFF = 'bluetooth-off';
/** What BlueZ said, in its own property names (not translated: they are the API's). */
export const BLOCKED_EVIDENCE = 'BlueZ: PowerState is off-blocked';
const OFF_EVIDENCE = 'BlueZ: Powered is false';

/** "hci0" from "/org/bluez/hci0": the name the kernel's lines and the user's tools use. */
export function adapterName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export class BluetoothOffDetector implements Detector {
  readonly kinds = [BLUETOOTH_OFF];

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'desktop' || event.desktop.kind !== 'bluetooth') return [];
    const { adapter, present, powered, blocked } = event.desktop.bluetooth;
    const subject = adapterName(adapter);
    if (!present || (powered && !blocked)) return [{ resolve: { kind: BLUETOOTH_OFF, subject, at: event.at } }];
    const title = blocked
      ? format(_('Bluetooth adapter {adapter} is blocked (rfkill)'), { adapter: subject })
      : format(_('Bluetooth adapter {adapter} is switched off'), { adapter: subject });
    const evidence = blocked ? BLOCKED_EVIDENCE : OFF_EVIDENCE;
    return [
      {
        report: {
          kind: BLUETOOTH_OFF,
          severity: 'info',
          subject,
          title,
          evidence: [{ kind: 'text', text: evidence, at: event.at }],
          at: event.at,
        },
      },
    ];
  }
}
