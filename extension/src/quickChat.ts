import Clutter from 'gi://Clutter';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Pango from 'gi://Pango';
import Shell from 'gi://Shell';
import St from 'gi://St';

import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import type { Monitor } from 'resource:///org/gnome/shell/ui/layout.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import { ChatClient, type ChatMessage, type ResponseEnd, type ToolStep } from './chatClient.js';
import type { Proposal } from './notificationPolicy.js';
import type { StewardProxies } from './stewardProxies.js';
import { InputHistory, pullProgressText, splitBlocks, toolStepText, type Block } from './chatTranscript.js';
import { verticalBox } from './layout.js';
import { format, formatBytes } from './text.js';

const RISKS: Record<string, () => string> = {
  low: () => _('Low risk'),
  medium: () => _('Medium risk'),
  high: () => _('High risk'),
};

/** Calls in flight end so when the extension is disabled, with the widgets gone. */
const cancelled = (error: unknown) =>
  error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);

function wrappedLabel(text: string, styleClass: string): St.Label {
  const label = new St.Label({ text, style_class: styleClass, x_expand: true });
  label.clutter_text.line_wrap = true;
  label.clutter_text.line_wrap_mode = Pango.WrapMode.WORD_CHAR;
  label.clutter_text.ellipsize = Pango.EllipsizeMode.NONE;
  return label;
}

/** One answer in the transcript: its tool steps, its text in paragraphs and code blocks, its proposals. */
class AnswerView {
  readonly actor = verticalBox({ style_class: 'steward-chat-answer', x_expand: true });
  private readonly _steps = verticalBox({ style_class: 'steward-chat-steps' });
  private readonly _blocks = verticalBox({ style_class: 'steward-chat-blocks' });
  readonly proposals = verticalBox({ style_class: 'steward-chat-proposals' });
  private readonly _stepRows = new Map<string, St.Label>();
  private _rendered: { kind: Block['kind']; actor: St.Widget; label: St.Label }[] = [];
  text = '';

  constructor(placeholder = '') {
    this.actor.add_child(this._steps);
    this.actor.add_child(this._blocks);
    this.actor.add_child(this.proposals);
    this.setText(placeholder);
  }

  showStep(stepId: string, step: ToolStep): void {
    let row = this._stepRows.get(stepId);
    if (!row) {
      row = wrappedLabel('', 'steward-chat-step');
      this._stepRows.set(stepId, row);
      this._steps.add_child(row);
    }
    row.text = toolStepText(step.description, step.status, _);
  }

  append(text: string): void {
    this.setText(this.text + text);
  }

  /** Shows `text`, updating the blocks already shown where their kind stays the same. */
  setText(text: string): void {
    this.text = text;
    const blocks = splitBlocks(text);
    let index = 0;
    for (const block of blocks) {
      const shown = this._rendered[index];
      if (shown?.kind === block.kind) {
        if (shown.label.text !== block.text) shown.label.text = block.text;
      } else {
        for (const stale of this._rendered.splice(index)) stale.actor.destroy();
        this._rendered.push(block.kind === 'code' ? this._codeBlock(block.text) : this._paragraph(block.text));
      }
      index += 1;
    }
    for (const stale of this._rendered.splice(index)) stale.actor.destroy();
  }

  private _paragraph(text: string) {
    const label = wrappedLabel(text, 'steward-chat-paragraph');
    this._blocks.add_child(label);
    return { kind: 'text' as const, actor: label, label };
  }

  private _codeBlock(text: string) {
    const box = verticalBox({ style_class: 'steward-chat-code', x_expand: true });
    const label = wrappedLabel(text, 'steward-chat-code-text');
    const copy = new St.Button({
      label: _('Copy'),
      style_class: 'button steward-chat-copy',
      x_align: Clutter.ActorAlign.END,
      can_focus: true,
    });
    copy.connect('clicked', () => {
      St.Clipboard.get_default().set_text(St.ClipboardType.CLIPBOARD, label.text);
      copy.label = _('Copied');
    });
    box.add_child(copy);
    box.add_child(label);
    this._blocks.add_child(box);
    return { kind: 'code' as const, actor: box, label };
  }
}

/**
 * The quick chat: a panel at the top centre of the screen, over everything,
 * with the conversation, an entry and a Stop button. The conversation lives
 * in the service; the panel shows the latest one again after a screen lock.
 */
