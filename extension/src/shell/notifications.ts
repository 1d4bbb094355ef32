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
  type News,
  notificationFor,
  type NotificationLevel,
  type NotificationText,
  resultNotification,
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

  constructor(
    private readonly _settings: Gio.Settings,
    private readonly _icon: Gio.Icon,
    private readonly _handlers: NotificationHandlers,
  ) {}

  tell(news: News): void {
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
    if (proposal) {
      this._told.set(proposal.id, { notification, news: first });
      notification.connect('destroy', () => this._told.delete(proposal.id));
    }
  }

  private _show(words: NotificationText, subject: { proposal?: Proposal; job?: Job }): MessageTray.Notification {
    const text = shownNotification(words);
    const source = this._getSource();
    const notification = new MessageTray.Notification({
      source,
      title: text.title,
      body: text.body,
      urgency: URGENCY[text.urgency],
    });
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
    notification.connect('activated', () => {
      if (proposal) this._handlers.review(proposal);
      else this._handlers.open();
    });
    source.addNotification(notification);
    return notification;
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
