// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What every playbook is made of: the shape of a draft and its steps, and the steps most kinds begin with (the
// journal around the evidence, the unit's own log). Playbooks of each kind import these; none of them is here.
import type { FindingWithEvidence } from '../findings/store.js';
import { _, format } from '../i18n.js';
import type { ActionContext, Preview } from './action.js';
import { unitName } from './params.js';

export interface CandidateAction {
  name: string;
  params: Record<string, unknown>;
  /**
   * Set by the proposer when the machine's own state shows what a program's line claimed of this step's target
   * (systemd, over D-Bus, sees the unit the line named failed), or by a playbook when the component's own state
   * does (GNOME Shell holds the extension the line named in ERROR): the step may act on it though no trusted writer
   * vouched for the line. It never makes the proposal one-click, nor lets an auto rule run it.
   */
  confirmedByState?: true;
  /**
   * Set where finding nothing is this step's answer (no process listens on the port a connection was refused on):
   * it is offered though its preview has nothing to show.
   */
  evenIfNothing?: true;
}

/** Whether a step is worth offering with this preview: one that shows or changes nothing is not, but where nothing is its answer. */
export const worthOffering = (candidate: CandidateAction, preview: Preview): boolean =>
  !preview.changesNothing || candidate.evenIfNothing === true;

export interface ProposalDraft {
  title: string;
  explanation: string;
  actions: CandidateAction[];
}

export interface PlaybookTools {
  context: ActionContext;
  /** The action's preview, or null when its parameters do not fit this machine (no such unit, no such package). */
  preview(candidate: CandidateAction): Promise<Preview | null>;
}

export type Playbook = (finding: FindingWithEvidence, tools: PlaybookTools) => Promise<ProposalDraft | null>;

/** Whether the unit lives in the user's manager or the system's: the one that knows it. */
export async function unitScope(unit: string, tools: PlaybookTools): Promise<'user' | 'system' | null> {
  for (const scope of ['user', 'system'] as const) {
    if (await tools.preview({ name: 'systemd.start_unit', params: { unit, scope } })) return scope;
  }
  return null;
}

/** Units a playbook may act on: never PID 1's own init.scope nor any scope (a session's, an app's). */
export function isActionableUnit(name: string): boolean {
  return unitName.safeParse(name).success && !name.endsWith('.scope');
}

/** Where the finding's journal lines are: the journal they came from and the latest line's cursor. */
export interface JournalPlace {
  scope: 'user' | 'system';
  directory?: string;
  cursor?: string;
}

export function journalPlace(finding: FindingWithEvidence): JournalPlace {
  const latest = finding.evidence.filter((evidence) => evidence.kind === 'journal' && evidence.cursor).at(-1);
  const journal = latest?.journal;
  return {
    scope: journal === 'user' ? 'user' : 'system',
    ...(journal?.startsWith('/') && { directory: journal }),
    ...(latest?.cursor && { cursor: latest.cursor }),
  };
}

export interface LogsOptions {
  /** Around the evidence, only the lines of the program that wrote it (by journald's trusted fields). */
  sameWriter?: boolean;
}

// pam's, dpkg's and a daemon's lines sit among everything else the machine logged meanwhile: their own lines tell
// the story.
export const OWN_LINES: LogsOptions = { sameWriter: true };

/**
 * info.show_logs for the finding, in the journal it came from: the unit's log when it names one, else the
 * lines around its latest evidence, else the journal since the finding began. show_logs is dropped by the
 * proposer when it would show nothing.
 */
export function logsStep(
  finding: FindingWithEvidence,
  unit?: { unit: string; scope: 'user' | 'system' },
  { sameWriter = false }: LogsOptions = {},
): CandidateAction {
  const { scope, directory, cursor } = journalPlace(finding);
  const where = directory ? { directory } : {};
  if (unit) return { name: 'info.show_logs', params: { ...unit, ...where } };
  if (cursor) return { name: 'info.show_logs', params: { scope, cursor, ...where, ...(sameWriter && { sameWriter }) } };
  return { name: 'info.show_logs', params: { scope, since: finding.firstSeen.toISOString(), ...where } };
}

/**
 * The unit's log, or the lines around the finding's evidence when the journal holds none under the unit's name
 * (old systemd's "Unit x entered failed state." carries no UNIT= field): either way what the failure left.
 */
export async function unitLogsStep(
  finding: FindingWithEvidence,
  unit: { unit: string; scope: 'user' | 'system' },
  tools: PlaybookTools,
): Promise<CandidateAction> {
  const own = logsStep(finding, unit);
  const preview = await tools.preview(own);
  return preview && !preview.changesNothing ? own : logsStep(finding);
}

/** The unit and the manager that knows it, when the subject is a unit this machine's systemd knows. */
export async function knownUnit(finding: FindingWithEvidence, tools: PlaybookTools) {
  const unit = finding.subject;
  if (!isActionableUnit(unit)) return null;
  const scope = await unitScope(unit, tools);
  return scope ? { unit, scope } : null;
}

/** A proposal whose only step is reading the logs: the subject's when it is a unit, else around the evidence. */
export function readLogs(
  finding: FindingWithEvidence,
  title: string,
  advice: string,
  options: LogsOptions = {},
): ProposalDraft {
  const unit = isActionableUnit(finding.subject)
    ? { unit: finding.subject, scope: journalPlace(finding).scope }
    : undefined;
  return {
    title,
    explanation: format(_('{title}. {advice}'), { title: finding.title, advice }),
    actions: [logsStep(finding, unit, options)],
  };
}
