// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Splits a child's output into lines. journalctl prints one JSON object per line, ended by "\n" (a JSON line
// holds no raw line break); readline, made for terminals, costs twice as much per line and the journal source
// reads every entry of the journal.
import type { Readable } from 'node:stream';

/** Calls `onLine` for each line of `stream`, without its "\n"; a last line without one too. */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const text = rest + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      onLine(text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}
