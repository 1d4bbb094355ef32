// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { EventEmitter } from 'node:events';

import { ChatInterface, type ChatInterfaceOptions } from '../../service/src/chat/chatInterface.js';
import { StewardError } from '../../service/src/dbus/errors.js';

// Chat.Ask once ended the service: an answer that failed while the caller's watch was still being set
// up (a question longer than the context) left a rejected promise without a handler.
describe('Chat.Ask', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => process.off('unhandledRejection', onUnhandled));

  function chatWith(answer: () => Promise<never>, watchDelayMs: number): ChatInterface {
    const provider = Object.assign(new EventEmitter(), {
      state: () => 'idle',
      isPaused: false,
      engine: async () => ({}),
    });
    const options = {
      provider,
      sessions: {},
      signals: {},
      log: { error: () => undefined },
      maxAnswerTokens: () => 64,
      assistant: { start: async () => ({ handle: { result: answer(), cancel: () => undefined } }) },
      watchCaller: (_name: string, _onGone: () => void) =>
        new Promise<() => void>((resolve) => setTimeout(() => resolve(() => undefined), watchDelayMs)),
    } as unknown as ChatInterfaceOptions;
    return new ChatInterface(options);
  }

  it('answers a failure that comes before the caller is watched with its error, leaving nothing unhandled', async () => {
    const tooLong = () => Promise.reject(new StewardError('InvalidArgs', 'the message is too long for this model'));
    const chat = chatWith(tooLong, 50);
    const ask = chat.impl.methods.Ask;
    await expectAsync(Promise.resolve(ask.call(['Why?'], { sender: ':1.7' }))).toBeRejectedWithError(
      StewardError,
      /too long for this model/,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  });
});
