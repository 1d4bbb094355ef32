// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A configuration problem in a person's words: the setting, what it takes and what it got, and for a key
// that does not exist the one that was probably meant (zod says "Invalid input" for a union, and never
// suggests a key).
import type { z } from 'zod';

import { closest } from './closestWord.js';

type Issue = z.core.$ZodIssue;

/** The schema under any defaults and optionals, which do not change what a key takes. */
function bare(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType };
  return (def.type === 'default' || def.type === 'optional' || def.type === 'prefault') && def.innerType
    ? bare(def.innerType)
    : schema;
}

/** The keys an object in the schema takes at `path`, or none where there is no object. */
function keysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let node = bare(schema);
  for (const name of path) {
    const def = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType> };
    const child = def.type === 'object' ? def.shape?.[String(name)] : undefined;
    if (!child) return [];
    node = bare(child);
  }
  const def = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType> };
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** What a wrong value is, as JSON would call it. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'number' ? 'the number' : typeof value} ${JSON.stringify(value)}`;
}

/** What one issue says the value must be: "a number", "one of "a", "b"", or zod's own words. */
function expectation(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return article(issue.expected === 'array' ? 'list' : issue.expected);
    case 'invalid_value':
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_union':
      return issue.errors
        .map((branch) => (branch[0] ? expectation(branch[0]) : ''))
        .filter(Boolean)
        .join(' or ');
    default:
      return issue.message;
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, name) =>
      typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[name] : undefined,
    data,
  );
}

const where = (path: readonly PropertyKey[]) => (path.length > 0 ? path.map(String).join('.') : '(top level)');

/**
 * "inference.threads: expected "auto" or a number, not the text "4"", "inference.treads: no such setting;
 * did you mean “inference.threads”?", one per problem; `data` is what was checked.
 */
export function describeConfigIssues(issues: readonly Issue[], schema: z.core.$ZodType, data: unknown): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path);
      return issue.keys.map((key) => {
        const meant = closest(key, known);
        const prefix = issue.path.map(String).join('.');
        const full = (name: string) => (prefix ? `${prefix}.${name}` : name);
        return `${full(key)}: no such setting${meant ? `; did you mean “${full(meant)}”?` : ''}`;
      });
    }
    if (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union') {
      const value = valueAt(data, issue.path);
      const got = value === undefined ? '' : `, not ${describeValue(value)}`;
      return [`${where(issue.path)}: expected ${expectation(issue)}${got}`];
    }
    return [`${where(issue.path)}: ${issue.message}`];
  });
}
