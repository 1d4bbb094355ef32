// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import St from 'gi://St';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as PopupMenu from 'resource:///org/gnome/shell/ui/popupMenu.js';

import {
  buttonLabel,
  detailLines,
  type Finding,
  headingOf,
  primaryAction,
  type Proposal,
  shownAnswers,
} from '../shared/model.js';
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
 * The pending proposals, those that offer a change under "Proposed Fixes", those whose steps only looked under "What
 * Steward Found": each headed by the problem it answers, with the change's risk, a button named by the change (none
 * when every step only reads), Details (what the reading steps found, and the exact effect of the change) and Dismiss.
 */
export class ProposalsSection extends PopupMenu.PopupMenuSection {
  private _expanded: string | null = null;

  constructor(private readonly _handlers: ProposalHandlers) {
    super();
  }

  show(proposals: Proposal[], findings: Finding[], expand: string | null = this._expanded): void {
    this._expanded = expand;
    this.removeAll();
    const changes = proposals.filter((proposal) => primaryAction(proposal) !== undefined);
    const looked = proposals.filter((proposal) => primaryAction(proposal) === undefined);
    const findingOf = (proposal: Proposal) => findings.find((finding) => finding.id === proposal.findingId);
    if (changes.length > 0) this.addMenuItem(headingItem(_('Proposed Fixes'), 'steward-menu-heading'));
    for (const proposal of changes) this._addProposal(proposal, findingOf(proposal));
    if (looked.length > 0) this.addMenuItem(headingItem(_('What Steward Found'), 'steward-menu-heading'));
    for (const proposal of looked) this._addProposal(proposal, findingOf(proposal));
  }

  private _addProposal(proposal: Proposal, finding: Finding | undefined): void {
    const action = primaryAction(proposal);
    const heading = shownText(headingOf(proposal, finding), { maxChars: MAX_TITLE });
    this.addMenuItem(
      headingItem(
        // Translators: a proposal in the menu and the risk of its change, such as "backup.service failed · low risk".
        action ? format(_('{problem} · {risk}'), { problem: heading, risk: riskLabel(action.risk) }) : heading,
        `steward-proposal-title steward-risk-${action?.risk ?? 'none'}`,
      ),
    );

    const details = new PopupMenu.PopupMenuItem('', { reactive: false, style_class: 'steward-proposal-details' });
    details.label.clutter_text.line_wrap = true;
    details.label.text = shownText(
      detailLines(
        [
          ...shownAnswers(proposal),
          action?.preview ?? '',
          ...(action?.details ?? []),
          action ? format(_('Runs: {action}'), { action: action.title || action.name }) : '',
        ],
        action && buttonLabel(action),
      ).join('\n'),
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

/** The most recent active findings that no proposal above tells already, as lines of text. */
export class FindingsSection extends PopupMenu.PopupMenuSection {
  show(findings: Finding[], proposals: Proposal[], limit = 5): void {
    this.removeAll();
    const told = new Set(proposals.map((proposal) => proposal.findingId));
    const shown = findings.filter((finding) => !told.has(finding.id));
    if (shown.length === 0) return;
    this.addMenuItem(headingItem(_('Recent Findings'), 'steward-menu-heading'));
    for (const finding of shown.slice(0, limit)) {
      const item = new PopupMenu.PopupMenuItem(shownText(finding.title, { maxChars: MAX_TITLE }), {
        reactive: false,
        style_class: `steward-finding steward-severity-${finding.severity}`,
      });
      item.label.clutter_text.line_wrap = true;
      this.addMenuItem(item);
    }
  }
}
