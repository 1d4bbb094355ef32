// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The desktop session's kinds of problem, in one list: the watchers, detectors, catalog and playbooks take theirs
// from here.
import type { Detector } from '../findings/types.js';
import type { Writers } from '../findings/writers.js';
import type { ActionDefinition } from '../fixes/action.js';
import type { Playbook } from '../fixes/playbookSteps.js';
import type { EventSource } from '../watch/events.js';
import { appCrashKind } from './appCrash/kind.js';
import { bluetoothKind } from './bluetooth/kind.js';
import { clockKind } from './clock/kind.js';
import { extensionsKind } from './extensions/kind.js';
import type { DesktopKind, DesktopSourceOptions } from './kind.js';
import { printingKind } from './printing/kind.js';
import { signInKind } from './signIn/kind.js';
import { soundKind } from './sound/kind.js';

export const DESKTOP_KINDS: readonly DesktopKind[] = [
  extensionsKind,
  soundKind,
  bluetoothKind,
  printingKind,
  clockKind,
  appCrashKind,
  signInKind,
];

export const desktopSources = (options: DesktopSourceOptions): EventSource[] =>
  DESKTOP_KINDS.flatMap((kind) => kind.sources(options));

export const desktopDetectors = (writers: Writers): Detector[] =>
  DESKTOP_KINDS.flatMap((kind) => kind.detectors(writers));

export const desktopActions = (): ActionDefinition[] => DESKTOP_KINDS.flatMap((kind) => kind.actions());

export const desktopPlaybooks = (): Record<string, Playbook> =>
  Object.assign({}, ...DESKTOP_KINDS.map((kind) => kind.playbooks)) as Record<string, Playbook>;

export type { DesktopKind, DesktopSourceOptions };
