// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// pw-dump --monitor writes one JSON array after another, each pretty-printed over many lines, with nothing
// between them. This splits the stream into the arrays' elements as they complete, without holding a whole array:
// the first dump of a busy desktop is large, and most of its elements (ports, clients, links) are not wanted.
// Each element is bounded: a longer one is not PipeWire's and stops the stream.

/** An element longer than this ends the stream: PipeWire's largest objects (a card's routes) stay far below. */
export const MAX_ELEMENT_CHARS = 4 * 1024 * 1024;

const TOO_LONG = 'an object of pw-dump’s output is too long';

export class JsonArrayStream {
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** The current element's text from earlier chunks. */
  #pending = '';
  #inElement = false;

  /**
   * `onElement` gets each element's text (an object of the top-level array); `onArray` is called when an array
   * ends, so that a reader acts once per update rather than once per object.
   */
  constructor(
    private readonly onElement: (text: string) => void,
    private readonly onArray: () => void,
    private readonly maxChars = MAX_ELEMENT_CHARS,
  ) {}

  /** Feeds the next chunk; throws when an element grows past the bound or the text is not arrays of values. */
  push(chunk: string): void {
    let start = this.#inElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === '\\') this.#escaped = true;
        else if (c === '"') this.#inString = false;
        continue;
      }
      if (c === '"') {
        this.#inString = true;
        if (this.#depth === 1) throw new Error('a bare string in pw-dump’s array');
      } else if (c === '{' || c === '[') {
        this.#depth++;
        if (this.#depth === 2) {
          start = i;
          this.#inElement = true;
        }
      } else if (c === '}' || c === ']') {
        this.#depth--;
        if (this.#depth < 0) throw new Error('an unbalanced bracket in pw-dump’s output');
        if (this.#depth === 1) {
          const text = this.#pending + chunk.slice(start, i + 1);
          this.#pending = '';
          this.#inElement = false;
          start = -1;
          if (text.length > this.maxChars) throw new Error(TOO_LONG);
          this.onElement(text);
        } else if (this.#depth === 0) this.onArray();
      } else if (this.#depth === 0 && c !== undefined && !/\s/.test(c)) {
        throw new Error('pw-dump wrote something other than an array');
      }
    }
    if (this.#inElement) {
      this.#pending += chunk.slice(start);
      if (this.#pending.length > this.maxChars) throw new Error(TOO_LONG);
    }
  }
}
