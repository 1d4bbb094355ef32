// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Clutter from 'gi://Clutter';
import St from 'gi://St';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';

import { isCancelled } from '../../client/errors.js';
import type { StewardClient } from '../../client/stewardClient.js';
import type { PullEnd } from '../../client/types.js';
import { pullProgressText } from '../../shared/chatTranscript.js';
import { format, formatBytes } from '../../shared/text.js';
import { verticalBox, wrappedLabel } from '../layout.js';

export interface SetupHandlers {
  /** Whether a model is set up changed: the chat hides its entry while none is. */
  configured(configured: boolean): void;
  fail(error: unknown): void;
}

/**
 * The quick chat's offer when no model is set up: the model the service
 * recommends for this computer, downloaded and made active with one button.
 */
export class ModelSetup {
  readonly actor = verticalBox({ style_class: 'steward-chat-setup', visible: false });
  private readonly _text = wrappedLabel('', 'steward-chat-setup-detail');
  private readonly _button = new St.Button({
    label: _('Download and Use It'),
    style_class: 'button steward-chat-suggested',
    can_focus: true,
    x_align: Clutter.ActorAlign.START,
  });
  private readonly _unsubscribe: (() => void)[];
  private _recommendedUri = '';
  private _pullId: string | null = null;

  constructor(
    private readonly _client: StewardClient,
    private readonly _handlers: SetupHandlers,
  ) {
    this.actor.add_child(
      wrappedLabel(_('No model is set up yet. Steward needs a language model on this computer to answer.'), ''),
    );
    this.actor.add_child(this._text);
    this.actor.add_child(this._button);
    this._button.connect('clicked', () => this._pull());
    this._unsubscribe = [
      _client.on('pullProgress', ({ pullId, bytesDone, bytesTotal }) => {
        if (pullId === this._pullId) this._text.text = pullProgressText(bytesDone, bytesTotal, _);
      }),
      _client.on('pullFinished', (end) => {
        if (end.pullId === this._pullId) this._pullFinished(end);
      }),
    ];
  }

  /** What the panel's test hook reports: whether the offer shows, its button and its texts. */
  get shown(): { visible: boolean; button: string | null; texts: string[] } {
    return {
      visible: this.actor.visible,
      button: this._button.visible ? (this._button.label ?? '') : null,
      texts: this.actor.get_children().flatMap((child) => (child instanceof St.Label ? [child.text] : [])),
    };
  }

  /** Clicks "Download and Use It". */
  clickDownload(): void {
    this._button.emit('clicked', 1);
  }

  /** Calls `changed` with each text the detail line shows, until the function it returns is called. */
  watchDetail(changed: (text: string) => void): () => void {
    const id = this._text.connect('notify::text', () => changed(this._text.text));
    return () => this._text.disconnect(id);
  }

  /** Shows the offer when no model is set up (and no download runs), else hides it. */
  async check(): Promise<void> {
    const unconfigured = this._client.engineState === 'unconfigured';
    this.actor.visible = unconfigured;
    this._handlers.configured(!unconfigured);
    if (!unconfigured || this._pullId) return;
    const recommendation = await this._client.recommend();
    this._button.visible = recommendation !== null;
    this._recommendedUri = recommendation?.uri ?? '';
    this._text.text = recommendation
      ? format(_('Recommended for this computer: {name} ({size}). {reason}'), {
          name: recommendation.name,
          size: formatBytes(recommendation.bytes, _),
          reason: recommendation.reason,
        })
      : _('No model in Steward’s catalog fits this computer’s memory.');
  }

  destroy(): void {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
  }

  private _pull(): void {
    this._button.reactive = false;
    this._text.text = _('Starting the download…');
    this._client.pull(this._recommendedUri).then(
      (pullId) => (this._pullId = pullId),
      (error: unknown) => {
        if (isCancelled(error)) return;
        this._button.reactive = true;
        this._handlers.fail(error);
      },
    );
  }

  private _pullFinished({ status, modelId, errorMessage }: PullEnd): void {
    this._pullId = null;
    this._button.reactive = true;
    if (status !== 'done') {
      this._text.text = status === 'failed' ? errorMessage : _('The download was cancelled.');
      return;
    }
    this._client
      .setActiveModel(modelId)
      .then(() => this.check())
      .catch((error: unknown) => this._handlers.fail(error));
  }
}
