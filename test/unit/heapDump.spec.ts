// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { countHeapKinds, heapGrowth, heapKind, heapTotal } from '../bench/heapDump.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// The shape of SpiderMonkey's DumpHeap output as GJS's System.dumpHeap writes it.
const dump = (labels: string[]) =>
  [
    '# Roots.',
    '0x7f00000010 B global',
    '# Weak maps.',
    '==========',
    '# zone 0x7f00001000',
    '# compartment [in zone 0x7f00001000]',
    '# arena allockind=0 size=32',
    ...labels.flatMap((label, i) => [`0x7f0000${(0x2000 + i * 8).toString(16)} B ${label}`, '> 0x7f00000010 shape']),
  ].join('\n');

describe('GJS heap dumps', () => {
  let temp: TempDir;

  beforeAll(async () => {
    temp = await makeTempDir();
  });

  afterAll(async () => {
    await temp.remove();
  });

  it('counts things by kind, without addresses or the text of strings', () => {
    expect(heapKind('GObject_Object 0x55d0c1a2b3c0 StLabel')).toBe('GObject_Object StLabel');
    expect(heapKind('string <length 5> hello')).toBe('string');
    expect(heapKind('Function onClicked')).toBe('Function onClicked');
  });

  it('names the kinds a second dump has more of, the most grown first', async () => {
    const before = join(temp.path, 'before.txt');
    const after = join(temp.path, 'after.txt');
    await writeFile(before, dump(['GObject_Object 0x1 StLabel', 'Function onClicked', 'string <length 1> a']));
    await writeFile(
      after,
      dump([
        'GObject_Object 0x1 StLabel',
        'GObject_Object 0x2 StLabel',
        'GObject_Object 0x3 StLabel',
        'Function onClicked',
        'Function onClicked',
      ]),
    );
    const [countsBefore, countsAfter] = [await countHeapKinds(before), await countHeapKinds(after)];
    // The root and the three things; edges and comments are not things.
    expect(heapTotal(countsBefore)).toBe(4);
    expect(heapGrowth(countsBefore, countsAfter)).toEqual([
      { kind: 'GObject_Object StLabel', before: 1, after: 3 },
      { kind: 'Function onClicked', before: 1, after: 2 },
    ]);
  });
});
