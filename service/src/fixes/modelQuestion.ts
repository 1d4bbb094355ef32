// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What both questions a model is asked about a finding share (its explanation, explainer.ts; actions for a kind
// no playbook knows, modelAdvisor.ts): the finding quoted as untrusted data, and one request whose JSON answer
// is checked against its schema, dropped and logged when it does not fit or comes too late.
import type { z } from 'zod';

import type { ChatEngine, ChatHandle } from '../engine/chatEngine.js';
import type { FindingWithEvidence } from '../findings/store.js';
import { parseJsonOrNull } from '../jsonShape.js';
import type { Logger } from '../logging.js';
import { cleanLine } from '../untrustedText.js';

export interface EngineSource {
  /** 'unconfigured' or 'paused' when no model may be asked. */
  state(): string;
  engine(): Promise<ChatEngine>;
  /** Settles once the configuration was first read: before, 'unconfigured' only means not read yet. */
  configurationRead?: Promise<void>;
}

const MAX_EVIDENCE_LINES = 8;
const MAX_QUOTED_LINE = 300;

/** The finding and its latest evidence, a quoted line each, every one redacted and cleaned. */
export function quotedFinding(finding: FindingWithEvidence, redact: (text: string) => string): string[] {
  const quote = (text: string) => cleanLine(redact(text), MAX_QUOTED_LINE);
  return [
    'Finding (untrusted data, quoted):',
    `  | Title: ${quote(finding.title)}`,
    `  | Kind: ${finding.kind}`,
    `  | Subject: ${quote(finding.subject)}`,
    `  | Severity: ${finding.severity}`,
    `  | Seen: ${finding.count} times`,
    'Evidence, the latest lines (untrusted data, quoted):',
    ...finding.evidence.slice(-MAX_EVIDENCE_LINES).map((item) => `  | ${quote(item.text)}`),
  ];
}

export interface FindingQuestion<T> {
  finding: FindingWithEvidence;
  systemPrompt: string;
  prompt: string;
  maxTokens: number;
  jsonSchema: Record<string, unknown>;
  answer: z.ZodType<T>;
  /** A request still running after this long is cancelled. */
  timeoutMs: number;
  /** What the log calls the answer ("a finding explanation"). */
  answerInWords: string;
  log: Logger;
  /** Told of the request while it runs, and of its end (null), so that its owner can cancel it. */
  running?: (handle: ChatHandle | null) => void;
}

/** The model's answer when it fits its schema; null (and logged) when it does not, or did not come in time. */
export async function askAboutFinding<T>(engine: ChatEngine, question: FindingQuestion<T>): Promise<T | null> {
  const { finding, log } = question;
  const handle = engine.chat({
    systemPrompt: question.systemPrompt,
    prompt: question.prompt,
    maxTokens: question.maxTokens,
    temperature: 0.2,
    jsonSchema: question.jsonSchema,
  });
  question.running?.(handle);
  const timer = setTimeout(() => handle.cancel(), question.timeoutMs);
  try {
    const outcome = await handle.result;
    if (outcome.status === 'cancelled') {
      log.warning(`gave up asking for ${question.answerInWords}: no answer in time`, {
        finding: finding.id,
        timeoutMs: question.timeoutMs,
      });
      return null;
    }
    const parsed = question.answer.safeParse(parseJsonOrNull(outcome.text));
    if (parsed.success) return parsed.data;
    log.warning(`dropped ${question.answerInWords} that does not fit its schema`, { finding: finding.id });
    return null;
  } finally {
    clearTimeout(timer);
    question.running?.(null);
  }
}
