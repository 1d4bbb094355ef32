import Clutter from 'gi://Clutter';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Dialog from 'resource:///org/gnome/shell/ui/dialog.js';
import * as ModalDialog from 'resource:///org/gnome/shell/ui/modalDialog.js';

import { BUS_NAME, callSteward, OBJECT_PATH, StewardError } from './stewardBus.js';
import { format } from './text.js';

const SETTINGS_INTERFACE = 'io.github.steward.Steward1.Settings';
const NOT_AUTHORIZED = 'io.github.steward.Steward1.Error.NotAuthorized';

interface Request {
  id: number;
  caller: string;
  changes: string[];
}

/**
 * Asks the user, in the shell's own modal dialog, to confirm changes that widen
 * what Steward may do. The service sends the requests to the shell's connection
 * alone and takes answers from it alone; requests from anyone but the service's
 * connection are ignored, so no peer can put its words in the dialog.
 */
export class ConfirmationAgent {
  private readonly _cancellable = new Gio.Cancellable();
  private readonly _subscription: number;
  private readonly _watch: number;
  private readonly _queue: Request[] = [];
  private _serviceOwner: string | null = null;
  private _dialog: ModalDialog.ModalDialog | null = null;
  private _shown: Request | null = null;

  constructor(private readonly _failed: (error: unknown) => void) {
    this._subscription = Gio.DBus.session.signal_subscribe(
      null,
      SETTINGS_INTERFACE,
      'ConfirmationRequested',
      OBJECT_PATH,
      null,
      Gio.DBusSignalFlags.NONE,
      (_connection, sender, _path, _iface, _signal, parameters: GLib.Variant) => this._onRequest(sender, parameters),
    );
    this._watch = Gio.bus_watch_name_on_connection(
      Gio.DBus.session,
      BUS_NAME,
      Gio.BusNameWatcherFlags.NONE,
      (_connection, _name, owner) => this._onServiceAppeared(owner),
      () => this._onServiceVanished(),
    );
  }

  /** Registers again with each service that starts: a new service knows no agent. */
  private _onServiceAppeared(owner: string): void {
    this._serviceOwner = owner;
    callSteward(SETTINGS_INTERFACE, 'RegisterConfirmationAgent', null, '()', this._cancellable).catch(
      (error: unknown) => {
        // A service that cannot verify this shell (one installed outside /usr/bin, one in another PID
        // namespace) asks through polkit or the terminal instead: nothing the user must act on.
        if (error instanceof StewardError && error.errorName === NOT_AUTHORIZED) {
          console.debug(`Steward: changes are confirmed elsewhere: ${error.message}`);
        } else {
          this._failed(error);
        }
      },
    );
  }

  private _onServiceVanished(): void {
    // Its requests died with it: nothing is left to answer.
    this._serviceOwner = null;
    this._queue.length = 0;
    this._shown = null;
    this._closeDialog();
  }

  private _onRequest(sender: string | null, parameters: GLib.Variant): void {
    if (sender === null || sender !== this._serviceOwner) return;
    const [id, caller, changes] = parameters.recursiveUnpack() as [number, string, string[]];
    this._queue.push({ id, caller, changes });
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
          format(_('{program} asked Steward to:'), { program: request.caller }),
          ...request.changes.map((change) => `• ${change}`),
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

  private _decide(request: Request, allowed: boolean): void {
    this._closeDialog();
    this._answer(request.id, allowed);
    this._showNext();
  }

  private _answer(id: number, allowed: boolean): void {
    // Not cancelled by destroy(): the refusals it sends must still arrive.
    callSteward(SETTINGS_INTERFACE, 'AnswerConfirmation', new GLib.Variant('(ub)', [id, allowed]), '()', null).catch(
      this._failed,
    );
  }

  private _closeDialog(): void {
    this._dialog?.close();
    this._dialog = null;
  }

  /** Refuses what is still waiting, closes the dialog and stops listening. */
  destroy(): void {
    this._cancellable.cancel();
    Gio.DBus.session.signal_unsubscribe(this._subscription);
    Gio.bus_unwatch_name(this._watch);
    for (const request of [this._shown, ...this._queue]) if (request) this._answer(request.id, false);
    this._queue.length = 0;
    this._shown = null;
    this._closeDialog();
  }
}
