// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Clutter from 'gi://Clutter';
import type Gio from 'gi://Gio';
import Pango from 'gi://Pango';
import Shell from 'gi://Shell';
import St from 'gi://St';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import type { Monitor } from 'resource:///org/gnome/shell/ui/layout.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import { errorMessage, isCancelled } from '../../client/errors.js';
import type { StewardClient } from '../../client/stewardClient.js';
import type { ChatMessage, ResponseEnd, ToolStep } from '../../client/types.js';
import { InputHistory, spokenText } from '../../shared/chatTranscript.js';
import type { ChatSnapshot } from '../../shared/model.js';
import { shownText } from '../../shared/shownText.js';
import { verticalBox, wrappedLabel } from '../layout.js';
import type { StewardState } from '../stewardState.js';
import { AnswerView } from './answerView.js';
import { ModelSetup } from './modelSetup.js';
import { proposalCard } from './proposalCard.js';

/**
 * The quick chat: a panel at the top centre of the screen, over everything,
 * with the conversation, an entry and a Stop button. The conversation lives
 * in the service; the panel shows the latest one again after a screen lock.
 * A question can be spoken: hold Ctrl+Space or press the microphone button; the
 * words show in the entry as they are recognised and are sent when the person
 * stops talking. Answers are read aloud on request or by the setting; typing,
 * Escape and closing stop that.
 */
export class QuickChat {
  private readonly _backdrop: St.Widget;
  private readonly _panel: St.BoxLayout;
  private readonly _scroll: St.ScrollView;
  private readonly _transcript: St.BoxLayout;
  private readonly _setup: ModelSetup;
  private readonly _status: St.Label;
  private readonly _inputRow: St.BoxLayout;
  private readonly _entry: St.Entry;
  private readonly _stop: St.Button;
  private readonly _microphone: St.Button;
  private readonly _unsubscribe: (() => void)[];
  private readonly _history = new InputHistory();
  private _grab: Clutter.Grab | null = null;
  private _loaded = false;
  private _sessionId = '';
  private _requestId: string | null = null;
  private _answer: AnswerView | null = null;
  private _followEnd = true;
  /** Signals that came while Send's reply, which names their request, was still on its way. */
  private _early: (() => void)[] | null = null;
  /** Set from the microphone's press until the final transcript; the id once Listen answered. */
  private _listening = false;
  private _listenId: string | null = null;
  /** Transcripts that came before Listen's reply named their id. */
  private _earlyTranscripts: [string, string, boolean][] = [];
  private _spoke = false;
  private _talkKeyHeld = false;

