// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { MessageBus } from '@jellybrick/dbus-next';

import { AgentsInterface } from '../agents/agentsInterface.js';
import { Assistant } from '../assistant/assistant.js';
import { liveMachine } from '../assistant/live/liveMachine.js';
import { proposalSink } from '../assistant/proposalSink.js';
import { readOnlyTools } from '../assistant/tools/index.js';
import { chatBusSignals, ChatInterface } from '../chat/chatInterface.js';
import { ChatSessionStore } from '../chat/sessionStore.js';
import type { ConfigLoad } from '../config.js';
import type { ServiceState } from '../core/serviceState.js';
import { SignalRouter } from '../dbus/client.js';
import {
  agentsSpec,
  API_VERSION,
  CHAT_INTERFACE,
  chatSpec,
  coreSpec,
  FINDINGS_INTERFACE,
  findingsSpec,
  MODELS_INTERFACE,
  modelsSpec,
  OBJECT_PATH,
  proposalsSpec,
  SETTINGS_INTERFACE,
  settingsSpec,
  VOICE_INTERFACE,
  voiceSpec,
} from '../dbus/interfaces.js';
import { InterfaceSignals } from '../dbus/interfaceSignals.js';
import { watchNameVanishing } from '../dbus/nameWatch.js';
import { ObjectServer } from '../dbus/objectServer.js';
import { peerWaits } from '../dbus/peerWaits.js';
import { listLoadedUnits } from '../docs/loadedUnits.js';
import { openDocsIndex } from '../docs/serviceDocs.js';
import { readApiKey, storeApiKey } from '../engine/apiKey.js';
import { gpuSettingOf } from '../engine/backendSelector.js';
import { EngineProvider } from '../engine/engineProvider.js';
import { localBackendSelector } from '../engine/localBackend.js';
import { modelRedactor, settingsRedactor } from '../engine/redact.js';
import { RemoteEngine } from '../engine/remote.js';
import { isConfigPath, listedPath } from '../findings/detectorOptions.js';
import { createDetectors, detectorKinds, diskThresholds } from '../findings/detectors/index.js';
import { findingsBusSignals, FindingsInterface } from '../findings/findingsInterface.js';
import { FindingsPipeline } from '../findings/pipeline.js';
import { type FindingChange, FindingsStore } from '../findings/store.js';
import { Writers } from '../findings/writers.js';
import { FindingExplainer } from '../fixes/explainer.js';
import { Fixes } from '../fixes/fixes.js';
import { KIND_SET, KINDS } from '../kinds/index.js';
import type { Logger } from '../logging.js';
import { surveyHardware } from '../models/fit.js';
import { resolveModelLocations } from '../models/locations.js';
import { modelsBusEvents, ModelsInterface } from '../models/modelsInterface.js';
import { ModelStore } from '../models/store.js';
import { nixosFixes } from '../nixos/actions.js';
import type { NixosReader } from '../nixos/nixosReader.js';
import type { StewardPaths } from '../paths.js';
import { stewardSecretPaths } from '../secretPlaces.js';
import { TrustConfirmation } from '../settings/confirmation.js';
import { SettingsInterface } from '../settings/settingsInterface.js';
import { ShellAgent } from '../settings/shellAgent.js';
import type { StorageHealth } from '../storage/storageHealth.js';
import { backendProbeEnv, type TestHooks } from '../testHooks.js';
import { PipeWireMicrophone, WavFileMicrophone } from '../voice/capture.js';
import { Listener } from '../voice/listener.js';
import { NeuralSpeaker, voicesDirectory } from '../voice/neuralSpeaker.js';
import { Recognizer } from '../voice/recognizer.js';
import { readScreenReaderVoice } from '../voice/screenReaderVoice.js';
import { EspeakSpeaker } from '../voice/speaker.js';
import { localeLanguage, recommendSpeechModel, surveySpeechHardware } from '../voice/speechCatalog.js';
import { SpeechDispatcherSpeaker } from '../voice/speechDispatcher.js';
import { speechModelsDirectory, SpeechModelStore } from '../voice/speechModels.js';
import { ssipAddress } from '../voice/ssip.js';
import { VoiceInterface } from '../voice/voiceInterface.js';
import { VoiceOutput } from '../voice/voiceOutput.js';
import { createCoreInterface } from './coreInterface.js';
import type { LiveConfig } from './liveConfig.js';
import { attentionReason, reportSetAside, reportStuckPeers } from './statusReports.js';

