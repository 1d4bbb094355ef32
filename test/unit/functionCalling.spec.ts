// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChatModelFunctions, JinjaTemplateChatWrapper, Llama3_1ChatWrapper } from 'node-llama-cpp';

import { withCompactFunctionText } from '../../service/src/engine/functionCalling.js';
import { CHAT_TEMPLATE } from '../support/tinyModel.js';

const functions: ChatModelFunctions = {
  disk_usage: {
    description: 'How full each filesystem is.',
    params: { type: 'object', properties: { mount: { type: 'string', description: 'Only this filesystem' } } },
  },
  network_status: { description: 'Internet reachability.', params: { type: 'object', properties: {} } },
};

const rendered = (wrapper: JinjaTemplateChatWrapper | Llama3_1ChatWrapper, offered = functions) =>
  wrapper
    .generateContextState({
      chatHistory: [
        { type: 'system', text: 'You are Steward.' },
        { type: 'user', text: 'How full is my disk?' },
        { type: 'model', response: [] },
      ],
      availableFunctions: offered,
    })
    .contextText.toString();

describe('the function-calling text for a chat template node-llama-cpp does not know', () => {
  const generic = () => new JinjaTemplateChatWrapper({ template: CHAT_TEMPLATE });

  it('shows the call syntax the wrapper parses and every signature, in under 40% of the generic text', () => {
    const before = rendered(generic());
    const after = rendered(withCompactFunctionText(generic()));
    expect(after).toContain('||call: getSomeInfo({"someKey": "someValue"})');
    expect(after).toContain('function disk_usage(params: {\n    // Only this filesystem\n    mount: string\n});');
    expect(after).toContain('// Internet reachability.\nfunction network_status(params: {});');
    expect(after).not.toContain('The assistant does not inform the user');
    expect(before).toContain('The assistant does not inform the user');
    const signatures = /```typescript[\s\S]*```/;
    expect(after.match(signatures)?.[0]).toEqual(before.match(signatures)?.[0]);
    const outsideSignatures = (text: string) => text.replace(signatures, '').length;
    expect(outsideSignatures(after)).toBeLessThan(outsideSignatures(before) * 0.4);
  });

  it('ends with the signatures, so a tool offered later extends the text instead of changing it', () => {
    const wrapper = withCompactFunctionText(generic());
    const one = rendered(wrapper, { disk_usage: functions.disk_usage! });
    const both = rendered(wrapper);
    const sharedUpTo = (a: string, b: string) => [...a].findIndex((char, i) => char !== b[i]);
    // Everything up to the first signature's end is shared; only the closing fence and the question follow it.
    expect(sharedUpTo(one, both)).toBe(one.indexOf('});\n```') + '});\n'.length);
  });

  it("leaves a wrapper that writes its model's own format as it is", () => {
    const llama = new Llama3_1ChatWrapper();
    const before = rendered(llama);
    expect(withCompactFunctionText(llama)).toBe(llama);
    expect(rendered(llama)).toBe(before);
    expect(before).not.toContain('To look something up, write only a call');
  });

  it('adds nothing when no function is offered', () => {
    expect(rendered(withCompactFunctionText(generic()), {})).toBe(rendered(generic(), {}));
  });
});
