// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The system prompt and tools the service's assistant sends with a question's
// first request, taken from the assistant itself (an engine that records the
// request stands for the model), so the benchmarks measure the prompt the
// service sends: the tools a question's topics point to, and propose_action
// listing their actions.
import { Assistant } from '../../service/src/assistant/assistant.js';
import type { Machine, SystemSummary } from '../../service/src/assistant/machine.js';
import { catalogEntries } from '../../service/src/assistant/proposalSink.js';
import { defaultConfig } from '../../service/src/config.js';
import type { ToolSpec } from '../../service/src/engine/protocol.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { ScriptedEngine } from '../support/scriptedEngine.js';

export interface FirstRequest {
  systemPrompt: string;
  tools: ToolSpec[];
}

/**
 * The first request of each question in turn, asked of one assistant as the
 * service asks its one; null stands for the quick chat's Prepare, whose
 * prefix is what the next question will start with.
 */
export async function assistantRequests(
  questions: readonly (string | null)[],
  summary: SystemSummary | null = null,
): Promise<FirstRequest[]> {
  const catalog = catalogEntries(createCatalog({ kinds: KINDS }));
  const machine = {
    systemSummary: () => (summary ? Promise.resolve(summary) : Promise.reject(new Error('no summary'))),
    home: () => '/nonexistent',
  };
  const assistant = new Assistant({
    machine: machine as unknown as Machine,
    proposals: { catalog: () => catalog, propose: () => Promise.reject(new Error('the benchmark makes no proposals')) },
    settings: () => defaultConfig.assistant,
    contextSize: () => null,
    log: createLogger({ level: 'error', journal: false, write: () => undefined }),
  });
  const requests: FirstRequest[] = [];
  for (const question of questions) {
    const engine = new ScriptedEngine([{ text: '' }]);
    if (question === null) {
      const prefix = await assistant.prefix(engine);
      requests.push({ systemPrompt: prefix.systemPrompt, tools: prefix.tools });
      continue;
    }
    const answer = await assistant.start({
      engine,
      messages: [],
      prompt: question,
      maxTokens: 64,
      useTools: true,
      toolChoice: 'auto',
      callbacks: {},
    });
    await answer.handle.result;
    const [request] = engine.requests;
    requests.push({ systemPrompt: request?.systemPrompt ?? '', tools: request?.tools ?? [] });
  }
  return requests;
}

/** The first request of one question (or Prepare) of a new conversation with a service that just started. */
export const firstRequest = async (question: string | null, summary: SystemSummary | null = null) =>
  (await assistantRequests([question], summary))[0]!;
