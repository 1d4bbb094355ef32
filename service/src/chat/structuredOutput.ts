// Answers constrained to a JSON schema. node-llama-cpp's grammar enforces the
// shape but ignores some constraints (string formats, lengths, numeric ranges),
// so the answer is validated again here before anyone relies on it.
import { z, type core } from 'zod';
import { StewardError } from '../dbus/errors.js';

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
