// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { gettext as _, ngettext } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';
import * as MessageTray from 'resource:///org/gnome/shell/ui/messageTray.js';

import type { Job, Proposal } from '../shared/model.js';
import {
  Coalescer,
  meetsLevel,
  type News,
  notificationFor,
  type NotificationLevel,
  type NotificationText,
  resultNotification,
  severityOf,
  shownNotification,
  type Urgency,
  worthTelling,
} from './notificationPolicy.js';

/** A burst's first item waits this long for the rest of it. */
const WINDOW_MS = 1500;
/** Bursts are at least this far apart. */
const MIN_INTERVAL_MS = 20_000;

const URGENCY: Record<Urgency, MessageTray.Urgency> = {
  low: MessageTray.Urgency.LOW,
  normal: MessageTray.Urgency.NORMAL,
  high: MessageTray.Urgency.HIGH,
  critical: MessageTray.Urgency.CRITICAL,
};

/** What a notification is about: a proposal, a finished job, or neither (findings, a count). */
interface Subject {
  proposal?: Proposal;
  job?: Job;
}

export interface NotificationHandlers {
  apply(proposal: Proposal): void;
  /** Shows the proposal with its exact effect, before anything runs. */
  review(proposal: Proposal): void;
  dismiss(proposal: Proposal): void;
  undo(job: Job): void;
  /** Keeps the NixOS changes that wait for confirmation; unkept, the service switches back. */
  keep(): void;
  /** Shows what waits, in the indicator's menu. */
  open(): void;
  /**
   * Whether news is still worth telling when its burst goes out: a finding still active with no waiting proposal
   * (one told before) that tells it, a proposal still waiting; what cleared meanwhile is not told.
   */
  stillNews(news: News): boolean;
}

/** Steward's notifications: new findings and proposals, coalesced, and the results of fixes. */
export class StewardNotifications {
  private _source: MessageTray.Source | null = null;
  private _timeoutId = 0;
  private readonly _coalescer = new Coalescer<News>(WINDOW_MS, MIN_INTERVAL_MS);
  /** The notifications on screen that tell one proposal, by its id. */
  private readonly _told = new Map<string, { notification: MessageTray.Notification; news: News }>();
  /** The notifications on screen that tell one finding alone, by its id: its proposal, once drafted, takes one over. */
  private readonly _toldFindings = new Map<string, MessageTray.Notification>();
  /** What each notification on screen is about, which its buttons and a click act on. */
  private readonly _subjects = new WeakMap<MessageTray.Notification, Subject>();

  constructor(
    private readonly _settings: Gio.Settings,
    private readonly _icon: Gio.Icon,
    private readonly _handlers: NotificationHandlers,
  ) {}

