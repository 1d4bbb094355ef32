// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Applications that crash: systemd-coredump's records are found by the coredump detector and shown by
// info.coredump (with where the program comes from, see origin.ts); the update of the crashed program's package
// when PackageKit has one waiting is packages.update, a package action of the catalog like the others, and that of
// a crashed Flatpak app whose installation has a newer commit waiting is flatpak.update, in the catalog beside it.
// The session's own manager's word that one of its programs crashed is read here (sessionCrashDetector.ts).
import type { Kind } from '../kind.js';
import { SessionCrashDetector } from './sessionCrashDetector.js';

export const appCrashKind: Kind = {
  name: 'appCrash',
  sources: () => [],
  detectors: (writers) => [new SessionCrashDetector(writers)],
  actions: () => [],
  playbooks: {},
};
