// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which findings and proposals become notifications, how a burst of them is
// coalesced, and the words they carry. Pure logic, no GNOME imports, so it
// runs under Node in the unit tests.

import {
  buttonLabel,
  type Finding,
  type Job,
  primaryAction,
  type Proposal,
  SEVERITIES,
  type Severity,
  shownAnswers,
} from '../shared/model.js';
import { shownText } from '../shared/shownText.js';
import { format } from '../shared/text.js';

export type NotificationLevel = 'all' | 'warnings' | 'errors' | 'none';
export type Urgency = 'low' | 'normal' | 'high' | 'critical';

/** Something new to tell the user about. */
export type News = { kind: 'proposal'; proposal: Proposal; severity: Severity } | { kind: 'finding'; finding: Finding };

/** 'apply' runs the change and is named by it; 'details' opens a proposal whose steps only read. */
export type NotificationButton = 'apply' | 'review' | 'details' | 'dismiss' | 'undo' | 'open' | 'keep';

export interface NotificationText {
  title: string;
  body: string;
  urgency: Urgency;
  buttons: NotificationButton[];
  /** The words on the 'apply' button: what the change does ("Restart ssh.service"). */
  applyLabel?: string;
}

/** How much of the read-only steps' answers a notification's expanded body shows; Details shows the rest. */
const ANSWER_LINES = 8;

type Gettext = (text: string) => string;
type NGettext = (singular: string, plural: string, n: number) => string;

export interface Translations {
  _: Gettext;
  ngettext: NGettext;
}

const LEAST_SEVERITY: Record<NotificationLevel, number> = { all: 0, warnings: 1, errors: 2, none: SEVERITIES.length };
const URGENCY: Record<Severity, Urgency> = { info: 'low', warning: 'normal', error: 'high', critical: 'critical' };

/**
 * Low-risk fixes of one-click proposals may be applied from a notification; others are reviewed first: a
 * problem only a program's own log line reports, or a fix the model suggested, is looked at before it runs.
 */
export function canApplyDirectly(proposal: Proposal): boolean {
  return proposal.oneClick && primaryAction(proposal)?.risk === 'low';
}

/** The notification's line: who reported an unconfirmed problem, and the model's words marked as the model's. */
function proposalBody(proposal: Proposal, _: Gettext): string {
  if (proposal.unconfirmedReporter)
    // Translators: {reporter} is a program as the journal names it, such as "python3 (uid 1000, /usr/bin/python3)".
    return format(_('Reported by {reporter}; the system has not confirmed it.'), {
      reporter: proposal.unconfirmedReporter,
    });
  const line = oneLine(proposal.explanation);
  if (!line) return primaryAction(proposal)?.preview ?? '';
  return proposal.explainedByModel ? format(_('The model says: {explanation}'), { explanation: line }) : line;
}

export function meetsLevel(severity: Severity, level: NotificationLevel): boolean {
  return SEVERITIES.indexOf(severity) >= LEAST_SEVERITY[level];
}

export const severityOf = (news: News): Severity => (news.kind === 'proposal' ? news.severity : news.finding.severity);

