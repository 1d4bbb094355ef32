// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ConfigLoad, loadConfig } from '../config.js';
import type { ServiceState } from '../core/serviceState.js';
import type { InterfaceSignals } from '../dbus/interfaceSignals.js';
import type { EngineProvider } from '../engine/engineProvider.js';
import type { Logger } from '../logging.js';
import { configJson } from '../settings/settingsInterface.js';
import type { LiveConfig } from './liveConfig.js';
import { applyConfig } from './statusReports.js';
import type { WatcherSet } from './watcherSet.js';

export interface ConfigReloadOptions {
  configFile: string;
  config: LiveConfig;
  state: ServiceState;
  engines: EngineProvider;
  watchers: WatcherSet;
  settingsSignals: InterfaceSignals<'io.github.steward.Steward1.Settings'>;
  updateAttention: () => void;
  log: Logger;
}

/** What SIGHUP and Settings.UpdateConfig do: read the file again, apply it, and restart what it changed. */
export async function reloadConfig(options: ConfigReloadOptions): Promise<ConfigLoad> {
  const { configFile, config, state, engines, watchers, settingsSignals, updateAttention, log } = options;
  const load = await loadConfig(configFile);
  const changed = (key: 'inference' | 'watch') =>
    JSON.stringify(load.config[key]) !== JSON.stringify(config.config[key]);
  const [inferenceChanged, watchChanged] = [changed('inference'), changed('watch')];
  config.replace(load);
  applyConfig(load, state, log);
  updateAttention();
  log.info('configuration reloaded', { file: configFile });
  // Dropping the engine unloads the model; the new settings apply on the next request.
  if (inferenceChanged) {
    engines.refresh().catch((error: Error) => log.warning('cannot read the active model', { reason: error.message }));
  }
  if (watchChanged) await watchers.restart();
  settingsSignals.emit('ConfigChanged', { config: configJson(load.config) });
  return load;
}
