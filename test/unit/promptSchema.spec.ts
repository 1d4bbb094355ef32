// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { promptSchema } from '../../service/src/engine/promptSchema.js';

describe("the tools' schemas as the local model is shown them", () => {
  it('leave out length limits at every depth, and keep everything else and every parameter name', () => {
    const schema = {
      type: 'object',
      properties: {
        text: { type: 'string', minLength: 1, maxLength: 200, description: 'Text the line contains' },
        maxLength: { type: 'integer', minimum: 1, maximum: 50 },
        tags: { type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 4 },
        either: { anyOf: [{ type: 'string', maxLength: 9 }, { type: 'null' }] },
      },
      required: ['text'],
    };
    expect(promptSchema(schema)).toEqual({
      type: 'object',
      properties: {
        text: { type: 'string', description: 'Text the line contains' },
        maxLength: { type: 'integer', minimum: 1, maximum: 50 },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 4 },
        either: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['text'],
    } as unknown as ReturnType<typeof promptSchema>);
  });
});
