// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which tools the model is shown for a question. Every tool's description and
// schema costs prompt tokens that a laptop CPU evaluates before the first word
// of the answer, so a question is offered the few tools its words point to (a
// keyword match: cheap, predictable, never the model) besides those offered
// before, plus more_tools, which the model calls to be shown the rest.
import { z } from 'zod';

import { N_ } from '../i18n.js';
import { type AssistantTool, defineTool } from './tool.js';

export const MORE_TOOLS = 'more_tools';

/** Offered with every question: the overview tools and the way to propose a fix. */
const ALWAYS = new Set(['system_summary', 'list_findings', 'propose_action']);

const DOCS_WORDS = [
  'how to',
  'how do',
  'how can',
  'option',
  'flag',
  'man',
  'manual',
  'doc',
  'command',
  'config',
  'setting',
  'syntax',
  'parameter',
  'argument',
  'switch',
  '--',
];

/** Word stems that point to a tool; a question's word matches a stem it starts with. */
const KEYWORDS: Record<string, readonly string[]> = {
  disk_usage: ['disk', 'space', 'full', 'storage', 'drive', 'partition', 'save', 'saving', 'inode', 'big', 'large'],
  top_processes: [
    'slow',
    'hot',
    'fan',
    'loud',
    'cpu',
    'memory',
    'ram',
    'process',
    'program',
    'busy',
    'freez',
    'hang',
    'lag',
  ],
  unit_status: [
    'service',
    'unit',
    'daemon',
    'timer',
    'start',
    'boot',
    'running',
    'failed',
    'crash',
    'backup',
    'print',
    'bluetooth',
  ],
  search_journal: [
    'log',
    'journal',
    'error',
    'fail',
    'crash',
    'happen',
    'why',
    'warning',
    'boot',
    'yesterday',
    'night',
    'morning',
    'today',
  ],
  network_status: [
    'network',
    'internet',
    'wifi',
    'wi-fi',
    'wlan',
    'ethernet',
    'connect',
    'online',
    'offline',
    'dns',
    'vpn',
    'web',
    'router',
  ],
  search_packages: ['install', 'package', 'app', 'application', 'program', 'software', 'update', 'upgrade'],
  package_status: ['install', 'package', 'version', 'update', 'upgrade'],
  list_proposals: ['fix', 'proposal', 'proposed', 'suggest', 'pending', 'approve', 'apply', 'applied'],
  audit_history: ['audit', 'history', 'applied', 'undo', 'undid', 'changed', 'did you', 'last fix'],
  read_file: ['file', 'config', 'setting', '.conf', '.ini', '/', '~'],
  // On NixOS, in place of search_packages and package_status: installing is editing the declaration.
  nixos_config: [
    'nixos',
    'nix',
    'configuration',
    'install',
    'remove',
    'uninstall',
    'enable',
    'disable',
    'generation',
    'rollback',
    'roll back',
    'home-manager',
    'home manager',
    'flake',
  ],
  nixos_search: ['nixos', 'nix', 'install', 'package', 'app', 'application', 'program', 'software', 'option', 'enable'],
  // The documentation: a question about how to do something, or about a command's options and settings.
  search_docs: DOCS_WORDS,
  read_doc: DOCS_WORDS,
};

const wordsOf = (question: string) =>
  question
    .toLowerCase()
    .split(/[^\p{L}\p{N}./~-]+/u)
    .filter(Boolean);

// What a question is about is said at its start: a pasted log after it would only cost time, for every tool.
const QUESTION_HEAD = 2000;

function matches(question: string, stems: readonly string[]): boolean {
  const lower = question.slice(0, QUESTION_HEAD).toLowerCase();
  const words = wordsOf(lower);
  // A stem with a space or a path character is looked for in the whole text.
  return stems.some((stem) =>
    /[\s/~.]/.test(stem) ? lower.includes(stem) : words.some((word) => word.startsWith(stem)),
  );
}

/**
 * The tools to show the model first for this question: those offered to
 * every question, then those its words point to, each in the registry's order. A tool the table does not know (a new one) is always offered, so no
 * tool is lost by forgetting to list it here.
 */
export function selectTools(question: string, tools: readonly AssistantTool[]): AssistantTool[] {
  // The tools offered to every question come first, so their part of the prompt is shared and evaluated once.
  const always = tools.filter((tool) => ALWAYS.has(tool.name));
  return [
    ...always,
    ...tools.filter((tool) => {
      const stems = KEYWORDS[tool.name];
      return !ALWAYS.has(tool.name) && (!stems || matches(question, stems));
    }),
  ];
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

  /** The tools to offer for `question`; all of them when `all` (the model asked for more). */
  offer(question: string, tools: readonly AssistantTool[], all = false): AssistantTool[] {
    this.names.splice(0, this.names.length, ...this.namesFor(question, tools, all));
    // A tool switched off since is left out.
    return this.names.flatMap((name) => tools.filter((tool) => tool.name === name));
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
    return names;
  }
}

/**
 * The offered tools' names, most important first, for a context that has no
 * room for them all: more_tools (small, and the way to the rest), the tools
 * this question's words point to, those offered to every question, then those
 * earlier questions added.
 */
export function byImportance(question: string, offered: readonly AssistantTool[]): string[] {
  const pointed = offered.filter((tool) => {
    const stems = KEYWORDS[tool.name];
    return !ALWAYS.has(tool.name) && stems !== undefined && matches(question, stems);
  });
  const always = offered.filter((tool) => ALWAYS.has(tool.name));
  return [MORE_TOOLS, ...new Set([...pointed, ...always, ...offered].map((tool) => tool.name))];
}

/** The tool that shows the model the tools it was not offered; the loop offers them all once it is called. */
export function moreToolsTool(heldBack: readonly AssistantTool[]): AssistantTool {
  return defineTool({
    name: MORE_TOOLS,
    description: 'Shows more tools when these cannot answer the question.',
    params: z.object({}),
    progress: N_('looking for more tools…'),
    run: () => Promise.resolve(`These tools are now available: ${heldBack.map((tool) => tool.name).join(', ')}.`),
  });
}
