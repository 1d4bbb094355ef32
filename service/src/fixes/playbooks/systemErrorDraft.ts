// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The draft for a unit whose program failed on a system error (ENOENT, ECONNREFUSED…) its last lines carry.
import type { SystemError } from '../../causes/systemError.js';
import type { FindingWithEvidence } from '../../findings/store.js';
import { _, format } from '../../i18n.js';
import { addressOfCommandLine, checkStep, stillStands } from '../causeCheck.js';
import type { CandidateAction, PlaybookTools, ProposalDraft } from '../playbookSteps.js';
import { changeSinceFailure, unitRecordStep } from './unitState.js';

/** What a system error is about, in words: " about /srv/x", " on port 8080", " for db.example". */
function objectWords(error: SystemError): string {
  if (error.path) return format(_(' about {path}'), { path: error.path });
  if (error.host) return format(_(' for {host}'), { host: error.port ? `${error.host}:${error.port}` : error.host });
  if (error.port) return format(_(' on port {port}'), { port: error.port });
  return '';
}

/**
 * A program that failed on a system error its last lines carry: what systemd recorded, the read-only step that checks
 * the error's object on this machine, and a restart only once that check passes (or, where this machine cannot tell,
 * once something the unit reads or needs changed since).
 */
export async function systemErrorDraft(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  error: SystemError,
  logs: CandidateAction,
  tools: PlaybookTools,
): Promise<ProposalDraft> {
  const { unit, scope } = known;
  if (error.errno.code === 'EADDRNOTAVAIL' && error.host === undefined) {
    const host = await addressOfCommandLine(known, tools.context);
    if (host) error = { ...error, host };
  }
  const step = checkStep(error, known);
  const stands = await stillStands(error, known, tools.context).catch(() => null);
  const changed =
    stands === null
      ? await changeSinceFailure(unit, scope, finding.lastSeen, tools, error.path ? [error.path] : [])
      : null;
  const facts = {
    title: finding.title,
    unit,
    code: error.errno.code,
    text: error.errno.text,
    about: objectWords(error),
    change: changed ?? '',
    evidence: format(_('The evidence: “{line}”.'), { line: error.line }),
  };
  const restartHelps = stands === false || changed !== null;
  const explanation =
    stands === true
      ? _(
          '{title}. Its program failed with {code} ({text}){about}, and this machine still shows it: restarting ' +
            'fails the same way until that changes, so no restart is offered. {evidence}',
        )
      : stands === false
        ? _(
            '{title}. Its program failed with {code} ({text}){about}; this machine no longer shows it: a restart may now succeed. {evidence}',
          )
        : changed
          ? _(
              '{title}. Its program failed with {code} ({text}){about}; since then, {change}: a restart may now succeed. {evidence}',
            )
          : _(
              '{title}. Its program failed with {code} ({text}){about}, which this machine cannot check by itself: ' +
                'no restart is offered until something it needs changes. {evidence}',
            );
  return {
    title: restartHelps
      ? format(_('Restart {unit}'), { unit })
      : format(_('See why {unit} failed with {code}{about}'), facts),
    explanation: format(explanation, facts),
    actions: [
      unitRecordStep(known),
      ...(step ? [step] : []),
      logs,
      ...(restartHelps ? [{ name: 'systemd.restart_unit', params: { unit, scope } }] : []),
    ],
  };
}
