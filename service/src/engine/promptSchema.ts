// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A tool's parameter schema as the local model is shown it. node-llama-cpp writes
// every string's length limits into the prompt as comments ("minimum length: 1,
// maximum length: 200"), about ten tokens each, on every question. They bound
// what a caller may send, not what the model needs to know, and the service
// checks them when it validates the call, so the prompt goes without them.
import type { GbnfJsonSchema } from 'node-llama-cpp';

const LENGTH_LIMITS = new Set(['minLength', 'maxLength']);

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null;

/** The schema without the length keywords, here and in every schema it holds (a parameter's name stays). */
function withoutLengthLimits(schema: Schema): Schema {
  const inner = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(inner);
    return isSchema(value) ? withoutLengthLimits(value) : value;
  };
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([keyword]) => !LENGTH_LIMITS.has(keyword))
      .map(([keyword, value]) => [
        keyword,
        keyword === 'properties' && isSchema(value)
          ? Object.fromEntries(Object.entries(value).map(([name, property]) => [name, inner(property)]))
          : inner(value),
      ]),
  );
}

export function promptSchema(parameters: Record<string, unknown>): GbnfJsonSchema {
  return withoutLengthLimits(parameters) as GbnfJsonSchema;
}
