// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The payloads of the service's calls and signals, as the extension reads them:
// the signals' from the types generated from the XML (generated.ts), with their
// dictionaries unpacked; each is unpacked in one place, stewardClient.ts.
import type { ChatSignals, ModelsSignals } from './generated.js';

/** An a{sv} dictionary with its values unpacked. */
export type Dict = Record<string, unknown>;

/** Chat.ListSessions: one conversation. */
export interface ChatSession {
  id: string;
  answering: boolean;
}

/** Chat.GetHistory: one message of a conversation. */
export interface ChatMessage {
  role: string;
  text: string;
  proposals: string[];
}

/** Chat.ToolStep, less the request it belongs to. */
export type ToolStep = Omit<ChatSignals['ToolStep'], 'requestId'>;

/** Chat.ResponseDone, its usage unpacked. */
export type ResponseEnd = Omit<ChatSignals['ResponseDone'], 'usage'> & { usage: Dict };

/** Models.Recommend, when a model fits. */
export interface Recommendation {
  name: string;
  uri: string;
  bytes: number;
  reason: string;
}

/** Models.PullProgress. */
export interface PullProgress {
  pullId: string;
  bytesDone: number;
  bytesTotal: number;
}

/** Models.PullFinished. */
export type PullEnd = ModelsSignals['PullFinished'];

/** Settings.GetConfig. */
export interface ConfigReply {
  config: string;
  file: string;
  valid: boolean;
  problem: string;
}

/** Settings.ConfirmationRequested. */
export interface ConfirmationRequest {
  id: number;
  caller: string;
  changes: string[];
}

/** The core interface's properties, null while the service is not there. */
export interface CoreState {
  version: string;
  apiVersion: number;
  state: string;
  stateReason: string;
}