export class QuickChat {
  private readonly _backdrop: St.Widget;
  private readonly _panel: St.BoxLayout;
  private readonly _scroll: St.ScrollView;
  private readonly _transcript: St.BoxLayout;
  private readonly _setup: St.BoxLayout;
  private readonly _setupText: St.Label;
  private readonly _setupButton: St.Button;
  private readonly _status: St.Label;
  private readonly _inputRow: St.BoxLayout;
  private readonly _entry: St.Entry;
  private readonly _stop: St.Button;
  private readonly _client: ChatClient;
  private readonly _history = new InputHistory();
  private _grab: Clutter.Grab | null = null;
  private _loaded = false;
  private _sessionId = '';
  private _requestId: string | null = null;
  private _answer: AnswerView | null = null;
  private _recommendedUri = '';
  private _pullId: string | null = null;
  private _followEnd = true;
  /** Signals that came while Send's reply, which names their request, was still on its way. */
  private _early: (() => void)[] | null = null;

  constructor(private readonly _steward: StewardProxies) {
    this._client = new ChatClient({
      chunk: (requestId, text) =>
        this._whenSent(() => {
          if (requestId === this._requestId) this._answer?.append(text);
        }),
      toolStep: (requestId, stepId, step) =>
        this._whenSent(() => {
          if (requestId === this._requestId) this._answer?.showStep(stepId, step);
        }),
      done: (end) => this._whenSent(() => this._finish(end)),
      pullProgress: (pullId, done, total) => {
        if (pullId === this._pullId) this._setupText.text = pullProgressText(done, total, _);
      },
      pullFinished: (pullId, status, modelId, errorMessage) => {
        if (pullId === this._pullId) this._pullFinished(status, modelId, errorMessage);
      },
    });

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

    this._setup = verticalBox({ style_class: 'steward-chat-setup', visible: false });
    this._setup.add_child(
      wrappedLabel(_('No model is set up yet. Steward needs a language model on this computer to answer.'), ''),
    );
    this._setupText = wrappedLabel('', 'steward-chat-setup-detail');
    this._setupButton = new St.Button({
      label: _('Download and Use It'),
      style_class: 'button steward-chat-suggested',
      can_focus: true,
      x_align: Clutter.ActorAlign.START,
    });
    this._setupButton.connect('clicked', () => this._pull());
    this._setup.add_child(this._setupText);
    this._setup.add_child(this._setupButton);
    this._panel.add_child(this._setup);

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
    this._stop = new St.Button({
      label: _('Stop'),
      style_class: 'button steward-chat-stop',
      can_focus: true,
      visible: false,
      y_align: Clutter.ActorAlign.END,
    });
    this._stop.connect('clicked', () => this._cancel());
    this._inputRow.add_child(this._entry);
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
      this._grab = Main.pushModal(this._backdrop, { actionMode: Shell.ActionMode.POPUP });
    }
    this._entry.grab_key_focus();
    if (!this._loaded) {
      this._loaded = true;
      this._resume().catch((error: unknown) => this._fail(error));
    }
    this._checkModel().catch((error: unknown) => this._fail(error));
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
    this._newConversation();
    this._setEntryText(question);
    this._send();
  }

  close(): void {
    if (!this._grab) return;
    Main.popModal(this._grab);
    this._grab = null;
    this._backdrop.hide();
  }

  destroy(): void {
    this.close();
    this._client.destroy();
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
    this._transcript.add_child(answer.actor);
    for (const id of message.proposals) this._addProposalCard(answer.proposals, id, true);
  }

  private async _checkModel(): Promise<void> {
    const unconfigured = (await this._client.engineState()) === 'unconfigured';
    this._setup.visible = unconfigured;
    this._inputRow.visible = !unconfigured;
    if (!unconfigured || this._pullId) return;
    const recommendation = await this._client.recommend();
    this._setupButton.visible = recommendation !== null;
    this._recommendedUri = recommendation?.uri ?? '';
    this._setupText.text = recommendation
      ? format(_('Recommended for this computer: {name} ({size}). {reason}'), {
          name: recommendation.name,
          size: formatBytes(recommendation.bytes, _),
          reason: recommendation.reason,
        })
      : _('No model in Steward’s catalog fits this computer’s memory.');
  }

  private async _pullAsync(): Promise<void> {
    this._setupButton.reactive = false;
    this._setupText.text = _('Starting the download…');
    this._pullId = await this._client.pull(this._recommendedUri);
  }

  private _pull(): void {
    this._pullAsync().catch((error: unknown) => {
      if (cancelled(error)) return;
      this._setupButton.reactive = true;
      this._fail(error);
    });
  }

  private _pullFinished(status: string, modelId: string, errorMessage: string): void {
    this._pullId = null;
    this._setupButton.reactive = true;
    if (status !== 'done') {
      this._setupText.text = status === 'failed' ? errorMessage : _('The download was cancelled.');
      return;
    }
    this._client
      .setActiveModel(modelId)
      .then(() => this._checkModel())
      .then(() => this._entry.grab_key_focus())
      .catch((error: unknown) => this._fail(error));
  }

  private _onKeyPress(event: Clutter.Event): boolean {
    const symbol = event.get_key_symbol();
    if (symbol === Clutter.KEY_Escape) {
      this.close();
      return Clutter.EVENT_STOP;
    }
    if (symbol === Clutter.KEY_l && event.get_state() & Clutter.ModifierType.CONTROL_MASK) {
      this._newConversation();
      return Clutter.EVENT_STOP;
    }
    return Clutter.EVENT_PROPAGATE;
  }

  private _onEntryKeyPress(event: Clutter.Event): boolean {
    const text = this._entry.clutter_text;
    const symbol = event.get_key_symbol();
    const control = (event.get_state() & Clutter.ModifierType.CONTROL_MASK) !== 0;
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

  private _newConversation(): void {
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
        if (cancelled(error)) return;
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
    if (end.status === 'failed') this._showStatus(end.errorMessage);
    else if (end.status === 'cancelled') this._showStatus(_('Stopped.'));
    else if (end.notice) this._showStatus(end.notice);
    if (!end.text && end.status !== 'done') answer.actor.destroy();
    else for (const id of end.proposalIds) this._addProposalCard(answer.proposals, id);
  }

  private _setAnswering(answering: boolean): void {
    this._stop.visible = answering;
  }

  private _addProposalCard(parent: St.BoxLayout, id: string, onlyOpen = false): void {
    this._steward
      .proposal(id)
      .then((proposal) => {
        if (!proposal || (onlyOpen && proposal.state !== 'open' && proposal.state !== 'not-fixed')) return;
        parent.add_child(this._proposalCard(proposal));
      })
      .catch((error: unknown) => this._fail(error));
  }

  private _proposalCard(proposal: Proposal): St.BoxLayout {
    const card = verticalBox({ style_class: 'steward-chat-card', x_expand: true });
    card.add_child(wrappedLabel(proposal.title, 'steward-chat-card-title'));
    if (proposal.explanation) card.add_child(wrappedLabel(proposal.explanation, 'steward-chat-card-text'));
    const result = wrappedLabel('', 'steward-chat-card-result');
    result.visible = false;
    const buttons = new St.BoxLayout({ style_class: 'steward-chat-card-buttons' });
    const settle = (text: string) => {
      result.text = text;
      result.visible = true;
      buttons.visible = false;
    };
    for (const action of proposal.actions) {
      const effect = action.preview || action.title;
      if (effect !== proposal.title) card.add_child(wrappedLabel(effect, 'steward-chat-card-action'));
      for (const detail of action.details) card.add_child(wrappedLabel(detail, 'steward-chat-card-detail'));
      card.add_child(
        wrappedLabel(
          (RISKS[action.risk] ?? (() => action.risk))(),
          `steward-chat-risk steward-chat-risk-${action.risk}`,
        ),
      );
      const apply = new St.Button({
        label: proposal.actions.length > 1 ? format(_('Apply: {action}'), { action: action.title }) : _('Apply'),
        style_class: 'button steward-chat-suggested',
        can_focus: true,
      });
      apply.connect('clicked', async () => {
        if (await this._steward.apply(proposal.id, action.name))
          settle(_('Applying… Steward checks the result afterwards.'));
      });
      buttons.add_child(apply);
    }
    const dismiss = new St.Button({ label: _('Dismiss'), style_class: 'button', can_focus: true });
    dismiss.connect('clicked', async () => {
      if (await this._steward.dismiss(proposal.id)) settle(_('Dismissed.'));
    });
    buttons.add_child(dismiss);
    card.add_child(result);
    card.add_child(buttons);
    return card;
  }

  /** A failure reported elsewhere (a fix that could not start), shown where the user is looking. */
  showError(text: string): void {
    if (this.isOpen) this._showStatus(text);
  }

  private _showStatus(text: string): void {
    this._status.text = text;
    this._status.visible = text !== '';
  }

  private _fail(error: unknown): void {
    if (cancelled(error)) return;
    if (
      error instanceof GLib.Error &&
      (error.matches(Gio.DBusError, Gio.DBusError.SERVICE_UNKNOWN) ||
        error.matches(Gio.DBusError, Gio.DBusError.NAME_HAS_NO_OWNER))
    ) {
      this._showStatus(_('The Steward service is not running. Start it from the Steward menu in the top bar.'));
      return;
    }
    this._showStatus(error instanceof Error || error instanceof GLib.Error ? error.message : String(error));
  }
}
