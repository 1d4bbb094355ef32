// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Clutter from 'gi://Clutter';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Dialog from 'resource:///org/gnome/shell/ui/dialog.js';
import * as ModalDialog from 'resource:///org/gnome/shell/ui/modalDialog.js';

import { errorNamed, isCancelled } from '../client/errors.js';
import type { StewardClient } from '../client/stewardClient.js';
import type { ConfirmationRequest } from '../client/types.js';
import { shownText } from '../shared/shownText.js';
import { format } from '../shared/text.js';

/**
 * Asks the user, in the shell's own modal dialog, to confirm changes that widen
 * what Steward may do. The service sends the requests to the shell's connection
 * alone and takes answers from it alone; the client delivers only requests from
 * the service's own connection, so no peer can put its words in the dialog.
 */
export class ConfirmationAgent {
  private readonly _queue: ConfirmationRequest[] = [];
  private _dialog: ModalDialog.ModalDialog | null = null;
  private _shown: ConfirmationRequest | null = null;
  private _destroyed = false;

  constructor(
    private readonly _client: StewardClient,
    private readonly _failed: (error: unknown) => void,
  ) {
    _client.on('confirmationRequested', (request) => this._onRequest(request));
    _client.on('ownerChanged', (running) => (running ? this._register() : this._onServiceVanished()));
  }

  /** Registers with the service that runs now, if one does. */
  start(): void {
    this._client.connect().then(
      () => {
        if (this._client.running) this._register();
      },
      (error: unknown) => this._report(error),
    );
  }

  /** Registers again with each service that starts: a new service knows no agent. */
  private _register(): void {
    this._client.registerConfirmationAgent().catch((error: unknown) => {
      // A service that cannot verify this shell (one installed outside /usr/bin, one in another PID
      // namespace) asks through polkit or the terminal instead: nothing the user must act on.
      if (errorNamed(error, 'NotAuthorized'))
        console.debug(`Steward: changes are confirmed elsewhere: ${String(error)}`);
      else this._report(error);
    });
  }

  private _report(error: unknown): void {
    if (!isCancelled(error) && !this._destroyed) this._failed(error);
  }

  private _onServiceVanished(): void {
    // Its requests died with it: nothing is left to answer.
    this._queue.length = 0;
    this._shown = null;
    this._closeDialog();
  }

  private _onRequest(request: ConfirmationRequest): void {
    this._queue.push(request);
    if (!this._shown) this._showNext();
  }

  private _showNext(): void {
    const request = this._queue.shift();
    this._shown = request ?? null;
    if (!request) return;
    const dialog = new ModalDialog.ModalDialog({ destroyOnClose: true });
    dialog.contentLayout.add_child(
      new Dialog.MessageDialogContent({
        title: _('Allow Steward to do more?'),
        description: [
          format(_('{program} asked Steward to:'), { program: shownText(request.caller) }),
          ...request.changes.map((change) => `• ${shownText(change)}`),
        ].join('\n'),
      }),
    );
    dialog.setButtons([
      { label: _('Deny'), action: () => this._decide(request, false), key: Clutter.KEY_Escape },
      { label: _('Allow'), action: () => this._decide(request, true) },
    ]);
    this._dialog = dialog;
    dialog.open();
  }

  private _decide(request: ConfirmationRequest, allowed: boolean): void {
    this._closeDialog();
    this._answer(request.id, allowed);
    this._showNext();
  }

  private _answer(id: number, allowed: boolean): void {
    this._client.answerConfirmation(id, allowed).catch((error: unknown) => this._report(error));
  }

  private _closeDialog(): void {
    this._dialog?.close();
    this._dialog = null;
  }

  /** Refuses what is still waiting, closes the dialog and stops listening. */
  destroy(): void {
    for (const request of [this._shown, ...this._queue]) if (request) this._answer(request.id, false);
    this._queue.length = 0;
    this._shown = null;
    this._closeDialog();
    this._destroyed = true;
  }
}
