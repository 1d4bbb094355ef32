import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import { Extension, gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import { ConfirmationAgent } from './confirmationAgent.js';
import { StewardIndicator } from './indicator.js';
import { StewardNotifications } from './notifications.js';
import { primaryAction, type Proposal } from './notificationPolicy.js';
import { StewardProxies } from './stewardProxies.js';
import { ServiceClient } from './serviceClient.js';
import { QuickChat } from './quickChat.js';
import { QuickChatShortcut } from './shortcut.js';
import { StewardSearchProvider } from './searchProvider.js';

export default class StewardExtension extends Extension {
  private _indicator: StewardIndicator | null = null;
  private _steward: StewardProxies | null = null;
  private _notifications: StewardNotifications | null = null;
  private _client: ServiceClient | null = null;
  private _quickChat: QuickChat | null = null;
  private _shortcut: QuickChatShortcut | null = null;
  private _confirmations: ConfirmationAgent | null = null;
  private _search: StewardSearchProvider | null = null;

  override enable(): void {
    this._steward = new StewardProxies({
      changed: () => this._indicator?.sync(),
      proposalAdded: (proposal) =>
        this._notifications?.tell({
          kind: 'proposal',
          proposal,
          severity: this._steward?.severityOf(proposal.findingId) ?? 'warning',
        }),
      findingAdded: (finding) => this._notifications?.tell({ kind: 'finding', finding }),
      jobFinished: (job) => this._notifications?.jobFinished(job),
      failed: (summary, error) => this._report(summary, error),
    });
    this._indicator = new StewardIndicator(this.dir.get_child('icons'), this._steward, {
      startService: () => this._startService(),
      takeShortcut: () => this._shortcut?.takeFromSwitcher(),
      openChat: (proposalId) => this.openChat(proposalId),
      openPreferences: () => this.openPreferences(),
      apply: (proposal) => this._apply(proposal),
    });
    Main.panel.addToStatusArea(this.uuid, this._indicator);
    this._notifications = new StewardNotifications(
      this.getSettings(),
      new Gio.FileIcon({ file: this.dir.get_child('icons').get_child('steward-symbolic.svg') }),
      {
        apply: (proposal) => this._apply(proposal),
        review: (proposal) => this.openChat(proposal.id),
        dismiss: (proposal) => void this._steward?.dismiss(proposal.id),
        undo: (job) => void this._steward?.undo(job.id),
        keep: () => void this._steward?.confirmChanges(),
        open: () => this._indicator?.showProposal(),
      },
    );
    this._steward.connect().catch((error: unknown) => this._report(_('Cannot reach the session bus'), error));

    this._client = new ServiceClient((status) => this._indicator?.showStatus(status));
    this._client.watch().catch((error: unknown) => this._report(_('Cannot reach the session bus'), error));

    this._quickChat = new QuickChat(this._steward);
    // The shortcut reports its conflict from its constructor on, before it is assigned here.
    const showConflict = (shortcut: QuickChatShortcut) =>
      this._indicator?.showShortcutConflict(shortcut.conflict, shortcut.canTakeFromSwitcher);
    this._shortcut = new QuickChatShortcut(
      this.getSettings(),
      () => this._quickChat?.toggle(),
      () => {
        if (this._shortcut) showConflict(this._shortcut);
      },
    );
    showConflict(this._shortcut);

    this._confirmations = new ConfirmationAgent((error) =>
      this._report(_('Steward cannot ask you to confirm changes'), error),
    );

    const steward = this._steward;
    this._search = new StewardSearchProvider(
      this.uuid,
      new Gio.FileIcon({ file: this.dir.get_child('icons').get_child('steward-symbolic.svg') }),
      steward,
      {
        ask: (question) => this._quickChat?.ask(question),
        openProposal: (proposalId) => this.openChat(proposalId),
        // A finding's proposal, when it has one, else the menu that lists the findings.
        openFinding: (findingId) => {
          const proposal = steward.proposals.find((p) => p.findingId === findingId);
          if (proposal) this.openChat(proposal.id);
          else this._indicator?.showProposal();
        },
      },
    );
    this._search.register();
  }

  /** Opens the quick chat; with a proposal's id, shows that proposal's card in it. */
  openChat(proposalId?: string): void {
    this._quickChat?.open(proposalId);
  }

  override disable(): void {
    this._search?.destroy();
    this._search = null;
    this._confirmations?.destroy();
    this._confirmations = null;
    this._shortcut?.destroy();
    this._shortcut = null;
    this._quickChat?.destroy();
    this._quickChat = null;
    this._client?.destroy();
    this._client = null;
    this._notifications?.destroy();
    this._notifications = null;
    this._steward?.destroy();
    this._steward = null;
    this._indicator?.destroy();
    this._indicator = null;
  }

  private _apply(proposal: Proposal): void {
    const action = primaryAction(proposal);
    if (action) void this._steward?.apply(proposal.id, action.name);
  }

  private _startService(): void {
    this._client?.start().catch((error: unknown) => this._report(_('Steward could not be started'), error));
  }

  private _report(summary: string, error: unknown): void {
    if (error instanceof GLib.Error) {
      // disable() cancels calls in flight; that is not a failure to show.
      if (error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED)) return;
      Gio.DBusError.strip_remote_error(error);
    }
    const message = error instanceof Error || error instanceof GLib.Error ? error.message : String(error);
    console.warn(`Steward: ${summary}: ${message}`);
    this._indicator?.showError(`${summary}: ${message}`);
    this._quickChat?.showError(`${summary}: ${message}`);
  }
}
