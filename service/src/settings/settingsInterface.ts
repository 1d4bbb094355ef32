// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { z } from 'zod';

import type { Config, ConfigLoad } from '../config.js';
import { remoteErrorName, StewardError } from '../dbus/errors.js';
import { method, type TypedInterfaceImpl } from '../dbus/objectServer.js';
import { NO_KEYRING_ERRORS } from '../engine/apiKey.js';
import { cleanLine } from '../untrustedText.js';
import { type JsonObject, parsePatch, planConfigUpdate, writeConfigUpdate } from './configFile.js';
import type { TrustConfirmation } from './confirmation.js';
import type { ShellAgent } from './shellAgent.js';
import { type Widening, wideningChanges } from './widening.js';

// Far more than any real configuration; a bound on what one call makes the service parse.
const MAX_PATCH_LENGTH = 64 * 1024;
// Problems name every bad setting, so they may be longer than one log line.
const MAX_PROBLEM_LENGTH = 2000;

export interface SettingsDependencies {
  configFile: string;
  /** The configuration in effect and how its file was read. */
  current(): ConfigLoad;
  /** Reads the file again and applies it as a reload does (ConfigChanged included). */
  reload(): Promise<ConfigLoad>;
  storeApiKey(url: string, key: string): Promise<void>;
  /** Asks the user to confirm a change that widens trust. */
  confirmation: TrustConfirmation;
  shell: ShellAgent;
}

type Confirm = (sender: string, changes: readonly Widening[]) => Promise<void>;

/** The effective configuration as GetConfig and ConfigChanged carry it. */
export const configJson = (config: Config): string => JSON.stringify(config);

/** io.github.steward.Steward1.Settings: the configuration for the preferences window, and the keyring's API key. */
export class SettingsInterface {
  // One update at a time: each patches what the one before wrote.
  private updates: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SettingsDependencies) {}

  readonly impl: TypedInterfaceImpl<'io.github.steward.Steward1.Settings'> = {
    methods: {
      GetConfig: method(z.tuple([]), () => {
        const load = this.deps.current();
        const problem = load.status === 'invalid' ? cleanLine(load.problem, MAX_PROBLEM_LENGTH) : '';
        return [configJson(load.config), this.deps.configFile, load.status !== 'invalid', problem];
      }),
      UpdateConfig: method(z.tuple([z.string().max(MAX_PATCH_LENGTH)]), ([patch], { sender }) =>
        this.update(parsePatch(patch), sender, (caller, changes) => this.deps.confirmation.confirm(caller, changes)),
      ),
      UpdateConfigFromTerminal: method(z.tuple([z.string().max(MAX_PATCH_LENGTH)]), ([patch], { sender }) =>
        this.update(parsePatch(patch), sender, (caller, changes) =>
          this.deps.confirmation.confirmOnTerminal(caller, changes),
        ),
      ),
      RegisterConfirmationAgent: method(z.tuple([]), (_args, { sender }) => this.deps.shell.register(sender)),
      AnswerConfirmation: method(z.tuple([z.number().int(), z.boolean()]), ([request, allowed], { sender }) =>
        this.deps.shell.answer(sender, request, allowed),
      ),
      SetApiKey: method(
        z.tuple([
          z.url({ protocol: /^https?$/, error: 'not an http(s) URL' }),
          z.string().trim().min(1, 'the API key is empty').max(MAX_PATCH_LENGTH),
        ]),
        ([url, key]) => this.storeApiKey(url, key),
      ),
    },
    properties: {},
  };

  /**
   * Writes `patch` to the file and applies it. A change that widens trust is written only
   * after `confirm` resolves, and only if the file, read again then, asks for no more than was confirmed.
   */
  private update(patch: JsonObject, sender: string, confirm: Confirm): Promise<string> {
    const next = this.updates.then(async () => {
      let plan = await planConfigUpdate(this.deps.configFile, patch);
      const changes = wideningChanges(plan.before, plan.after);
      if (changes.length > 0) {
        await confirm(sender, changes);
        plan = await planConfigUpdate(this.deps.configFile, patch);
        const confirmed = new Set(changes.map((change) => change.description));
        const unconfirmed = wideningChanges(plan.before, plan.after).filter((c) => !confirmed.has(c.description));
        if (unconfirmed.length > 0) {
          throw new StewardError('Busy', 'the file changed while the change was being confirmed; try again');
        }
      }
      await writeConfigUpdate(this.deps.configFile, plan);
      return configJson((await this.deps.reload()).config);
    });
    this.updates = next.catch(() => undefined);
    return next;
  }

  private async storeApiKey(url: string, key: string): Promise<void> {
    try {
      await this.deps.storeApiKey(url, key);
    } catch (error) {
      if (NO_KEYRING_ERRORS.includes(remoteErrorName(error) ?? '')) {
        throw new StewardError(
          'Unavailable',
          'there is no keyring (Secret Service) in this session to save the key in',
        );
      }
      throw error;
    }
  }
}