  constructor(
    private readonly _client: StewardClient,
    private readonly _steward: StewardState,
    private readonly _settings: Gio.Settings,
  ) {
    this._unsubscribe = [
      _client.on('responseChunk', (requestId, text) =>
        this._whenSent(() => {
          if (requestId === this._requestId) this._answer?.append(text);
        }),
      ),
      _client.on('toolStep', (requestId, step: ToolStep) =>
        this._whenSent(() => {
          if (requestId === this._requestId) this._answer?.showStep(step);
        }),
      ),
      _client.on('responseDone', (end) => this._whenSent(() => this._finish(end))),
      _client.on('transcript', (listenId, text, final) => this._onTranscript(listenId, text, final)),
      _client.on('listenFailed', (listenId, message) => {
        if (listenId !== this._listenId) return;
        this._setListening(false);
        this._showStatus(message);
      }),
      _client.on('propertiesChanged', () => {
        if (this.isOpen) this._checkModel();
      }),
    ];

    this._backdrop = new St.Widget({ reactive: true, visible: false });
    this._backdrop.connect('button-press-event', (_actor, event: Clutter.Event) => {
      if (event.get_source() === this._backdrop) this.close();
      return Clutter.EVENT_PROPAGATE;
    });
    this._backdrop.connect('key-press-event', (_actor, event: Clutter.Event) => this._onKeyPress(event));

    this._panel = verticalBox({
      style_class: 'steward-chat',
      reactive: true,
    });
    this._panel.add_constraint(
      new Clutter.AlignConstraint({ source: this._backdrop, align_axis: Clutter.AlignAxis.X_AXIS, factor: 0.5 }),
    );
    this._backdrop.add_child(this._panel);

    this._transcript = verticalBox({ style_class: 'steward-chat-transcript', x_expand: true });
    this._scroll = new St.ScrollView({
      style_class: 'steward-chat-scroll',
      hscrollbar_policy: St.PolicyType.NEVER,
      vscrollbar_policy: St.PolicyType.AUTOMATIC,
      overlay_scrollbars: true,
      x_expand: true,
      y_expand: true,
    });
    this._scroll.set_child(this._transcript);
    const adjustment = this._scroll.vadjustment;
    adjustment.connect('notify::upper', () => {
      if (this._followEnd) adjustment.value = adjustment.upper - adjustment.page_size;
    });
    adjustment.connect('notify::value', () => {
      this._followEnd = adjustment.value >= adjustment.upper - adjustment.page_size - 1;
    });
    this._panel.add_child(this._scroll);

    this._setup = new ModelSetup(_client, {
      configured: (configured) => {
        const shown = this._inputRow.visible;
        this._inputRow.visible = configured;
        if (configured && !shown && this.isOpen) this._entry.grab_key_focus();
      },
      fail: (error) => this._fail(error),
    });
    this._panel.add_child(this._setup.actor);

    this._status = wrappedLabel('', 'steward-chat-status');
    this._status.visible = false;
    this._panel.add_child(this._status);

    this._inputRow = new St.BoxLayout({ style_class: 'steward-chat-input' });
    this._entry = new St.Entry({
      style_class: 'steward-chat-entry',
      hint_text: _('Ask Steward about this computer…'),
      can_focus: true,
      x_expand: true,
    });
    const text = this._entry.clutter_text;
    text.single_line_mode = false;
    text.activatable = false;
    text.line_wrap = true;
    text.line_wrap_mode = Pango.WrapMode.WORD_CHAR;
    text.connect('key-press-event', (_actor, event: Clutter.Event) => this._onEntryKeyPress(event));
    text.connect('key-release-event', (_actor, event: Clutter.Event) => {
      if (event.get_key_symbol() !== Clutter.KEY_space || !this._talkKeyHeld) return Clutter.EVENT_PROPAGATE;
      this._talkKeyHeld = false;
      if (this._listening) this._stopListening();
      return Clutter.EVENT_STOP;
    });
    this._stop = new St.Button({
      label: _('Stop'),
      style_class: 'button steward-chat-stop',
      can_focus: true,
      visible: false,
      y_align: Clutter.ActorAlign.END,
    });
    this._stop.connect('clicked', () => this._cancel());
    this._microphone = new St.Button({
      style_class: 'button steward-chat-microphone',
      child: new St.Icon({ icon_name: 'audio-input-microphone-symbolic', icon_size: 16 }),
      accessible_name: _('Speak your question'),
      can_focus: true,
      toggle_mode: true,
      y_align: Clutter.ActorAlign.END,
    });
    this._microphone.connect('clicked', () => {
      if (this._listening) this._stopListening();
      else this._startListening();
    });
    this._inputRow.add_child(this._entry);
    this._inputRow.add_child(this._microphone);
    this._inputRow.add_child(this._stop);
    this._panel.add_child(this._inputRow);

    Main.layoutManager.addTopChrome(this._backdrop);
  }

  get isOpen(): boolean {
    return this._grab !== null;
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }

  /** Shows the panel with the focus in the entry; with `proposalId`, that proposal's card at the end. */
  open(proposalId?: string): void {
    if (!this.isOpen) {
      const monitor = Main.layoutManager.primaryMonitor as Monitor;
      this._backdrop.set_position(monitor.x, monitor.y);
      this._backdrop.set_size(monitor.width, monitor.height);
      this._panel.y = Main.panel.height + 8;
      this._panel.style = `max-height: ${Math.floor(monitor.height * 0.7)}px;`;
      this._backdrop.show();
      this._grab = Main.pushModal(this._backdrop, { actionMode: Shell.ActionMode.POPUP }) as Clutter.Grab;
    }
    this._entry.grab_key_focus();
    if (!this._loaded) {
      this._loaded = true;
      this._resume().catch((error: unknown) => this._fail(error));
    }
    this._checkModel();
    const state = this._client.engineState;
    // Loads the model while the question is typed; a failure shows again, in words, when it is sent.
    if (state === 'unloaded' || state === 'ready') this._client.prepare().catch(() => {});
    if (proposalId) this._addProposalCard(this._transcript, proposalId);
  }

