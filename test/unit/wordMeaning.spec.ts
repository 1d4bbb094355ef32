// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Word vectors learned from the pages' own text: words used beside the same words point the same way, though
// they never stand together; and the small eigendecomposition the SVD ends with.
import { learnWordVectors, symmetricEigen, WordMeaning } from '../../service/src/docs/wordMeaning.js';

const STOPWORDS = new Set(['the', 'a', 'of', 'and', 'with', 'at', 'its', 'for']);

// "processor" and "cpu" are said of the same things and never in one text; so are "terminal" and "tty".
const TEXTS = [
  'the processor runs many cores at a high clock frequency',
  'the cpu runs many cores at a high clock frequency',
  'show the processor architecture cores and cache sizes',
  'show the cpu architecture cores and cache sizes',
  'the terminal echoes the input of the shell prompt line',
  'the tty echoes the input of the shell prompt line',
  'close the terminal session and its shell prompt',
  'close the tty session and its shell prompt',
  'the printer prints pages of paper with ink',
  'the spooler queues pages of paper for the printer',
];

describe('word vectors learned from the pages', () => {
  it('puts words said of the same things near each other, though they never stand together', async () => {
    const learned = await learnWordVectors(() => TEXTS, { stopwords: STOPWORDS, minTexts: 1, dims: 6 });
    const meaning = new WordMeaning(learned);
    expect(learned.words).toContain('processor');
    expect(learned.words).not.toContain('the');
    expect(meaning.nearest('processor', 1, 0)[0]?.word).toBe('cpu');
    expect(meaning.nearest('terminal', 1, 0)[0]?.word).toBe('tty');
    const near = (a: string[], b: string[]) => {
      const [x, y] = [meaning.textVector(a), meaning.textVector(b)];
      return x!.reduce((sum, value, at) => sum + value * y![at]!, 0);
    };
    expect(near(['processor'], ['cpu', 'architecture'])).toBeGreaterThan(near(['processor'], ['printer', 'ink']));
    expect(meaning.textVector(['unknown'])).toBeNull();
    // Looked for among some words only: the NAME lines' words, where the search counts them.
    const among = meaning.subset(['tty', 'printer', 'cpu', 'unknown']);
    expect(among.learned.words).toEqual(['tty', 'printer', 'cpu']);
    expect(meaning.nearest('processor', 3, 0, among).map((found) => found.word)[0]).toBe('cpu');
    expect(meaning.nearest('processor', 3, 2, among)).toEqual([]);
    expect(meaning.nearest('unknown', 3, 0, among)).toEqual([]);
  });

  it('learns the same vectors from the same pages, and waits between slices of the work', async () => {
    let pauses = 0;
    const pause = () => {
      pauses++;
      return Promise.resolve();
    };
    const first = await learnWordVectors(() => TEXTS, { stopwords: STOPWORDS, minTexts: 1, dims: 6, pause });
    const again = await learnWordVectors(() => TEXTS, { stopwords: STOPWORDS, minTexts: 1, dims: 6 });
    expect(Array.from(again.vectors)).toEqual(Array.from(first.vectors));
    expect(pauses).toBeGreaterThan(1);
  });

  it('learns nothing from too few words', async () => {
    const learned = await learnWordVectors(() => ['the of'], { stopwords: STOPWORDS, minTexts: 1 });
    expect(learned).toEqual({ words: [], dims: 0, vectors: new Float32Array() });
  });

  it('decomposes a small symmetric matrix into its eigenvalues and eigenvectors', () => {
    // [[2, 1, 0], [1, 2, 0], [0, 0, 5]]: eigenvalues 1, 3 and 5.
    const matrix = Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]);
    const { values, vectors } = symmetricEigen(matrix, 3);
    expect([...values].sort((a, b) => a - b).map((value) => Number(value.toFixed(9)))).toEqual([1, 3, 5]);
    for (let column = 0; column < 3; column++) {
      const v = [0, 1, 2].map((row) => vectors[row * 3 + column]!);
      const mv = [0, 1, 2].map((row) => [0, 1, 2].reduce((sum, k) => sum + matrix[row * 3 + k]! * v[k]!, 0));
      mv.forEach((value, row) => expect(value).toBeCloseTo(values[column]! * v[row]!, 9));
    }
  });
});
