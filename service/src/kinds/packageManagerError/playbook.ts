// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// package-manager-error: the lock's holder, or the interrupted dpkg run finished.
import { logsStep, OWN_LINES, type Playbook, readLogs } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import { DPKG_STATUS, DPKG_UPDATES } from './dpkgStateDetector.js';

// The lock files apt, dpkg and rpm name when another process holds them ("Could not get lock /var/lib/dpkg/lock-frontend").
const LOCK_FILE =
  /(\/var\/lib\/dpkg\/lock(?:-frontend)?|\/var\/lib\/apt\/lists\/lock|\/var\/cache\/apt\/archives\/lock|\/(?:var\/lib|usr\/lib\/sysimage)\/rpm\/\.rpm\.lock)\b/;
// apt's words for a dpkg run that stopped half-way ("E: dpkg was interrupted, you must manually run 'dpkg --configure -a'").
const DPKG_INTERRUPTED = /dpkg was interrupted/;
// A run that ended on an error of its own rather than being cut off: dpkg's "error processing package x
// (--configure)", a maintainer script's "… post-installation script subprocess returned error exit status 1", apt's
// "Sub-process /usr/bin/dpkg returned an error code (1)". Running it again fails the same way until that is fixed.
const DPKG_RUN_FAILED =
  /dpkg: error processing |script (?:subprocess )?returned error exit status|Sub-?process \S*dpkg returned an error code/;

export const packageManagerError: Playbook = async (finding, tools) => {
  const texts = finding.evidence.map((evidence) => evidence.text);
  const lock = texts.map((text) => LOCK_FILE.exec(text)?.[1]).find(Boolean);
  if (lock) {
    const step = { name: 'info.lock_holder', params: { path: lock } };
    const holder = await tools.preview(step);
    if (holder && !holder.changesNothing) {
      return {
        title: format(_('See which process holds {path}'), { path: lock }),
        explanation: format(
          _(
            '{title}. Another package run holds the lock ({holder}); let it finish, or close the program that runs it. ' +
              'Deleting the lock file is never the fix: two runs at once can break the package database.',
          ),
          { title: finding.title, holder: holder.details.join('; ') },
        ),
        actions: [step, logsStep(finding, undefined, OWN_LINES)],
      };
    }
    return readLogs(
      finding,
      _('See what held the package manager’s lock'),
      format(_('No process holds {path} now: the run that held it has ended, and the next one can proceed.'), {
        path: lock,
      }),
      OWN_LINES,
    );
  }
  // dpkg's own database, where the finding came from it: a run's journal left behind is a run cut off; a package
  // left part-way with no journal, a run that ended on an error (its output may have gone to a terminal).
  const readIn = (path: string) => finding.evidence.some((evidence) => evidence.path === path);
  const interrupted = texts.some((text) => DPKG_INTERRUPTED.test(text)) || readIn(DPKG_UPDATES);
  const failed = texts.some((text) => DPKG_RUN_FAILED.test(text)) || readIn(DPKG_STATUS);
  // dpkg's own database says what is left: the step is offered only while there is something to finish.
  const repair = { name: 'packages.repair_system', params: {} };
  const unfinished = interrupted || failed ? await tools.preview(repair) : null;
  if (unfinished && !unfinished.changesNothing) {
    const evidence =
      texts.find((text) => DPKG_INTERRUPTED.test(text) || DPKG_RUN_FAILED.test(text)) ?? cleanLine(texts[0] ?? '');
    if (interrupted) {
      return {
        title: _('Finish the interrupted package installation'),
        explanation: format(
          _(
            '{title}. A dpkg run stopped half-way, and no package can be installed until it is finished: the step ' +
              'lists what dpkg’s database says is left, and finishes it as `dpkg --configure -a` does; it cannot be ' +
              'undone. The evidence: “{evidence}”.',
          ),
          { title: finding.title, evidence },
        ),
        actions: [repair, logsStep(finding, undefined, OWN_LINES)],
      };
    }
    // dpkg ended on an error of its own (a package's script failed): finishing again fails the same way first.
    return {
      title: _('See why the package installation failed'),
      explanation: format(
        _(
          '{title}. dpkg stopped on an error of its own, such as a package’s script that failed; finishing the run ' +
            'again fails the same way until the log’s cause is fixed, then “Finish an interrupted package ' +
            'installation” completes it. The first step shows which packages dpkg’s database holds unfinished, in ' +
            'which state, and the script that runs again. The evidence: “{evidence}”.',
        ),
        { title: finding.title, evidence },
      ),
      actions: [{ name: 'info.dpkg_audit', params: {} }, logsStep(finding, undefined, OWN_LINES), repair],
    };
  }
  if (interrupted) {
    return readLogs(
      finding,
      _('See what interrupted the package installation'),
      _(
        'A dpkg run stopped half-way, but dpkg’s database shows nothing left to finish now: ' +
          'the run was finished since. The log shows which package failed.',
      ),
      OWN_LINES,
    );
  }
  return readLogs(
    finding,
    _('See what the package manager reported'),
    _(
      'The log shows which package or repository failed; an interrupted update can usually be finished once that is fixed.',
    ),
    OWN_LINES,
  );
};
