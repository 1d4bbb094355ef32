// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What to propose for an extension's error: the extension as the shell holds it (its version, state and error),
// gnome-shell's own lines around the error (its whole stack and what the shell did before: the extension enabled,
// updated, the screen locked), then turning the extension off through the shell, where it is still on. The
// first step is dropped where the shell is not on the bus; turning off Steward's own extension is refused. An error
// of the shell's whose line names no extension gets the shell's lines and how to find the extension, nothing else.
//
// A line is not enough to turn an extension off: the shell's own state must say the extension failed (ERROR, or
// OUT_OF_DATE: it does not run on this shell), or systemd-coredump must have recorded the shell crashing after it
// was turned on. An extension the shell reports running is never proposed off on the word of a log line.
import type { FindingWithEvidence } from '../../findings/store.js';
import {
  type CandidateAction,
  logsStep,
  OWN_LINES,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
} from '../../fixes/playbookSteps.js';
import { _, format, ngettext } from '../../i18n.js';
import { shownName } from '../../untrustedText.js';
import { UNNAMED_SHELL_ERROR } from './journalDetector.js';
import { ENABLED, ERROR, extensionInfo, listExtensions, OUT_OF_DATE, STEWARD_UUID } from './shell.js';
import { SHELL_CRASH_EVIDENCE } from './shellCrashDetector.js';
import type { ExtensionState } from './state.js';

/** Whether the shell's own word says the extension failed: its state for it, or its crash record. */
async function shellSaysItFailed(finding: FindingWithEvidence, tools: PlaybookTools): Promise<boolean> {
  if (finding.evidence.some((evidence) => evidence.kind === 'text' && evidence.text === SHELL_CRASH_EVIDENCE))
    return true;
  const extension = await extensionInfo(tools.context.sessionBus, finding.subject).catch(() => null);
  return extension !== null && (extension.state === ERROR || extension.state === OUT_OF_DATE);
}

/** Extensions named in an explanation at most: the rest are counted. */
const RUNNING_NAMED = 5;

/** The extensions running in the shell now, Steward's own aside; null where the shell could not be asked. */
const runningExtensions = (tools: PlaybookTools) =>
  listExtensions(tools.context.sessionBus).then(
    (all) => all.filter((extension) => extension.state === ENABLED && extension.uuid !== STEWARD_UUID),
    () => null,
  );

/**
 * An error of the shell's JavaScript that names no extension: its lines around it, and the shell's own word on which
 * extensions run, which narrows it down or clears them all. Nothing to turn off.
 */
async function unnamedError(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft> {
  const running = await runningExtensions(tools);
  const advice =
    running?.length === 0
      ? _(
          'No extension runs in GNOME Shell now, so the error is most likely GNOME Shell’s own. Its own log lines ' +
            'around it show what it was doing. Nothing is changed here.',
        )
      : [
          _(
            'Such errors mostly come from an extension, but this line does not say which. GNOME Shell’s own log ' +
              'lines around it may show the error’s stack, with the extension’s folder in it. Otherwise, turning ' +
              'your extensions off one at a time in Extensions shows which one it is.',
          ),
          ...(running ? [runningNow(running)] : []),
          _('Nothing is changed here.'),
        ].join(' ');
  return {
    title: _('See GNOME Shell’s error'),
    explanation: format(_('{title}. {advice}'), { title: finding.title, advice }),
    actions: [logsStep(finding, undefined, OWN_LINES)],
  };
}

/** The extensions running now, by name, the first few named and the rest counted. */
function runningNow(running: readonly ExtensionState[]): string {
  const names = running
    .slice(0, RUNNING_NAMED)
    .map((extension) => shownName(extension.name))
    .join(', ');
  const more = Math.max(0, running.length - RUNNING_NAMED);
  return more > 0
    ? format(ngettext('Running now: {names} and {n} more.', 'Running now: {names} and {n} more.', more), {
        names,
        n: more,
      })
    : format(_('Running now: {names}.'), { names });
}

export const extensionPlaybook: Playbook = async (
  finding: FindingWithEvidence,
  tools: PlaybookTools,
): Promise<ProposalDraft> => {
  if (finding.subject === UNNAMED_SHELL_ERROR) return unnamedError(finding, tools);
  const uuid = finding.subject;
  const disable: CandidateAction = { name: 'extensions.disable', params: { uuid } };
  const preview = await tools.preview(disable);
  const offer = preview !== null && !preview.changesNothing && (await shellSaysItFailed(finding, tools));
  return {
    title: format(offer ? _('Turn off the extension {uuid}') : _('Look at why the extension {uuid} failed'), { uuid }),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: offer
        ? _(
            'GNOME Shell’s own log lines around it show the error’s whole stack. Turning the extension off stops ' +
              'its code in the shell; Undo turns it on again.',
          )
        : _('GNOME Shell’s own log lines around it show the error’s whole stack and what the shell was doing.'),
    }),
    actions: [
      { name: 'info.extension', params: { uuid } },
      logsStep(finding, undefined, OWN_LINES),
      // The shell's own word confirms what the line named.
      ...(offer ? [{ ...disable, confirmedByState: true as const }] : []),
    ],
  };
};
