import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessageBus } from '@jellybrick/dbus-next';
import { AgentsInterface } from './agents/agentsInterface.js';
import { chatBusSignals, ChatInterface } from './chat/chatInterface.js';
import { Assistant } from './assistant/assistant.js';
import { liveMachine } from './assistant/live/liveMachine.js';
import { readOnlyTools } from './assistant/tools/index.js';
import { proposalSink } from './assistant/proposalSink.js';
import { ChatSessionStore } from './chat/sessionStore.js';
import { loadConfig, type Config, type ConfigLoad } from './config.js';
import { currentGroupNames, probeCapabilities } from './core/capabilities.js';
import { createCoreInterface } from './core/coreInterface.js';
import { guardProcess } from './core/processGuard.js';
import { ServiceState } from './core/serviceState.js';
import { SignalRouter } from './dbus/client.js';
import { InterfaceSignals } from './dbus/interfaceSignals.js';
import { connectBus, onBusClosed, onBusError, ownName, releaseName } from './dbus/connection.js';
import { watchNameVanishing } from './dbus/nameWatch.js';
import { ObjectServer } from './dbus/objectServer.js';
import { openDocsIndex } from './docs/serviceDocs.js';
import { readApiKey, storeApiKey } from './engine/apiKey.js';
import { EngineProvider } from './engine/engineProvider.js';
import { watchConfigFile } from './settings/configWatcher.js';
import { createDetectors, detectorKinds, diskThresholds } from './findings/detectors/index.js';
import { findingsBusSignals, FindingsInterface } from './findings/findingsInterface.js';
import { FindingsPipeline } from './findings/pipeline.js';
import { FindingsRetention } from './findings/retention.js';
import { FindingExplainer } from './findings/explainer.js';
import { FindingsStore } from './findings/store.js';
import { modelRedactor, settingsRedactor } from './engine/redact.js';
import { Fixes } from './fixes/fixes.js';
import { RemoteEngine } from './engine/remote.js';
import {
  API_VERSION,
  BUS_NAME,
  CHAT_INTERFACE,
  CORE_INTERFACE,
  FINDINGS_INTERFACE,
  MODELS_INTERFACE,
  OBJECT_PATH,
  SETTINGS_INTERFACE,
  chatSpec,
  coreSpec,
  findingsSpec,
  modelsSpec,
  proposalsSpec,
  settingsSpec,
  agentsSpec,
} from './interfaces.js';
import { createLogger, type Logger } from './logging.js';
import { serviceLogSink } from './logSinks.js';
import { surveyHardware } from './models/fit.js';
import { resolveModelLocations } from './models/locations.js';
import { ModelsInterface, modelsBusEvents } from './models/modelsInterface.js';
import { ModelStore } from './models/store.js';
import { ensurePrivateDirectory, resolvePaths } from './paths.js';
import { stewardSecretPaths } from './secretPlaces.js';
import { TrustConfirmation } from './settings/confirmation.js';
import { StorageHealth } from './storage/storageHealth.js';
import { configJson, SettingsInterface } from './settings/settingsInterface.js';
import { ShellAgent } from './settings/shellAgent.js';
import { testHooks } from './testHooks.js';
import { Watchers } from './watch/watchers.js';
import { _, format, ngettext } from './i18n.js';

// Not only stderr: when the bus starts the service directly, stderr is /dev/null.
const log = createLogger({
  sink: serviceLogSink({ stateDirectory: resolvePaths().stateDirectory, journalSocket: testHooks().journalSocket }),
});
// Built next to this file (dist/service/steward-engine.js), and installed the same way.
const WORKER_SCRIPT = fileURLToPath(new URL('./steward-engine.js', import.meta.url));
const INSPECTOR_SCRIPT = fileURLToPath(new URL('./steward-model-inspector.js', import.meta.url));
// A model that takes longer than this to explain a finding is cancelled, and the finding keeps its title.
const EXPLANATION_TIMEOUT_MS = 120_000;

function attentionReason(store: FindingsStore, config: Config): string | null {
  const count = store.count({ minSeverity: config.findings.attentionSeverity });
  if (count === 0) return null;
  return format(ngettext('A problem needs attention.', '{count} problems need attention.', count), { count });
}

