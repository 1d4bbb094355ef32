import { z } from 'zod';
import { defineTool } from '../tool.js';
import { N_ } from '../../i18n.js';

/** The one tool that leads to a change, and only after the user applies the proposal it makes. */
export function proposeActionTool(actions: readonly string[]) {
  return defineTool({
    name: 'propose_action',
    description:
      "Propose a fix from Steward's catalog. Nothing runs: the user sees the exact effect and decides whether to apply it. Use it only when the user's problem calls for a change; returns the proposal's id.",
    params: z.object({
      action: z.enum(actions as [string, ...string[]]).describe('The catalog action, e.g. systemd.restart_unit'),
      params: z.record(z.string(), z.unknown()).describe("The action's parameters, as the catalog lists them"),
      reason: z.string().min(1).max(300).describe('Why this helps, in one sentence for the user'),
    }),
    progress: N_('preparing a fix for you to review…'),
    async run({ action, params, reason }, { proposals }) {
      const made = await proposals.propose({ action, params, reason });
      return `Proposal ${made.id} is ready for the user to review: ${made.title}. It runs only if they apply it; tell them so.`;
    },
  });
}
