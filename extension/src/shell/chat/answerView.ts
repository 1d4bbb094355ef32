// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Clutter from 'gi://Clutter';
import St from 'gi://St';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';

import type { ToolStep } from '../../client/types.js';
import { type Block, splitBlocks, toolStepText } from '../../shared/chatTranscript.js';
import { shownText } from '../../shared/shownText.js';
import { verticalBox, wrappedLabel } from '../layout.js';

/** One answer in the transcript: its tool steps, its text in paragraphs and code blocks, its proposals. */
export class AnswerView {
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

  showStep(step: ToolStep): void {
    let row = this._stepRows.get(step.stepId);
    if (!row) {
      row = wrappedLabel('', 'steward-chat-step');
      this._stepRows.set(step.stepId, row);
      this._steps.add_child(row);
    }
    row.text = shownText(toolStepText(step.description, step.status, _));
  }

  /** A button that reads the answer aloud, under its text. */
  addReadAloud(read: () => void): void {
    const button = new St.Button({
      label: _('Read Aloud'),
      style_class: 'button steward-chat-read-aloud',
      x_align: Clutter.ActorAlign.START,
      can_focus: true,
    });
    button.connect('clicked', read);
    this.actor.insert_child_above(button, this._blocks);
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
        const text = shownText(block.text, { multiline: true });
        if (shown.label.text !== text) shown.label.text = text;
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
