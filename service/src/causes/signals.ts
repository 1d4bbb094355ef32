// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The signals that end a process: their names by number (Linux's, as systemd, gnome-session and journald's
// EXIT_STATUS= give them), which of them are a program's own fault, and what each usually means for a person.
import { constants } from 'node:os';

import { N_ } from '../i18n.js';

/** A signal's name by its number ("SIGSEGV" for 11), or undefined for a number Linux gives no signal. */
export function signalName(number: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
}

/** A signal's number by its name (11 for "SIGSEGV"), or undefined for a name Linux does not have. */
export const signalNumber = (name: string): number | undefined =>
  (constants.signals as Readonly<Record<string, number>>)[name];

/** The name systemd's lines give a signal, without "SIG" ("SEGV" for 11). */
export const shortSignalName = (number: number) => signalName(number)?.replace(/^SIG/, '');

/** The signals of a program's own fault; KILL, TERM, HUP and the like are someone ending it. */
export const FAULT_SIGNALS: ReadonlySet<string> = new Set([
  'SIGSEGV',
  'SIGBUS',
  'SIGFPE',
  'SIGILL',
  'SIGABRT',
  'SIGSYS',
  'SIGTRAP',
]);

/** Whether a signal's number, as a line gives it, is one of a program's own fault (FAULT_SIGNALS). */
export const isFaultSignal = (number: string | number) => FAULT_SIGNALS.has(signalName(Number(number)) ?? '');

/** What a signal that ends a process usually means, for the signals a crash or a kill is made of. */
export const SIGNAL_MEANINGS: Readonly<Record<string, string>> = {
  SIGSEGV: N_('an invalid memory access: a bug in the program or a library it uses'),
  SIGABRT: N_('the program aborted itself (a failed assertion or an error it detected)'),
  SIGBUS: N_('a bad memory access, often a file shortened while the program had it mapped'),
  SIGILL: N_('an illegal instruction: a build for another processor, or damaged code'),
  SIGFPE: N_('an arithmetic error, such as a division by zero'),
  SIGKILL: N_('killed outright, by someone or by the kernel’s out-of-memory killer'),
  SIGTERM: N_('asked to stop'),
};
