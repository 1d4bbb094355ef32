// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { CLI_SCRIPT, waitFor } from '../support/service.js';
import { startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

/** The official conformance suite's server scenarios that apply to a server with its own tools (see README, MCP). */
const SCENARIOS = [
  'server-initialize',
  'ping',
  'tools-list',
  'resources-list',
  'resources-subscribe',
  'resources-unsubscribe',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];

// The suite (0.1.16) imports fs.globSync, which Node 22 brought; on Node 20 this hook gives it a stand-in that
// throws: only its result-folder scan uses it, which these runs never reach.
const FS_HOOK = `export async function resolve(specifier, context, next) {
  if ((specifier === 'fs' || specifier === 'node:fs') && context.parentURL?.includes('/@modelcontextprotocol/conformance/'))
    return { shortCircuit: true, url: 'data:text/javascript,' + encodeURIComponent("import fs from 'node:fs'; export * from 'node:fs'; export default fs; export function globSync() { throw new Error('fs.globSync needs Node 22'); }") };
  return next(specifier, context);
}`;
const REGISTER_HOOK = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(FS_HOOK)}`)});`,
)}`;
const CONFORMANCE = join(process.cwd(), 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

interface Answer {
  status: number;
  body: string;
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } },
});

function post(url: string, headers: Record<string, string>, body = INITIALIZE): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

/**
 * What a client configured with the token does: adds the bearer token, and nothing else. The suite's client
 * cannot send a token, so it talks to this forwarder; Host and Origin pass as they are, with the forwarder's port
 * mapped to the server's, so the server judges exactly what the suite sent.
 */
function tokenForwarder(target: URL, token: string): Promise<{ url: string; server: Server }> {
  const server = createServer((incoming, outgoing) => {
    const own = String((server.address() as AddressInfo).port);
    const remap = (value: string | string[] | undefined) =>
      typeof value === 'string' ? value.replace(new RegExp(`:${own}\\b`), `:${target.port}`) : value;
    const headers = { ...incoming.headers, authorization: `Bearer ${token}` };
    headers.host = remap(headers.host) as string;
    if (headers.origin !== undefined) headers.origin = remap(headers.origin) as string;
    const forwarded = httpRequest(
      { host: '127.0.0.1', port: target.port, path: incoming.url, method: incoming.method, headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://localhost:${(server.address() as AddressInfo).port}/mcp`, server }),
    ),
  );
}

// `steward mcp --http` against the real service on a private bus: loopback only,
// Host/Origin checked, a bearer token from a 0600 file; then the official suite.
describe('steward mcp --http', () => {
  let scenario: UnitScenario;
  let child: ChildProcess;
  let runtime: string;
  let endpoint: { url: string; token: string };
  let forwarder: { url: string; server: Server };

  beforeAll(async () => {
    scenario = await startUnitScenario([], async () => ({}));
    runtime = join(scenario.home.path, 'runtime');
    await mkdir(runtime, { mode: 0o700 });
    child = spawn(process.execPath, [CLI_SCRIPT, 'mcp', '--http'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: scenario.home.path,
        DBUS_SESSION_BUS_ADDRESS: scenario.bus.address,
        XDG_RUNTIME_DIR: runtime,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tokenFile = join(runtime, 'steward', 'mcp-http.json');
    await waitFor(async () => (await stat(tokenFile).catch(() => null)) !== null, 'the token file');
    endpoint = JSON.parse(await readFile(tokenFile, 'utf8')) as { url: string; token: string };
    forwarder = await tokenForwarder(new URL(endpoint.url), endpoint.token);
  });

  afterAll(async () => {
    forwarder?.server.close();
    if (child?.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The token goes with the server.
      expect(await stat(join(runtime, 'steward', 'mcp-http.json')).catch(() => null)).toBeNull();
    }
    await scenario?.stop();
  });

  it('listens on 127.0.0.1 only, with a 64-hex-digit token only this user can read', async () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(endpoint.token).toMatch(/^[0-9a-f]{64}$/);
    const file = await stat(join(runtime, 'steward', 'mcp-http.json'));
    expect(file.mode & 0o777).toBe(0o600);
  });

  it('refuses a missing or wrong token, a foreign Host and a web page’s Origin', async () => {
    const port = new URL(endpoint.url).port;
    const auth = { Authorization: `Bearer ${endpoint.token}` };
    expect((await post(endpoint.url, {})).status).toBe(401);
    expect((await post(endpoint.url, { Authorization: `Bearer ${'0'.repeat(64)}` })).status).toBe(401);
    expect((await post(endpoint.url, { ...auth, Host: `evil.example.com:${port}` })).status).toBe(403);
    expect((await post(endpoint.url, { ...auth, Origin: 'https://evil.example.com' })).status).toBe(403);
    expect((await post(endpoint.url, { ...auth, Origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await post(endpoint.url, auth, 'not json')).status).toBe(400);
  });

  it('serves the SDK client that sends the token', async () => {
    const client = new Client({ name: 'HTTP Agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(endpoint.url), {
        requestInit: { headers: { Authorization: `Bearer ${endpoint.token}` } },
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('propose_fix');
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri)).toEqual(['steward://findings', 'steward://proposals']);
    await client.close();
  });

  for (const name of SCENARIOS) {
    it(`passes the conformance scenario ${name}`, async () => {
      const run = await promisify(execFile)(
        process.execPath,
        ['--import', REGISTER_HOOK, CONFORMANCE, 'server', '--url', forwarder.url, '--scenario', name],
        { env: { PATH: process.env.PATH }, timeout: 60_000 },
      ).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          stdout: `${error.stdout}${error.stderr}`,
        }),
      );
      expect(run.code).withContext(run.stdout).toBe(0);
      expect(run.stdout).toMatch(/Passed: [1-9]\d*\/\d+, 0 failed/);
    });
  }
});
