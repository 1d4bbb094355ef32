// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { MessageBus } from '@jellybrick/dbus-next';

import type { ChatSnapshot } from '../../../extension/src/shared/model.js';
import { callMethod } from '../../../service/src/dbus/client.js';

export interface ShortcutState {
  bound: boolean;
  conflict: string | null;
  canTakeFromSwitcher: boolean;
  registered: boolean;
}

/**
 * The extension's test hook (extension/src/shell/testHook.ts), which GNOME Shell exports
 * on its own connection when session.sh sets STEWARD_EXTENSION_TEST_HOOK.
 */
export class TestHook {
  constructor(private readonly _bus: MessageBus) {}

  async serviceRunning(): Promise<boolean> {
    return (await this._call('ServiceRunning'))[0] as boolean;
  }

  /** The file the indicator's icon shows ("steward-symbolic.svg"). */
  async indicatorIcon(): Promise<string> {
    return (await this._call('IndicatorIcon'))[0] as string;
  }

  async chatMade(): Promise<boolean> {
    return (await this._call('ChatMade'))[0] as boolean;
  }

  async chat(): Promise<ChatSnapshot> {
    return JSON.parse((await this._call('ChatState'))[0] as string) as ChatSnapshot;
  }

  async openChat(proposalId = ''): Promise<void> {
    await this._call('OpenChat', 's', [proposalId]);
  }

  async newConversation(): Promise<void> {
    await this._call('NewConversation');
  }

  /** Puts `text` in the entry, as typing it does; Enter then sends it. */
  async typeText(text: string): Promise<void> {
    await this._call('TypeText', 's', [text]);
  }

  /** Types `text` into the entry and sends it, as Enter does. */
  async sendText(text: string): Promise<void> {
    await this._call('SendText', 's', [text]);
  }

  async stopAnswer(): Promise<void> {
    await this._call('StopAnswer');
  }

  async clickMicrophone(): Promise<void> {
    await this._call('ClickMicrophone');
  }

  /** Clicks the button labelled `label` of the last proposal card; false when there is none. */
  async clickCardButton(label: string): Promise<boolean> {
    return (await this._call('ClickCardButton', 's', [label]))[0] as boolean;
  }

  async clickDownload(): Promise<void> {
    await this._call('ClickDownload');
  }

  async recordSetupTexts(): Promise<void> {
    await this._call('RecordSetupTexts');
  }

  async setupTexts(): Promise<string[]> {
    return (await this._call('SetupTexts'))[0] as string[];
  }

  async recordOpening(): Promise<void> {
    await this._call('RecordOpening');
  }

  /** When the panel showed and when its first frame was painted, in GLib's monotonic clock (µs). */
  async openingTiming(): Promise<{ visible?: number; painted?: number }> {
    return JSON.parse((await this._call('OpeningTiming'))[0] as string) as { visible?: number; painted?: number };
  }

  async shortcut(): Promise<ShortcutState> {
    return JSON.parse((await this._call('ShortcutState'))[0] as string) as ShortcutState;
  }

  async takeShortcut(): Promise<void> {
    await this._call('TakeShortcut');
  }

  /**
   * Hands the shell one of the service's signals as its client passes it on: a STAND-IN for a proposal the service
   * drafts seconds after its finding (see TellSignal in the extension's hook).
   */
  async tellSignal(
    signal: 'findingAdded' | 'proposalAdded' | 'findingResolved' | 'proposalRemoved',
    payload: Record<string, unknown> | string,
  ): Promise<void> {
    await this._call('TellSignal', 'ss', [signal, JSON.stringify(payload)]);
  }

  /** Tells a job's end from its dictionary, as JobFinished does: a STAND-IN for a job that cannot run here. */
  async tellJobFinished(job: Record<string, unknown>): Promise<void> {
    await this._call('TellJobFinished', 's', [JSON.stringify(job)]);
  }

  async menuItems(): Promise<string[]> {
    return (await this._call('MenuItems'))[0] as string[];
  }

  async searchResults(): Promise<string[]> {
    return (await this._call('SearchResults'))[0] as string[];
  }

  async clickSearchResult(title: string): Promise<boolean> {
    return (await this._call('ClickSearchResult', 's', [title]))[0] as boolean;
  }

  private _call(member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    return callMethod(this._bus, {
      destination: 'org.gnome.Shell',
      path: '/io/github/steward/ExtensionTest',
      interface: 'io.github.steward.ExtensionTest',
      member,
      signature,
      body,
    });
  }
}
