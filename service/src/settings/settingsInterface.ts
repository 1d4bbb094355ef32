import { z } from 'zod';
import type { Config, ConfigLoad } from '../config.js';
import { remoteErrorName, StewardError } from '../dbus/errors.js';
import { method, type InterfaceImpl } from '../dbus/objectServer.js';
import { NO_KEYRING_ERRORS } from '../engine/apiKey.js';
import { cleanLine } from '../untrustedText.js';
import { parsePatch, updateConfigFile } from './configFile.js';

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
}

/** The effective configuration as GetConfig and ConfigChanged carry it. */
export const configJson = (config: Config): string => JSON.stringify(config);

/** io.github.steward.Steward1.Settings: the configuration for the preferences window, and the keyring's API key. */
export class SettingsInterface {
  // One update at a time: each patches what the one before wrote.
  private updates: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SettingsDependencies) {}

  readonly impl: InterfaceImpl = {
    methods: {
      GetConfig: method(z.tuple([]), () => {
        const load = this.deps.current();
        const problem = load.status === 'invalid' ? cleanLine(load.problem, MAX_PROBLEM_LENGTH) : '';
        return [configJson(load.config), this.deps.configFile, load.status !== 'invalid', problem];
      }),
      UpdateConfig: method(z.tuple([z.string().max(MAX_PATCH_LENGTH)]), ([patch]) => this.update(parsePatch(patch))),
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

  private update(patch: Record<string, unknown>): Promise<string> {
    const next = this.updates.then(async () => {
      await updateConfigFile(this.deps.configFile, patch);
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