// Built next to the service (dist/service/steward-engine.js), and installed the same way.
const WORKER_SCRIPT = fileURLToPath(new URL('./steward-engine.js', import.meta.url));
const INSPECTOR_SCRIPT = fileURLToPath(new URL('./steward-model-inspector.js', import.meta.url));
const DOCS_INDEXER_SCRIPT = fileURLToPath(new URL('./steward-docs-indexer.js', import.meta.url));
const SPEECH_SCRIPT = fileURLToPath(new URL('./steward-speech.js', import.meta.url));
const VOICE_SCRIPT = fileURLToPath(new URL('./steward-voice.js', import.meta.url));
const BACKEND_PROBE_SCRIPT = fileURLToPath(new URL('./steward-backend-probe.js', import.meta.url));
// A model that takes longer than this to explain a finding is cancelled, and the finding keeps its title.
const EXPLANATION_TIMEOUT_MS = 120_000;

export interface PartsBase {
  paths: StewardPaths;
  hooks: TestHooks;
  state: ServiceState;
  config: LiveConfig;
  storage: StorageHealth;
  bus: MessageBus;
  /** The system bus once it is connected; null before, or where there is none. */
  systemBus: () => MessageBus | null;
  /** The NixOS declaration and generations; null off NixOS. */
  nixos: NixosReader | null;
  /** What SIGHUP and Settings.UpdateConfig do: read the file again and apply it. */
  reload: () => Promise<ConfigLoad>;
  log: Logger;
}

export type ServiceParts = ReturnType<typeof createParts>;

