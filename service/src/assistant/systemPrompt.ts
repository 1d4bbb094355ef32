// What the model is told before the conversation: who it is, what it may do,
// the rule about untrusted data, the catalog it may propose from, and a
// compact snapshot of what the machine is, so that simple questions need no tool.
import type { SystemSummary } from './machine.js';
import type { ProposalSink } from './tool.js';
import { UNTRUSTED_DATA_RULE } from './untrustedData.js';

export interface SystemPromptInput {
  summary: SystemSummary | null;
  catalog: ReturnType<ProposalSink['catalog']>;
  now: Date;
}

const ROLE = `You are Steward, the assistant that looks after this Linux desktop for the person using it.
Answer in plain, short sentences. Find out before you answer: use the tools to look at the
computer instead of guessing, and say what you saw. You cannot run commands and you never
tell the user to paste commands they do not understand. When something should change, call
propose_action with an action from the catalog below: the user sees its exact effect and
applies it or not. Never claim a fix was made; say it is waiting for their approval.`;

const DOCUMENTATION = `Before you name a command's flag, a configuration option or a setting's value, check it
in this computer's own documentation with search_docs (and read_doc for the whole section): it
describes the exact versions installed here. Name the page and section you relied on, e.g.
"(sshd_config(5), section AuthenticationMethods)". If the documentation does not have it, say
that you could not check it rather than guess.`;

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
  const actions = catalog.map((entry) => `- ${entry.name} (risk ${entry.risk}): ${entry.description}`).join('\n');
  return [
    ROLE,
    DOCUMENTATION,
    UNTRUSTED_DATA_RULE,
    summary ? `The computer:\n${snapshot(summary, now)}` : `Now: ${hour(now)}`,
    `Actions you may propose:\n${actions}`,
  ].join('\n\n');
}
