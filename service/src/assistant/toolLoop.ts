// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One assistant turn: the model answers, and whenever it asks for tools the
// loop runs them and asks again with their results, until it answers in words
// or has used its budget of calls. Arguments are validated here, whatever the
// engine did; a bad call becomes a message to the model, never an exception.
import { z } from 'zod';

import type { ChatOutcome } from '../engine/chatEngine.js';
import type { RequestedCall, ToolSpec, Usage } from '../engine/protocol.js';
import { _, format } from '../i18n.js';
import { type AssistantTool, MAX_TOOL_OUTPUT, type ToolContext } from './tool.js';
import { byImportance, MORE_TOOLS, moreToolsTool } from './toolSelection.js';
import type { ToolCallRecord, TurnHandle, TurnOutcome, TurnRequest } from './turn.js';
import { untrustedData } from './untrustedData.js';

/** The tools a forced call may be: it is there to look before answering, and a fix is proposed after, with what it showed. */
export const forcedCallSpecs = (specs: readonly ToolSpec[]) => specs.filter((spec) => spec.name !== 'propose_action');

/** The sources a finished step names, at most: the step is one line. */
const MAX_SOURCES_SHOWN = 3;

/** A tool that takes longer is stopped and the model told so: the user is waiting. */
const TOOL_TIMEOUT_MS = 30_000;

/** The tool's parameters as the JSON Schema models and grammars read. */
export function toolSpec(tool: AssistantTool): ToolSpec {
  const { $schema: _schema, ...parameters } = z.toJSONSchema(tool.params, { io: 'input', unrepresentable: 'any' });
  return { name: tool.name, description: tool.description, parameters };
}

/** The tools a turn's first request shows the model: more_tools first whenever some are held back. */
export function firstToolSpecs(
  tools: readonly AssistantTool[],
  offeredFirst: readonly AssistantTool[] | undefined,
): { specs: ToolSpec[]; moreTools: AssistantTool | null } {
  const first = offeredFirst ?? tools;
  // By name: propose_action may be offered first with fewer of the catalog's actions listed.
  const held = tools.filter((tool) => !first.some((offered) => offered.name === tool.name));
  const moreTools = held.length > 0 ? moreToolsTool(held) : null;
  // more_tools first: it is there whenever some are held back, so it belongs to the prompt's fixed prefix.
  return { specs: (moreTools ? [moreTools, ...first] : tools).map(toolSpec), moreTools };
}

function addUsage(total: Usage, more: Usage): Usage {
  return {
    promptTokens: total.promptTokens + more.promptTokens,
    completionTokens: total.completionTokens + more.completionTokens,
    timeToFirstTokenMs: total.timeToFirstTokenMs ?? more.timeToFirstTokenMs,
    tokensPerSecond: more.completionTokens > 0 ? more.tokensPerSecond : total.tokensPerSecond,
  };
}

function bounded(text: string): string {
  if (text.length <= MAX_TOOL_OUTPUT) return text;
  return `${text.slice(0, MAX_TOOL_OUTPUT)}\n… (${text.length - MAX_TOOL_OUTPUT} more characters left out)`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; ');
}

function withTimeout<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the tool took too long and was stopped')), TOOL_TIMEOUT_MS);
    signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export function runAssistantTurn(request: TurnRequest): TurnHandle {
  const abort = new AbortController();
  let current: { cancel(): void } | null = null;
  const result = runTurn(request, abort.signal, (handle) => (current = handle));
  return {
    result,
    cancel: () => {
      abort.abort();
      current?.cancel();
    },
  };
}

