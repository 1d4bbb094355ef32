// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { once } from 'node:events';
import { PassThrough } from 'node:stream';

import { forEachLine } from '../../service/src/watch/lines.js';

describe('the line splitter for journalctl output', () => {
  it('gives each line once, whole, however the chunks cut them, and a last line without its newline', async () => {
    const bytes = Buffer.from('{"MESSAGE":"first"}\n{"MESSAGE":"sé"}\n\n{"MESSAGE":"last"}');
    // Cuts inside a line, just before and after a newline, and between the two bytes of "é".
    const insideE = bytes.indexOf(0xc3) + 1;
    const cuts = [3, 19, 20, insideE, insideE + 4, bytes.length];
    const stream = new PassThrough();
    const lines: string[] = [];
    forEachLine(stream, (line) => lines.push(line));
    let from = 0;
    for (const to of cuts) {
      stream.write(bytes.subarray(from, to));
      from = to;
    }
    stream.end();
    await once(stream, 'end');
    expect(lines).toEqual(['{"MESSAGE":"first"}', '{"MESSAGE":"sé"}', '', '{"MESSAGE":"last"}']);
  });
});
