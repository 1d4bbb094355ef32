// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { z } from 'zod';

import { parseJsonSchema, validateAnswer } from '../../service/src/chat/structuredOutput.js';
import type { StewardError } from '../../service/src/dbus/errors.js';

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as StewardError;
  }
  throw new Error('expected a failure');
};

describe('structured answers', () => {
  const schema = z.toJSONSchema(z.object({ unit: z.string().min(3), restart: z.boolean(), tries: z.number().max(3) }));

  it('accepts a JSON Schema made by zod and validates answers against it', () => {
    const { schema: parsed, validator } = parseJsonSchema(JSON.stringify(schema));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>);
    expect(validateAnswer('{"unit":"cups.service","restart":true,"tries":1}\n\n', validator)).toEqual({
      unit: 'cups.service',
      restart: true,
      tries: 1,
    });
  });

  it('catches what the grammar lets through: lengths and ranges', () => {
    const { validator } = parseJsonSchema(JSON.stringify(schema));
    const error = failure(() => validateAnswer('{"unit":"x","restart":true,"tries":9}', validator));
    expect(error.errorName).toBe('InvalidOutput');
    expect(error.message).toContain('unit:');
    expect(error.message).toContain('tries:');
  });

  it('says when the answer stopped before the JSON was complete', () => {
    const { validator } = parseJsonSchema(JSON.stringify(schema));
    const error = failure(() => validateAnswer('{"unit":"cups', validator));
    expect(error.errorName).toBe('InvalidOutput');
    expect(error.message).toContain('not complete JSON');
  });

  it('refuses schemas that are not JSON Schema objects', () => {
    expect(failure(() => parseJsonSchema('{')).message).toMatch(/^json-schema is not valid JSON/);
    expect(failure(() => parseJsonSchema('[1]')).message).toBe('json-schema must be a JSON Schema object');
    expect(failure(() => parseJsonSchema('"string"')).errorName).toBe('InvalidArgs');
  });

  it('refuses schemas that refer to themselves, which overflowed the stack when an answer was checked', () => {
    const recursive = [
      '{"$ref":"#"}',
      '{"allOf":[{"$ref":"#"}]}',
      '{"type":"object","properties":{"self":{"$ref":"#"}}}',
      '{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}',
      '{"$defs":{"n":{"type":"array","items":{"$ref":"#//$defs//n"}}},"$ref":"#/$defs/n"}',
    ];
    for (const text of recursive) {
      expect(failure(() => parseJsonSchema(text)).message)
        .withContext(text)
        .toBe('json-schema refers to itself; recursive schemas are not supported');
    }
    // Definitions used from several places are no recursion.
    const shared =
      '{"$defs":{"id":{"type":"string"}},"type":"object","properties":{"a":{"$ref":"#/$defs/id"},"b":{"$ref":"#/$defs/id"}}}';
    expect(parseJsonSchema(shared).validator.safeParse({ a: 'x', b: 'y' }).success).toBe(true);
  });

  it('refuses schemas nested deeper than it checks, before converting them', () => {
    const deep = `${'{"type":"array","items":'.repeat(5_000)}{}${'}'.repeat(5_000)}`;
    expect(failure(() => parseJsonSchema(deep)).message).toBe('json-schema nests deeper than 64 levels');
    const manyRefs = JSON.stringify({
      $defs: { s: { type: 'string' } },
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`p${i}`, { $ref: '#/$defs/s' }])),
    });
    expect(failure(() => parseJsonSchema(manyRefs)).message).toBe('json-schema has more than 256 $refs');
  });
});
