// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What a desktop gym scenario is: a fault made for real in the session, what Steward should make of it, and how
// the desktop's own state says it is healthy again and back as it was after Undo. The parts a kind needs beside the
// shell (a sound server, a stand-in daemon on the system bus) are started once for the session.
import type { MessageBus } from '@jellybrick/dbus-next';

import type { PrivateBus } from '../../support/privateBus.js';
import type { RootfsOverlay } from '../harness/packages.js';
import type { ShellSession } from '../harness/session.js';

export interface ShellContext {
  /** The session bus of the shell, where Steward also runs. */
  bus: MessageBus;
  /** The private bus that stands for the system bus, where the system's daemons (or their stand-ins) run. */
  systemBus: MessageBus;
  /** The session, where a fault may run a program as its own do (inSession.ts). */
  session: ShellSession;
}

/** What a part is given to start with. */
export interface PartContext {
  session: ShellSession;
  /** Where the session's root filesystem is mounted in its mount namespace (an overlay where a part prepared it). */
  rootfs: string;
  systemBus: PrivateBus;
  systemClient: MessageBus;
  /** A folder of the gym's own, removed with it. */
  home: string;
  /** The system bus's folder of D-Bus activation files, for a daemon the bus starts when it is called. */
  systemServices: string;
}

/** Something a kind needs beside the shell, started before Steward and stopped after it. */
export interface GymPart {
  name: string;
  /**
   * What the part installs into the session's root filesystem before the session starts: the session then runs
   * on `overlay`, an overlay of the cached tree (packages.ts), which stays as it is.
   */
  prepare?(overlay: RootfsOverlay, suite: string, home: string): Promise<void>;
  /** Resolves with what Steward's environment needs to reach the part. */
  start(context: PartContext): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

interface Base {
  name: string;
  title: string;
  /** Run inside `npm test` (desktopGym.spec.ts), which asserts on its row. */
  core: boolean;
  /** The parts the scenario needs (started once for all the scenarios of a run). */
  needs?: GymPart[];
  /** The fault, made for real; time to detect counts from its start. */
  fault(context: ShellContext): Promise<void>;
  cleanup(context: ShellContext): Promise<void>;
}

export interface ExpectedFinding {
  kind: string;
  subject: string;
}

/**
 * Words a person must read: each is found in the finding's title, the proposal's title or explanation, or what a
 * step of the proposal shows (its preview, or the answer of a step that only reads).
 */
export type Says = string[];

/** Steward must raise `finding`, propose `firstStep` first, and `apply` must make the desktop's state healthy. */
export interface FixScenario extends Base {
  expect: {
    finding: ExpectedFinding;
    firstStep: string;
    apply: string;
    applyState: 'fixed';
    says?: Says;
    /** The desktop's own state once the fix is applied. */
    healthy(context: ShellContext): Promise<boolean>;
    /**
     * The desktop's own state once Steward undid the fix: as the fault left it. Absent for a fix that has no
     * undo (a package update): the row's `undone` stays unscored, as the machine gym scores such rows.
     */
    afterUndo?(context: ShellContext): Promise<boolean>;
  };
}

/**
 * Steward must raise `finding` and propose `firstStep` first, and offer no change at all: where the only changes
 * there are could lock a person out (sign-in) or where the cause is outside the machine.
 */
export interface ExplainScenario extends Base {
  expect: { finding: ExpectedFinding; firstStep: string; noChange: true; says?: Says };
}

/** Nothing about `subject` may be raised by the time a sentinel's failure (after the fault) is reported. */
export interface QuietScenario extends Base {
  expect: { none: { subject: string } };
}

export type DesktopScenario = FixScenario | ExplainScenario | QuietScenario;

/** The parts `scenarios` need, each once, in the order first needed. */
export const partsOf = (scenarios: DesktopScenario[]): GymPart[] => [
  ...new Set(scenarios.flatMap((scenario) => scenario.needs ?? [])),
];

/** A part's handle, which exists only while the part runs. */
export function started<T>(handle: T | undefined, part: string): T {
  if (handle === undefined) throw new Error(`the ${part} part is not started: list it in the scenario's needs`);
  return handle;
}
