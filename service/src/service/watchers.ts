// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Builds the event sources the configuration and the machine allow, and feeds
// their events to the findings pipeline with the positions to resume from.
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import type { Config } from '../config.js';
import type { FindingsPipeline } from '../findings/pipeline.js';
import type { FindingsStore } from '../findings/store.js';
import { desktopSources } from '../kinds/index.js';
import type { Logger } from '../logging.js';
import type { SecretPolicy } from '../storage/knownGoodStore.js';
import { DiskSource } from '../watch/disks.js';
import { DpkgSource } from '../watch/dpkg.js';
import type { EventSource, WatchEvent } from '../watch/events.js';
import { FileWatchSource } from '../watch/files.js';
import { JournalSource } from '../watch/journal.js';
import { lowMemoryMonitorWarnings } from '../watch/lowMemoryMonitor.js';
import { MemoryPressureSource } from '../watch/memory.js';
import { NetworkSource } from '../watch/network.js';
import { NetworkManagerSource } from '../watch/networkManager.js';
import { findOwnUnit, OwnLines } from '../watch/ownLines.js';
import { UnitSource } from '../watch/units.js';

export interface WatchersOptions {
  config: Config['watch'];
  capabilities: string[];
  pipeline: FindingsPipeline;
  store: FindingsStore;
  /** $XDG_CONFIG_HOME, watched at its top level. */
  configHome: string;
  stateDirectory: string;
  /** The secret-places policy's view, for the file watcher: it keeps no copy of a secret file. */
  secrets: SecretPolicy;
  sessionBus: MessageBus;
  systemBus: MessageBus | null;
  /** The directory that stands for `/` where dpkg's database is read (a test hook, testHooks.ts); '/' else. */
  dpkgRoot?: string;
  /** Journal directories that stand for the system's and the user's journals (the corpus's test hooks, testHooks.ts). */
  systemJournal?: string;
  userJournal?: string;
  /** Told what a source watches only in part, and why (null once it watches all again), by source. */
  onNote?: (source: string, note: string | null) => void;
  log: Logger;
}

// systemd-coredump keeps the cores here; a new file is a crash worth knowing about.
const COREDUMP_DIRECTORY = '/var/lib/systemd/coredump';

export class Watchers {
  private readonly sources: EventSource[];
  private readonly journals: JournalSource[];
  private readonly disks: DiskSource;
  /** Steward's own lines, which no detector reads. */
  private readonly ownLines = new OwnLines();

  constructor(private readonly options: WatchersOptions) {
    const { config, capabilities, store, log } = options;
    const journals: { name: string; args: string[]; system?: boolean }[] = [
      ...(config.journal.system && options.systemJournal
        ? [{ name: 'journal.system', args: ['--directory', options.systemJournal] }]
        : config.journal.system && capabilities.includes('journal.system')
          ? [{ name: 'journal.system', args: ['--system'] }]
          : []),
      ...(config.journal.user && options.userJournal
        ? [{ name: 'journal.user', args: ['--directory', options.userJournal], system: false }]
        : config.journal.user && capabilities.includes('journal.user')
          ? [{ name: 'journal.user', args: ['--user'] }]
          : []),
      ...config.journal.directories.map((dir) => ({ name: `journal:${dir}`, args: ['--directory', dir] })),
    ];
    this.disks = new DiskSource({
      mounts: config.disks.mounts,
      intervalMs: config.disks.intervalSeconds * 1000,
      log,
    });
    this.journals = journals.map(
      ({ name, args, system }) =>
        new JournalSource({
          name,
          args,
          system,
          resumeCursor: store.position(name),
          isOwn: (entry) => this.ownLines.isOwn(entry),
          log,
        }),
    );
    const filePaths = [
      ...(config.files.watchDefaults ? [options.configHome, COREDUMP_DIRECTORY] : []),
      ...config.files.paths,
    ];
    this.sources = [
      ...this.journals,
      ...(config.units && capabilities.includes('systemd.user')
        ? [new UnitSource({ name: 'units.user', bus: options.sessionBus, scope: 'user', log })]
        : []),
      ...(config.units && options.systemBus && capabilities.includes('systemd.system')
        ? [new UnitSource({ name: 'units.system', bus: options.systemBus, scope: 'system', log })]
        : []),
      ...(config.network ? [new NetworkSource({ log })] : []),
      ...(config.network && options.systemBus && capabilities.includes('network')
        ? [new NetworkManagerSource({ name: 'network.manager', bus: options.systemBus, log })]
        : []),
      ...(config.disks.mounts.length > 0 ? [this.disks] : []),
      new MemoryPressureSource({
        log,
        ...(options.systemBus && { warnings: lowMemoryMonitorWarnings(options.systemBus, log) }),
      }),
      ...(config.packages ? [new DpkgSource({ root: options.dpkgRoot ?? '/', log })] : []),
      ...(config.desktop ? desktopSources({ sessionBus: options.sessionBus, systemBus: options.systemBus, log }) : []),
      ...(filePaths.length > 0
        ? [
            new FileWatchSource({
              paths: filePaths,
              nested: config.files.watchDefaults ? [options.configHome] : [],
              knownGoodDirectory: join(options.stateDirectory, 'known-good'),
              secrets: options.secrets,
              onNote: (note) => options.onNote?.('files', note),
              log,
            }),
          ]
        : []),
    ];
  }

  private starting: Promise<void> = Promise.resolve();

  start(): Promise<void> {
    this.starting = this.startSources();
    return this.starting;
  }

  private async startSources(): Promise<void> {
    this.ownLines.unit = await findOwnUnit();
    this.options.log.debug('own lines', { unit: this.ownLines.unit?.name });
    await Promise.all(
      this.sources.map((source) =>
        source
          .start((event) => this.accept(source.name, event))
          .catch((error: Error) =>
            this.options.log.warning('an event source cannot start', { source: source.name, reason: error.message }),
          ),
      ),
    );
    // On a first start the journal is followed from its tail: keep that place, so entries written
    // before the first event and a restart are still read after it.
    for (const journal of this.journals) {
      if (this.options.store.position(journal.name) === null && journal.lastCursor !== null) {
        this.options.pipeline.keepPosition(journal.name, journal.lastCursor);
      }
    }
    this.options.log.info('watching', { sources: this.sources.map((source) => source.name).join(',') });
  }

  async stop(): Promise<void> {
    // A source stopped while it starts could start its process after being told to stop.
    await this.starting;
    await Promise.all(this.sources.map((source) => source.stop()));
    this.options.pipeline.flush();
  }

  private accept(source: string, event: WatchEvent): void {
    // Writes fill disks: look at free space sooner after files change.
    if (event.type === 'fileChanged') this.disks.poke();
    this.options.pipeline.accept(source, event, event.type === 'journal' ? event.entry.cursor : undefined);
  }
}
