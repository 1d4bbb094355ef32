// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { z } from 'zod';

import { N_ } from '../../i18n.js';
import { defineTool } from '../tool.js';

/** An action of the catalog as the model is shown it: its name and its parameters, "unit, scope: user|system". */
export interface ActionLine {
  name: string;
  params: string;
}

/**
 * "systemd.start_unit, systemd.stop_unit (unit, scope: user|system); …": the
 * actions that take the same parameters share them, each name written whole,
 * as the model must write it. The catalog is in the prompt whenever this tool
 * is, and a small model's context has little room.
 */
export function describeCatalog(actions: readonly ActionLine[]): string {
  const byParams = new Map<string, string[]>();
  for (const { name, params } of actions) byParams.set(params, [...(byParams.get(params) ?? []), name]);
  return [...byParams].map(([params, names]) => `${names.join(', ')} (${params})`).join('; ');
}

/**
 * The one tool that leads to a change, and only after the user applies the
 * proposal it makes. Its description lists the `shown` actions (those of the
 * question's topics); it takes any of the catalog's.
 */
export function proposeActionTool(
  actions: readonly ActionLine[],
  shown: readonly string[] = actions.map(({ name }) => name),
) {
  const names = actions.map((action) => action.name);
  const listed = actions.filter((action) => shown.includes(action.name));
  return defineTool({
    name: 'propose_action',
    // The catalog is here rather than in the system prompt: where the context has no room for this tool, it has none for it.
    description: `Propose a fix; nothing runs until the user applies it. Actions (? optional): ${describeCatalog(listed)}.`,
    params: z.object({
      // Checked here rather than offered as an enum: the description already names every action.
      action: z.string().refine((name) => names.includes(name), {
        message: `Invalid option: the actions of the catalog are ${names.join(', ')}`,
      }),
      params: z.record(z.string(), z.unknown()),
      reason: z.string().min(1).max(300).describe('Why, in one sentence for the user'),
    }),
    progress: N_('preparing a fix for you to review…'),
    async run({ action, params, reason }, { proposals }) {
      const made = await proposals.propose({ action, params, reason });
      return `Proposal ${made.id} is ready for the user to review: ${made.title}. It runs only if they apply it; tell them so.`;
    },
  });
}
