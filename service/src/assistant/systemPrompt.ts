// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the model is told before the conversation: who it is, what it may do,
// the rule about untrusted data, and a compact snapshot of what the machine
// is, so that simple questions need no tool. What a tool is for, and the
// catalog of actions propose_action takes, are in the tools' descriptions:
// they are in the prompt only when the tool is, and a small model's context
// may have room for few tools.
import type { SystemSummary } from './machine.js';
import { UNTRUSTED_DATA_RULE } from './untrustedData.js';

export interface SystemPromptInput {
  summary: SystemSummary | null;
  now: Date;
}

const ROLE = `You are Steward and look after this Linux desktop for its user. Answer in short, plain sentences.
Look with the tools rather than guess; say what you saw. You cannot run commands, and never ask the
user to paste any. To change something, call propose_action: the user sees its effect and decides,
so never claim a fix was made.`;

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

export function buildSystemPrompt({ summary, now }: SystemPromptInput): string {
  return [ROLE, UNTRUSTED_DATA_RULE, summary ? `The computer:\n${snapshot(summary, now)}` : `Now: ${hour(now)}`].join(
    '\n\n',
  );
}
