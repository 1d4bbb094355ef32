// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Generated from dbus-interfaces/*.xml by `node build/build.mjs types`: do not edit.
// test/unit/dbusTypes.spec.ts fails when this file and the XML disagree.

import type { Variant } from '@jellybrick/dbus-next';

/** io.github.steward.Steward1: each method's arguments (`in`) and results (`out`), as named tuples. */
export interface StewardMethods {
  GetStatus: { in: []; out: [status: Record<string, Variant>] };
}

/** io.github.steward.Steward1: each signal's payload, keyed by its arguments' names in camelCase. */
export type StewardSignals = Record<never, never>;

/** io.github.steward.Steward1: each property's value. */
export interface StewardProperties {
  Version: string;
  ApiVersion: number;
  State: string;
  StateReason: string;
  Capabilities: string[];
}

/** io.github.steward.Steward1.Models: each method's arguments (`in`) and results (`out`), as named tuples. */
export interface ModelsMethods {
  List: { in: []; out: [models: Record<string, Variant>[]] };
  SetActive: { in: [id: string]; out: [] };
  Remove: { in: [id: string]; out: [] };
  Pull: { in: [uri: string, sha256: string]; out: [pullId: string] };
  CancelPull: { in: [pullId: string]; out: [] };
  Recommend: { in: []; out: [recommendation: Record<string, Variant>] };
}

/** io.github.steward.Steward1.Models: each signal's payload, keyed by its arguments' names in camelCase. */
export interface ModelsSignals {
  PullProgress: { pullId: string; bytesDone: bigint; bytesTotal: bigint; bytesPerSecond: number; etaSeconds: number };
  PullFinished: { pullId: string; status: string; modelId: string; errorName: string; errorMessage: string };
}

/** io.github.steward.Steward1.Models: each property's value. */
export interface ModelsProperties {
  ActiveModel: string;
  StoreDirectory: string;
}

/** io.github.steward.Steward1.Chat: each method's arguments (`in`) and results (`out`), as named tuples. */
export interface ChatMethods {
  Send: {
    in: [sessionId: string, prompt: string, options: Record<string, Variant>];
    out: [sessionIdOut: string, requestId: string];
  };
  Cancel: { in: [requestId: string]; out: [] };
  Ask: { in: [prompt: string]; out: [answer: string] };
  GetHistory: { in: [sessionId: string]; out: [messages: Record<string, Variant>[]] };
  ListSessions: { in: []; out: [sessions: Record<string, Variant>[]] };
  ListSessionsPage: {
    in: [options: Record<string, Variant>];
    out: [sessions: Record<string, Variant>[], total: number];
  };
  RenameSession: { in: [sessionId: string, title: string]; out: [] };
  DeleteSession: { in: [sessionId: string]; out: [] };
  GetEngineStatus: { in: []; out: [status: Record<string, Variant>] };
  Prepare: { in: []; out: [state: string] };
  Unload: { in: []; out: [] };
  SetPaused: { in: [paused: boolean]; out: [] };
}

/** io.github.steward.Steward1.Chat: each signal's payload, keyed by its arguments' names in camelCase. */
export interface ChatSignals {
  QueuePosition: { requestId: string; position: number };
  ToolStep: { requestId: string; stepId: string; tool: string; description: string; status: string };
  ResponseChunk: { requestId: string; text: string };
  ResponseDone: {
    requestId: string;
    sessionId: string;
    status: string;
    text: string;
    usage: Record<string, Variant>;
    notice: string;
    errorName: string;
    errorMessage: string;
    proposalIds: string[];
  };
}

/** io.github.steward.Steward1.Chat: each property's value. */
export interface ChatProperties {
  EngineState: string;
  Paused: boolean;
}

/** io.github.steward.Steward1.Findings: each method's arguments (`in`) and results (`out`), as named tuples. */
export interface FindingsMethods {
  List: { in: [filter: Record<string, Variant>]; out: [findings: Record<string, Variant>[], total: number] };
  Get: { in: [id: string]; out: [finding: Record<string, Variant>] };
  Ignore: { in: [kind: string, subject: string, mode: string]; out: [] };
  Unignore: { in: [kind: string, subject: string]; out: [] };
  ListIgnoreRules: { in: []; out: [rules: Record<string, Variant>[]] };
}

/** io.github.steward.Steward1.Findings: each signal's payload, keyed by its arguments' names in camelCase. */
export interface FindingsSignals {
  FindingAdded: { id: string; finding: Record<string, Variant> };
  FindingUpdated: { id: string; finding: Record<string, Variant> };
  FindingsChanged: { count: number };
  FindingResolved: { id: string };
}

/** io.github.steward.Steward1.Findings: each property's value. */
export interface FindingsProperties {
  ActiveCount: number;
}

/** io.github.steward.Steward1.Proposals: each method's arguments (`in`) and results (`out`), as named tuples. */
export interface ProposalsMethods {
  List: { in: [filter: Record<string, Variant>]; out: [proposals: Record<string, Variant>[], total: number] };
  Get: { in: [id: string]; out: [proposal: Record<string, Variant>] };
  Apply: { in: [proposal: string, action: string]; out: [job: string] };
  Dismiss: { in: [proposal: string, mode: string]; out: [] };
  Undo: { in: [job: string]; out: [undoJob: string] };
  ConfirmChanges: { in: []; out: [confirmed: Record<string, Variant>[]] };
  PendingChanges: { in: []; out: [pending: Record<string, Variant>[]] };
  Catalog: { in: [filter: Record<string, Variant>]; out: [actions: Record<string, Variant>[]] };
  ListJobs: { in: [filter: Record<string, Variant>]; out: [jobs: Record<string, Variant>[], total: number] };
  History: { in: [filter: Record<string, Variant>]; out: [records: Record<string, Variant>[], total: number] };
}

