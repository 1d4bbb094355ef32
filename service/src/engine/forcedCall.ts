// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A call the model must make (tool choice "required"): JSON of one of the
// tools' shapes, constrained by a grammar. This is how a small model that would
// not call a function on its own is made to consult the machine before it
// answers. The grammar holds the parameters' shapes, so the prompt names only
// the tools and what each is for.
import { randomUUID } from 'node:crypto';

import type { GbnfJsonSchema } from 'node-llama-cpp';

import type { RequestedCall, ToolSpec } from './protocol.js';

export function requiredCallSchema(tools: readonly ToolSpec[]): GbnfJsonSchema {
  return {
    oneOf: tools.map((tool) => ({
      type: 'object',
      properties: { name: { const: tool.name }, arguments: tool.parameters as GbnfJsonSchema },
    })),
  } as GbnfJsonSchema;
}

export function requiredCallPrompt(systemPrompt: string | undefined, tools: readonly ToolSpec[]): string {
  const list = tools.map((tool) => `- ${tool.name}: ${tool.description}`).join('\n');
  return `${systemPrompt ?? ''}\n\nBefore answering, call one of these tools, written as JSON {"name": …, "arguments": {…}}:\n${list}`;
}

/** The forced call as the model wrote it; cut short by maxTokens it is not JSON, and the service tells the model so. */
export function forcedCall(text: string): RequestedCall {
  try {
    const call = JSON.parse(text) as { name: string; arguments: unknown };
    return { id: randomUUID(), name: call.name, arguments: call.arguments };
  } catch {
    return { id: randomUUID(), name: '', arguments: text };
  }
}
