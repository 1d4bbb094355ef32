// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { z } from 'zod';

import { N_ } from '../../i18n.js';
import { defineTool } from '../tool.js';

/** The one tool that leads to a change, and only after the user applies the proposal it makes. */
export function proposeActionTool(actions: readonly string[]) {
  return defineTool({
    name: 'propose_action',
    description: 'Propose a fix from the catalog; nothing runs until the user applies it.',
    params: z.object({
      // Checked here rather than offered as an enum: the system prompt's catalog already names every action,
      // and the enum repeated the names in every question's prompt (about 250 tokens of a small model's).
      action: z
        .string()
        .refine((name) => actions.includes(name), {
          message: `Invalid option: the actions of the catalog are ${actions.join(', ')}`,
        })
        .describe('A name from the catalog'),
      params: z.record(z.string(), z.unknown()).describe('As the catalog lists them'),
      reason: z.string().min(1).max(300).describe('Why, in one sentence for the user'),
    }),
    progress: N_('preparing a fix for you to review…'),
    async run({ action, params, reason }, { proposals }) {
      const made = await proposals.propose({ action, params, reason });
      return `Proposal ${made.id} is ready for the user to review: ${made.title}. It runs only if they apply it; tell them so.`;
    },
  });
}
