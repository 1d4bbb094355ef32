// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The session the journal fixtures come from, as findings/writers.ts sees it: uid 1000's, with every desktop
// component's program installed where the distributions put it.
import { DESKTOP_WRITERS, Writers } from '../../service/src/findings/writers.js';

export const SESSION_UID = 1000;

export const desktopWriters = (): Writers =>
  new Writers(SESSION_UID).assumeInstalled(DESKTOP_WRITERS.flatMap((writer) => writer.programs));
