// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import St from 'gi://St';
import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';

import { buttonLabel, headingOf, type Proposal, type ProposalAction } from '../../shared/model.js';
import { verticalBox, wrappedLabel } from '../layout.js';

const RISKS: Record<string, () => string> = {
  low: () => _('Low risk'),
  medium: () => _('Medium risk'),
  high: () => _('High risk'),
};

/** What a card's buttons do; each resolves to whether the call went through. */
export interface CardHandlers {
  apply(action: ProposalAction): Promise<boolean>;
  dismiss(): Promise<boolean>;
}

/**
 * A proposal in the chat: what its reading steps found, and each change with its effect, its risk and a button
 * named by it; Dismiss.
 */
export function proposalCard(proposal: Proposal, handlers: CardHandlers): St.BoxLayout {
  const card = verticalBox({ style_class: 'steward-chat-card', x_expand: true });
  card.add_child(wrappedLabel(headingOf(proposal), 'steward-chat-card-title'));
  if (proposal.explanation) card.add_child(wrappedLabel(proposal.explanation, 'steward-chat-card-text'));
  const result = wrappedLabel('', 'steward-chat-card-result');
  result.visible = false;
  const buttons = new St.BoxLayout({ style_class: 'steward-chat-card-buttons' });
  const settle = (text: string) => {
    result.text = text;
    result.visible = true;
    buttons.visible = false;
  };
  // One change is named by its button alone; several each get a line, which their details and risk follow.
  const changes = proposal.actions.filter((action) => !action.shown).length;
  for (const action of proposal.actions) {
    if (action.shown) {
      card.add_child(wrappedLabel(action.title, 'steward-chat-card-action'));
      card.add_child(wrappedLabel(action.answer || _('Looking…'), 'steward-chat-card-detail'));
      continue;
    }
    if (changes > 1) card.add_child(wrappedLabel(buttonLabel(action), 'steward-chat-card-action'));
    for (const detail of action.details) card.add_child(wrappedLabel(detail, 'steward-chat-card-detail'));
    card.add_child(
      wrappedLabel((RISKS[action.risk] ?? (() => action.risk))(), `steward-chat-risk steward-chat-risk-${action.risk}`),
    );
    const apply = new St.Button({
      label: buttonLabel(action),
      style_class: 'button steward-chat-suggested',
      can_focus: true,
    });
    apply.connect('clicked', () => {
      void handlers.apply(action).then((applied) => {
        if (applied) settle(_('Applying… Steward checks the result afterwards.'));
      });
    });
    buttons.add_child(apply);
  }
  const dismiss = new St.Button({ label: _('Dismiss'), style_class: 'button', can_focus: true });
  dismiss.connect('clicked', () => {
    void handlers.dismiss().then((dismissed) => {
      if (dismissed) settle(_('Dismissed.'));
    });
  });
  buttons.add_child(dismiss);
  card.add_child(result);
  card.add_child(buttons);
  return card;
}
