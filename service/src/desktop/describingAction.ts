// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A desktop kind's first step: it reads a component's state and shows it, in the preview and as what it ran.
import type { z } from 'zod';

import type { ActionContext, ActionDefinition } from '../fixes/action.js';

export interface Describing<Params extends Record<string, unknown>> {
  name: string;
  title: string;
  params: z.ZodType<Params>;
  /** What the preview says the step shows. */
  shows(params: Params): string;
  /** The component's state, a line each. */
  describe(params: Params, context: ActionContext): Promise<string[]>;
  /** Why there is nothing to undo. */
  changesNothing(): string;
  /** What it read, and from whom. */
  observed(): string;
}

export function describingAction<Params extends Record<string, unknown>>(
  step: Describing<Params>,
): ActionDefinition<Params> {
  return {
    name: step.name,
    title: step.title,
    params: step.params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview(params, context) {
      return { summary: step.shows(params), details: await step.describe(params, context), changesNothing: false };
    },
    async run(params, context) {
      return {
        summary: (await step.describe(params, context)).join('\n'),
        undo: { impossible: step.changesNothing() },
      };
    },
    verify() {
      return Promise.resolve({ ok: true, observed: step.observed() });
    },
  };
}