/** The first sentence or line of `explanation`, for a notification's single line. */
export function oneLine(explanation: string, maxLength = 160): string {
  const line = (explanation.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  const sentence = /^.*?[.!?](?=\s|$)/.exec(line)?.[0] ?? line;
  return sentence.length > maxLength ? `${sentence.slice(0, maxLength - 1).trimEnd()}…` : sentence;
}

/**
 * What is worth a notification in a burst: a finding with a proposal is told
 * through its proposal, and only what reaches the user's level counts.
 */
export function worthTelling(burst: News[], level: NotificationLevel): News[] {
  const proposed = new Set(burst.flatMap((news) => (news.kind === 'proposal' ? [news.proposal.findingId] : [])));
  return burst.filter(
    (news) => meetsLevel(severityOf(news), level) && !(news.kind === 'finding' && proposed.has(news.finding.id)),
  );
}

/**
 * Whether a waiting proposal, changed, now offers a step that changes something which it did not offer before
 * (a restart a repair allowed): news worth a notification, as a new proposal is.
 */
export function offersNewFix(before: Proposal, after: Proposal): boolean {
  if (after.state !== 'open') return false;
  const offered = new Set(before.actions.map((action) => action.name));
  return after.actions.some((action) => !action.readOnly && !offered.has(action.name));
}

/** The notification for what `worthTelling` kept: one item in full, or a count for several. */
export function notificationFor(items: News[], { _, ngettext }: Translations): NotificationText {
  const urgency =
    URGENCY[items.map(severityOf).reduce((a, b) => (SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b))];
  if (items.length > 1) {
    const proposals = items.filter((news) => news.kind === 'proposal').length;
    return {
      title:
        proposals > 0
          ? format(ngettext('Steward found {n} problem', 'Steward found {n} problems', items.length), {
              n: items.length,
            })
          : format(ngettext('{n} new problem', '{n} new problems', items.length), { n: items.length }),
      body: items.map((news) => (news.kind === 'proposal' ? news.proposal.title : news.finding.title)).join(' · '),
      urgency,
      buttons: ['open', 'dismiss'],
    };
  }
  const [news] = items as [News];
  if (news.kind === 'finding') {
    return {
      title: news.finding.title,
      body: oneLine(news.finding.explanation),
      urgency,
      buttons: ['open', 'dismiss'],
    };
  }
  const { proposal } = news;
  const action = primaryAction(proposal);
  const answers = shownAnswers(proposal).join('\n').split('\n');
  return {
    title: proposal.title,
    body: [proposalBody(proposal, _), ...answers.slice(0, ANSWER_LINES)].filter(Boolean).join('\n'),
    urgency,
    buttons: [!action ? 'details' : canApplyDirectly(proposal) ? 'apply' : 'review', 'dismiss'],
    ...(action && { applyLabel: buttonLabel(action) }),
  };
}

/** A NixOS switch the service reverts unless it is kept within its window (Proposals.ConfirmChanges). */
const awaitsConfirmation = (job: Job) =>
  job.state === 'fixed' && job.action.startsWith('nixos.') && job.action !== 'nixos.rollback';

/** The follow-up notification when a job ends. */
export function resultNotification(job: Job, { _ }: Translations): NotificationText {
  const templates: Record<string, string> = {
    fixed: _('Fixed: {summary}'),
    'not-fixed': _('Not fixed: {summary}'),
    done: _('Done: {summary}'),
    'not-authorized': _('Not allowed: {summary}'),
    cancelled: _('Cancelled: {summary}'),
  };
  const first = oneLine(job.summary);
  return {
    title: format(templates[job.state] ?? _('Failed: {summary}'), { summary: first.replace(/\.$/, '') }),
    body: job.summary.startsWith(first) ? job.summary.slice(first.length).trim() : '',
    urgency: job.state === 'fixed' || job.state === 'done' ? 'normal' : 'high',
    buttons: [
      ...(awaitsConfirmation(job) ? (['keep'] as const) : []),
      ...(job.canUndo && job.state === 'fixed' ? (['undo'] as const) : []),
    ],
  };
}

/**
 * Gathers news into bursts: the first item waits `windowMs` for others, and
 * bursts are at least `minIntervalMs` apart, so a flood gives one notification
 * that says how many. The caller runs the timer: add() says when to flush.
 */
export class Coalescer<T> {
  private _pending: T[] = [];
  private _scheduled = false;
  private _lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly _windowMs: number,
    private readonly _minIntervalMs: number,
  ) {}

  /** Queues `item`; returns the delay after which to call flush(), or null when a flush is already due. */
  add(item: T, now: number): number | null {
    this._pending.push(item);
    if (this._scheduled) return null;
    this._scheduled = true;
    return Math.max(this._windowMs, this._lastFlush + this._minIntervalMs - now);
  }

  /** Whether an item still waiting is one `matches` picks. */
  waits(matches: (item: T) => boolean): boolean {
    return this._pending.some(matches);
  }

  /** Replaces the items still waiting by what `update` makes of them. */
  update(update: (item: T) => T): void {
    this._pending = this._pending.map(update);
  }

  flush(now: number): T[] {
    const items = this._pending;
    this._pending = [];
    this._scheduled = false;
    this._lastFlush = now;
    return items;
  }
}

/** A notification's title and body as GNOME Shell may show them: bounded, and its body with no link in it. */
const NOTIFICATION_LIMITS = { title: 120, body: 1000, button: 120 };

/**
 * `text` as a person is shown it (shownText): the title one line, the body without what GNOME Shell would make a
 * link of, the button's words bounded; what GNOME Shell escapes as markup it escapes itself.
 */
export function shownNotification(text: NotificationText): NotificationText {
  return {
    ...text,
    title: shownText(text.title, { maxChars: NOTIFICATION_LIMITS.title }),
    body: shownText(text.body, { maxChars: NOTIFICATION_LIMITS.body, multiline: true, unlinked: true }),
    ...(text.applyLabel !== undefined && {
      applyLabel: shownText(text.applyLabel, { maxChars: NOTIFICATION_LIMITS.button }),
    }),
  };
}