/** io.github.steward.Steward1.Proposals: each signal's payload, keyed by its arguments' names in camelCase. */
export interface ProposalsSignals {
  ProposalAdded: { id: string; proposal: Record<string, Variant> };
  ProposalChanged: { id: string; proposal: Record<string, Variant> };
  ProposalRemoved: { id: string };
  JobProgress: { job: string; fraction: number; text: string };
  JobFinished: { job: string; result: Record<string, Variant> };
}

/** io.github.steward.Steward1.Proposals: each property's value. */
export interface ProposalsProperties {
  OpenCount: number;
}

/** io.github.steward.Steward1.Settings: each method's arguments (`in`) and results (`out`), as named tuples. */
export interface SettingsMethods {
  GetConfig: { in: []; out: [config: string, file: string, valid: boolean, problem: string] };
  UpdateConfig: { in: [patch: string]; out: [config: string] };
  UpdateConfigFromTerminal: { in: [patch: string]; out: [config: string] };
  RegisterConfirmationAgent: { in: []; out: [] };
  AnswerConfirmation: { in: [request: number, allowed: boolean]; out: [] };
  SetApiKey: { in: [url: string, key: string]; out: [] };
}

/** io.github.steward.Steward1.Settings: each signal's payload, keyed by its arguments' names in camelCase. */
export interface SettingsSignals {
  ConfirmationRequested: { request: number; caller: string; changes: string[] };
  ConfigChanged: { config: string };
}

/** io.github.steward.Steward1.Settings: each property's value. */
export type SettingsProperties = Record<never, never>;

/** io.github.steward.Steward1.Agents: each method's arguments (`in`) and results (`out`), as named tuples. */
export interface AgentsMethods {
  ListTools: { in: []; out: [tools: Record<string, Variant>[]] };
  ListActions: { in: []; out: [actions: Record<string, Variant>[]] };
  RunTool: { in: [client: string, tool: string, arguments: string]; out: [result: string] };
  Propose: {
    in: [client: string, action: string, params: string, reason: string];
    out: [proposal: Record<string, Variant>];
  };
  ProposalStatus: { in: [client: string, proposalId: string]; out: [status: Record<string, Variant>] };
}

/** io.github.steward.Steward1.Agents: each signal's payload, keyed by its arguments' names in camelCase. */
export type AgentsSignals = Record<never, never>;

/** io.github.steward.Steward1.Agents: each property's value. */
export type AgentsProperties = Record<never, never>;

/** io.github.steward.Steward1.Voice: each method's arguments (`in`) and results (`out`), as named tuples. */
export interface VoiceMethods {
  Listen: { in: [options: Record<string, Variant>]; out: [listenId: string] };
  Stop: { in: []; out: [] };
  Speak: { in: [text: string]; out: [] };
  StopSpeaking: { in: []; out: [] };
  ListSpeechModels: { in: []; out: [models: Record<string, Variant>[]] };
  RemoveSpeechModel: { in: [name: string]; out: [] };
  PullSpeechModel: { in: [model: string, sha256: string]; out: [pullId: string] };
  CancelSpeechModelPull: { in: [pullId: string]; out: [] };
  SpeechModelCatalog: { in: []; out: [models: Record<string, Variant>[]] };
  RecommendSpeechModel: { in: []; out: [recommendation: Record<string, Variant>] };
}

/** io.github.steward.Steward1.Voice: each signal's payload, keyed by its arguments' names in camelCase. */
export interface VoiceSignals {
  Transcript: { listenId: string; text: string; final: boolean };
  ListenFailed: { listenId: string; error: string; message: string };
  SpeechModelPullProgress: {
    pullId: string;
    phase: string;
    bytesDone: bigint;
    bytesTotal: bigint;
    bytesPerSecond: number;
    etaSeconds: number;
  };
  SpeechModelPullFinished: { pullId: string; status: string; name: string; errorName: string; errorMessage: string };
}

/** io.github.steward.Steward1.Voice: each property's value. */
export interface VoiceProperties {
  Listening: boolean;
  Speaking: boolean;
}

/** Every interface by its D-Bus name. */
export interface StewardInterfaces {
  'io.github.steward.Steward1': { methods: StewardMethods; signals: StewardSignals; properties: StewardProperties };
  'io.github.steward.Steward1.Models': { methods: ModelsMethods; signals: ModelsSignals; properties: ModelsProperties };
  'io.github.steward.Steward1.Chat': { methods: ChatMethods; signals: ChatSignals; properties: ChatProperties };
  'io.github.steward.Steward1.Findings': {
    methods: FindingsMethods;
    signals: FindingsSignals;
    properties: FindingsProperties;
  };
  'io.github.steward.Steward1.Proposals': {
    methods: ProposalsMethods;
    signals: ProposalsSignals;
    properties: ProposalsProperties;
  };
  'io.github.steward.Steward1.Settings': {
    methods: SettingsMethods;
    signals: SettingsSignals;
    properties: SettingsProperties;
  };
  'io.github.steward.Steward1.Agents': { methods: AgentsMethods; signals: AgentsSignals; properties: AgentsProperties };
  'io.github.steward.Steward1.Voice': { methods: VoiceMethods; signals: VoiceSignals; properties: VoiceProperties };
}

export type InterfaceName = keyof StewardInterfaces;
export type MethodsOf<I extends InterfaceName> = StewardInterfaces[I]['methods'];
export type SignalsOf<I extends InterfaceName> = StewardInterfaces[I]['signals'];
export type PropertiesOf<I extends InterfaceName> = StewardInterfaces[I]['properties'];
