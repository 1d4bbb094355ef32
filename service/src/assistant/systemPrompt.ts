// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the model is told before the conversation: who it is, what it may do,
// the rule about untrusted data, the catalog it may propose from, and a
// compact snapshot of what the machine is, so that simple questions need no tool.
// How to use the documentation is search_docs' description: it is in the
// prompt only once that tool is offered.
import type { SystemSummary } from './machine.js';
import type { ProposalSink } from './tool.js';
import { UNTRUSTED_DATA_RULE } from './untrustedData.js';

export interface SystemPromptInput {
  summary: SystemSummary | null;
  catalog: ReturnType<ProposalSink['catalog']>;
  now: Date;
}

const ROLE = `You are Steward and look after this Linux desktop for its user. Answer in short, plain
sentences. Look with the tools instead of guessing, and say what you saw. You cannot run commands;
never tell the user to paste commands they do not understand. To change something, call
propose_action with an action below: the user sees its exact effect and decides. Never claim a fix
was made: it waits for their approval.`;

const GIB = 1024 ** 3;

const hour = (now: Date) => `${now.toISOString().slice(0, 13)}:00Z`;

/**
 * Only what stays the same for hours: the worker reuses the evaluated system
 * prompt and tools across questions as long as their text does not change, so
 * load, memory in use, uptime and battery are left to system_summary, and the
 * time is given to the hour.
 */
function snapshot(summary: SystemSummary, now: Date): string {
  const lines = [
    `Now: ${hour(now)}`,
    `System: ${summary.os}, kernel ${summary.kernel}, host ${summary.hostname}`,
    `CPU: ${summary.cpu.model} × ${summary.cpu.cores}`,
    `Memory: ${(summary.memory.totalBytes / GIB).toFixed(1)} GB`,
  ];
  if (summary.gpus.length > 0) lines.push(`GPU: ${summary.gpus.join(', ')}`);
  return lines.join('\n');
}

export function buildSystemPrompt({ summary, catalog, now }: SystemPromptInput): string {
  // The name and the parameters are what the model fills in; the names say what the actions do, so
  // their titles are left out (a third of the catalog's tokens), and the risk is for the user.
  const actions = catalog.map((entry) => `- ${entry.name}(${entry.params})`).join('\n');
  return [
    ROLE,
    UNTRUSTED_DATA_RULE,
    summary ? `The computer:\n${snapshot(summary, now)}` : `Now: ${hour(now)}`,
    `Actions you may propose, with their parameters (? optional):\n${actions}`,
  ].join('\n\n');
}