  tell(news: News): void {
    if (news.kind === 'proposal' && this._takeOver(news)) return;
    // A proposal told again before its burst went out (it now offers a change) is one piece of news, as it stands.
    const same = (item: News) =>
      news.kind === 'proposal' && item.kind === 'proposal' && item.proposal.id === news.proposal.id;
    if (this._coalescer.waits(same)) {
      this._coalescer.update((item) => (same(item) ? news : item));
      return;
    }
    const delay = this._coalescer.add(news, GLib.get_monotonic_time() / 1000);
    if (delay === null) return;
    this._timeoutId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, delay, () => {
      this._timeoutId = 0;
      this._flush();
      return GLib.SOURCE_REMOVE;
    });
  }

  /** What is told, or waits to be told, of a proposal that changed says what its reading steps found. */
  proposalChanged(proposal: Proposal): void {
    const renewed = (news: News): News =>
      news.kind === 'proposal' && news.proposal.id === proposal.id ? { ...news, proposal } : news;
    this._coalescer.update(renewed);
    const told = this._told.get(proposal.id);
    if (told) told.notification.body = shownNotification(notificationFor([renewed(told.news)], { _, ngettext })).body;
  }

  /**
   * A proposal drafted after its finding was told alone tells the person in that notification, shown again, rather
   * than in a second one a burst later: one problem, one notification.
   */
  private _takeOver(news: News & { kind: 'proposal' }): boolean {
    const { findingId } = news.proposal;
    const notification = this._toldFindings.get(findingId);
    if (!notification || !meetsLevel(severityOf(news), this._level)) return false;
    this._toldFindings.delete(findingId);
    this._fill(notification, notificationFor([news], { _, ngettext }), { proposal: news.proposal });
    this._remember(notification, news);
    // GNOME Shell shows an unacknowledged notification's banner again, or updates the one on screen.
    notification.acknowledged = false;
    return true;
  }

  jobFinished(job: Job): void {
    if (this._level === 'none') return;
    this._show(resultNotification(job, { _, ngettext }), { job });
  }

  destroy(): void {
    if (this._timeoutId) GLib.source_remove(this._timeoutId);
    this._timeoutId = 0;
    this._source?.destroy(MessageTray.NotificationDestroyedReason.SOURCE_CLOSED);
    this._source = null;
    this._told.clear();
    this._toldFindings.clear();
  }

  private get _level(): NotificationLevel {
    return this._settings.get_string('notification-level') as NotificationLevel;
  }

  private _flush(): void {
    const items = worthTelling(this._coalescer.flush(GLib.get_monotonic_time() / 1000), this._level).filter((news) =>
      this._handlers.stillNews(news),
    );
    if (items.length === 0) return;
    const [first] = items as [News];
    const proposal = items.length === 1 && first.kind === 'proposal' ? first.proposal : undefined;
    const notification = this._show(notificationFor(items, { _, ngettext }), { proposal });
    if (items.length === 1 && first.kind === 'proposal') this._remember(notification, first);
    if (items.length === 1 && first.kind === 'finding') {
      const { id } = first.finding;
      this._toldFindings.set(id, notification);
      notification.connect('destroy', () => {
        if (this._toldFindings.get(id) === notification) this._toldFindings.delete(id);
      });
    }
  }

  /** Keeps `notification` as the one telling its proposal, for the answers its reading steps bring. */
  private _remember(notification: MessageTray.Notification, news: News & { kind: 'proposal' }): void {
    const { id } = news.proposal;
    this._told.set(id, { notification, news });
    notification.connect('destroy', () => {
      if (this._told.get(id)?.notification === notification) this._told.delete(id);
    });
  }

  private _show(words: NotificationText, subject: Subject): MessageTray.Notification {
    const source = this._getSource();
    const notification = new MessageTray.Notification({ source });
    this._fill(notification, words, subject);
    notification.connect('activated', () => {
      const { proposal } = this._subjects.get(notification) ?? {};
      if (proposal) this._handlers.review(proposal);
      else this._handlers.open();
    });
    source.addNotification(notification);
    return notification;
  }

  /** Gives `notification` the words and buttons of `words`, about `subject`. */
  private _fill(notification: MessageTray.Notification, words: NotificationText, subject: Subject): void {
    const text = shownNotification(words);
    notification.title = text.title;
    notification.body = text.body;
    notification.urgency = URGENCY[text.urgency];
    notification.clearActions();
    this._subjects.set(notification, subject);
    const { proposal, job } = subject;
    for (const button of text.buttons) {
      if (button === 'apply' && proposal)
        notification.addAction(text.applyLabel ?? _('Apply'), () => this._handlers.apply(proposal));
      if (button === 'review' && proposal) notification.addAction(_('Review'), () => this._handlers.review(proposal));
      if (button === 'details' && proposal) notification.addAction(_('Details'), () => this._handlers.review(proposal));
      if (button === 'undo' && job) notification.addAction(_('Undo'), () => this._handlers.undo(job));
      if (button === 'keep') notification.addAction(_('Keep Changes'), () => this._handlers.keep());
      if (button === 'open') notification.addAction(_('Show'), () => this._handlers.open());
      if (button === 'dismiss') {
        notification.addAction(_('Dismiss'), () => {
          if (proposal) this._handlers.dismiss(proposal);
        });
      }
    }
  }

  private _getSource(): MessageTray.Source {
    if (!this._source) {
      this._source = new MessageTray.Source({ title: _('Steward'), icon: this._icon });
      // A source destroys itself when its last notification goes.
      this._source.connect('destroy', () => {
        this._source = null;
      });
      Main.messageTray.add(this._source);
    }
    return this._source;
  }
}
