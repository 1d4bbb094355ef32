// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Clutter from 'gi://Clutter';
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import Pango from 'gi://Pango';
import St from 'gi://St';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import { shownText } from '../shared/shownText.js';
import { format } from '../shared/text.js';
import { verticalBox } from './layout.js';
import { resultId, type SearchTarget, searchTargets, targetOf } from './searchResults.js';
import type { StewardState } from './stewardState.js';

/** The longest title of a result: the shell ellipsizes it on screen, the rest is for the screen reader. */
const MAX_NAME = 200;

/** What the shell's search needs of a result (js/ui/search.js). */
interface ResultMeta {
  id: string;
  name: string;
  description: string;
  createIcon(size: number): St.Icon;
}

/** The overview, as far as the provider uses it; @girs types it as any. */
interface Overview {
  visible: boolean;
  hide(): void;
  connectObject(signal: string, callback: () => void, owner: object): void;
  disconnectObject(owner: object): void;
  searchController: {
    addProvider(provider: StewardSearchProvider): void;
    removeProvider(provider: StewardSearchProvider): void;
  };
}
const overview = () => Main.overview as Overview;

const ICON_SIZE = 32;

/** One result in the overview: the icon, the title and what activating it does, as the shell's list results show them. */
const SearchResultRow = GObject.registerClass(
  class SearchResultRow extends St.Button {
    private _onActivate!: () => void;

    constructor(meta: ResultMeta, onActivate: () => void) {
      super({
        style_class: 'list-search-result steward-search-result',
        reactive: true,
        can_focus: true,
        track_hover: true,
      });
      this._onActivate = onActivate;
      const content = new St.BoxLayout({ style_class: 'list-search-result-content', x_expand: true });
      content.add_child(meta.createIcon(ICON_SIZE));
      const details = verticalBox({ y_align: Clutter.ActorAlign.CENTER });
      const title = new St.Label({ text: meta.name, style_class: 'list-search-result-title' });
      title.clutter_text.ellipsize = Pango.EllipsizeMode.END;
      details.add_child(title);
      details.add_child(new St.Label({ text: meta.description, style_class: 'list-search-result-description' }));
      content.add_child(details);
      this.set_child(content);
      this.label_actor = title;
    }

    /** Called by the shell for a click and for Enter on the first result. */
    activate(): void {
      this._onActivate();
    }

    override vfunc_clicked(): void {
      this.activate();
    }
  },
);

export interface SearchHandlers {
  ask(question: string): void;
  openProposal(proposalId: string): void;
  openFinding(findingId: string): void;
}

/**
 * Steward in the overview's search: "Ask Steward: …" for what was typed, and the pending
 * proposals and active findings whose titles match. Results come from what the extension
 * already holds; nothing reaches the service, let alone a model, until one is activated.
 */
export class StewardSearchProvider {
  readonly isRemoteProvider = false;
  readonly canLaunchSearch = false;
  /** No application behind it: the shell shows the results without a provider heading. */
  readonly appInfo = null;

  constructor(
    readonly id: string,
    private readonly _icon: Gio.Icon,
    private readonly _steward: StewardState,
    private readonly _handlers: SearchHandlers,
  ) {}

  register(): void {
    overview().searchController.addProvider(this);
  }

  destroy(): void {
    overview().searchController.removeProvider(this);
    overview().disconnectObject(this);
  }

  getInitialResultSet(terms: string[], _cancellable: Gio.Cancellable): Promise<string[]> {
    if (!this._steward.running) return Promise.resolve([]);
    return Promise.resolve(searchTargets(terms, this._steward.proposals, this._steward.findings).map(resultId));
  }

  getSubsearchResultSet(_previous: string[], terms: string[], cancellable: Gio.Cancellable): Promise<string[]> {
    return this.getInitialResultSet(terms, cancellable);
  }

  getResultMetas(ids: string[], _cancellable: Gio.Cancellable): Promise<ResultMeta[]> {
    return Promise.resolve(ids.map((id) => this._meta(id)));
  }

  filterResults(results: string[], maxNumber: number): string[] {
    return results.slice(0, maxNumber);
  }

  createResultObject(meta: ResultMeta): St.Button {
    return new SearchResultRow(meta, () => {
      this.activateResult(meta.id);
      overview().hide();
    });
  }

  /** Opens the result once the overview is gone, so that the quick chat or the menu gets the keyboard. */
  activateResult(id: string): void {
    const target = targetOf(id);
    if (!target) return;
    if (!overview().visible) {
      this._open(target);
      return;
    }
    overview().disconnectObject(this);
    overview().connectObject(
      'hidden',
      () => {
        overview().disconnectObject(this);
        this._open(target);
      },
      this,
    );
  }

  launchSearch(_terms: string[]): void {}

  private _open(target: SearchTarget): void {
    if (target.kind === 'ask') this._handlers.ask(target.question);
    else if (target.kind === 'proposal') this._handlers.openProposal(target.id);
    else this._handlers.openFinding(target.id);
  }

  private _meta(id: string): ResultMeta {
    const target = targetOf(id);
    const createIcon = (size: number) => new St.Icon({ gicon: this._icon, icon_size: size });
    if (target?.kind === 'proposal') {
      const proposal = this._steward.proposals.find((p) => p.id === target.id);
      return {
        id,
        name: shownText(proposal?.title ?? id, { maxChars: MAX_NAME }),
        description: _('Proposed fix: review it in the chat'),
        createIcon,
      };
    }
    if (target?.kind === 'finding') {
      const finding = this._steward.findings.find((f) => f.id === target.id);
      return {
        id,
        name: shownText(finding?.title ?? id, { maxChars: MAX_NAME }),
        description: _('Finding'),
        createIcon,
      };
    }
    return {
      id,
      name: format(_('Ask Steward: {question}'), {
        question: shownText(target?.question ?? '', { maxChars: MAX_NAME }),
      }),
      description: _('Opens the quick chat and sends this question'),
      createIcon,
    };
  }
}
