// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The types the extension's rooms share (the indicator, the menu, the
// notifications, the quick chat, the search provider and the client), and how
// each is read from its D-Bus dictionary. Pure logic, no GNOME imports, so it
// runs under Node in the unit tests.

import { shownText } from './shownText.js';

export type Severity = 'info' | 'warning' | 'error' | 'critical';
export type Risk = 'low' | 'medium' | 'high';

export interface ProposalAction {
  name: string;
  title: string;
  risk: Risk;
  readOnly: boolean;
  preview: string;
  /** The words for its button: the catalog's, with each name in them shortened; '' from a service before revision 18. */
  label: string;
  details: string[];
  /** A step that only reads state: it ran when the proposal was shown, and `answer` is what it found. */
  shown: boolean;
  /** What a shown step found, as the service redacted it; '' while it runs. */
  answer: string;
}

export interface Proposal {
  id: string;
  findingId: string;
  title: string;
  explanation: string;
  state: string;
  actions: ProposalAction[];
  /** Whether it may be applied from a notification: a playbook's, about what the system itself vouches for. */
  oneClick: boolean;
  /** Where it comes from: a playbook's or the model's for a finding, the quick chat, another program (agent). */
  origin: string;
  /** Who reported the problem, or the program that asked for an agent's proposal, for people. */
  reporter: string;
  /** Who reported the problem when only a program's own log line says so; '' when the system vouches for it. */
  unconfirmedReporter: string;
  /** Whether the explanation is the model's words rather than Steward's. */
  explainedByModel: boolean;
}

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  explanation: string;
}

export interface Job {
  id: string;
  proposalId: string;
  state: string;
  summary: string;
  canUndo: boolean;
  /** The catalog action it ran: a NixOS switch ("nixos.add_package"…) waits to be kept. */
  action: string;
  /** The job this one undid, or '' for a job that undid nothing. */
  undoOf: string;
}

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error', 'critical'];
const RISKS: readonly Risk[] = ['low', 'medium', 'high'];

/** A D-Bus value read as text: a string as it is, anything else empty. */
export const text = (value: unknown) => (typeof value === 'string' ? value : '');
function oneOf<T extends string>(values: readonly T[], value: unknown, fallback: T): T {
  return values.includes(value as T) ? (value as T) : fallback;
}

/** A proposal from its D-Bus dictionary (Proposals.List, ProposalAdded), already unpacked. */
export function proposalFrom(dict: Record<string, unknown>): Proposal {
  const actions = Array.isArray(dict.actions) ? (dict.actions as Record<string, unknown>[]) : [];
  return {
    id: text(dict.id),
    findingId: text(dict['finding-id']),
    title: text(dict.title),
    explanation: text(dict.explanation),
    state: text(dict.state),
    actions: actions.map((action) => ({
      name: text(action.name),
      title: text(action.title),
      risk: oneOf(RISKS, action.risk, 'high'),
      readOnly: action['read-only'] === true,
      preview: text(action.preview),
      label: text(action.label),
      details: Array.isArray(action.details) ? action.details.map(text) : [],
      shown: action.shown === true,
      answer: text(action.answer),
    })),
    oneClick: dict['one-click'] === true,
    origin: text(dict.origin),
    reporter: text(dict['reported-by']),
    // A request in the chat or from another program is the asker's own: no system is there to confirm it.
    unconfirmedReporter:
      dict['vouched-by'] === '' && !['chat', 'agent'].includes(text(dict.origin)) ? text(dict['reported-by']) : '',
    explainedByModel: dict['explanation-by'] === 'model',
  };
}

/** A finding from its D-Bus dictionary (Findings.List, FindingAdded), already unpacked. */
export function findingFrom(dict: Record<string, unknown>): Finding {
  return {
    id: text(dict.id),
    severity: oneOf(SEVERITIES, dict.severity, 'warning'),
    title: text(dict.title),
    explanation: text(dict.explanation),
  };
}

/** A job from its D-Bus dictionary (JobFinished, ListJobs), already unpacked. */
export function jobFrom(dict: Record<string, unknown>): Job {
  return {
    id: text(dict.id),
    proposalId: text(dict['proposal-id']),
    state: text(dict.state),
    summary: text(dict.summary),
    canUndo: dict['can-undo'] === true,
    action: text(dict.action),
    undoOf: text(dict['undo-of']),
  };
}

/**
 * The step a person's press runs: the first that changes something, else the first that runs a program of the
 * machine (a checker such as `nginx -t`); none when every step only reads and has run already.
 */
export function primaryAction(proposal: Proposal): ProposalAction | undefined {
  const pressed = proposal.actions.filter((action) => !action.shown);
  return pressed.find((action) => !action.readOnly) ?? pressed[0];
}

/** What the steps that only read found, each under its title: the answer a proposal carries. */
export function shownAnswers(proposal: Proposal): string[] {
  return proposal.actions
    .filter((action) => action.shown && action.answer !== '')
    .map((action) => `${action.title}:\n${action.answer}`);
}

/**
 * The lines of a proposal's Details, each once: a step's answer and the change's preview may say the same ("Printer
 * Office is stopped: …"), and the preview's summary is often the button's own words ("Unmute Test speaker").
 */
export function detailLines(texts: readonly string[], buttonWords: string | undefined): string[] {
  const lines = texts.flatMap((text) => text.split('\n'));
  return [...new Set(lines)].filter((line) => line.trim() !== '' && line !== buttonWords);
}

/** Whether `job` is a step that ran as its proposal was shown: its answer is told in that proposal, not apart. */
export function answersItsProposal(job: Job, proposals: readonly Proposal[]): boolean {
  const proposal = proposals.find((p) => p.id === job.proposalId);
  return job.state === 'done' && (proposal?.actions.some((a) => a.shown && a.name === job.action) ?? false);
}

/** The longest button label: the catalog's words and a shortened name fit in it in any language. */
const MAX_LABEL = 120;

/**
 * The words on the button that runs `action`: what it does ("Restart ssh.service") in the catalog's words with
 * each name shortened, else its title; never a text from outside on its own.
 */
export const buttonLabel = (action: ProposalAction): string =>
  shownText(action.label || action.title || action.name, { maxChars: MAX_LABEL });

/**
 * What a proposal is about, as its notification, its place in the menu and its card head it: the finding it answers
 * ("backup.service failed"), else its title, unless that only repeats the button that runs its change ("Free 2.1 MB
 * in ~/.cache/thumbnails"): then the kind of change ("Clear caches").
 */
export function headingOf(proposal: Proposal, finding?: Finding): string {
  if (finding?.title) return finding.title;
  const action = primaryAction(proposal);
  const repeats = action && [action.preview, buttonLabel(action)].includes(proposal.title);
  if (action && !action.readOnly && repeats && action.title) return action.title;
  return proposal.title;
}

/** What the e2e tests read of the panel (through the test hook), in plain values. */
export interface ChatSnapshot {
  open: boolean;
  entryFocused: boolean;
  entryText: string;
  answering: boolean;
  stopVisible: boolean;
  /** Whether the microphone is open (or opening) for a spoken question. */
  listening: boolean;
  status: string | null;
  /** Every label's text in the transcript, in order. */
  transcript: string[];
  cards: { labels: { text: string; style: string }[]; buttons: string[] }[];
  setup: { visible: boolean; input: boolean; button: string | null; texts: string[] };
}
