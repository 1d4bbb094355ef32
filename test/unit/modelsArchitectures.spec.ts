// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { judgeArchitecture } from '../../service/src/models/architectures.js';

describe('model architectures', () => {
  it('knows the architectures of the bundled llama.cpp and names the release when it lacks one', () => {
    const bundled = { architectures: new Set(['llama', 'qwen3']), version: '3.22.1' };
    expect(judgeArchitecture('qwen3', bundled)).toEqual({ supported: true });
    expect(judgeArchitecture('foo', bundled)).toEqual({
      supported: false,
      reason:
        'This model\'s architecture "foo" is newer than the bundled llama.cpp (node-llama-cpp 3.22.1); update Steward to run it.',
    });
    expect(judgeArchitecture('', bundled)).toEqual({
      supported: false,
      reason: jasmine.stringContaining('does not name its architecture'),
    });
  });
});
