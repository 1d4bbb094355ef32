// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The one shape of a switch: two actions that turn a thing on and off (a Bluetooth adapter, automatic time, a shell
// extension, a printer queue), made together, each the other's undo. Each reads the thing's state when it previews,
// runs and verifies; a thing already as asked changes nothing (and is not offered), one that is not there is said
// in the preview, refused by the run and failed by the verify. What each kind says and how it turns is its own.
import type { z } from 'zod';

import { StewardError, type StewardErrorName } from '../dbus/errors.js';
import type { ActionContext, ActionDefinition, ChangeArea, Preview, Risk, Verification } from './action.js';

/** One of the two actions, by the side it turns to. */
export interface SwitchSide<Params> {
  name: string;
  title: string;
  params: z.ZodType<Params>;
  risk: Risk;
}

/** Why the thing cannot be switched (no such adapter, nothing installed that keeps time), and the run's error. */
export interface Missing {
  error: StewardErrorName;
  text: string;
}

/**
 * `Turned`: what turning it answers, for the run's summary (a part the system did not take). `Before`: what the run
 * reads first, for the turn, the summary and the undo: the thing's state (`read`, its absence checked) unless the
 * switch reads something else (`beforeRun`).
 */
export interface Switch<Params extends Record<string, unknown>, State, Turned = void, Before = State> {
  on: SwitchSide<Params>;
  off: SwitchSide<Params>;
  needsAuthorization: boolean;
  /** What turning it changes, as the catalog says (Proposals.Catalog). */
  changes: ChangeArea;
  /** The thing as it is now. */
  read(params: Params, context: ActionContext): Promise<State>;
  /** Why it cannot be switched as it is, or null. */
  missing?(state: State, params: Params): Missing | null;
  /** Whether it is as turning it `on` (or off) leaves it: nothing to change before, the verify's test after. */
  is(state: State, on: boolean, params: Params): boolean;
  /** What the run reads first, in place of the state: where the system's own refusal says the thing is missing. */
  beforeRun?(params: Params, on: boolean, context: ActionContext): Promise<Before>;
  /** Refuses what no preview or run may take (Steward's own extension turned off), by throwing. */
  refuse?(params: Params, on: boolean): void;
  /** Turns it. */
  turn(params: Params, on: boolean, context: ActionContext, before: Before): Promise<Turned>;
  preview(params: Params, on: boolean, now: State): Pick<Preview, 'summary' | 'details'>;
  /** What turning it did, for the run's summary and progress. */
  done(params: Params, on: boolean, before: Before, turned: Turned): string;
  /** How to turn it back: the other action's parameters and its summary. */
  undo(params: Params, on: boolean, before: Before): { params: Record<string, unknown>; summary: string };
  /** What the verify saw. */
  observed(params: Params, on: boolean, now: State, ok: boolean): string;
}

/** The switch's two actions: [on, off]. */
export function switchActions<Params extends Record<string, unknown>, State, Turned = void>(
  spec: Switch<Params, State, Turned> & { beforeRun?: undefined },
): [ActionDefinition<Params>, ActionDefinition<Params>];
export function switchActions<Params extends Record<string, unknown>, State, Turned, Before>(
  spec: Switch<Params, State, Turned, Before> & Required<Pick<Switch<Params, State, Turned, Before>, 'beforeRun'>>,
): [ActionDefinition<Params>, ActionDefinition<Params>];
export function switchActions<Params extends Record<string, unknown>, State, Turned, Before>(
  spec: Switch<Params, State, Turned, Before>,
): [ActionDefinition<Params>, ActionDefinition<Params>] {
  return [switchAction(spec, true), switchAction(spec, false)];
}

function switchAction<Params extends Record<string, unknown>, State, Turned, Before>(
  spec: Switch<Params, State, Turned, Before>,
  on: boolean,
): ActionDefinition<Params> {
  const side = on ? spec.on : spec.off;
  const other = on ? spec.off : spec.on;
  /** The state, where it is there: without `beforeRun`, Before is State (switchActions' first signature). */
  const readPresent = async (params: Params, context: ActionContext) => {
    const state = await spec.read(params, context);
    const missing = spec.missing?.(state, params);
    if (missing) throw new StewardError(missing.error, missing.text);
    return state as unknown as Before;
  };
  return {
    name: side.name,
    title: side.title,
    params: side.params,
    risk: side.risk,
    needsAuthorization: spec.needsAuthorization,
    readOnly: false,
    changes: spec.changes,
    async preview(params, context): Promise<Preview> {
      spec.refuse?.(params, on);
      const now = await spec.read(params, context);
      const missing = spec.missing?.(now, params);
      if (missing) return { summary: missing.text, details: [], changesNothing: true };
      return { ...spec.preview(params, on, now), changesNothing: spec.is(now, on, params) };
    },
    async run(params, context, { progress }) {
      spec.refuse?.(params, on);
      const before = spec.beforeRun ? await spec.beforeRun(params, on, context) : await readPresent(params, context);
      const summary = spec.done(params, on, before, await spec.turn(params, on, context, before));
      progress(1, summary);
      return { summary, undo: { action: other.name, ...spec.undo(params, on, before) } };
    },
    async verify(params, context): Promise<Verification> {
      const now = await spec.read(params, context);
      const missing = spec.missing?.(now, params);
      if (missing) return { ok: false, observed: missing.text };
      const ok = spec.is(now, on, params);
      return { ok, observed: spec.observed(params, on, now, ok) };
    },
  };
}
