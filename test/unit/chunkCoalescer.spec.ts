// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { ChunkCoalescer } from '../../service/src/engine/chunkCoalescer.js';

describe('ChunkCoalescer', () => {
  let emitted: string[];
  let coalescer: ChunkCoalescer;

  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate();
    emitted = [];
    coalescer = new ChunkCoalescer((text) => emitted.push(text), 30, 64);
  });
  afterEach(() => jasmine.clock().uninstall());

  it('passes the first words on at once, then gathers what follows for the interval', () => {
    for (const token of ['The', ' disk', ' is', ' full']) coalescer.push(token);
    expect(emitted).toEqual(['The']);
    jasmine.clock().tick(29);
    expect(emitted).toEqual(['The']);
    jasmine.clock().tick(1);
    expect(emitted).toEqual(['The', ' disk is full']);
  });

  it('passes text on at once after a quiet spell', () => {
    coalescer.push('one');
    jasmine.clock().tick(100);
    coalescer.push(' two');
    expect(emitted).toEqual(['one', ' two']);
  });

  it('passes text on at once when enough has gathered', () => {
    coalescer.push('x');
    coalescer.push('a'.repeat(40));
    coalescer.push('b'.repeat(30));
    expect(emitted).toEqual(['x', 'a'.repeat(40) + 'b'.repeat(30)]);
    jasmine.clock().tick(100);
    expect(emitted.length).toBe(2);
  });

  it('sends about one signal per interval for a fast stream, losing nothing', () => {
    const tokens = Array.from({ length: 200 }, (_, i) => `t${i % 10}`);
    for (const token of tokens) {
      coalescer.push(token);
      jasmine.clock().tick(1);
    }
    coalescer.flush();
    expect(emitted.join('')).toBe(tokens.join(''));
    // 400 characters over 200 ms: about one signal per 30 ms, not one per token.
    expect(emitted.length).toBeLessThanOrEqual(9);
  });

  it('flushes what is left, and nothing when there is nothing', () => {
    coalescer.flush();
    expect(emitted).toEqual([]);
    coalescer.push('first');
    coalescer.push('end');
    coalescer.flush();
    jasmine.clock().tick(100);
    expect(emitted).toEqual(['first', 'end']);
  });
});
