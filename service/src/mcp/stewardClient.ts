// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The D-Bus calls `steward mcp` makes: the Agents interface, nothing else.
// Every check (schemas, secret places, redaction, the catalog, "always ask")
// happens in the service; this side only carries requests and answers.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../dbus/client.js';
import { AGENTS_INTERFACE, BUS_NAME, OBJECT_PATH } from '../dbus/interfaces.js';

export interface AgentTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface AgentAction {
  name: string;
  description: string;
  risk: string;
}

export interface ProposalStatus {
  id: string;
  state: string;
  decision: string;
  title: string;
  jobState: string;
  result: string;
}

export interface MadeProposal extends ProposalStatus {
  action: string;
  params: Record<string, unknown>;
  effect: string;
  details: string[];
  risk: string;
  needsAuthorization: boolean;
}

type Dict = Record<string, Variant>;
const value = <T>(dict: Dict, key: string, fallback: T): T => (dict[key]?.value as T | undefined) ?? fallback;

function statusOf(dict: Dict): ProposalStatus {
  return {
    id: value(dict, 'id', ''),
    state: value(dict, 'state', ''),
    decision: value(dict, 'decision', ''),
    title: value(dict, 'title', ''),
    jobState: value(dict, 'job-state', ''),
    result: value(dict, 'result', ''),
  };
}

/** A tool can take longer than a D-Bus call's default 25 s deadline (the service stops it at 30 s). */
const TOOL_CALL_TIMEOUT_MS = 40_000;

export class StewardAgentClient {
  constructor(private readonly bus: MessageBus) {}

  private call(member: string, signature: string, body: unknown[], timeoutMs?: number): Promise<unknown[]> {
    return callMethod(
      this.bus,
      { destination: BUS_NAME, path: OBJECT_PATH, interface: AGENTS_INTERFACE, member, signature, body },
      { timeoutMs },
    );
  }

  async tools(): Promise<AgentTool[]> {
    const [tools] = await this.call('ListTools', '', []);
    return (tools as Dict[]).map((dict) => ({
      name: value(dict, 'name', ''),
      description: value(dict, 'description', ''),
      inputSchema: JSON.parse(value(dict, 'input-schema', '{}')) as Record<string, unknown>,
    }));
  }

  async actions(): Promise<AgentAction[]> {
    const [actions] = await this.call('ListActions', '', []);
    return (actions as Dict[]).map((dict) => ({
      name: value(dict, 'name', ''),
      description: value(dict, 'description', ''),
      risk: value(dict, 'risk', ''),
    }));
  }

  async runTool(client: string, tool: string, args: unknown): Promise<string> {
    const [result] = await this.call(
      'RunTool',
      'sss',
      [client, tool, JSON.stringify(args ?? {})],
      TOOL_CALL_TIMEOUT_MS,
    );
    return result as string;
  }

  async propose(client: string, action: string, params: unknown, reason: string): Promise<MadeProposal> {
    const [reply] = await this.call(
      'Propose',
      'ssss',
      [client, action, JSON.stringify(params ?? {}), reason],
      TOOL_CALL_TIMEOUT_MS,
    );
    const dict = reply as Dict;
    return {
      ...statusOf(dict),
      action: value(dict, 'action', action),
      params: JSON.parse(value(dict, 'params', '{}')) as Record<string, unknown>,
      effect: value(dict, 'effect', ''),
      details: value(dict, 'details', [] as string[]),
      risk: value(dict, 'risk', ''),
      needsAuthorization: value(dict, 'needs-authorization', false),
    };
  }

  async proposalStatus(client: string, id: string): Promise<ProposalStatus> {
    const [reply] = await this.call('ProposalStatus', 'ss', [client, id]);
    return statusOf(reply as Dict);
  }
}
