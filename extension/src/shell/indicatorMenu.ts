// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import St from 'gi://St';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as PopupMenu from 'resource:///org/gnome/shell/ui/popupMenu.js';

import { buttonLabel, type Finding, primaryAction, type Proposal, shownAnswers } from '../shared/model.js';
import { shownText } from '../shared/shownText.js';
import { format } from '../shared/text.js';

/** The longest title shown in the menu; its Details show the rest of what the proposal says. */
const MAX_TITLE = 160;

export interface ProposalHandlers {
  apply(proposal: Proposal): void;
  dismiss(proposal: Proposal): void;
}

function riskLabel(risk: string): string {
  switch (risk) {
    case 'low':
      return _('low risk');
    case 'medium':
      return _('medium risk');
    default:
      return _('high risk');
  }
}

/** A heading line that reads as text, not as a disabled action. */
export function headingItem(text: string, styleClass: string): PopupMenu.PopupMenuItem {
  const item = new PopupMenu.PopupMenuItem(text, {
    activate: false,
    can_focus: false,
    hover: false,
    style_class: styleClass,
  });
  item.remove_style_class_name('popup-inactive-menu-item');
  return item;
}

/**
 * The pending proposals: each with its title and risk, a button named by the change it makes (none when every
 * step only reads), Details (what the reading steps found, and the exact effect of the change) and Dismiss.
 */
export class ProposalsSection extends PopupMenu.PopupMenuSection {
  private _expanded: string | null = null;

  constructor(private readonly _handlers: ProposalHandlers) {
    super();
  }

  show(proposals: Proposal[], expand: string | null = this._expanded): void {
    this._expanded = expand;
    this.removeAll();
    if (proposals.length === 0) return;
    this.addMenuItem(headingItem(_('Proposed fixes'), 'steward-menu-heading'));
    for (const proposal of proposals) this._addProposal(proposal);
  }

  private _addProposal(proposal: Proposal): void {
    const action = primaryAction(proposal);
    const risk = action ? riskLabel(action.risk) : '';
    const title = shownText(proposal.title, { maxChars: MAX_TITLE });
    this.addMenuItem(
      headingItem(risk ? `${title} (${risk})` : title, `steward-proposal-title steward-risk-${action?.risk ?? 'none'}`),
    );

    const details = new PopupMenu.PopupMenuItem('', { reactive: false, style_class: 'steward-proposal-details' });
    details.label.clutter_text.line_wrap = true;
    details.label.text = shownText(
      [
        ...shownAnswers(proposal),
        action?.preview ?? '',
        ...(action?.details ?? []),
        action ? format(_('Runs: {action}'), { action: action.title || action.name }) : '',
      ]
        .filter(Boolean)
        .join('\n'),
      { multiline: true },
    );
    details.visible = this._expanded === proposal.id;

    const buttons = new PopupMenu.PopupBaseMenuItem({ activate: false, can_focus: false, hover: false });
    buttons.remove_style_class_name('popup-inactive-menu-item');
    const box = new St.BoxLayout({ style_class: 'steward-proposal-buttons', x_expand: true });
    const addButton = (label: string, onClicked: () => void) => {
      const button = new St.Button({ label, style_class: 'button steward-proposal-button', can_focus: true });
      button.connect('clicked', onClicked);
      box.add_child(button);
    };
    if (action) addButton(buttonLabel(action), () => this._handlers.apply(proposal));
    addButton(_('Details'), () => {
      details.visible = !details.visible;
      this._expanded = details.visible ? proposal.id : null;
    });
    addButton(_('Dismiss'), () => this._handlers.dismiss(proposal));
    buttons.add_child(box);

    this.addMenuItem(buttons);
    this.addMenuItem(details);
  }
}

/** The most recent active findings, as lines of text. */
export class FindingsSection extends PopupMenu.PopupMenuSection {
  show(findings: Finding[], limit = 5): void {
    this.removeAll();
    if (findings.length === 0) return;
    this.addMenuItem(headingItem(_('Recent findings'), 'steward-menu-heading'));
    for (const finding of findings.slice(0, limit)) {
      const item = new PopupMenu.PopupMenuItem(shownText(finding.title, { maxChars: MAX_TITLE }), {
        reactive: false,
        style_class: `steward-finding steward-severity-${finding.severity}`,
      });
      item.label.clutter_text.line_wrap = true;
      this.addMenuItem(item);
    }
  }
}
