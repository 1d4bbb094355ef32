// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { setTimeout } from 'node:timers/promises';

import type { MessageBus } from '@jellybrick/dbus-next';

import { loadConfig } from './config.js';
import { currentGroupNames, probeCapabilities } from './core/capabilities.js';
import { probeGpuFacts } from './core/gpuCapabilities.js';
import { guardProcess } from './core/processGuard.js';
import { ServiceState } from './core/serviceState.js';
import { connectBus, ownName, releaseName } from './dbus/connection.js';
import { API_VERSION, BUS_NAME, CORE_INTERFACE, OBJECT_PATH } from './dbus/interfaces.js';
import { FindingsRetention } from './findings/retention.js';
import { createLogger } from './logging.js';
import { serviceLogSink } from './logSinks.js';
import { openNixosReader } from './nixos/nixosReader.js';
import { ensurePrivateDirectory, resolvePaths } from './paths.js';
import { reloadConfig } from './service/configReload.js';
import { endWithBus, errorDetail, stopOnSignals } from './service/lifecycle.js';
import { LiveConfig } from './service/liveConfig.js';
import { createParts } from './service/parts.js';
import { applyConfig } from './service/statusReports.js';
import { WatcherSet } from './service/watcherSet.js';
import { watchConfigFile } from './settings/configWatcher.js';
import { StateReserve } from './storage/stateReserve.js';
import { StorageHealth } from './storage/storageHealth.js';
import { testHooks } from './testHooks.js';

// The composition root: service/parts.ts makes and wires the parts; this starts them in order and stops them.

/** How long the event sources may take to start before the service says it started regardless. */
const SOURCES_START_MS = 15_000;

// Not only stderr: when the bus starts the service directly, stderr is /dev/null.
const log = createLogger({
  sink: serviceLogSink({ stateDirectory: resolvePaths().stateDirectory, journalSocket: testHooks().journalSocket }),
});

