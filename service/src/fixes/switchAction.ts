// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A setting with two positions that Steward can turn, as the desktop's own switch does (an extension, automatic
// time, Bluetooth's airplane mode): one action each way, each the other's undo. The preview reads where it stands
// and changes nothing when it is there already; a way that cannot be taken (nothing installed, a hardware switch)
// is said in the preview and refused by the run; the step is verified by reading the state again.
import type { z } from 'zod';

import type { StewardError } from '../dbus/errors.js';
import type { ActionContext, ActionDefinition, ChangeArea, Risk } from './action.js';

/** One way of the switch: `on` is true for the way its definition calls on. */
export interface SwitchWay<Params> {
  name: string;
  /** For people, marked for translation (N_). */
  title: string;
  risk: Risk;
  params: z.ZodType<Params>;
}

export interface SwitchDefinition<Params extends Record<string, unknown>, State> {
  on: SwitchWay<Params>;
  off: SwitchWay<Params>;
  needsAuthorization: boolean;
  changes: ChangeArea;
  read(params: Params, context: ActionContext): Promise<State>;
  /** Whether the state stands at `on` (true) or at off (false). */
  isAt(state: State, on: boolean): boolean;
  /** Why this way cannot be taken now, as the error its run answers; null when it can. */
  cannot?(state: State, on: boolean, params: Params): StewardError | null;
  /** What the preview says: the step, and the state now with what the step does. */
  preview(state: State, on: boolean, params: Params): { summary: string; details: string[] };
  /** Turns the switch; `before` is the state read just before. */
  turn(params: Params, context: ActionContext, on: boolean, before: State): Promise<void>;
  /** The state once turned, in words ("Automatic time is on"). */
  done(before: State, on: boolean): string;
  /** What the undo, the other way, says. */
  undoSummary(before: State, on: boolean): string;
  /** What the check saw, `ok` or not. */
  observed(state: State, on: boolean, ok: boolean, params: Params): string;
}

function switchWay<Params extends Record<string, unknown>, State>(
  definition: SwitchDefinition<Params, State>,
  on: boolean,
): ActionDefinition<Params> {
  const way = on ? definition.on : definition.off;
  const other = on ? definition.off : definition.on;
  return {
    name: way.name,
    title: way.title,
    params: way.params,
    risk: way.risk,
    needsAuthorization: definition.needsAuthorization,
    readOnly: false,
    changes: definition.changes,
    async preview(params, context) {
      const now = await definition.read(params, context);
      const cannot = definition.cannot?.(now, on, params);
      if (cannot) return { summary: cannot.message, details: [], changesNothing: true };
      return { ...definition.preview(now, on, params), changesNothing: definition.isAt(now, on) };
    },
    async run(params, context, { progress }) {
      const before = await definition.read(params, context);
      const cannot = definition.cannot?.(before, on, params);
      if (cannot) throw cannot;
      await definition.turn(params, context, on, before);
      const done = definition.done(before, on);
      progress(1, done);
      return {
        summary: done,
        undo: { action: other.name, params, summary: definition.undoSummary(before, on) },
      };
    },
    async verify(params, context) {
      const now = await definition.read(params, context);
      const ok = definition.isAt(now, on);
      return { ok, observed: definition.observed(now, on, ok, params) };
    },
  };
}

/** The two actions of a switch: the way on, then the way off. */
export function switchActions<Params extends Record<string, unknown>, State>(
  definition: SwitchDefinition<Params, State>,
): [ActionDefinition<Params>, ActionDefinition<Params>] {
  return [switchWay(definition, true), switchWay(definition, false)];
}
