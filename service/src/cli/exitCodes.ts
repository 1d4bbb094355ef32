// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Exit statuses, following the LSB convention that `systemctl status` uses too.
import { N_ } from '../i18n.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_RUNNING = 3;
// What shells report for a command stopped by Ctrl+C (128 + SIGINT).
export const EXIT_INTERRUPTED = 130;
// How `steward apply` and `steward undo` end when the job does not succeed.
// 4 is the LSB's "insufficient privilege"; 150–199 are left to applications.
export const EXIT_NOT_AUTHORIZED = 4;
export const EXIT_NOT_FIXED = 150;

/** What each status means, for the help and the man page. */
export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: 0, meaning: N_('Success') },
  {
    code: EXIT_FAILURE,
    meaning: N_('Failure: the error is printed on standard error, or as JSON on standard output with --json'),
  },
  { code: EXIT_USAGE, meaning: N_('The command line is wrong, or a confirmation was needed and --yes was not given') },
  { code: EXIT_NOT_RUNNING, meaning: N_('The service is not running (status, doctor)') },
  { code: EXIT_NOT_AUTHORIZED, meaning: N_('A fix was not authorised') },
  { code: EXIT_INTERRUPTED, meaning: N_('Stopped with Ctrl+C') },
  { code: EXIT_NOT_FIXED, meaning: N_('A fix ran but did not succeed') },
];
