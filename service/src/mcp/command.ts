// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward mcp`: the MCP server over stdio (what every client supports), or
// with --http over Streamable HTTP on 127.0.0.1 with a bearer token.
import type { MessageBus } from '@jellybrick/dbus-next';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

import { openProposalIds, watchChanges } from './changes.js';
import { serveHttp } from './http.js';
import { createMcpServer, type ServedAgent } from './server.js';
import { StewardAgentClient } from './stewardClient.js';

export const TERMINAL_NOTICE =
  'steward mcp: waiting for an MCP client (an AI agent) to speak JSON-RPC on standard input. ' +
  'Agents start this command themselves: add “steward mcp” to your agent’s MCP servers (“steward help mcp”, docs/using.md). ' +
  'Ctrl+D or Ctrl+C ends it.';

export interface McpOptions {
  http: boolean;
  /** 0: any free port. */
  port: number;
}

/** The options of `steward mcp`, or a message for the usage error. */
export function mcpOptions(values: { http?: boolean; port?: string }): McpOptions | string {
  if (values.port !== undefined && !values.http) return '--port goes with --http';
  const port = Number(values.port ?? 0);
  if (!/^\d{1,5}$/.test(values.port ?? '0') || port > 65535)
    return `--port must be a port number, not “${values.port}”`;
  return { http: values.http ?? false, port };
}

/** Serves until the client closes stdio (or, with --http, until SIGINT/SIGTERM); resolves with the exit status. */
export async function mcpCommand(bus: MessageBus, options: McpOptions): Promise<number> {
  const steward = new StewardAgentClient(bus);
  const agents = new Set<ServedAgent>();
  const newAgent = () => {
    const agent = createMcpServer(steward, () => openProposalIds(bus));
    agents.add(agent);
    agent.server.onclose = () => agents.delete(agent);
    return agent;
  };
  const stopWatching = await watchChanges(bus, (uris, listChanged) => {
    for (const agent of agents) agent.changed(uris, listChanged);
  });
  try {
    if (options.http) {
      const served = await serveHttp(newAgent, options.port);
      process.stderr.write(`steward mcp: serving ${served.url} (bearer token in ${served.tokenFile})\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await served.close();
    } else {
      // Started by hand, it would otherwise wait in silence for JSON-RPC nobody types.
      if (process.stdin.isTTY) process.stderr.write(`${TERMINAL_NOTICE}\n`);
      const agent = newAgent();
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => {
        transport.onclose = resolve;
        process.stdin.once('end', resolve);
      });
      await agent.server.connect(transport);
      await closed;
      await agent.server.close();
    }
    return 0;
  } finally {
    await stopWatching();
  }
}
