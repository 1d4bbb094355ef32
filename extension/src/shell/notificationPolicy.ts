// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which findings and proposals become notifications, how a burst of them is
// coalesced, and the words they carry. Pure logic, no GNOME imports, so it
// runs under Node in the unit tests.

import {
  buttonLabel,
  type Finding,
  headingOf,
  type Job,
  primaryAction,
  type Proposal,
  SEVERITIES,
  type Severity,
} from '../shared/model.js';
import { shownText } from '../shared/shownText.js';
import { format, type Translations } from '../shared/text.js';

export type NotificationLevel = 'all' | 'warnings' | 'errors' | 'none';
export type Urgency = 'low' | 'normal' | 'high' | 'critical';

/** Something new to tell the user about; a proposal with the finding it answers, where the shell knows it. */
export type News =
  | { kind: 'proposal'; proposal: Proposal; severity: Severity; finding?: Finding }
  | { kind: 'finding'; finding: Finding };

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

/**
 * GNOME Shell shows a notification's body as one paragraph: its banner and its message list replace "\n" with a
 * space (messageList.js, 46 to 50). Unicode's LINE SEPARATOR is a line break that Pango keeps there.
 */
export const LINE_BREAK = '\u2028';
/** The short lines under a notification's title (the cause, what the steps found or change); Details has the rest. */
const MAX_LINES = 3;

type Gettext = (text: string) => string;
type NGettext = (singular: string, plural: string, n: number) => string;

export type { Translations };

const LEAST_SEVERITY: Record<NotificationLevel, number> = { all: 0, warnings: 1, errors: 2, none: SEVERITIES.length };
const URGENCY: Record<Severity, Urgency> = { info: 'low', warning: 'normal', error: 'high', critical: 'critical' };

/**
 * Low-risk fixes of one-click proposals may be applied from a notification; others are reviewed first: a
 * problem only a program's own log line reports, or a fix the model suggested, is looked at before it runs.
 */
export function canApplyDirectly(proposal: Proposal): boolean {
  return proposal.oneClick && primaryAction(proposal)?.risk === 'low';
}

/** The sentences of the first paragraph of `text`: "exit code 3." ends one, "backup.service" does not. */
const sentencesOf = (text: string): string[] =>
  (text.split('\n').find((line) => line.trim() !== '') ?? '').match(/\S.*?(?:[.!?](?=\s|$)|$)/g) ?? [];

const bare = (sentence: string) => sentence.replace(/[.:!?]+$/, '').trim();

/**
 * Why, in one line: that the person asked in the quick chat, or which program only its own log line vouches for,
 * else the first sentence of the explanation that does not say again what the title says, the model's
 * words marked as the model's.
 */
function causeLine(proposal: Proposal, said: string[], _: Gettext): string {
  if (proposal.origin === 'chat') return _('You asked for this in the quick chat.');
  if (proposal.unconfirmedReporter)
    // Translators: {reporter} is a program as the journal names it, such as "python3 (uid 1000, /usr/bin/python3)".
    return format(_('Reported by {reporter}; the system has not confirmed it.'), {
      reporter: proposal.unconfirmedReporter,
    });
  const repeats = new Set(said.map(bare));
  const sentence = sentencesOf(proposal.explanation).find((s) => !repeats.has(bare(s)));
  if (!sentence) return '';
  const line = oneLine(sentence);
  return proposal.explainedByModel ? format(_('The model says: {explanation}'), { explanation: line }) : line;
}

const sameWords = (a: string, b: string) => b !== '' && bare(a).toLocaleLowerCase() === bare(b).toLocaleLowerCase();

/** What a step that only read found, in one line: its answer's first line, which says it in plain words. */
const gistOf = (answer: string) => oneLine(answer.replace(/\n[^]*$/, '').replace(/:$/, ''));

