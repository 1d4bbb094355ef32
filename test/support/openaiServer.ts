// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A loopback server that speaks enough of the OpenAI chat completions API
// (streaming only) for the remote engine's tests, and records what it got.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ToolCallMessage {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: string;
  /** null on an assistant message that only calls tools. */
  content: string | null;
  /** An assistant message's calls. */
  tool_calls?: ToolCallMessage[];
  /** A tool result's call. */
  tool_call_id?: string;
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface CompletionRequestBody {
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  tool_choice?: string | { type: 'function'; function: { name: string } };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  temperature?: number;
  seed?: number;
  response_format?: { type: string; json_schema?: { name: string; schema: JsonSchema; strict?: boolean } };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: CompletionRequestBody;
  /** True when the client hung up before the answer was complete. */
  aborted: boolean;
}

export interface OpenAIServerOptions {
  /** The models it serves; others get 404. */
  models?: string[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  chunkDelayMs?: number;
  /** What the assistant says to a plain (not JSON) request; by default it repeats the prompt. */
  answer?(body: CompletionRequestBody): string;
  /** Leave out the usage chunk even when the client asks for it, as some servers do. */
  omitUsage?: boolean;
  /** A scripted model turn: text, and tools to call (arguments as the JSON text a model writes); overrides `answer`. */
  reply?(body: CompletionRequestBody): ScriptedReply;
  /** The strings of a JSON answer by their keys ("explanation"); the rest, and every key unnamed, as exampleOf makes them. */
  jsonStrings?: Record<string, string>;
  /** The JSON text that answers a request for JSON (a schema); by default a value that fits the schema, or its own. */
  json?(body: CompletionRequestBody): string | undefined;
}

export interface ScriptedReply {
  content?: string;
  toolCalls?: { name: string; arguments: string }[];
}

export interface OpenAIServer {
  /** The API's base URL, ending in /v1. */
  url: string;
  requests: RecordedRequest[];
  /** The most requests it was answering at the same time. */
  maxConcurrent: number;
  options: OpenAIServerOptions;
  /** Answers every request with this HTTP error from now on; null to stop. */
  failWith(failure: { status: number; message: string } | null): void;
  close(): Promise<void>;
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
}

/** A value that satisfies the simple schemas the tests use; a string named in `strings` is that string. */
function exampleOf(schema: JsonSchema, strings: Record<string, string> = {}, key = ''): unknown {
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, value]) => [name, exampleOf(value, strings, name)]),
      );
    case 'array':
      return schema.items ? [exampleOf(schema.items, strings)] : [];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return strings[key] ?? 'ok';
  }
}

/** Splits text into word-sized pieces that join back into it. */
export function tokenize(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** A call's JSON arguments in three pieces, so that clients must join the deltas. */
function argumentPieces(text: string): string[] {
  const third = Math.ceil(text.length / 3);
  return [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)].filter(Boolean);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function sendError(response: ServerResponse, status: number, message: string, code: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code } }));
}

export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = [];
  let failure: { status: number; message: string } | null = null;
  let concurrent = 0;

  const server = createServer((request, response) => {
    void (async () => {
      const body = JSON.parse((await readBody(request)) || '{}') as CompletionRequestBody;
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        aborted: false,
      };
      requests.push(recorded);
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        sendError(response, 404, `no route ${request.method} ${request.url}`, 'not_found');
        return;
      }
      const bearer = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (options.apiKey !== undefined && bearer !== options.apiKey) {
        // Like OpenAI's own API, it quotes the key it refused.
        sendError(response, 401, `Incorrect API key provided: ${bearer}`, 'invalid_api_key');
        return;
      }
      if (failure) {
        sendError(response, failure.status, failure.message, 'server_error');
        return;
      }
      if (!(options.models ?? ['test-model']).includes(body.model)) {
        sendError(response, 404, `The model \`${body.model}\` does not exist.`, 'model_not_found');
        return;
      }
      if (body.stream !== true) {
        sendError(response, 400, 'this test server only streams', 'invalid_request');
        return;
      }
      concurrent += 1;
      handle.maxConcurrent = Math.max(handle.maxConcurrent, concurrent);
      response.on('close', () => {
        concurrent -= 1;
        recorded.aborted = !response.writableFinished;
      });
      await stream(body, response);
    })();
  });

  async function stream(body: CompletionRequestBody, response: ServerResponse): Promise<void> {
    const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema?.schema : undefined;
    const reply: ScriptedReply = schema
      ? { content: options.json?.(body) ?? JSON.stringify(exampleOf(schema, options.jsonStrings), null, 1) }
      : (options.reply?.(body) ?? {
          content: options.answer?.(body) ?? `You said: ${body.messages.at(-1)?.content ?? ''}`,
        });
    const allTokens = tokenize(reply.content ?? '');
    const tokens = allTokens.slice(0, body.max_tokens ?? allTokens.length);
    const toolCalls = reply.toolCalls ?? [];
    const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: body.model };
    const send = (chunk: object) => response.write(`data: ${JSON.stringify({ ...base, ...chunk })}\n\n`);
    const sendDelta = (delta: object) => send({ choices: [{ index: 0, delta, finish_reason: null }] });

    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    sendDelta({ role: 'assistant', content: '' });
    for (const token of tokens) {
      await sleep(options.chunkDelayMs ?? 0);
      if (response.destroyed) return;
      sendDelta({ content: token });
    }
    // As OpenAI streams calls: the id and name first, then the arguments in pieces the client joins.
    for (const [index, call] of toolCalls.entries()) {
      sendDelta({
        tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }],
      });
      for (const piece of argumentPieces(call.arguments)) {
        await sleep(options.chunkDelayMs ?? 0);
        if (response.destroyed) return;
        sendDelta({ tool_calls: [{ index, function: { arguments: piece } }] });
      }
    }
    const finishReason = toolCalls.length > 0 ? 'tool_calls' : tokens.length < allTokens.length ? 'length' : 'stop';
    send({ choices: [{ index: 0, delta: {}, finish_reason: finishReason }] });
    if (body.stream_options?.include_usage && !options.omitUsage) {
      const promptTokens = body.messages.reduce((sum, message) => sum + tokenize(message.content ?? '').length, 0);
      const completionTokens =
        tokens.length + toolCalls.reduce((sum, call) => sum + argumentPieces(call.arguments).length, 0);
      const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens };
      send({ choices: [], usage: { ...usage, total_tokens: promptTokens + completionTokens } });
    }
    response.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle: OpenAIServer = {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    maxConcurrent: 0,
    options,
    failWith(next) {
      failure = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return handle;
}