  /**
   * Opens the panel and sends `question` in a new conversation (the overview's "Ask Steward").
   * While an answer is still being written the question waits in the entry instead.
   */
  ask(question: string): void {
    // The new conversation takes the place of the one the panel would resume.
    this._loaded = true;
    this.open();
    if (this._answer) {
      this._setEntryText(question);
      return;
    }
    this.newConversation();
    this._setEntryText(question);
    this._send();
  }

  close(): void {
    if (!this._grab) return;
    this._stopSpeaking();
    this._talkKeyHeld = false;
    if (this._listening) this._stopListening();
    Main.popModal(this._grab);
    this._grab = null;
    this._backdrop.hide();
  }

  destroy(): void {
    this.close();
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._setup.destroy();
    this._backdrop.destroy();
  }

  /** The latest conversation, as the service keeps it, including an answer it is still writing. */
  private async _resume(): Promise<void> {
    const session = await this._client.latestSession();
    if (!session || this._sessionId) return;
    this._sessionId = session.id;
    const messages = await this._client.history(session.id);
    for (const message of messages) this._showMessage(message);
    // The history leaves out an answer in progress. Its request's id is not known
    // after a lock, but its ResponseDone names the session.
    if (session.answering && messages.at(-1)?.role === 'user') this._startAnswer(_('Steward is still answering…'));
  }

  private _showMessage(message: ChatMessage): void {
    if (message.role === 'user') {
      this._history.add(message.text);
      this._transcript.add_child(wrappedLabel(message.text, 'steward-chat-question'));
      return;
    }
    const answer = new AnswerView();
    answer.setText(message.text);
    if (message.text) answer.addReadAloud(() => this._speak(message.text));
    this._transcript.add_child(answer.actor);
    for (const id of message.proposals) this._addProposalCard(answer.proposals, id, true);
  }

  private _checkModel(): void {
    this._entry.hint_text = this._hint();
    this._setup.check().catch((error: unknown) => this._fail(error));
  }

  private _onKeyPress(event: Clutter.Event): boolean {
    const symbol = event.get_key_symbol();
    if (symbol === Clutter.KEY_Escape) {
      this.close();
      return Clutter.EVENT_STOP;
    }
    if (symbol === Clutter.KEY_l && event.get_state() & Clutter.ModifierType.CONTROL_MASK) {
      this.newConversation();
      return Clutter.EVENT_STOP;
    }
    return Clutter.EVENT_PROPAGATE;
  }

  private _onEntryKeyPress(event: Clutter.Event): boolean {
    const text = this._entry.clutter_text;
    const symbol = event.get_key_symbol();
    const control = (event.get_state() & Clutter.ModifierType.CONTROL_MASK) !== 0;
    if (symbol === Clutter.KEY_space && control) {
      // Push to talk: a held key repeats its press; only the first starts, and a question
      // sent at the silence after it while the key is still down is not followed by another.
      if (!this._talkKeyHeld) this._startListening();
      this._talkKeyHeld = true;
      return Clutter.EVENT_STOP;
    }
    this._stopSpeaking();
    if (symbol === Clutter.KEY_Return || symbol === Clutter.KEY_KP_Enter || symbol === Clutter.KEY_ISO_Enter) {
      if (control) text.insert_unichar('\n');
      else this._send();
      return Clutter.EVENT_STOP;
    }
    if (symbol === Clutter.KEY_Up && (text.text === '' || text.get_cursor_position() === 0)) {
      const previous = this._history.previous(text.text);
      if (previous !== null) this._setEntryText(previous);
      return Clutter.EVENT_STOP;
    }
    if (symbol === Clutter.KEY_Down && !text.text.includes('\n')) {
      const next = this._history.next();
      if (next !== null) this._setEntryText(next);
      return Clutter.EVENT_STOP;
    }
    return Clutter.EVENT_PROPAGATE;
  }

  private _setEntryText(value: string): void {
    this._entry.text = value;
    this._entry.clutter_text.set_cursor_position(-1);
  }

