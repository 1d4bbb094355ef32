// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Prepares and starts one answer: the system prompt with a fresh snapshot of
// the machine, the conversation fitted to the model's context, redaction where
// the settings ask for it, and the tool loop.
import type { AssistantConfig } from '../config.js';
import type { ChatEngine } from '../engine/chatEngine.js';
import type { PrefixRequest } from '../engine/protocol.js';
import { modelRedactor, redactLongText } from '../engine/redact.js';
import { _ } from '../i18n.js';
import type { Logger } from '../logging.js';
import { type ContextMessage, estimateTokens, fitContext } from './context.js';
import type { Machine } from './machine.js';
import { buildSystemPrompt } from './systemPrompt.js';
import type { AssistantTool, ProposalSink } from './tool.js';
import { firstToolSpecs, runAssistantTurn } from './toolLoop.js';
import { assistantTools } from './tools/index.js';
import type { ActionLine } from './tools/propose.js';
import { byImportance, MORE_TOOLS, OfferedTools } from './toolSelection.js';
import type { TurnCallbacks, TurnHandle } from './turn.js';

/** Assumed before a local model is loaded and for remote endpoints, which do not say; the worker trims further if needed. */
const DEFAULT_CONTEXT_TOKENS = 8192;
/**
 * For a remote endpoint: tools whose descriptions would take more of the
 * context than this leave too little for the conversation. A local model's
 * worker fits the tools to its context itself, counting its own tokens.
 */
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
    const clean = (text: string) => redactLongText(text, redact);
    const contextTokens = status.backend?.contextSize ?? this.options.contextSize() ?? DEFAULT_CONTEXT_TOKENS;
    const systemPrompt = input.useTools ? buildSystemPrompt({ summary: await this.summary(), now: new Date() }) : '';
    const catalog = this.options.proposals.catalog();
    const tools = this.tools(catalog);
    const askedForMore = input.messages.some((message) => message.toolCalls.some((call) => call.name === MORE_TOOLS));
    const candidates = this.offeredTools.candidates(input.prompt, tools, askedForMore);
    const roomForTools =
      status.location === 'local' ||
      estimateTokens(systemPrompt) + estimateTokens(JSON.stringify(firstToolSpecs(tools, candidates).specs)) <=
        contextTokens * TOOLS_MAX_SHARE;
    const useTools = input.useTools && roomForTools;
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
      offeredFirst: offered && this.shownFirst(offered, catalog),
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
   * system prompt and the tools offered so far), for the local engine to
   * evaluate before the question comes; its worker fits the tools to the
   * model's context as it will for the question.
   */
  async prefix(engine: ChatEngine): Promise<PrefixRequest> {
    const status = engine.status();
    const redact = modelRedactor(this.options.settings, () => status.location === 'remote');
    const systemPrompt = buildSystemPrompt({ summary: await this.summary(), now: new Date() });
    const catalog = this.options.proposals.catalog();
    const tools = this.tools(catalog);
    // Those every question is offered join the list as any question would add them.
    const offered = this.offeredTools.offer('', tools);
    return {
      systemPrompt: redact(systemPrompt),
      tools: firstToolSpecs(tools, this.shownFirst(offered, catalog)).specs,
      toolsByImportance: byImportance('', offered),
    };
  }

  /** propose_action lists the actions switched on now, so the tools are built for each answer. */
  private tools(catalog: ActionLine[], shownActions?: readonly string[]): AssistantTool[] {
    return (
      this.options.tools ?? assistantTools(catalog, { nixos: this.options.machine.nixos !== undefined }, shownActions)
    );
  }

  /**
   * The offered tools as the model is first shown them: propose_action lists
   * the actions of the topics offered so far, and takes any of the catalog's.
   */
  private shownFirst(offered: readonly AssistantTool[], catalog: ActionLine[]): AssistantTool[] {
    const shown = this.tools(catalog, this.offeredTools.actions(catalog.map((action) => action.name)));
    return offered.map((tool) => shown.find((candidate) => candidate.name === tool.name) ?? tool);
  }

  private async summary() {
    return this.options.machine.systemSummary().catch((error: Error) => {
      this.options.log.debug('no system summary for the prompt', { reason: error.message });
      return null;
    });
  }
}
