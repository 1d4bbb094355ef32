// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward mcp --http`: Streamable HTTP for clients that cannot start a
// process. Bound to 127.0.0.1 only; Host and Origin must name this machine's
// loopback (DNS rebinding: a web page must not reach it through a name that
// resolves here); every request carries a random bearer token that only this
// user can read, from a 0600 file in the runtime directory.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

import { StewardError } from '../dbus/errors.js';
import type { ServedAgent } from './server.js';

/** No MCP request of Steward's needs more; a bigger body is refused before it is parsed. */
const MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

export interface ServedHttp {
  url: string;
  tokenFile: string;
  close(): Promise<void>;
}

/** Where the token lives: the user's runtime directory (tmpfs, 0700, gone at logout). */
export function tokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (!runtime?.startsWith('/'))
    throw new StewardError('Unavailable', 'XDG_RUNTIME_DIR is not set, so there is nowhere private to keep the token');
  return join(runtime, 'steward', 'mcp-http.json');
}

/** "127.0.0.1:8123", "localhost:8123", "[::1]:8123", with or without the port. */
function isLoopbackHost(host: string, port: number): boolean {
  return LOOPBACK_HOSTS.some((name) => host === name || host === `${name}:${port}`);
}

function isLoopbackOrigin(origin: string, port: number): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && isLoopbackHost(url.host, port);
  } catch {
    return false;
  }
}

function hasToken(request: IncomingMessage, token: Buffer): boolean {
  const given = Buffer.from(/^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
  return given.length === token.length && timingSafeEqual(given, token);
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StewardError('InvalidArgs', 'the request is larger than 1 MiB');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function serveHttp(newAgent: () => ServedAgent, port: number): Promise<ServedHttp> {
  const tokenFile = tokenFilePath();
  const token = Buffer.from(randomBytes(32).toString('hex'));
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; agent: ServedAgent }>();

  const handle = async (request: IncomingMessage, response: ServerResponse, ownPort: number) => {
    if (!isLoopbackHost(request.headers.host ?? '', ownPort))
      return refuse(response, 403, 'Forbidden: the Host header does not name this computer');
    const origin = request.headers.origin;
    if (origin !== undefined && !isLoopbackOrigin(origin, ownPort))
      return refuse(response, 403, 'Forbidden: requests from web pages are not accepted');
    if (!hasToken(request, token)) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      return refuse(response, 401, `Unauthorized: send the bearer token from ${tokenFile}`);
    }
    const sessionId = request.headers['mcp-session-id'];
    const session = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (request.method !== 'POST') {
      if (!session) return refuse(response, 400, 'Bad Request: no such session');
      return session.transport.handleRequest(request, response);
    }
    let body: unknown;
    try {
      body = await readJson(request);
    } catch (error) {
      return refuse(response, 400, `Bad Request: ${(error as Error).message}`);
    }
    if (session) return session.transport.handleRequest(request, response, body);
    if (sessionId !== undefined || !isInitializeRequest(body))
      return refuse(response, 400, 'Bad Request: no such session; start with initialize');
    const agent = newAgent();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, agent });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await agent.server.connect(transport);
    await transport.handleRequest(request, response, body);
  };

  const http = createServer((request, response) => {
    const ownPort = (http.address() as AddressInfo).port;
    handle(request, response, ownPort).catch((error: Error) => {
      if (!response.headersSent) refuse(response, 500, `Internal error: ${error.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  await mkdir(join(tokenFile, '..'), { recursive: true, mode: 0o700 });
  // Written whole under another name, then renamed over the old one: a client never reads it half written. A partial
  // file left by an earlier run may have another mode; mode applies only to a new file.
  const partial = `${tokenFile}.partial`;
  await rm(partial, { force: true });
  await writeFile(partial, `${JSON.stringify({ url, token: token.toString() })}\n`, { mode: 0o600 });
  await rename(partial, tokenFile);
  return {
    url,
    tokenFile,
    async close() {
      await rm(tokenFile, { force: true });
      for (const { agent } of sessions.values()) await agent.server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
