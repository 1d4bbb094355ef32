// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Sends fuzz calls to the service one after another and judges each answer:
// a refusal must be a named error with a short message for people, never
// Internal, never a stack trace, and no reply may be huge.
import { DBusError, type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { MAX_ERROR_MESSAGE } from '../../service/src/dbus/errors.js';
import type { FuzzCall } from './fuzz.js';
import { BUS_NAME, OBJECT_PATH } from './service.js';
import { REPLY_TIMEOUT_MS } from './timeouts.js';

/** Far more than any honest reply of a quiet service; a reply this big echoes its input or leaks. */
export const MAX_REPLY_SIZE = 256 * 1024;

const ALLOWED_ERRORS =
  /^(io\.github\.steward\.Steward1\.Error\.(?!Internal$)\w+|org\.freedesktop\.DBus\.Error\.(UnknownMethod|InvalidArgs|UnknownInterface|UnknownProperty|PropertyReadOnly))$/;
// What a leaked stack or source location looks like.
const STACK = /^\s+at |\bdist\/|\/src\/\S+\.ts\b|\.m?js:\d+/m;
// What a JavaScript error passed on as the message of a named error looks like.
const JS_ERROR =
  /\b(TypeError|RangeError|ReferenceError)\b|Cannot read properties|is not a function|Maximum call stack|Invalid string length/;

export interface FuzzOutcome {
  call: FuzzCall;
  index: number;
  ms: number;
  /** The error's D-Bus name, or "ok". */
  result: string;
  problems: string[];
}

export interface FuzzReport {
  calls: number;
  /** Answers by error name ("ok" for a success). */
  results: Map<string, number>;
  problems: string[];
  /** Per method: the number of calls and the slowest answer in ms. */
  methods: Map<string, { calls: number; maxMs: number; totalMs: number }>;
}

/** Roughly how many bytes a reply body takes. */
export function approximateSize(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value instanceof Variant) return approximateSize(value.value);
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + approximateSize(item), 0);
  if (value instanceof Buffer) return value.length;
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).reduce((sum, [key, item]) => sum + key.length + approximateSize(item), 0);
  return 8;
}

/** A short description of a call's arguments: strings by their length and start. */
export function describeArgs(body: unknown[]): string {
  const describe = (value: unknown): string => {
    if (typeof value === 'string')
      return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…(${value.length})` : JSON.stringify(value);
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof Variant) return `<${value.signature}>`;
    if (Array.isArray(value)) return `[${value.length} items]`;
    if (typeof value === 'object' && value !== null) return `{${Object.keys(value).slice(0, 5).join(',')}…}`;
    return String(value);
  };
  return body.map(describe).join(', ');
}

export function judge(reply: unknown[] | undefined, error: unknown): { result: string; problems: string[] } {
  const problems: string[] = [];
  if (error === undefined) {
    const size = approximateSize(reply);
    if (size > MAX_REPLY_SIZE) problems.push(`a reply of about ${size} bytes`);
    return { result: 'ok', problems };
  }
  if (!(error instanceof DBusError)) {
    // The client's own deadline (Timeout) or a broken connection: the service did not answer.
    return { result: 'no answer', problems: [`no answer: ${(error as Error).message}`] };
  }
  const text = error.text ?? '';
  if (!ALLOWED_ERRORS.test(error.type)) problems.push(`error ${error.type}: ${text.slice(0, 200)}`);
  if (STACK.test(text)) problems.push(`a stack trace or source path in the error: ${text.slice(0, 300)}`);
  if (JS_ERROR.test(text)) problems.push(`a JavaScript error's text in the error: ${text.slice(0, 300)}`);
  if (text.length > MAX_ERROR_MESSAGE) problems.push(`an error message of ${text.length} characters`);
  return { result: error.type.replace(/^.*\.Error\./, ''), problems };
}

export interface RunOptions {
  seed: number;
  /** Called with the body of each successful reply. */
  onReply?(reply: unknown[]): void;
  timeoutMs?: number;
  /** Called after each call, for progress. */
  onOutcome?(outcome: FuzzOutcome): void;
  /** How many calls are in flight at once (1 unless given): more finds races between calls. */
  concurrency?: number;
}

/** Sends `calls`, `concurrency` at a time, and collects what came back. */
export async function runFuzzCalls(
  client: MessageBus,
  calls: Iterable<FuzzCall>,
  options: RunOptions,
): Promise<FuzzReport> {
  const report: FuzzReport = { calls: 0, results: new Map(), problems: [], methods: new Map() };
  let sent = 0;
  const send = async (call: FuzzCall) => {
    const index = sent++;
    const started = performance.now();
    let reply: unknown[] | undefined;
    let failure: unknown;
    try {
      reply = await callMethod(
        client,
        { destination: BUS_NAME, path: OBJECT_PATH, ...call },
        { timeoutMs: options.timeoutMs ?? REPLY_TIMEOUT_MS },
      );
    } catch (error) {
      failure = error ?? new Error('rejected without a reason');
    }
    const ms = performance.now() - started;
    const { result, problems } = judge(reply, failure);
    if (reply) options.onReply?.(reply);
    const method = `${call.interface}.${call.member}`;
    report.calls += 1;
    report.results.set(result, (report.results.get(result) ?? 0) + 1);
    const stats = report.methods.get(method) ?? { calls: 0, maxMs: 0, totalMs: 0 };
    report.methods.set(method, {
      calls: stats.calls + 1,
      maxMs: Math.max(stats.maxMs, ms),
      totalMs: stats.totalMs + ms,
    });
    for (const problem of problems) {
      report.problems.push(
        `seed ${options.seed} call #${index}: ${method} ${call.kind} (${describeArgs(call.body)}): ${problem}`,
      );
    }
    options.onOutcome?.({ call, index, ms, result, problems });
  };
  // Each lane takes the next call when its last one was answered; the generator is shared.
  const pending = calls[Symbol.iterator]();
  const lane = async () => {
    for (let next = pending.next(); !next.done; next = pending.next()) await send(next.value);
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, lane));
  return report;
}

/** The method with the slowest single answer. */
export function slowestMethod(report: FuzzReport): { method: string; maxMs: number; meanMs: number } | undefined {
  const [method, stats] = [...report.methods.entries()].sort((a, b) => b[1].maxMs - a[1].maxMs)[0] ?? [];
  return method && stats ? { method, maxMs: stats.maxMs, meanMs: stats.totalMs / stats.calls } : undefined;
}
