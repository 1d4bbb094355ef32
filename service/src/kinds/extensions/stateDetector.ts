// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// extension-error from the shell's own state for each extension (org.gnome.Shell.Extensions): ERROR (its
// init() or enable() threw, or it failed to load) or OUT_OF_DATE (it does not declare this shell's version).
// Only an extension the person turned on counts: the shell marks every installed extension that does not
// declare its version OUT_OF_DATE, turned on or not, and one turned off does not run.
//
// The finding resolves when the extension is turned off or uninstalled, or, after this detector saw it fail,
// when it runs again. An extension merely running does not resolve it otherwise: one whose callback threw
// later (the journal detector's finding of the same kind and subject) stays ENABLED all along.
// Steward's own extension is never the subject: it cannot be asked to turn itself off.
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { EXTENSION_ERROR } from './journalDetector.js';
import { DISABLED, ENABLED, ERROR, OUT_OF_DATE, STEWARD_UUID, UNINSTALLED } from './shell.js';
import type { ExtensionState } from './state.js';

const failing = (extension: ExtensionState) =>
  (extension.state === ERROR || extension.state === OUT_OF_DATE) && extension.enabled !== false;

const turnedOff = (extension: ExtensionState) =>
  extension.state === DISABLED || extension.state === UNINSTALLED || extension.enabled === false;

function titleOf({ name, state, error }: ExtensionState): string {
  if (state === OUT_OF_DATE)
    return format(_('The extension {name} does not support this version of GNOME Shell'), { name });
  return error
    ? format(_('The extension {name} failed: {error}'), { name, error })
    : format(_('The extension {name} failed'), { name });
}

export class ExtensionStateDetector implements Detector {
  readonly kinds = [EXTENSION_ERROR];
  /** The extensions this detector reported failing. */
  readonly #failed = new Set<string>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'desktop' || event.desktop.kind !== 'extension') return [];
    const { extension } = event.desktop;
    const { uuid } = extension;
    if (uuid === STEWARD_UUID) return [];
    if (failing(extension)) {
      this.#failed.add(uuid);
      return [
        {
          report: {
            kind: EXTENSION_ERROR,
            severity: 'warning',
            subject: uuid,
            title: titleOf(extension),
            evidence: [
              {
                kind: 'text',
                text: format(
                  extension.state === OUT_OF_DATE
                    ? _('GNOME Shell reports {uuid} out of date ({path})')
                    : _('GNOME Shell reports {uuid} in error ({path})'),
                  { uuid, path: extension.path },
                ),
                at: event.at,
              },
            ],
            at: event.at,
          },
        },
      ];
    }
    const runsAgain = extension.state === ENABLED && this.#failed.has(uuid);
    if (!turnedOff(extension) && !runsAgain) return [];
    this.#failed.delete(uuid);
    return [{ resolve: { kind: EXTENSION_ERROR, subject: uuid, at: event.at } }];
  }
}
