// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A scripted model for the loopback OpenAI server: it answers each question
// with its reference turns, one per request, so that the whole assistant path
// (tool loop, tools, catalog, proposals, scoring) runs without a model.
import type { ReplayTurn, Scenario } from '../../service/src/eval/scenario.js';
import type { CompletionRequestBody, ScriptedReply } from './openaiServer.js';

export interface Script {
  /** Matched against the conversation's first user message (contained in it). */
  question: string;
  turns: readonly ReplayTurn[];
}

export function scriptedReply(scripts: readonly Script[]): (body: CompletionRequestBody) => ScriptedReply {
  return (body) => {
    const asked = body.messages.map((message) => message.role).lastIndexOf('user');
    const question = body.messages[asked]?.content ?? '';
    const script = scripts.find((candidate) => question.includes(candidate.question));
    if (!script) return { content: `The replay has no script that asks: ${question}` };
    const results = body.messages.slice(asked + 1).filter((message) => message.role === 'tool').length;
    // Each turn that calls tools is answered by one result per call.
    let answered = 0;
    for (const turn of script.turns) {
      if (answered === results) {
        return 'text' in turn
          ? { content: turn.text }
          : {
              toolCalls: turn.toolCalls.map((call) => ({ name: call.name, arguments: JSON.stringify(call.arguments) })),
            };
      }
      if ('toolCalls' in turn) answered += turn.toolCalls.length;
    }
    return { content: `The replay of "${script.question}" has no turn after ${results} tool results` };
  };
}

export const replayReply = (scenarios: readonly Scenario[]) =>
  scriptedReply(scenarios.map((scenario) => ({ question: scenario.question, turns: scenario.replay })));

/** The model of the "disk is full" conversation: it checks the disk, proposes clearing the thumbnails, then answers. */
export const DISK_FULL_SCRIPT: Script = {
  question: 'My disk is full, what can I free?',
  turns: [
    { toolCalls: [{ name: 'disk_usage', arguments: { largest_in_home: true } }] },
    {
      toolCalls: [
        {
          name: 'propose_action',
          arguments: {
            action: 'files.clear_cache',
            params: { directories: ['thumbnails'] },
            reason: 'The thumbnail cache is the largest thing you can safely remove.',
          },
        },
      ],
    },
    { text: 'Your thumbnail cache is the biggest item. I proposed clearing it; apply it if you agree.' },
  ],
};
