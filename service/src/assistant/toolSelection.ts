// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which tools the model is shown for a question. Every tool's description and
// schema costs prompt tokens that a laptop CPU evaluates before the first word
// of the answer, so a question is offered the few tools its topics point to
// (topics.ts) besides those offered before, plus more_tools, which the model
// calls to be shown the rest.
import { z } from 'zod';

import { N_ } from '../i18n.js';
import { type AssistantTool, defineTool } from './tool.js';
import { actionsFor, inAnyTopicTools, type Topic, topicsOf } from './topics.js';

export const MORE_TOOLS = 'more_tools';

/** The tool whose text follows the topics offered: it comes last, so the part of the prompt before it is shared. */
const PROPOSE_ACTION = 'propose_action';

/** Offered with every question: the overview tools and the way to propose a fix. */
const ALWAYS = new Set(['system_summary', 'list_findings', PROPOSE_ACTION]);

/** The tools a question's topics point to. */
const pointedTo = (question: string) => new Set(topicsOf(question).flatMap((topic) => topic.tools));

/** propose_action moved to the end, the rest in their order. */
const proposeLast = <T>(items: readonly T[], name: (item: T) => string): T[] => [
  ...items.filter((item) => name(item) !== PROPOSE_ACTION),
  ...items.filter((item) => name(item) === PROPOSE_ACTION),
];

/**
 * The tools to show the model first for this question: those offered to
 * every question, then those its topics point to, each in the registry's
 * order, and propose_action last. A tool no topic names (a new one) is always
 * offered, so no tool is lost by forgetting to list it.
 */
export function selectTools(question: string, tools: readonly AssistantTool[]): AssistantTool[] {
  const pointed = pointedTo(question);
  // The tools offered to every question come first, so their part of the prompt is shared and evaluated once.
  const always = tools.filter((tool) => ALWAYS.has(tool.name));
  const more = tools.filter(
    (tool) => !ALWAYS.has(tool.name) && (pointed.has(tool.name) || !inAnyTopicTools(tool.name)),
  );
  return proposeLast([...always, ...more], (tool) => tool.name);
}

/**
 * The tools offered so far, in the order they were first offered. The list
 * only grows: the tools are part of the prompt's prefix, which the worker
 * evaluates once and reuses while it stays the same, so a tool's description
 * is evaluated when a question first needs it, and a question whose tools were
 * offered before evaluates only its own words.
 */
export class OfferedTools {
  private readonly names: string[] = [];
  private readonly topics = new Set<Topic>();
  private everyAction = false;

  /** The tools to offer for `question`; all of them when `all` (the model asked for more). */
  offer(question: string, tools: readonly AssistantTool[], all = false): AssistantTool[] {
    this.names.splice(0, this.names.length, ...this.namesFor(question, tools, all));
    for (const topic of topicsOf(question)) this.topics.add(topic);
    this.everyAction ||= all;
    // A tool switched off since is left out.
    return this.names.flatMap((name) => tools.filter((tool) => tool.name === name));
  }

  /**
   * The actions of `catalog` for propose_action to list: those of the topics
   * offered so far (which only grow, as the tools do), the whole catalog once
   * the model asked for more tools.
   */
  actions(catalog: readonly string[]): string[] {
    return this.everyAction ? [...catalog] : actionsFor([...this.topics], catalog);
  }

  /** What offer() would return, without adding to the tools offered. */
  candidates(question: string, tools: readonly AssistantTool[], all = false): AssistantTool[] {
    return this.namesFor(question, tools, all).flatMap((name) => tools.filter((tool) => tool.name === name));
  }

  private namesFor(question: string, tools: readonly AssistantTool[], all: boolean): string[] {
    const names = [...this.names];
    for (const tool of all ? tools : selectTools(question, tools)) {
      if (!names.includes(tool.name)) names.push(tool.name);
    }
    return proposeLast(names, (name) => name);
  }
}

/**
 * The offered tools' names, most important first, for a context that has no
 * room for them all: more_tools (small, and the way to the rest), the tools
 * this question's words point to, those offered to every question, then those
 * earlier questions added.
 */
export function byImportance(question: string, offered: readonly AssistantTool[]): string[] {
  const names = pointedTo(question);
  const pointed = offered.filter((tool) => !ALWAYS.has(tool.name) && names.has(tool.name));
  const always = offered.filter((tool) => ALWAYS.has(tool.name));
  return [MORE_TOOLS, ...new Set([...pointed, ...always, ...offered].map((tool) => tool.name))];
}

/** The tool that shows the model the tools it was not offered; the loop offers them all once it is called. */
export function moreToolsTool(heldBack: readonly AssistantTool[]): AssistantTool {
  return defineTool({
    name: MORE_TOOLS,
    description: 'Shows more tools and actions when these cannot answer the question.',
    params: z.object({}),
    progress: N_('looking for more tools…'),
    run: () => Promise.resolve(`These tools are now available: ${heldBack.map((tool) => tool.name).join(', ')}.`),
  });
}
