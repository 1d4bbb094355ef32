// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// systemd's result words (a unit's Result=, its "Failed with result '…'" line; src/core/service.c, socket.c…), each
// said for a person, and what each says of the failure: whether it can pass, whether systemd signalled the unit itself.
import { _, N_ } from '../i18n.js';

interface SystemdResult {
  /** What it means, as the end of a sentence: "its program ended with an error". */
  plain: string;
  /** The few words of a finding's title ("backup.service failed (timed out)"). */
  brief?: string;
  /** Why systemd itself signalled the unit's processes with this result: the signal is not the program's doing. */
  signalled?: string;
  /** Whether a failure with this result can pass: the same start may succeed without a change. */
  passes?: true;
}

const RESULTS: Readonly<Record<string, SystemdResult>> = {
  'exit-code': { plain: N_('its program ended with an error'), brief: N_('exit code') },
  signal: { plain: N_('its program was stopped by a signal'), brief: N_('killed by a signal'), passes: true },
  'core-dump': { plain: N_('its program crashed'), brief: N_('killed by a signal'), passes: true },
  timeout: {
    plain: N_('it took too long to start or stop'),
    brief: N_('timed out'),
    signalled: N_('it did not finish starting or stopping within its timeout'),
    passes: true,
  },
  watchdog: {
    plain: N_('it stopped responding'),
    brief: N_('watchdog timeout'),
    signalled: N_('the program stopped answering its watchdog (WatchdogSec=) in time: it hung or was too busy'),
    passes: true,
  },
  'start-limit-hit': { plain: N_('it was restarted too often in a short time'), brief: N_('restarted too often') },
  'oom-kill': { plain: N_('it ran out of memory'), brief: N_('out of memory'), passes: true },
  resources: { plain: N_('systemd could not prepare what it needs'), brief: N_('could not set up its resources') },
  protocol: { plain: N_('it did not tell systemd that it had started') },
  'exec-condition': { plain: N_('a condition for starting it was not met') },
  'service-start-limit-hit': { plain: N_('the service it starts failed too often') },
  'unit-start-limit-hit': { plain: N_('the service it starts failed too often') },
  'trigger-limit-hit': { plain: N_('it was started too often in a short time') },
  'mount-start-limit-hit': { plain: N_('the mount it starts failed too often') },
};

const words = (text: string | undefined) => (text === undefined ? undefined : _(text));

/** A result word of systemd in plain words; undefined for one it does not know. */
export const plainResult = (result: string) => words(RESULTS[result]?.plain);

/** A result word of systemd in the few words of a title; undefined for one it has none for. */
export const briefResult = (result: string) => words(RESULTS[result]?.brief);

/** Why systemd itself signalled a unit that ended with `result`; undefined where the signal was not its own. */
export const signalledBySystemd = (result: string) => words(RESULTS[result]?.signalled);

/** Whether a unit that failed with `result` may start the next time without a change. */
export const resultPasses = (result: string) => RESULTS[result]?.passes === true;
