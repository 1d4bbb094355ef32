// The payloads of the service's calls and signals, as the extension reads them.
// Hand-written from dbus-interfaces/ until the build generates them from the XML;
// each is unpacked from its D-Bus form in one place, stewardClient.ts.

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
export interface ToolStep {
  stepId: string;
  tool: string;
  description: string;
  status: string;
}

/** Chat.ResponseDone. */
export interface ResponseEnd {
  requestId: string;
  sessionId: string;
  status: string;
  text: string;
  usage: Dict;
  notice: string;
  errorName: string;
  errorMessage: string;
  proposalIds: string[];
}

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
export interface PullEnd {
  pullId: string;
  status: string;
  modelId: string;
  errorName: string;
  errorMessage: string;
}

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