async function runTurn(
  request: TurnRequest,
  signal: AbortSignal,
  track: (handle: { cancel(): void }) => void,
): Promise<TurnOutcome> {
  const first = firstToolSpecs(request.tools, request.offeredFirst);
  const moreTools = first.moreTools;
  let specs = first.specs;
  // Which tools a small context keeps; once the model asked for more, the registry's order.
  let importance = request.offeredFirst ? byImportance(request.prompt, request.offeredFirst) : undefined;
  const known = moreTools ? [...request.tools, moreTools] : request.tools;
  const calls: ToolCallRecord[] = [];
  const proposalIds: number[] = [];
  const context: ToolContext = {
    ...request.context,
    signal,
    proposals: {
      catalog: () => request.context.proposals.catalog(),
      propose: async (proposal) => {
        const made = await request.context.proposals.propose(proposal);
        proposalIds.push(made.id);
        return made;
      },
    },
  };
  let usage: Usage = { promptTokens: 0, completionTokens: 0, timeToFirstTokenMs: null, tokensPerSecond: 0 };
  let text = '';
  let droppedTurns = 0;
  const finish = (status: TurnOutcome['status']): TurnOutcome => ({
    status,
    text,
    toolCalls: calls,
    proposalIds,
    usage,
    droppedTurns,
  });
  for (let round = 0; ; round++) {
    const forced = round === 0 && request.toolChoice === 'required';
    const shown = forced ? forcedCallSpecs(specs) : specs;
    const mayCall = shown.length > 0 && calls.length < request.maxToolCalls;
    const handle = request.engine.chat(
      {
        systemPrompt: request.systemPrompt,
        history: request.history,
        prompt: request.prompt,
        maxTokens: request.maxTokens,
        temperature: request.temperature,
        seed: request.seed,
        tools: mayCall ? shown : [],
        toolsByImportance: mayCall ? importance : undefined,
        toolChoice: forced ? 'required' : 'auto',
        turnToolCalls: calls.map(({ id, name, arguments: args, result }) => ({ id, name, arguments: args, result })),
      },
      { onChunk: request.callbacks?.onChunk, onQueuePosition: request.callbacks?.onQueuePosition },
    );
    track(handle);
    const outcome: ChatOutcome = await handle.result;
    usage = addUsage(usage, outcome.usage);
    droppedTurns = Math.max(droppedTurns, outcome.droppedTurns);
    text += outcome.text;
    if (outcome.status === 'cancelled' || signal.aborted) return finish('cancelled');
    if (outcome.toolCalls.length === 0) return finish('done');
    for (const call of outcome.toolCalls) {
      if (signal.aborted) return finish('cancelled');
      calls.push(
        calls.length < request.maxToolCalls
          ? await runCall(request, known, call, context)
          : refused(call, 'No more tool calls are allowed for this answer: answer with what you have.'),
      );
      if (call.name === MORE_TOOLS) {
        specs = request.tools.map(toolSpec);
        importance = undefined;
      }
    }
  }
}

function refused(call: RequestedCall, reason: string): ToolCallRecord {
  return { id: call.id, name: call.name, arguments: {}, result: reason, status: 'failed' };
}

async function runCall(
  request: TurnRequest,
  known: readonly AssistantTool[],
  call: RequestedCall,
  context: ToolContext,
): Promise<ToolCallRecord> {
  const tool = known.find((candidate) => candidate.name === call.name);
  const onStep = request.callbacks?.onToolStep;
  const progress = tool ? _(tool.progress) : _('consulting a tool…');
  const step = (status: 'running' | 'done' | 'failed', description = progress) =>
    onStep?.({ stepId: call.id, tool: call.name, description, status });
  step('running');
  const { record, failure } = await attempt(tool, call, context, request.redact ?? ((text) => text));
  // A failed step says why, so that "--require-tool" and the chat do not show a bare ✗.
  if (failure === undefined)
    step(record.status, record.status === 'done' ? sourcesStep(tool, record.result) : undefined);
  else step('failed', format(_('{step}: {reason}'), { step: progress.replace(/(…|\.\.\.)$/, ''), reason: failure }));
  return record;
}

/** The call's record for the model, and, when it failed, why in the user's words. */
/** "read sshd_config(5), section AuthenticationMethods; …" for a tool that cites its sources, else undefined. */
function sourcesStep(tool: AssistantTool | undefined, result: string): string | undefined {
  const sources = tool?.sources?.(result) ?? [];
  if (sources.length === 0) return undefined;
  const shown = sources.slice(0, MAX_SOURCES_SHOWN).map((source) => source.slice(0, 100));
  const more = sources.length > MAX_SOURCES_SHOWN ? ' …' : '';
  // Translators: the sources a step of the assistant read, e.g. "read ls(1), section --sort=WORD; …".
  return format(_('read {sources}'), { sources: shown.join('; ') + more });
}

async function attempt(
  tool: AssistantTool | undefined,
  call: RequestedCall,
  context: ToolContext,
  redact: (text: string) => string,
): Promise<{ record: ToolCallRecord; failure?: string }> {
  if (!tool) {
    const reason = call.name
      ? `There is no tool named "${call.name.slice(0, 60)}".`
      : 'The tool call could not be read: it was not valid JSON.';
    return { record: refused(call, reason), failure: _('the model asked for a tool that does not exist') };
  }
  const parsed = tool.params.safeParse(call.arguments ?? {});
  if (!parsed.success) {
    return {
      record: refused(
        call,
        `The arguments for ${tool.name} are not valid (${describeIssues(parsed.error)}). Call it again with valid arguments.`,
      ),
      failure: _('the model gave the tool arguments it does not take'),
    };
  }
  const args = parsed.data;
  try {
    const output = await withTimeout(tool.run(args, context), context.signal);
    return {
      record: {
        id: call.id,
        name: tool.name,
        arguments: args,
        result: untrustedData(tool.name, redact(bounded(output))),
        status: 'done',
      },
    };
  } catch (error) {
    const message = redact((error as Error).message);
    return {
      record: {
        id: call.id,
        name: tool.name,
        arguments: args,
        result: `${tool.name} failed: ${message}`,
        status: 'failed',
      },
      failure: message,
    };
  }
}