async function main(): Promise<void> {
  const paths = resolvePaths();
  const hooks = testHooks();
  for (const [hook, value] of Object.entries(hooks)) log.warning('a test hook is set', { hook, value });
  const state = new ServiceState();
  guardProcess(state, log);
  const config = new LiveConfig(await loadConfig(paths.configFile));
  applyConfig(config.load, state, log);
  // A full or read-only state disk makes the service degraded, not stopped: the stores wait for it.
  const reserve = new StateReserve(paths.stateDirectory);
  const storage = new StorageHealth({ directory: paths.stateDirectory, state, log, reserve });
  await ensurePrivateDirectory(paths.stateDirectory).catch((error: unknown) => {
    if (storage.report(error) === null) throw error;
  });
  // Room for a fix on a disk that fills later; none is taken from a disk that is already short of it.
  reserve.keep();
  const nixos = await openNixosReader({
    ...(hooks.nixosRoot && { root: hooks.nixosRoot }),
    home: paths.home,
    cacheHome: paths.cacheHome,
  });

  const bus = await connectBus('session');
  const lifetime = endWithBus(bus, log);
  let systemBus: MessageBus | null = null;
  const reload = () =>
    reloadConfig({
      configFile: paths.configFile,
      config,
      state,
      engines: parts.engines,
      watchers,
      settingsSignals: parts.settingsSignals,
      updateAttention: parts.updateAttention,
      log,
    });
  const parts = createParts({
    paths,
    hooks,
    state,
    config,
    storage,
    bus,
    systemBus: () => systemBus,
    nixos,
    reload,
    log,
  });
  const { server, docs, models, engines, findingsStore, findings, fixes, chatSessions, explainer, voice } = parts;
  // Which desktop programs the distribution installed, asked of its package manager once: the desktop's detectors
  // believe a component's line only from those, so the journal is read after.
  const proving = parts.writers.prove({ root: hooks.programsRoot ?? '/', log });
  const watchers = new WatcherSet({
    config,
    paths,
    hooks,
    pipeline: parts.pipeline,
    store: findingsStore,
    stewardSecrets: parts.stewardSecrets,
    sessionBus: bus,
    onNote: (source, note) => state.setNote(source, note),
    log,
  });
  state.on('changed', (names) => {
    server.emitPropertiesChanged(OBJECT_PATH, CORE_INTERFACE, names);
    log.info('state changed', { state: state.state, reason: state.reason || undefined });
  });

  try {
    await ownName(bus, BUS_NAME);
  } catch (error) {
    log.error('cannot start', { reason: (error as Error).message });
    lifetime.stopping = true;
    bus.disconnect();
    process.exitCode = 1;
    return;
  }
  log.info('service started', { version: STEWARD_VERSION, api: API_VERSION, name: BUS_NAME });

  try {
    systemBus = await connectBus('system');
  } catch (error) {
    log.warning('system bus unavailable; system-wide capabilities are off', { reason: (error as Error).message });
  }
  fixes.setSystemBus(systemBus);
  const {
    capabilities,
    problems: capabilityProblems,
    details: capabilityDetails,
  } = await probeCapabilities({
    sessionBus: bus,
    systemBus,
    groups: await currentGroupNames(),
    uid: process.getuid?.() ?? -1,
    // Read as the watchers will read them.
    journals: {
      user: hooks.userJournal ? ['--directory', hooks.userJournal] : ['--user'],
      system: hooks.systemJournal ? ['--directory', hooks.systemJournal] : ['--system'],
    },
    ...(hooks.nixosRoot && { nixosRoot: hooks.nixosRoot }),
    ...(hooks.gpuRoot && { gpuFacts: probeGpuFacts(hooks.gpuRoot) }),
  });
  await proving;
  // The sources take their places (the journal's tail) before the service says it started, so a line written once a
  // client sees it started is read, never taken for the past; a source slow to start holds that back SOURCES_START_MS
  // at most.
  await Promise.race([
    watchers.start(capabilities, systemBus),
    setTimeout(SOURCES_START_MS, undefined, { ref: false }),
  ]);
  const retention = new FindingsRetention({
    store: findingsStore,
    retentionDays: () => config.config.findings.retentionDays,
    log,
  });
  retention.start();

  const reportReloadFailure = (error: unknown) =>
    log.warning('cannot reload the configuration', { error: errorDetail(error) });
  process.on('SIGHUP', () => void reload().catch(reportReloadFailure));
  // A hand edit applies by itself; a change that leaves the configuration as it is (our own
  // UpdateConfig, an editor's second write) reloads nothing.
  const configWatch = watchConfigFile(
    paths.configFile,
    () =>
      void loadConfig(paths.configFile)
        .then((load) => {
          if (JSON.stringify(load) !== JSON.stringify(config.load)) return reload();
        })
        .catch(reportReloadFailure),
    log,
  );

  stopOnSignals(
    lifetime,
    async () => {
      configWatch.stop();
      models.cancelAll();
      voice.close();
      await watchers.stop();
      findings.stop();
      retention.stop();
      await explainer.stop();
      await fixes.stop();
      await docs?.stop();
      storage.stop();
      findingsStore.close();
      await engines.unload();
      chatSessions.close();
      server.unexportAll();
      await releaseName(bus, BUS_NAME).catch((error: Error) =>
        log.warning('cannot release the bus name', { reason: error.message }),
      );
      bus.disconnect();
      systemBus?.disconnect();
    },
    log,
  );

  // Last, with every signal handled: a client that sees the service started may reload or stop it at once.
  state.markStarted(capabilities, capabilityProblems, capabilityDetails);
  parts.updateAttention();
  // After start-up: reading model metadata starts a helper process, which a status query should not wait for.
  models.load().catch((error: Error) => log.warning('cannot read the active model', { reason: error.message }));
  engines.refresh().catch((error: Error) => log.warning('cannot read the active model', { reason: error.message }));
  // Probed now (or remembered) rather than at the first question, so that status and doctor can say it.
  const { engine, gpu } = config.config.inference;
  if (
    engine === 'local' &&
    capabilities.includes('inference.local') &&
    (gpu === 'auto' || gpu === 'cuda' || gpu === 'vulkan')
  ) {
    parts.backends
      .choose(gpu)
      .catch((error: Error) => log.warning('cannot choose the inference backend', { reason: error.message }));
  }
  // Built without the user doing anything, at a share of one core, and kept fresh as packages change.
  docs?.start();
  log.info('capabilities probed', { capabilities });
  for (const [capability, problem] of Object.entries(capabilityProblems)) {
    log.info('a capability is missing', { capability, problem });
  }
}

main().catch((error: unknown) => {
  log.error('fatal error', { error: errorDetail(error) });
  process.exit(1);
});
