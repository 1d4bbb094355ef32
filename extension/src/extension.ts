// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { Extension, gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import { errorMessage, isCancelled } from './client/errors.js';
import { StewardClient } from './client/stewardClient.js';
import { primaryAction, type Proposal } from './shared/model.js';
import { QuickChat } from './shell/chat/quickChat.js';
import { ConfirmationAgent } from './shell/confirmationAgent.js';
import { StewardIndicator } from './shell/indicator.js';
import { StewardNotifications } from './shell/notifications.js';
import { StewardSearchProvider } from './shell/searchProvider.js';
import { QuickChatShortcut } from './shell/shortcut.js';
import { StewardState } from './shell/stewardState.js';

/**
 * Set in GNOME Shell's environment by the e2e harness, which also puts the test hook
 * (shell/testHook.js) beside this file: no package ships it.
 */
const TEST_HOOK_WANTED = 'STEWARD_EXTENSION_TEST_HOOK';

/**
 * Everything one enable() made. Each resource pushes the step that undoes it
 * as it is made, and destroy() runs those steps in reverse, so an enable that
 * fails half-way leaves nothing behind. Its fields are never null; the quick
 * chat's widgets are made when the chat is first opened.
 */
class EnabledExtension {
  private readonly _undo: (() => void)[] = [];
  private readonly _client: StewardClient;
  private readonly _steward: StewardState;
  private readonly _indicator: StewardIndicator;
  private readonly _notifications: StewardNotifications;
  private readonly _shortcut: QuickChatShortcut;
  private readonly _search: StewardSearchProvider;
  private _quickChat: QuickChat | null = null;
  private _destroyed = false;
  private readonly _settings: Gio.Settings;

  constructor(_extension: StewardExtension) {
    this._settings = _extension.getSettings();
    const icons = _extension.dir.get_child('icons');
    const icon = new Gio.FileIcon({ file: icons.get_child('steward-symbolic.svg') });

    this._client = this._own(new StewardClient());
    this._steward = this._own(
      new StewardState(this._client, {
        changed: () => this._indicator.sync(),
        proposalOffered: (proposal) =>
          this._notifications.tell({
            kind: 'proposal',
            proposal,
            severity: this._steward.severityOf(proposal.findingId),
            finding: this._steward.findingOf(proposal.findingId),
          }),
        proposalChanged: (proposal) => this._notifications.proposalChanged(proposal),
        findingAdded: (finding) => this._notifications.tell({ kind: 'finding', finding }),
        jobFinished: (job) => this._notifications.jobFinished(job),
        failed: (summary, error) => this._report(summary, error),
      }),
    );
    this._indicator = this._own(
      new StewardIndicator(icons, this._steward, {
        startService: () => void this._steward.startService(),
        takeShortcut: () => this._shortcut.takeFromSwitcher(),
        openChat: (proposalId) => this.openChat(proposalId),
        openPreferences: () => _extension.openPreferences(),
        apply: (proposal) => this._apply(proposal),
      }),
    );
    Main.panel.addToStatusArea(_extension.uuid, this._indicator);
    this._notifications = this._own(
      new StewardNotifications(_extension.getSettings(), icon, {
        apply: (proposal) => this._apply(proposal),
        review: (proposal) => this.openChat(proposal.id),
        dismiss: (proposal) => void this._steward.dismiss(proposal.id),
        undo: (job) => void this._steward.undo(job.id),
        keep: () => void this._steward.confirmChanges(),
        open: () => this._indicator.showProposal(),
        stillNews: (news) => this._steward.stillNews(news),
      }),
    );
    this._steward.start().catch((error: unknown) => this._report(_('Cannot reach the session bus'), error));

    // The shortcut reports its conflict from its constructor on, before it is assigned here.
    let shortcut: QuickChatShortcut | null = null;
    const showConflict = () =>
      shortcut && this._indicator.showShortcutConflict(shortcut.conflict, shortcut.canTakeFromSwitcher);
    shortcut = new QuickChatShortcut(_extension.getSettings(), () => this.quickChat.toggle(), showConflict);
    this._shortcut = this._own(shortcut);
    showConflict();

    const confirmations = this._own(
      new ConfirmationAgent(this._client, (error) =>
        this._report(_('Steward cannot ask you to confirm changes'), error),
      ),
    );
    confirmations.start();

    this._search = this._own(
      new StewardSearchProvider(_extension.uuid, icon, this._steward, {
        ask: (question) => this.quickChat.ask(question),
        openProposal: (proposalId) => this.openChat(proposalId),
        // A finding's proposal, when it has one, else the menu that lists the findings.
        openFinding: (findingId) => {
          const proposal = this._steward.proposals.find((p) => p.findingId === findingId);
          if (proposal) this.openChat(proposal.id);
          else this._indicator.showProposal();
        },
      }),
    );
    this._search.register();

    if (GLib.getenv(TEST_HOOK_WANTED) === '1')
      this._exportTestHook().catch((error: unknown) => this._report('Cannot load the test hook', error));
  }

  private async _exportTestHook(): Promise<void> {
    const { TestHook } = await import('./shell/testHook.js');
    // disable() may have come while the module loaded.
    if (!this._destroyed) this._own(new TestHook(this)).export();
  }

  /** The quick chat, made the first time it is needed. */
  get quickChat(): QuickChat {
    this._quickChat ??= this._own(new QuickChat(this._client, this._steward, this._settings));
    return this._quickChat;
  }

  get quickChatMade(): boolean {
    return this._quickChat !== null;
  }

  get shortcut(): QuickChatShortcut {
    return this._shortcut;
  }

  get indicator(): StewardIndicator {
    return this._indicator;
  }

  get client(): StewardClient {
    return this._client;
  }

  get steward(): StewardState {
    return this._steward;
  }

  get search(): StewardSearchProvider {
    return this._search;
  }

  get notifications(): StewardNotifications {
    return this._notifications;
  }

  /** Opens the quick chat; with a proposal's id, shows that proposal's card in it. */
  openChat(proposalId?: string): void {
    this.quickChat.open(proposalId);
  }

  destroy(): void {
    this._destroyed = true;
    for (const undo of this._undo.reverse()) {
      try {
        undo();
      } catch (error) {
        // One failed step must not keep the others from running: disable() undoes everything.
        console.error('Steward: disable', error);
      }
    }
    this._undo.length = 0;
  }

  /** Pushes `resource.destroy` onto the undo stack. */
  private _own<T extends { destroy(): void }>(resource: T): T {
    this._undo.push(() => resource.destroy());
    return resource;
  }

  private _apply(proposal: Proposal): void {
    const action = primaryAction(proposal);
    if (action) void this._steward.apply(proposal.id, action.name);
  }

  private _report(summary: string, error: unknown): void {
    // disable() cancels calls in flight; that is not a failure to show.
    if (isCancelled(error)) return;
    const message = `${summary}: ${errorMessage(error, _)}`;
    console.warn(`Steward: ${message}`);
    this._indicator.showError(message);
    this._quickChat?.showError(message);
  }
}

export default class StewardExtension extends Extension {
  private _enabled: EnabledExtension | null = null;

  override enable(): void {
    this._enabled = new EnabledExtension(this);
  }

  override disable(): void {
    this._enabled?.destroy();
    this._enabled = null;
  }

  /** Opens the quick chat; with a proposal's id, shows that proposal's card in it. */
  openChat(proposalId?: string): void {
    this._enabled?.openChat(proposalId);
  }
}
