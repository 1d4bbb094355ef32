// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The user's confirmation of a change that widens what Steward may do or send
// (widening.ts), by the first path this session has: polkit where Steward's
// action is installed, else GNOME Shell's dialog through the extension. A
// terminal's word counts only where neither exists. Editing the file by hand
// needs none of this: that is the user's own act.
import type { MessageBus } from '@jellybrick/dbus-next';

import { type CallerIdentity, callerIdentity, describeIdentity } from '../dbus/callerIdentity.js';
import { StewardError } from '../dbus/errors.js';
import { _, format } from '../i18n.js';
import type { Logger } from '../logging.js';
import { polkitActionInstalled, polkitConfirms } from './polkitConfirmation.js';
import type { ShellAgent } from './shellAgent.js';
import { callerHasTerminal } from './terminalCaller.js';
import type { Widening } from './widening.js';

export interface ConfirmationDependencies {
  bus: MessageBus;
  systemBus(): MessageBus | null;
  shell: ShellAgent;
  configFile: string;
  log: Logger;
}

/** "/usr/bin/python3.12 (pid 4242)": who asked, by the kernel's word, for the dialog. */
const callerInWords = (caller: CallerIdentity) =>
  [caller.sandboxedApp ?? caller.executable ?? caller.sender, caller.pid !== null && `(pid ${caller.pid})`]
    .filter(Boolean)
    .join(' ');

const listed = (changes: readonly Widening[]) => changes.map((change) => change.description).join('; ');

export class TrustConfirmation {
  constructor(private readonly deps: ConfirmationDependencies) {}

  /** Resolves once the user confirmed `changes` asked by `sender`; NotAuthorized when refused, ConfirmationRequired when nothing can ask. */
  async confirm(sender: string, changes: readonly Widening[]): Promise<void> {
    const caller = await callerIdentity(this.deps.bus, sender);
    const systemBus = this.deps.systemBus();
    if (systemBus && (await polkitActionInstalled(systemBus))) {
      if (!(await polkitConfirms(systemBus, caller, listed(changes)))) throw this.refused(changes);
      this.record('polkit', describeIdentity(caller), changes);
      return;
    }
    const shell = await this.deps.shell.current();
    if (shell) {
      if (
        !(await this.deps.shell.ask(
          shell,
          callerInWords(caller),
          changes.map((change) => change.description),
        ))
      )
        throw this.refused(changes);
      this.record('GNOME Shell', describeIdentity(caller), changes);
      return;
    }
    throw new StewardError(
      'ConfirmationRequired',
      format(
        _(
          'This change needs your confirmation: {changes}. Make it with “steward config set” on a terminal, or edit {file} yourself.',
        ),
        { changes: listed(changes), file: this.deps.configFile },
      ),
    );
  }

  /**
   * Resolves when `sender` may confirm `changes` by its terminal's word: only while neither
   * polkit nor GNOME Shell can ask (a terminal is easy to fake, see terminalCaller.ts), and
   * only for a caller with a controlling terminal.
   */
  async confirmOnTerminal(sender: string, changes: readonly Widening[]): Promise<void> {
    const systemBus = this.deps.systemBus();
    if ((systemBus && (await polkitActionInstalled(systemBus))) || (await this.deps.shell.current())) {
      throw new StewardError(
        'NotAuthorized',
        _('Confirm this change in the desktop’s dialog: call UpdateConfig, which asks you there.'),
      );
    }
    const caller = await callerIdentity(this.deps.bus, sender);
    if (!(await callerHasTerminal(caller.pid))) {
      throw new StewardError(
        'NotAuthorized',
        _('Only a program running on a terminal may confirm this change there, and this caller has none.'),
      );
    }
    this.record('terminal', describeIdentity(caller), changes);
  }

  private refused(changes: readonly Widening[]): StewardError {
    return new StewardError(
      'NotAuthorized',
      format(_('The change was not confirmed, so nothing changed: {changes}.'), { changes: listed(changes) }),
    );
  }

  private record(path: string, caller: string, changes: readonly Widening[]): void {
    this.deps.log.info('trust widened with the user’s confirmation', {
      confirmedBy: path,
      caller,
      settings: changes.map((change) => change.setting).join(' '),
    });
  }
}
