// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The contract every action in the catalog keeps. An action is the only way
// Steward changes anything: typed parameters (zod), a risk level, a preview
// that says exactly what would change, a run that reports progress, a check
// that it worked, and what it takes to undo it.
import type { MessageBus } from '@jellybrick/dbus-next';
import type { z } from 'zod';

import { _ } from '../i18n.js';
import type { Logger } from '../logging.js';
import type { TestHooks } from '../testHooks.js';

export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];

/** What a change acts on, as a person looks for its rule: the preferences group the rules so (Proposals.Catalog). */
export const CHANGE_AREAS = ['services', 'packages', 'files', 'network', 'desktop'] as const;
export type ChangeArea = (typeof CHANGE_AREAS)[number];

/** What the action needs from the machine; tests point these at private buses and temp dirs. */
/** What the catalog's actions are made with. */
export interface ActionOptions {
  /** watch.journal.directories, read at each use: the extra journals info.show_logs may read. */
  journalDirectories?: () => readonly string[];
  /** The corpus's stand-ins for the machine's journals and `/` (testHooks.ts); unset in real use. */
  testHooks?: TestHooks;
}

export interface ActionContext {
  sessionBus: MessageBus;
  /** Null where there is no system bus: system-scope actions then refuse with Unavailable. */
  systemBus: MessageBus | null;
  /** $HOME: user files (caches, trash) are confined under it. */
  home: string;
  /** $XDG_CACHE_HOME. */
  cacheHome: string;
  /** $XDG_DATA_HOME (the trash lives in its Trash/). */
  dataHome: string;
  /** Where the file watcher keeps known-good copies of watched config files. */
  knownGoodDirectory: string;
  log: Logger;
}

/** What running the action would do, shown to the user before they approve it. */
export interface Preview {
  /** One line: "Restart bluetooth.service", "Free 1.2 GB in ~/.cache/thumbnails". */
  summary: string;
  /**
   * The words on the button that runs it: the summary with each long name shortened (shownName), so that the
   * catalog's words stay on the button. The catalog sets it; an action leaves it out.
   */
  label?: string;
  /** The exact effect, line by line: packages with versions, files, a diff. */
  details: string[];
  /** Bytes the action would free or download, when it is about space. */
  bytes?: number;
  /** True when running it would change nothing (unit already active, cache empty): such an action is not offered. */
  changesNothing: boolean;
}

/** Reports progress while an action runs: a fraction 0–1 (or null when unknown) and a line for people. */
export type ProgressReporter = (fraction: number | null, text: string) => void;

/** How to reverse a run: another catalog action with its parameters, or why it cannot be done. */
export type UndoPlan = { action: string; params: Record<string, unknown>; summary: string } | { impossible: string };

export interface RunOutcome {
  /** One line for people: "Restarted bluetooth.service". */
  summary: string;
  undo: UndoPlan;
}

/** After a run: did it have the effect it promised? */
export interface Verification {
  ok: boolean;
  /** What the check saw, in words: "bluetooth.service is active", "still failed (exit code 1)". */
  observed: string;
}

export interface RunOptions {
  progress: ProgressReporter;
  /** Aborted on timeout or cancel; an action stops as soon as it can. */
  signal: AbortSignal;
}

export interface ActionDefinition<Params extends Record<string, unknown> = Record<string, unknown>> {
  /** 'systemd.restart_unit', 'packages.install'… */
  name: string;
  /** For people: "Restart a service". */
  title: string;
  /** Validates and normalizes parameters; every parameter from a playbook, a model or a caller passes through it. */
  params: z.ZodType<Params>;
  risk: Risk | ((params: Params) => Risk);
  /**
   * Whether the system asks for authorization (polkit) to run it. Such
   * actions are never run automatically, and a refused prompt is
   * "not authorised", not an error.
   */
  needsAuthorization: boolean | ((params: Params) => boolean);
  /** Read-only steps (show logs) change nothing and need no undo. */
  readOnly: boolean;
  /** What it changes; every action that is not read-only says it (a unit spec holds the catalog to that). */
  changes?: ChangeArea;
  /**
   * A read-only step that runs a program of the machine (a checker such as `nginx -t`, the expert shell): it waits
   * for a press like a change does. Other read-only steps only read state and run as soon as they are proposed.
   */
  runsProgram?: true;
  preview(params: Params, context: ActionContext): Promise<Preview>;
  run(params: Params, context: ActionContext, options: RunOptions): Promise<RunOutcome>;
  /** Re-checks the action's own effect; the executor also re-checks the finding it was meant to fix. */
  verify(params: Params, context: ActionContext): Promise<Verification>;
}

/** An action that asked polkit and was refused (or the prompt was dismissed). */
export class NotAuthorizedError extends Error {
  constructor(message = _('The system did not authorize this action.')) {
    super(message);
    this.name = 'NotAuthorizedError';
  }
}

/** Risk and authorization for given parameters. */
export function riskOf<Params extends Record<string, unknown>>(action: ActionDefinition<Params>, params: Params): Risk {
  return typeof action.risk === 'function' ? action.risk(params) : action.risk;
}

export function needsAuthorization<Params extends Record<string, unknown>>(
  action: ActionDefinition<Params>,
  params: Params,
): boolean {
  return typeof action.needsAuthorization === 'function'
    ? action.needsAuthorization(params)
    : action.needsAuthorization;
}
