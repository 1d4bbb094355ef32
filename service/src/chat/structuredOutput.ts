// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Answers constrained to a JSON schema. node-llama-cpp's grammar enforces the
// shape but ignores some constraints (string formats, lengths, numeric ranges),
// so the answer is validated again here before anyone relies on it.
import { type core, z } from 'zod';

import { StewardError } from '../dbus/errors.js';
import { _, format } from '../i18n.js';
import { nestsDeeperThan } from '../jsonShape.js';

// Far more than an answer's schema needs; converting and validating recurse once per level and per $ref.
const MAX_SCHEMA_DEPTH = 64;
const MAX_SCHEMA_REFS = 256;

export interface JsonSchemaRequest {
  schema: Record<string, unknown>;
  validator: z.ZodType;
}

/** Reads the JSON Schema a client sent as text; InvalidArgs when it is not one zod can check answers against. */
export function parseJsonSchema(text: string): JsonSchemaRequest {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new StewardError('InvalidArgs', `json-schema is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new StewardError('InvalidArgs', 'json-schema must be a JSON Schema object');
  }
  if (nestsDeeperThan(schema, MAX_SCHEMA_DEPTH)) {
    throw new StewardError(
      'InvalidArgs',
      format(_('json-schema nests deeper than {depth} levels'), { depth: MAX_SCHEMA_DEPTH }),
    );
  }
  const refs = localRefs(schema);
  if (refs.length > MAX_SCHEMA_REFS) {
    throw new StewardError(
      'InvalidArgs',
      format(_('json-schema has more than {count} $refs'), { count: MAX_SCHEMA_REFS }),
    );
  }
  // Validating against a schema that contains itself recursed until the stack ran out.
  if (refersToItself(refs))
    throw new StewardError('InvalidArgs', _('json-schema refers to itself; recursive schemas are not supported'));
  try {
    return {
      schema: schema as Record<string, unknown>,
      validator: z.fromJSONSchema(schema as core.JSONSchema.JSONSchema),
    };
  } catch (error) {
    throw new StewardError('InvalidArgs', `json-schema cannot be used: ${(error as Error).message}`);
  }
}

/** The answer as a value of the schema; InvalidOutput, naming what is wrong, when it is not. */
export function validateAnswer(text: string, validator: z.ZodType): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StewardError('InvalidOutput', 'the answer is not complete JSON (it may have run out of tokens)');
  }
  const result = validator.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`);
    throw new StewardError('InvalidOutput', `the answer does not match the JSON schema: ${issues.join('; ')}`);
  }
  return result.data;
}

/** A "$ref" to a place in the same document: where it stands and where it points, as JSON Pointer segments. */
interface LocalRef {
  at: string[];
  target: string[];
}

/** Every local "$ref" ("#…") in `schema`, found without recursion. */
function localRefs(schema: object): LocalRef[] {
  const refs: LocalRef[] = [];
  const pending: [unknown, string[]][] = [[schema, []]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, at] = next;
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#')) {
        refs.push({ at, target: pointerSegments(value) });
      }
      pending.push([value, [...at, key]]);
    }
  }
  return refs;
}

/** Where zod's fromJSONSchema resolves a local ref: the root, or a whole definition ("#/$defs/name/…" is "name"). */
function pointerSegments(ref: string): string[] {
  const path = ref.slice(1).split('/').filter(Boolean);
  return path.slice(0, 2).map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

const within = (path: string[], prefix: string[]) => prefix.every((segment, i) => path[i] === segment);

/** Whether following $refs can lead back to where it started: a ref leads to every ref inside its target. */
function refersToItself(refs: LocalRef[]): boolean {
  const leadsTo = refs.map((ref) => refs.flatMap((other, j) => (within(other.at, ref.target) ? [j] : [])));
  const state = new Array<'new' | 'open' | 'done'>(refs.length).fill('new');
  for (let start = 0; start < refs.length; start += 1) {
    if (state[start] !== 'new') continue;
    // Depth-first with an explicit stack: each ref with the index of its next successor.
    const stack: { ref: number; next: number }[] = [{ ref: start, next: 0 }];
    state[start] = 'open';
    for (let top = stack.at(-1); top; top = stack.at(-1)) {
      const successor = leadsTo[top.ref]?.[top.next];
      if (successor === undefined) {
        state[top.ref] = 'done';
        stack.pop();
        continue;
      }
      top.next += 1;
      if (state[successor] === 'open') return true;
      if (state[successor] === 'new') {
        state[successor] = 'open';
        stack.push({ ref: successor, next: 0 });
      }
    }
  }
  return false;
}