/** Makes the service's parts, wires them to each other and exports their interfaces; starts nothing. */
export function createParts(base: PartsBase) {
  const { paths, hooks, state, config, storage, bus, systemBus, nixos, reload, log } = base;
  const server = new ObjectServer(bus, log);
  const docs = openDocsIndex({
    file: join(paths.stateDirectory, 'docs.db'),
    home: paths.home,
    log,
    root: hooks.docsRoot,
    loadedUnits: () => listLoadedUnits([systemBus(), bus]),
    indexerScript: DOCS_INDEXER_SCRIPT,
  });
  const backends = localBackendSelector({
    cacheDirectory: join(paths.cacheHome, 'steward'),
    probeScript: BACKEND_PROBE_SCRIPT,
    ...(hooks.gpuRoot && { gpuRoot: hooks.gpuRoot }),
    probeEnv: backendProbeEnv(hooks),
    log,
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
      stuckPeers: () => peerWaits.stuckPeers,
      considering: () => fixes.considering,
      docs: docs && (() => docs.status()),
      backend: () => backends.latest,
    },
    state,
  );
  server.export(OBJECT_PATH, coreSpec, core);
  // Free RAM now, and the free VRAM llama.cpp saw when it probed the backend it chose.
  const hardware = (choice = backends.latest) =>
    surveyHardware(choice ? { backend: choice.backend, vramBytes: choice.vram.free } : {});
  const store = new ModelStore({
    ...resolveModelLocations(),
    hardware: () => hardware(),
    inspectorScript: INSPECTOR_SCRIPT,
    logger: log,
  });
  const models = new ModelsInterface(
    store,
    modelsBusEvents(new InterfaceSignals(server, OBJECT_PATH, MODELS_INTERFACE), () => engines.refresh()),
    log,
    // A recommendation waits for the probes (remembered after the first time): VRAM decides it.
    async () => {
      const { engine, gpu } = config.config.inference;
      const probed = engine === 'local' && (gpu === 'auto' || gpu === 'cuda' || gpu === 'vulkan');
      return hardware(probed ? await backends.choose(gpu).catch(() => null) : null);
    },
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
    // 'auto' and a named GPU go to the backend probed to work; 'off' and 'metal' as they are.
    // A choice that could not be made (its probes could not start) leaves the setting as configured.
    chooseBackend: async (configured) =>
      configured === 'auto' || configured === 'cuda' || configured === 'vulkan'
        ? backends.choose(configured).then(
            (choice) => gpuSettingOf(choice.backend),
            (error: unknown) => {
              log.warning('cannot choose the inference backend', { reason: String(error) });
              return configured;
            },
          )
        : configured,
    prefixCacheDir: join(paths.cacheHome, 'steward', 'prompt-state'),
    log,
  });
  const findingsStore = new FindingsStore(join(paths.stateDirectory, 'findings.db'), storage);
  const findings = new FindingsInterface(
    findingsStore,
    findingsBusSignals(new InterfaceSignals(server, OBJECT_PATH, FINDINGS_INTERFACE)),
    undefined,
    detectorKinds(createDetectors(KINDS)),
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
    kinds: KIND_SET,
    nixos: nixosFixes(nixos, {
      root: hooks.nixosRoot,
      confirmMs: () => config.config.fixes.nixosConfirmSeconds * 1000,
    }),
    // A fix verified to have repaired its finding's problem resolves it, told as the pipeline's changes are.
    onFindingsChanged: (changes) => findingsChanged(changes),
    log,
  });
  server.export(OBJECT_PATH, proposalsSpec, fixes.interface.impl);
  const chatSessions = new ChatSessionStore(join(paths.stateDirectory, 'chat.db'), {}, storage);
  reportSetAside(
    [
      {
        file: join(paths.stateDirectory, 'findings.db'),
        setAside: findingsStore.setAside,
        salvaged: findingsStore.salvaged,
      },
      { file: join(paths.stateDirectory, 'fixes.db'), setAside: fixes.store.setAside, salvaged: fixes.store.salvaged },
      { file: join(paths.stateDirectory, 'chat.db'), setAside: chatSessions.setAside, salvaged: chatSessions.salvaged },
    ],
    state,
    log,
  );
  // One service per process: what it reports of the peers it waits on is for its lifetime.
  reportStuckPeers(peerWaits, state, log);
  const signals = new SignalRouter(bus);
  const machine = liveMachine({
    sessionBus: bus,
    systemBus,
    journal: () => ({ ...config.config.watch.journal }),
    findings: findingsStore,
    fixes: fixes.store,
    home: paths.home,
    docs,
    ...(nixos && { nixos }),
    log,
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
    tools: readOnlyTools({ nixos: nixos !== null }),
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
  const voiceSignals = new InterfaceSignals(server, OBJECT_PATH, VOICE_INTERFACE);
  const recommendForThisMachine = () => recommendSpeechModel(surveySpeechHardware(), localeLanguage());
  const { microphoneStandIn, speakerStandIn } = hooks;
  const listener = new Listener(
    new Recognizer(SPEECH_SCRIPT),
    () => (microphoneStandIn ? new WavFileMicrophone(microphoneStandIn) : new PipeWireMicrophone()),
    log,
    () => voiceSignals.propertiesChanged(['Listening']),
  );
  const voice = new VoiceInterface({
    models: new SpeechModelStore(speechModelsDirectory(paths.dataHome), recommendForThisMachine),
    listener,
    speaker: new VoiceOutput({
      neural: new NeuralSpeaker(
        VOICE_SCRIPT,
        voicesDirectory(paths.dataHome),
        () => config.config.voice.neuralModel,
        speakerStandIn,
      ),
      ...(!speakerStandIn && {
        speechDispatcher: new SpeechDispatcherSpeaker(
          () => ssipAddress(),
          () => readScreenReaderVoice(paths.dataHome),
        ),
      }),
      espeak: new EspeakSpeaker(speakerStandIn),
      output: () => config.config.voice.output,
      log,
    }),
    signals: voiceSignals,
    log,
    recommend: recommendForThisMachine,
  });
  server.export(OBJECT_PATH, voiceSpec, voice.impl);
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
  function findingsChanged(changes: FindingChange[]) {
    findings.announce(changes);
    fixes.considerFindings(changes);
    explainer.consider(changes);
    updateAttention();
  }
  // The session's user: the service's own, but where a test runs it for another (the corpus, the desktop gym).
  const writers = new Writers(hooks.sessionUid ?? process.getuid?.() ?? -1);
  const pipeline = new FindingsPipeline({
    store: findingsStore,
    detectors: createDetectors(KINDS, {
      writers,
      disk: () => diskThresholds(config.config.watch.disks),
      // A file the user listed to watch is configuration wherever it is, as the user said so.
      configChanged: { isConfig: (path) => isConfigPath(path) || listedPath(config.config.watch.files.paths, path) },
    }),
    onChanges: findingsChanged,
    log,
  });
  const settingsSignals = new InterfaceSignals(server, OBJECT_PATH, SETTINGS_INTERFACE);
  const shell = new ShellAgent({
    bus,
    ownUid: process.getuid?.() ?? -1,
    // To the shell's connection alone: other peers must not see, let alone answer, the request.
    request: (destination, request, caller, changes) =>
      settingsSignals.emit('ConfirmationRequested', { request, caller, changes }, destination),
  });
  const settings = new SettingsInterface({
    configFile: paths.configFile,
    current: () => config.load,
    reload,
    storeApiKey: (url, key) => storeApiKey(bus, url, key),
    confirmation: new TrustConfirmation({
      bus,
      systemBus,
      shell,
      configFile: paths.configFile,
      log,
    }),
    shell,
  });
  server.export(OBJECT_PATH, settingsSpec, settings.impl);
  return {
    server,
    docs,
    models,
    engines,
    backends,
    findingsStore,
    findings,
    fixes,
    chatSessions,
    explainer,
    pipeline,
    settingsSignals,
    stewardSecrets,
    writers,
    updateAttention,
    voice,
  };
}