  /** Empties the panel: the next question starts a new conversation (Ctrl+L). */
  newConversation(): void {
    this._early = null;
    this._sessionId = '';
    this._requestId = null;
    this._answer = null;
    this._setAnswering(false);
    this._status.visible = false;
    this._transcript.destroy_all_children();
    this._history.reset();
  }

  private _send(): void {
    const prompt = this._entry.text.trim();
    if (!prompt || this._answer) return;
    this._history.add(prompt);
    this._entry.text = '';
    this._status.visible = false;
    this._transcript.add_child(wrappedLabel(prompt, 'steward-chat-question'));
    this._startAnswer('');
    this._followEnd = true;
    this._early = [];
    this._client
      .send(this._sessionId, prompt)
      .then(({ sessionId, requestId }) => {
        this._sessionId = sessionId;
        this._requestId = requestId;
        this._setAnswering(true);
        const early = this._early ?? [];
        this._early = null;
        for (const handle of early) handle();
      })
      .catch((error: unknown) => {
        this._early = null;
        if (isCancelled(error)) return;
        this._answer?.actor.destroy();
        this._answer = null;
        this._setAnswering(false);
        this._fail(error);
      });
  }

  private _startAnswer(placeholder: string): void {
    this._answer = new AnswerView(placeholder);
    this._answer.actor.add_style_class_name('steward-chat-answering');
    this._transcript.add_child(this._answer.actor);
  }

  /** A fast model can answer before Send's reply arrives; its signals wait for that reply. */
  private _whenSent(handle: () => void): void {
    if (this._early) this._early.push(handle);
    else handle();
  }

  private _cancel(): void {
    if (this._requestId) this._client.cancel(this._requestId).catch((error: unknown) => this._fail(error));
  }

  private _finish(end: ResponseEnd): void {
    const ours = end.requestId === this._requestId || (this._requestId === null && end.sessionId === this._sessionId);
    if (!this._answer || !ours) return;
    const answer = this._answer;
    answer.actor.remove_style_class_name('steward-chat-answering');
    answer.setText(end.text);
    this._answer = null;
    this._requestId = null;
    this._setAnswering(false);
    if (end.status === 'done' && end.text) {
      answer.addReadAloud(() => this._speak(end.text));
      if (this._settings.get_boolean('read-answers-aloud')) this._speak(end.text);
    }
    if (end.status === 'failed') this._showStatus(end.errorMessage);
    else if (end.status === 'cancelled') this._showStatus(_('Stopped.'));
    else if (end.notice) this._showStatus(end.notice);
    if (!end.text && end.status !== 'done') answer.actor.destroy();
    else for (const id of end.proposalIds) this._addProposalCard(answer.proposals, id);
  }

  private _startListening(): void {
    if (this._listening || this._answer) return;
    this._stopSpeaking();
    this._setListening(true);
    this._status.visible = false;
    this._earlyTranscripts = [];
    this._client
      .listen()
      .then((listenId) => {
        if (!this._listening) {
          // Released before the microphone opened: what it heard is not wanted.
          this._client.stopListening().catch(() => {});
          return;
        }
        this._listenId = listenId;
        for (const [id, text, final] of this._earlyTranscripts.splice(0)) this._onTranscript(id, text, final);
      })
      .catch((error: unknown) => {
        this._setListening(false);
        this._fail(error);
      });
  }

  private _stopListening(): void {
    if (this._listenId) this._client.stopListening().catch((error: unknown) => this._fail(error));
    else this._setListening(false);
  }

  private _onTranscript(listenId: string, text: string, final: boolean): void {
    if (this._listening && this._listenId === null) {
      this._earlyTranscripts.push([listenId, text, final]);
      return;
    }
    if (listenId !== this._listenId) return;
    this._setEntryText(text);
    if (!final) return;
    this._setListening(false);
    if (text) this._send();
  }

  private _setListening(listening: boolean): void {
    this._listening = listening;
    if (!listening) this._listenId = null;
    this._microphone.checked = listening;
    this._entry.hint_text = this._hint();
  }

  private _hint(): string {
    if (this._listening) return _('Listening…');
    return this._client.engineState === 'loading' ? _('Loading the model…') : _('Ask Steward about this computer…');
  }

  private _speak(text: string): void {
    const spoken = spokenText(text);
    if (!spoken) return;
    this._spoke = true;
    this._client.speak(spoken).catch((error: unknown) => this._fail(error));
  }