/** The body of a notification: `lines`, at most MAX_LINES, each on a line of its own on screen. */
export const bodyOf = (lines: string[]) => lines.filter(Boolean).slice(0, MAX_LINES).join(LINE_BREAK);

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
      body: bodyOf(titlesOf(items, ngettext)),
      urgency,
      buttons: ['open', 'dismiss'],
    };
  }
  const [news] = items as [News];
  if (news.kind === 'finding') {
    const { title, explanation } = news.finding;
    return {
      title,
      body: bodyOf([sentencesOf(explanation).find((s) => bare(s) !== bare(title)) ?? '']),
      urgency,
      buttons: ['open', 'dismiss'],
    };
  }
  const { proposal } = news;
  const action = primaryAction(proposal);
  const title = headingOf(proposal, news.finding);
  const change = action && !action.readOnly ? buttonLabel(action) : '';
  // A line that says again what the heading or the button says, whatever its case ("Resume printer x" beside the
  // button "Resume Printer x"), tells the person nothing more.
  const said = (line: string) => [title, change].some((shown) => sameWords(line, shown));
  const found = proposal.actions
    .filter((step) => step.shown && step.answer !== '')
    .map((step) => gistOf(step.answer))
    .filter((gist) => !said(gist));
  // The proposal's own title where it says more than the finding and the button: "Restart x: port 80 is free now";
  // a step that only looks is named by Details ("See why x failed").
  const also = !change || said(proposal.title) ? '' : proposal.title;
  return {
    title,
    body: bodyOf([causeLine(proposal, [title, proposal.title], _), ...found, also]),
    urgency,
    buttons: [!action ? 'details' : canApplyDirectly(proposal) ? 'apply' : 'review', 'dismiss'],
    ...(action && { applyLabel: buttonLabel(action) }),
  };
}

/** A burst's items, a title a line, the last line saying how many more there are. */
function titlesOf(items: News[], ngettext: NGettext): string[] {
  const titles = items.map((news) =>
    news.kind === 'proposal' ? headingOf(news.proposal, news.finding) : news.finding.title,
  );
  if (titles.length <= MAX_LINES) return titles;
  const more = titles.length - (MAX_LINES - 1);
  return [...titles.slice(0, MAX_LINES - 1), format(ngettext('and {n} more', 'and {n} more', more), { n: more })];
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
  // A switch that is reverted unless kept asks, as GNOME asks "Keep these display settings?"; what changed below.
  if (awaitsConfirmation(job)) {
    return {
      title: _('Keep the new NixOS configuration?'),
      body: bodyOf([first]),
      urgency: 'high',
      buttons: ['keep', ...(job.canUndo ? (['undo'] as const) : [])],
    };
  }
  // An Undo that ran puts back what was there before, the problem too: its check of the fix's goal says so below.
  const undone = job.undoOf !== '' && (job.state === 'fixed' || job.state === 'not-fixed');
  return {
    title: format((undone ? _('Undone: {summary}') : templates[job.state]) ?? _('Failed: {summary}'), {
      summary: first.replace(/\.$/, ''),
    }),
    body: bodyOf(
      job.summary.startsWith(first)
        ? job.summary
            .slice(first.length)
            .split('\n')
            .map((l) => l.trim())
        : [],
    ),
    urgency: undone || job.state === 'fixed' || job.state === 'done' ? 'normal' : 'high',
    buttons: job.canUndo && job.state === 'fixed' && !undone ? ['undo'] : [],
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
    // Line by line: the sanitizer makes one line of every kind of break, LINE_BREAK included, which GNOME Shell keeps.
    body: text.body
      .split(LINE_BREAK)
      .map((line) => shownText(line, { maxChars: NOTIFICATION_LIMITS.body / MAX_LINES, unlinked: true }))
      .join(LINE_BREAK),
    ...(text.applyLabel !== undefined && {
      applyLabel: shownText(text.applyLabel, { maxChars: NOTIFICATION_LIMITS.button }),
    }),
  };
}
