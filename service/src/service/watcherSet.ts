// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { MessageBus } from '@jellybrick/dbus-next';

import type { FindingsPipeline } from '../findings/pipeline.js';
import type { FindingsStore } from '../findings/store.js';
import type { Logger } from '../logging.js';
import type { StewardPaths } from '../paths.js';
import type { TestHooks } from '../testHooks.js';
import type { LiveConfig } from './liveConfig.js';
import { Watchers } from './watchers.js';

export interface WatcherSetOptions {
  config: LiveConfig;
  paths: StewardPaths;
  hooks: TestHooks;
  pipeline: FindingsPipeline;
  store: FindingsStore;
  stewardSecrets: () => string[];
  sessionBus: MessageBus;
  /** Told what a source watches only in part (see ServiceState.setNote). */
  onNote?: (source: string, note: string | null) => void;
  log: Logger;
}

/** The event sources, started once the capabilities are known, each time with the configuration in effect then. */
export class WatcherSet {
  private running: { watchers: Watchers; capabilities: string[]; systemBus: MessageBus | null } | undefined;

  constructor(private readonly options: WatcherSetOptions) {}

  /** Starts the sources; resolves once each has started or said why it cannot (the journal's place is known then). */
  start(capabilities: string[], systemBus: MessageBus | null): Promise<void> {
    const { config, paths, hooks, pipeline, store, stewardSecrets, sessionBus, onNote, log } = this.options;
    const watchers = new Watchers({
      config: config.config.watch,
      capabilities,
      pipeline,
      store,
      configHome: paths.configHome,
      stateDirectory: paths.stateDirectory,
      secrets: { home: paths.home, stewardSecrets: stewardSecrets() },
      sessionBus,
      systemBus,
      systemJournal: hooks.systemJournal,
      userJournal: hooks.userJournal,
      dpkgRoot: hooks.dpkgRoot,
      onNote,
      log,
    });
    this.running = { watchers, capabilities, systemBus };
    // Each source reports its own failure to start; the others run regardless.
    return watchers.start();
  }

  /** Stops the watchers and starts them again with the configuration now in effect; nothing before start(). */
  async restart(): Promise<void> {
    if (!this.running) return;
    const { watchers, capabilities, systemBus } = this.running;
    await watchers.stop();
    void this.start(capabilities, systemBus);
  }

  async stop(): Promise<void> {
    await this.running?.watchers.stop();
  }
}
