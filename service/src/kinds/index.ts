// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Every kind of problem Steward knows, in one list, which service/parts.ts hands to the engine: the detectors, the
// catalog, the playbooks, the proposer and the executor take each kind's parts from it, and the watchers (service/)
// the desktop kinds' sources.
import type { KindSet } from '../fixes/kind.js';
import type { EventSource } from '../watch/events.js';
import { appCrashKind } from './appCrash/kind.js';
import { authFailuresKind } from './authFailures/kind.js';
import { bluetoothKind } from './bluetooth/kind.js';
import { clockKind } from './clock/kind.js';
import { configChangedKind } from './configChanged/kind.js';
import { configErrorKind } from './configError/kind.js';
import { connectivityKind } from './connectivity/kind.js';
import { crashKind } from './crash/kind.js';
import { crashLoopKind } from './crashLoop/kind.js';
import { diskSpaceKind } from './diskSpace/kind.js';
import { dnsFailureKind } from './dnsFailure/kind.js';
import { extensionsKind } from './extensions/kind.js';
import { filesystemErrorKind } from './filesystemError/kind.js';
import { gpuFaultKind } from './gpuFault/kind.js';
import { inodesKind } from './inodes/kind.js';
import type { Kind, SourceOptions } from './kind.js';
import { linkDownKind } from './linkDown/kind.js';
import { memoryPressureKind } from './memoryPressure/kind.js';
import { networkFailureKind } from './networkFailure/kind.js';
import { noRouteKind } from './noRoute/kind.js';
import { noSpaceKind } from './noSpace/kind.js';
import { oomKillKind } from './oomKill/kind.js';
import { packageManagerErrorKind } from './packageManagerError/kind.js';
import { printingKind } from './printing/kind.js';
import { signInKind } from './signIn/kind.js';
import { soundKind } from './sound/kind.js';
import { storageErrorKind } from './storageError/kind.js';
import { thermalKind } from './thermal/kind.js';
import { unitFailedKind } from './unitFailed/kind.js';

/** The machine room's kinds, in the order their detectors run. */
const MACHINE_ROOM_KINDS: readonly Kind[] = [
  unitFailedKind,
  crashLoopKind,
  crashKind,
  oomKillKind,
  filesystemErrorKind,
  storageErrorKind,
  gpuFaultKind,
  noSpaceKind,
  dnsFailureKind,
  authFailuresKind,
  packageManagerErrorKind,
  configErrorKind,
  networkFailureKind,
  diskSpaceKind,
  inodesKind,
  linkDownKind,
  noRouteKind,
  connectivityKind,
  configChangedKind,
  thermalKind,
  memoryPressureKind,
];

/** The desktop session's kinds, in the order their sources start and their detectors run. */
const DESKTOP_KINDS: readonly Kind[] = [
  extensionsKind,
  soundKind,
  bluetoothKind,
  printingKind,
  clockKind,
  appCrashKind,
  signInKind,
];

export const KINDS: readonly Kind[] = [...MACHINE_ROOM_KINDS, ...DESKTOP_KINDS];

/** Every kind, as service/parts.ts hands them to the engine. */
export const KIND_SET: KindSet = { all: KINDS, desktop: DESKTOP_KINDS };

/** The desktop kinds' own sources; the watchers start them where the configuration's `desktop` is on. */
export const desktopSources = (options: SourceOptions): EventSource[] =>
  DESKTOP_KINDS.flatMap((kind) => kind.sources(options));

export type { Kind, SourceOptions };
