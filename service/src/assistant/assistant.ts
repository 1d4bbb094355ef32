// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Prepares and starts one answer: the system prompt with a fresh snapshot of
// the machine, the conversation fitted to the model's context, redaction where
// the settings ask for it, and the tool loop.
import type { AssistantConfig } from '../config.js';
import type { ChatEngine } from '../engine/chatEngine.js';
import type { PrefixRequest } from '../engine/protocol.js';
import { modelRedactor, redactInPieces } from '../engine/redact.js';
import { _ } from '../i18n.js';
import type { Logger } from '../logging.js';
import { type ContextMessage, estimateTokens, fitContext } from './context.js';
import type { Machine } from './machine.js';
import { buildSystemPrompt } from './systemPrompt.js';
import type { AssistantTool, ProposalSink } from './tool.js';
import { firstToolSpecs, runAssistantTurn, toolSpec } from './toolLoop.js';
import { assistantTools } from './tools/index.js';
import { MORE_TOOLS, OfferedTools } from './toolSelection.js';
import type { TurnCallbacks, TurnHandle } from './turn.js';

/** Assumed before a local model is loaded and for remote endpoints, which do not say; the worker trims further if needed. */
const DEFAULT_CONTEXT_TOKENS = 8192;
/** Tools whose descriptions would take more of the context than this leave too little for the conversation. */
const TOOLS_MAX_SHARE = 0.5;

const noRoomForTools = () =>
  _("This model's context is too small for Steward's tools, so it answered without looking at the computer.");

export interface AssistantOptions {
  machine: Machine;
  proposals: ProposalSink;
  settings: () => AssistantConfig;
  /** The configured context size of the local model, known before it loads; null for 'auto'. */
  contextSize: () => number | null;
  log: Logger;
  tools?: AssistantTool[];
  /** Steward's own secrets as the settings place them now (see stewardSecretPaths); read_file refuses them. */
  stewardSecrets?: () => string[];
}

export interface QuestionInput {
  engine: ChatEngine;
  /** The conversation so far, oldest first. */
  messages: readonly ContextMessage[];
  prompt: string;
  maxTokens: number;
  temperature?: number;
  seed?: number;
  /** false: the model answers from the conversation alone, with no system prompt and no tools. */
  useTools: boolean;
  toolChoice: 'auto' | 'required';
  callbacks: TurnCallbacks;
}

export interface StartedAnswer {
  handle: TurnHandle;
  summarizedMessages: number;
  summary: string | null;
  /** For the user, e.g. that the model had no room for tools; '' when there is nothing to say. */
  notice: string;
}

export class Assistant {
  private readonly offeredTools = new OfferedTools();

  constructor(private readonly options: AssistantOptions) {}

  async start(input: QuestionInput): Promise<StartedAnswer> {
    const { proposals, settings } = this.options;
    const config = settings();
    const status = input.engine.status();
    const redact = modelRedactor(settings, () => status.location === 'remote');
    // A long message is cleaned a piece at a time, so the service keeps answering its other callers meanwhile.
    const clean = (text: string) => redactInPieces(text, redact);
    const contextTokens = status.backend?.contextSize ?? this.options.contextSize() ?? DEFAULT_CONTEXT_TOKENS;
    const systemPrompt = input.useTools
      ? buildSystemPrompt({ summary: await this.summary(), catalog: proposals.catalog(), now: new Date() })
      : '';
    // propose_action names the actions switched on now, so the tools are built for each answer.
    const tools =
      this.options.tools ??
      assistantTools(
        proposals.catalog().map((entry) => entry.name),
        { nixos: this.options.machine.nixos !== undefined },
      );
    // All of them: the model may ask for the rest with more_tools.
    const toolTokens = estimateTokens(JSON.stringify(tools.map(toolSpec)));
    const roomForTools = estimateTokens(systemPrompt) + toolTokens <= contextTokens * TOOLS_MAX_SHARE;
    const useTools = input.useTools && roomForTools;
    const askedForMore = input.messages.some((message) => message.toolCalls.some((call) => call.name === MORE_TOOLS));
    // Only questions that get tools add to the offered ones.
    const offered = useTools ? this.offeredTools.offer(input.prompt, tools, askedForMore) : undefined;
    const fitted = fitContext({
      systemPrompt: useTools ? systemPrompt : '',
      messages: input.messages,
      prompt: input.prompt,
      budget: { contextTokens, answerTokens: input.maxTokens },
    });
    const handle = runAssistantTurn({
      engine: input.engine,
      tools: useTools ? tools : [],
      offeredFirst: offered,
      context: {
        machine: this.options.machine,
        proposals,
        signal: new AbortController().signal,
        readableRoots: config.readableRoots,
        stewardSecrets: this.options.stewardSecrets?.() ?? [],
      },
      systemPrompt: fitted.systemPrompt ? await clean(fitted.systemPrompt) : undefined,
      history: await Promise.all(
        fitted.history.map(async (turn) => ({
          ...turn,
          text: await clean(turn.text),
          toolCalls:
            turn.toolCalls &&
            (await Promise.all(turn.toolCalls.map(async (call) => ({ ...call, result: await clean(call.result) })))),
        })),
      ),
      prompt: await clean(input.prompt),
      maxTokens: input.maxTokens,
      maxToolCalls: config.maxToolCalls,
      toolChoice: input.toolChoice,
      temperature: input.temperature,
      seed: input.seed,
      redact,
      callbacks: input.callbacks,
    });
    return {
      handle,
      summarizedMessages: fitted.summarizedMessages,
      summary: fitted.summary,
      notice: input.useTools && !roomForTools ? noRoomForTools() : '',
    };
  }

  /**
   * What the next new conversation's first request will start with (the
   * system prompt and the tools offered so far), for the engine to evaluate
   * before the question comes; null when the tools would not fit the context.
   */
  async prefix(engine: ChatEngine): Promise<PrefixRequest | null> {
    const { proposals, settings } = this.options;
    const status = engine.status();
    const redact = modelRedactor(settings, () => status.location === 'remote');
    const contextTokens = status.backend?.contextSize ?? this.options.contextSize() ?? DEFAULT_CONTEXT_TOKENS;
    const systemPrompt = buildSystemPrompt({
      summary: await this.summary(),
      catalog: proposals.catalog(),
      now: new Date(),
    });
    const tools =
      this.options.tools ??
      assistantTools(
        proposals.catalog().map((entry) => entry.name),
        { nixos: this.options.machine.nixos !== undefined },
      );
    const toolTokens = estimateTokens(JSON.stringify(tools.map(toolSpec)));
    if (estimateTokens(systemPrompt) + toolTokens > contextTokens * TOOLS_MAX_SHARE) return null;
    // Those every question is offered join the list as any question would add them.
    const offered = this.offeredTools.offer('', tools);
    return { systemPrompt: redact(systemPrompt), tools: firstToolSpecs(tools, offered).specs };
  }

  private async summary() {
    return this.options.machine.systemSummary().catch((error: Error) => {
      this.options.log.debug('no system summary for the prompt', { reason: error.message });
      return null;
    });
  }
}