  private _stopSpeaking(): void {
    if (!this._spoke) return;
    this._spoke = false;
    this._client.stopSpeaking().catch(() => {});
  }

  private _setAnswering(answering: boolean): void {
    this._stop.visible = answering;
  }

  private _addProposalCard(parent: St.BoxLayout, id: string, onlyOpen = false): void {
    this._client
      .proposal(id)
      .then((proposal) => {
        if (onlyOpen && proposal.state !== 'open' && proposal.state !== 'not-fixed') return;
        parent.add_child(
          proposalCard(proposal, {
            apply: (action) => this._steward.apply(proposal.id, action.name),
            dismiss: () => this._steward.dismiss(proposal.id),
          }),
        );
      })
      .catch((error: unknown) => this._fail(error));
  }

  /** A failure reported elsewhere (a fix that could not start), shown where the user is looking. */
  showError(text: string): void {
    if (this.isOpen) this._showStatus(text);
  }

  private _showStatus(text: string): void {
    this._status.text = shownText(text, { multiline: true });
    this._status.visible = text !== '';
  }

  private _fail(error: unknown): void {
    if (!isCancelled(error)) this._showStatus(errorMessage(error, _));
  }

  /** The panel as the e2e tests see it, read by the test hook. */
  snapshot(): ChatSnapshot {
    const labels = (actor: Clutter.Actor) => outermost(actor, isLabel);
    const cards = outermost(this._transcript, isCard);
    return {
      open: this.isOpen && this._backdrop.visible,
      entryFocused: global.stage.get_key_focus() === this._entry.clutter_text,
      entryText: this._entry.text ?? '',
      answering: this._answer !== null,
      stopVisible: this._stop.visible,
      listening: this._listening,
      status: this._status.visible ? this._status.text : null,
      transcript: labels(this._transcript).map((label) => label.text),
      cards: cards.map((card) => ({
        labels: labels(card)
          .filter((label) => label.visible && !(label.get_parent() instanceof St.Button))
          .map((label) => ({ text: label.text, style: label.style_class ?? '' })),
        buttons: outermost(card, isButton)
          .filter((button) => button.visible && button.get_parent()?.visible)
          .map((button) => button.label ?? ''),
      })),
      setup: { ...this._setup.shown, input: this._inputRow.visible },
    };
  }

  /** Puts `text` in the entry, as typing it does. */
  typeText(text: string): void {
    this._setEntryText(text);
  }

  /** Types `text` into the entry and sends it, as Enter does. */
  sendText(text: string): void {
    this._setEntryText(text);
    this._send();
  }

  /** Clicks the microphone button. */
  clickMicrophone(): void {
    this._microphone.emit('clicked', 1);
  }

  /** Clicks the Stop button. */
  stop(): void {
    this._stop.emit('clicked', 1);
  }

  /** Clicks the button labelled `label` of the last proposal card; false when it has none. */
  clickCardButton(label: string): boolean {
    const cards = outermost(this._transcript, isCard);
    const button = outermost(cards.at(-1) ?? this._transcript, isButton).find((b) => b.visible && b.label === label);
    button?.emit('clicked', 1);
    return button !== undefined;
  }

  /** The model setup, for the test hook. */
  get setup(): ModelSetup {
    return this._setup;
  }

  /** Calls `shown` once, when the panel next becomes visible. */
  connectShownOnce(shown: () => void): void {
    const id = this._backdrop.connect('notify::visible', () => {
      if (!this._backdrop.visible) return;
      this._backdrop.disconnect(id);
      shown();
    });
  }
}

/** The actors under `actor` (itself included) that `wanted` takes, without looking inside one it took. */
function outermost<T extends Clutter.Actor>(actor: Clutter.Actor, wanted: (actor: Clutter.Actor) => actor is T): T[] {
  return wanted(actor) ? [actor] : actor.get_children().flatMap((child) => outermost(child, wanted));
}

function isLabel(actor: Clutter.Actor): actor is St.Label {
  return actor instanceof St.Label;
}

function isButton(actor: Clutter.Actor): actor is St.Button {
  return actor instanceof St.Button;
}

function isCard(actor: Clutter.Actor): actor is St.Widget {
  return actor instanceof St.Widget && actor.has_style_class_name('steward-chat-card');
}
