// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How the local model is told to call functions when node-llama-cpp knows no
// format of the model's own (a chat template it does not recognise, as with
// many small models). Its generic text is about 370 tokens of every question's
// prefix, most of it advice said twice, and each prefix token adds attention
// work before the first word of every answer. This says the same in a few
// lines. The signatures end the text, so a topic's new tools extend the
// evaluated prefix instead of changing what follows them.
import {
  ChatModelFunctionsDocumentationGenerator,
  ChatWrapper,
  type LlamaModel,
  LlamaText,
  resolveChatWrapper,
} from 'node-llama-cpp';

export function withCompactFunctionText<Wrapper extends ChatWrapper>(wrapper: Wrapper): Wrapper {
  // A wrapper with a text of its own writes the format its model was trained on: that one stays.
  if (wrapper.generateAvailableFunctionsSystemText !== ChatWrapper.prototype.generateAvailableFunctionsSystemText) {
    return wrapper;
  }
  wrapper.generateAvailableFunctionsSystemText = (functions, { documentParams = true }) => {
    const documentation = new ChatModelFunctionsDocumentationGenerator(functions);
    if (!documentation.hasAnyFunctions) return LlamaText([]);
    return LlamaText.joinValues('\n', [
      'To look something up, write only a call like this; its result follows.',
      wrapper.generateFunctionCall('getSomeInfo', { someKey: 'someValue' }),
      'Then tell the user what it says, in your own words. The functions:',
      '```typescript',
      documentation.getTypeScriptFunctionSignatures({ documentParams }),
      '```',
    ]);
  };
  return wrapper;
}

/** The chat wrapper the worker uses for this model; the benchmarks take it from here to measure the same prompt. */
export const chatWrapperFor = (model: LlamaModel) => withCompactFunctionText(resolveChatWrapper(model));
