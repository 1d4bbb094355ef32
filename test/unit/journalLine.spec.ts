// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { JOURNAL_FIELDS, parseJournalLine } from '../../service/src/watch/journalEntry.js';
import { scanJournalLine } from '../../service/src/watch/journalLine.js';

const WANTED = new Set<string>([...JOURNAL_FIELDS, '__CURSOR', '__REALTIME_TIMESTAMP']);
const HEAD = '"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1700000000000000"';

/** What JSON.parse makes of the wanted fields: the scanner must give the same, or leave the line to it. */
function parsedWanted(line: string): Record<string, unknown> {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter(([key]) => WANTED.has(key)));
}

describe('the journal line scanner', () => {
  // Lines as journalctl --output=json prints them: escapes, binary and repeated fields, fields cut to null.
  const lines = [
    `{${HEAD},"MESSAGE":"plain text"}`,
    `{"_HOSTNAME":"x",${HEAD},"MESSAGE":"a \\"quoted\\" word, a back\\\\slash\\\\","PRIORITY":"3"}`,
    `{${HEAD},"MESSAGE":"ends in a backslash\\\\","_COMM":"sshd"}`,
    `{${HEAD},"MESSAGE":"\\u001b[31mred\\u001b[0m tab\\there \\u00e9\\ud83d\\ude00 \\/"}`,
    `{${HEAD},"_CMDLINE":[47,98,105,110,0,255],"MESSAGE":"after a binary field"}`,
    `{${HEAD},"CODE_FUNC":["a \\"]\\" b",[1,2,[3]],"c"],"MESSAGE":"after a repeated field"}`,
    `{${HEAD},"MESSAGE":[104,105,0,255]}`,
    `{${HEAD},"MESSAGE":["first","second"]}`,
    `{${HEAD},"MESSAGE":null}`,
    `{${HEAD},"_SOURCE_REALTIME_TIMESTAMP":null,"MESSAGE":"after a null"}`,
    `{${HEAD},"MESSAGE":"","UNIT":"a b.service"}`,
    `{${HEAD},"MESSAGE":"a","MESSAGE":"the last of a repeated key"}`,
  ];

  it('reads exactly what JSON.parse reads, or leaves the line to it', () => {
    for (const line of lines) {
      const scanned = scanJournalLine(line, WANTED);
      if (scanned !== null)
        expect(scanned)
          .withContext(line)
          .toEqual(parsedWanted(line) as Record<string, string>);
    }
    // Plain text fields are the common case: those are never left to JSON.parse.
    expect(scanJournalLine(lines[0]!, WANTED)).not.toBeNull();
    expect(scanJournalLine(lines[4]!, WANTED)).withContext('binary field not wanted').not.toBeNull();
    expect(scanJournalLine(lines[5]!, WANTED)).withContext('repeated field not wanted').not.toBeNull();
    expect(scanJournalLine(lines[6]!, WANTED)).withContext('binary MESSAGE').toBeNull();
  });

  it('gives the parser the same entries as JSON.parse would', () => {
    for (const line of lines) {
      const entry = parseJournalLine(line, true);
      expect(entry).withContext(line).not.toBeInstanceOf(Error);
    }
    const binary = parseJournalLine(lines[6]!, true);
    expect(binary instanceof Error ? binary.message : binary.message).toBe('hi\0\ufffd');
    const repeated = parseJournalLine(lines[7]!, true);
    expect(repeated instanceof Error ? repeated.message : repeated.message).toBe('first\nsecond');
  });

  it('leaves what is not a flat object of strings to JSON.parse, which refuses what is not JSON', () => {
    for (const line of ['', '{', '[1,2]', '{"MESSAGE":"open', '{"MESSAGE" : "spaced"}', '{"MESSAGE":"x"} ', 'null']) {
      expect(scanJournalLine(line, WANTED)).withContext(line).toBeNull();
      expect(parseJournalLine(line, true)).withContext(line).toBeInstanceOf(Error);
    }
    // A bad escape in a wanted value is refused as JSON.parse refuses it.
    expect(parseJournalLine(`{${HEAD},"MESSAGE":"bad \\x escape"}`, true)).toBeInstanceOf(Error);
  });
});