function applyConfig(load: ConfigLoad, state: ServiceState, logger: Logger): void {
  logger.setLevel(load.config.logLevel);
  if (load.status === 'invalid') {
    logger.warning('configuration ignored, using defaults', { problem: load.problem });
    state.setProblem(
      'config',
      format(_('The configuration file is invalid, so defaults are in use: {problem}'), { problem: load.problem }),
    );
  } else {
    state.setProblem('config', null);
  }
}

/** A store that had to start afresh says so in the status, with where its old file was kept. */
function reportSetAside(stores: { file: string; setAside: string | null }[], state: ServiceState, log: Logger): void {
  for (const { file, setAside } of stores) {
    if (setAside === null) continue;
    log.warning('a damaged database was set aside; a new one was started', { file, kept: setAside });
    state.setProblem(
      `storage:${basename(file)}`,
      format(_('{file} was damaged. Steward kept it as {copy} and started a new one.'), {
        file: basename(file),
        copy: setAside,
      }),
    );
  }
}

async function main(): Promise<void> {
  const paths = resolvePaths();
  const hooks = testHooks();
  for (const [hook, value] of Object.entries(hooks)) log.warning('a test hook is set', { hook, value });
  const state = new ServiceState();
  guardProcess(state, log);
  let config = await loadConfig(paths.configFile);
  applyConfig(config, state, log);
  // A full or read-only state disk makes the service degraded, not stopped: the stores wait for it.
  const storage = new StorageHealth({ directory: paths.stateDirectory, state, log });
  await ensurePrivateDirectory(paths.stateDirectory).catch((error: unknown) => {
    if (storage.report(error) === null) throw error;
  });

  const bus = await connectBus('session');
  const server = new ObjectServer(bus, log);
  const docs = openDocsIndex({
    file: join(paths.stateDirectory, 'docs.db'),
    home: paths.home,
    log,
    root: hooks.docsRoot,
  });
  const core = createCoreInterface(
    {
      version: STEWARD_VERSION,
      apiVersion: API_VERSION,
      pid: process.pid,
      startedAt: new Date(),
      configFile: paths.configFile,
      get configValid() {
        return config.status !== 'invalid';
      },
      stateDirectory: paths.stateDirectory,
      docs: docs && (() => docs.status()),
    },
    state,
  );
  server.export(OBJECT_PATH, coreSpec, core);
  const store = new ModelStore({
    ...resolveModelLocations(),
    hardware: () => surveyHardware(),
    inspectorScript: INSPECTOR_SCRIPT,
    logger: log,
  });
  const models = new ModelsInterface(
    store,
    modelsBusEvents(new InterfaceSignals(server, OBJECT_PATH, MODELS_INTERFACE), () => engines.refresh()),
    log,
  );
  server.export(OBJECT_PATH, modelsSpec, models.impl);

  const engines = new EngineProvider({
    config: () => config.config.inference,
    activeModel: async () => (await store.active()) ?? null,
    createRemote: async (remote) =>
      new RemoteEngine({
        url: remote.url,
        model: remote.model,
        apiKey: await readApiKey({ file: remote.apiKeyFile, sessionBus: bus, url: remote.url }),
        requestTimeoutMs: remote.requestTimeoutSeconds * 1000,
        concurrency: remote.concurrency,
        log,
        redact: settingsRedactor(() => config.config.assistant.redactPatterns),
      }),
    workerScript: WORKER_SCRIPT,
    log,
  });
  const findingsStore = new FindingsStore(join(paths.stateDirectory, 'findings.db'), storage);
  const findings = new FindingsInterface(
    findingsStore,
    findingsBusSignals(new InterfaceSignals(server, OBJECT_PATH, FINDINGS_INTERFACE)),
    undefined,
    detectorKinds(),
    // Asked only by Findings.Get, which comes after start-up has made the fixes.
    (finding) => fixes.whyNoProposal(finding),
  );
  server.export(OBJECT_PATH, findingsSpec, findings.impl);
  // What goes to a model: the built-in rules and the user's patterns, for a remote endpoint always.
  const modelRedact = modelRedactor(
    () => config.config.assistant,
    () => config.config.inference.engine === 'remote',
  );
  // Steward's state and its API key file, hidden from read_file and the expert shell wherever the settings put them.
  const stewardSecrets = () => stewardSecretPaths(paths.stateDirectory, config.config.inference.remote?.apiKeyFile);
  const fixes = new Fixes({
    paths,
    sessionBus: bus,
    server,
    findings: findingsStore,
    config: () => config.config.fixes,
    journalDirectories: () => config.config.watch.journal.directories,
    testHooks: hooks,
    engines,
    redact: modelRedact,
    auditRedact: settingsRedactor(() => config.config.assistant.redactPatterns),
    stewardSecrets,
    storage,
    log,
  });
  server.export(OBJECT_PATH, proposalsSpec, fixes.interface.impl);
  const chatSessions = new ChatSessionStore(join(paths.stateDirectory, 'chat.db'), {}, storage);
  reportSetAside(
    [
      { file: join(paths.stateDirectory, 'findings.db'), setAside: findingsStore.setAside },
      { file: join(paths.stateDirectory, 'fixes.db'), setAside: fixes.store.setAside },
      { file: join(paths.stateDirectory, 'chat.db'), setAside: chatSessions.setAside },
    ],
    state,
    log,
  );
  const signals = new SignalRouter(bus);
  const machine = liveMachine({
    sessionBus: bus,
    systemBus: () => systemBus,
    journal: () => ({ ...config.config.watch.journal }),
    findings: findingsStore,
    fixes: fixes.store,
    home: paths.home,
    docs,
  });
  const chat = new ChatInterface({
    provider: engines,
    sessions: chatSessions,
    assistant: new Assistant({
      machine,
      proposals: proposalSink(fixes),
      settings: () => config.config.assistant,
      stewardSecrets,
      contextSize: () => {
        const size = config.config.inference.contextSize;
        return size === 'auto' ? null : size;
      },
      log,
    }),
    maxAnswerTokens: () => config.config.inference.maxAnswerTokens,
    watchCaller: (name, onGone) => watchNameVanishing(signals, name, onGone),
    log,
    signals: chatBusSignals(new InterfaceSignals(server, OBJECT_PATH, CHAT_INTERFACE)),
  });
  server.export(OBJECT_PATH, chatSpec, chat.impl);
  // Outside agents (steward mcp) get the chat's read-only tools; always redacted unless the user named the client.
  const agents = new AgentsInterface({
    tools: readOnlyTools(),
    toolContext: () => ({
      machine,
      proposals: proposalSink(fixes),
      readableRoots: config.config.assistant.readableRoots,
      stewardSecrets: stewardSecrets(),
    }),
    catalog: () => fixes.catalog,
    store: fixes.store,
    propose: (name, params, reason, agent) => fixes.proposeFromAgent(name, params, reason, agent),
    redact: settingsRedactor(() => config.config.assistant.redactPatterns),
    unredactedClients: () => config.config.assistant.unredactedAgents,
    bus,
  });
  server.export(OBJECT_PATH, agentsSpec, agents.impl);
  const explainer = new FindingExplainer({
    engines,
    store: findingsStore,
    enabled: () => config.config.assistant.explainFindings,
    redact: modelRedact,
    timeoutMs: EXPLANATION_TIMEOUT_MS,
    log,
    onExplained: (finding) => {
      findings.explained(finding);
      fixes.attachExplanation(finding);
    },
  });
  const updateAttention = () => state.setAttention(attentionReason(findingsStore, config.config));
  const pipeline = new FindingsPipeline({
    store: findingsStore,
    detectors: createDetectors({ disk: () => diskThresholds(config.config.watch.disks) }),
    onChanges: (changes) => {
      findings.announce(changes);
      fixes.considerFindings(changes);
      explainer.consider(changes);
      updateAttention();
    },
    log,
  });
  // Undefined until the watchers start; they start with the configuration in effect then.
  let watchers: Watchers | undefined;
  const settingsSignals = new InterfaceSignals(server, OBJECT_PATH, SETTINGS_INTERFACE);
  // What SIGHUP and Settings.UpdateConfig do: read the file again and apply it.
  const reloadConfig = async (): Promise<ConfigLoad> => {
    const load = await loadConfig(paths.configFile);
    const changed = (key: 'inference' | 'watch') =>
      JSON.stringify(load.config[key]) !== JSON.stringify(config.config[key]);
    const [inferenceChanged, watchChanged] = [changed('inference'), changed('watch')];
    config = load;
    applyConfig(load, state, log);
    updateAttention();
    log.info('configuration reloaded', { file: paths.configFile });
    // Dropping the engine unloads the model; the new settings apply on the next request.
    if (inferenceChanged) void engines.refresh();
    if (watchChanged && watchers) {
      await watchers.stop();
      watchers = startWatchers();
    }
    settingsSignals.emit('ConfigChanged', { config: configJson(load.config) });
    return load;
  };
  const shell = new ShellAgent({
    bus,
    ownUid: process.getuid?.() ?? -1,
    // To the shell's connection alone: other peers must not see, let alone answer, the request.
    request: (destination, request, caller, changes) =>
      settingsSignals.emit('ConfirmationRequested', { request, caller, changes }, destination),
  });
  const settings = new SettingsInterface({
    configFile: paths.configFile,
    current: () => config,
    reload: reloadConfig,
    storeApiKey: (url, key) => storeApiKey(bus, url, key),
    confirmation: new TrustConfirmation({
      bus,
      systemBus: () => systemBus,
      shell,
      configFile: paths.configFile,
      log,
    }),
    shell,
  });
  server.export(OBJECT_PATH, settingsSpec, settings.impl);

  state.on('changed', (names) => {
    server.emitPropertiesChanged(OBJECT_PATH, CORE_INTERFACE, names);
    log.info('state changed', { state: state.state, reason: state.reason || undefined });
  });

  try {
    await ownName(bus, BUS_NAME);
  } catch (error) {
    log.error('cannot start', { reason: (error as Error).message });
    bus.disconnect();
    process.exitCode = 1;
    return;
  }
  log.info('service started', { version: STEWARD_VERSION, api: API_VERSION, name: BUS_NAME });

  let systemBus: MessageBus | null = null;
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
  });
  const startWatchers = () => {
    const started = new Watchers({
      config: config.config.watch,
      capabilities,
      pipeline,
      store: findingsStore,
      configHome: paths.configHome,
      stateDirectory: paths.stateDirectory,
      secrets: { home: paths.home, stewardSecrets: stewardSecrets() },
      sessionBus: bus,
      systemBus,
      systemJournal: hooks.systemJournal,
      userJournal: hooks.userJournal,
      log,
    });
    void started.start();
    return started;
  };
  watchers = startWatchers();
  const retention = new FindingsRetention({
    store: findingsStore,
    retentionDays: () => config.config.findings.retentionDays,
    log,
  });
  retention.start();

  process.on('SIGHUP', () => void reloadConfig());
  // A hand edit applies by itself; a change that leaves the configuration as it is (our own
  // UpdateConfig, an editor's second write) reloads nothing.
  const configWatch = watchConfigFile(
    paths.configFile,
    () =>
      void loadConfig(paths.configFile).then((load) => {
        if (JSON.stringify(load) !== JSON.stringify(config)) return reloadConfig();
      }),
    log,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    stopping = true;
    log.info('stopping', { signal });
    configWatch.stop();
    models.cancelAll();
    await watchers?.stop();
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
  };
  // A part that fails while stopping must not leave the service half-stopped and holding its name.
  const stop = (signal: string) =>
    shutdown(signal).catch((error: unknown) => {
      log.error('cannot stop cleanly', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      process.exit(1);
    });
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  onBusError(bus, (error) => {
    log.error('session bus connection lost', { reason: error.message });
    process.exit(1);
  });
  onBusClosed(bus, () => {
    if (stopping) return;
    log.error('the session bus closed the connection; stopping');
    process.exit(1);
  });

  // Last, with every signal handled: a client that sees the service started may reload or stop it at once.
  state.markStarted(capabilities, capabilityProblems, capabilityDetails);
  updateAttention();
  // After start-up: reading model metadata starts a helper process, which a status query should not wait for.
  models.load().catch((error: Error) => log.warning('cannot read the active model', { reason: error.message }));
  engines.refresh().catch((error: Error) => log.warning('cannot read the active model', { reason: error.message }));
  // Built without the user doing anything, at a share of one core, and kept fresh as packages change.
  docs?.start();
  log.info('capabilities probed', { capabilities });
  for (const [capability, problem] of Object.entries(capabilityProblems)) {
    log.info('a capability is missing', { capability, problem });
  }
}

main().catch((error: unknown) => {
  log.error('fatal error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
