// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What to propose for a printer problem: cupsd's own lines around it first. They hold what the backend or filter
// said before it failed (a device it could not open, a printer it could not reach), which is the cause. Then a job
// a filter failed on is cancelled: a document the filter cannot convert fails again each time the queue takes it
// up, and holds the queue. Then, when the queue is stopped, resuming it. A backend's failure (the printer
// unreachable) cancels nothing: its jobs print once the printer answers. A queue that refuses new jobs shows its
// reason, then lets it accept them again. A printer that says it cannot print (out of paper, a jam) is shown, and
// nothing is changed: it is seen to at the printer. A unit of CUPS's failing shows its log.
import type { FindingWithEvidence } from '../../findings/store.js';
import {
  type CandidateAction,
  knownUnit,
  logsStep,
  OWN_LINES,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
  unitLogsStep,
} from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { DEVICE_EVIDENCE, HELD_EVIDENCE, REJECTING_EVIDENCE } from './stateDetector.js';

// cupsd's job log (log.c, cupsdLogJob) prefixes "[Job 42] "; a filter's program lives under …/cups/filter/.
const FILTER_FAILED = /^\[Job (\d{1,10})\] .*(?:\/cups\/filter\/|due to filter errors)/;

const UNIT_NAME = /\.(?:service|socket|path)$/;

/** The newest job whose filter failed, as cupsd's own lines in the finding name it. */
function jobAFilterFailedOn(finding: FindingWithEvidence): number | undefined {
  const ids = finding.evidence.flatMap((evidence) => {
    const id = evidence.kind === 'journal' ? FILTER_FAILED.exec(evidence.text)?.[1] : undefined;
    return id === undefined ? [] : [Number(id)];
  });
  return ids.at(-1);
}

/** The held job the queue's state named last, where the latest evidence is that state. */
function heldJob(finding: FindingWithEvidence): number | undefined {
  const latest = finding.evidence.at(-1);
  const id = latest?.kind === 'text' && latest.text.startsWith(`${HELD_EVIDENCE}: `) ? /\d+/.exec(latest.text) : null;
  return id ? Number(id[0]) : undefined;
}

/** Whether the latest evidence is the queue refusing new jobs. */
const rejecting = (finding: FindingWithEvidence) => {
  const latest = finding.evidence.at(-1);
  return latest?.kind === 'text' && latest.text === REJECTING_EVIDENCE;
};

/** Whether the latest evidence is the printer saying it cannot print. */
const deviceError = (finding: FindingWithEvidence) => {
  const latest = finding.evidence.at(-1);
  return latest?.kind === 'text' && latest.text.startsWith(`${DEVICE_EVIDENCE} `);
};

/**
 * A printer that says it cannot print: the queue and its jobs shown, nothing changed. Resuming or releasing would
 * print nothing; the jobs print by themselves once the printer is seen to.
 */
function fromDevice(finding: FindingWithEvidence): ProposalDraft {
  const printer = finding.subject;
  return {
    title: format(_('See to printer {printer}'), { printer }),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: _(
        'The printer itself says so, so nothing on the computer can fix it: see to it at the printer (load paper, ' +
          'clear the jam, close the door). The jobs waiting in its queue then print by themselves. The first step ' +
          'shows the queue and what the printer reports.',
      ),
    }),
    actions: [{ name: 'info.printer', params: { printer } }],
  };
}

/**
 * A queue that refuses new jobs: its state and the reason shown first (an administrator's words), then letting it
 * accept them again; Undo makes it refuse them again with the same reason.
 */
function fromRejecting(finding: FindingWithEvidence): ProposalDraft {
  const printer = finding.subject;
  return {
    title: format(_('Let printer {printer} accept jobs again'), { printer }),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: _(
        'The queue refuses every new print, so printing to it fails at once ("not accepting jobs"). Someone set it ' +
          'so, often with a reason: the first step shows it, read it before you let the queue accept jobs again. ' +
          'Undoing that makes it refuse them again with the same reason.',
      ),
    }),
    actions: [
      { name: 'info.printer', params: { printer } },
      { name: 'printing.accept_jobs', params: { printer } },
    ],
  };
}

/**
 * A queue whose own state (cupsd over IPP) is the latest evidence: the queue's state and its reason shown first,
 * in cupsd's words (an administrator's reason, or the backend's error), then the change: resuming it, or releasing
 * the job it holds.
 */
function fromState(finding: FindingWithEvidence): ProposalDraft {
  const printer = finding.subject;
  const job = heldJob(finding);
  return {
    title:
      job === undefined
        ? format(_('Resume printer {printer}'), { printer })
        : format(_('Release job {job} on {printer}'), { printer, job: String(job) }),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice:
        job === undefined
          ? _(
              'The first step shows why the queue was stopped, in the words of whoever stopped it (an administrator, ' +
                'or the print system after the printer failed): read it before you resume. Undoing the resume ' +
                'stops the queue again with the same reason.',
            )
          : _(
              'The print system holds the job until someone releases it (a print set for later, or one held by ' +
                'hand): the first step shows the queue and its jobs. Releasing it sends it to the printer.',
            ),
    }),
    actions: [
      { name: 'info.printer', params: { printer } },
      job === undefined
        ? { name: 'printing.resume_printer', params: { printer } }
        : { name: 'printing.release_job', params: { printer, job } },
    ],
  };
}

/**
 * A unit of CUPS's that failed (cups.service, cups-browsed.service, cups.socket): its own log, where systemd knows it,
 * else the lines around the failure. It names no queue to look at or resume.
 */
async function unitFailed(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft> {
  const unit = await knownUnit(finding, tools);
  return {
    title: _('Look at why printing failed'),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice: _(
        'The log shows why the print system’s service stopped: a setting it could not read, or a file or ' +
          'permission it lacks.',
      ),
    }),
    actions: [unit ? await unitLogsStep(finding, unit, tools) : logsStep(finding)],
  };
}

export const printerProblemPlaybook: Playbook = (
  finding: FindingWithEvidence,
  tools: PlaybookTools,
): Promise<ProposalDraft> => {
  const printer = finding.subject;
  if (UNIT_NAME.test(printer)) return unitFailed(finding, tools);
  if (printer && rejecting(finding)) return Promise.resolve(fromRejecting(finding));
  if (printer && deviceError(finding)) return Promise.resolve(fromDevice(finding));
  if (printer && finding.evidence.at(-1)?.kind === 'text') return Promise.resolve(fromState(finding));
  const job = printer ? jobAFilterFailedOn(finding) : undefined;
  const changes: CandidateAction[] = printer
    ? [
        ...(job === undefined ? [] : [{ name: 'printing.cancel_job', params: { printer, job } }]),
        { name: 'printing.resume_printer', params: { printer } },
      ]
    : [];
  return Promise.resolve({
    title: printer ? format(_('Look at why printer {printer} failed'), { printer }) : _('Look at why printing failed'),
    explanation: format(_('{title}. {advice}'), {
      title: finding.title,
      advice:
        job === undefined
          ? _(
              'The print system’s own log lines around it tell what the printer’s backend or filter reported before it failed.',
            )
          : _(
              'The print system’s own log lines around it tell what the filter reported before it failed. A document a ' +
                'filter cannot convert fails each time it is printed: cancelling that job lets the others print.',
            ),
    }),
    // Cancelling and resuming are offered only while cupsd has the job and the queue stopped: the proposer drops a
    // step that changes nothing.
    actions: [logsStep(finding, undefined, OWN_LINES), ...changes],
  });
};
