// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Word vectors learned from the machine's own pages when the index is built, with nothing downloaded: words
// that stand beside the same words ("processor" and "CPU" beside "cores", "architecture", "frequency") get
// vectors that point the same way. Counted in a window over each passage's first sentences, weighted by
// positive pointwise mutual information and reduced by a truncated SVD (randomized, on the sparse matrix),
// as Levy, Goldberg and Dagan's "Improving distributional similarity" (2015) describe it.
import { mulberry32 } from '../seededRandom.js';

export interface WordVectors {
  words: readonly string[];
  dims: number;
  /** Row i is words[i]'s vector, of length 1. */
  vectors: Float32Array;
}

export interface LearnOptions {
  /** Words dropped before counting ("the", "of"): they stand beside everything. */
  stopwords: ReadonlySet<string>;
  /** How many words either side count as standing beside a word. */
  window?: number;
  /** A word must be in this many texts to get a vector. */
  minTexts?: number;
  maxWords?: number;
  dims?: number;
  /** A seed for the random projection: the same pages give the same vectors. */
  seed?: number;
  /** Called between slices of the work: the service's main loop goes on meanwhile (seconds of work in all). */
  pause?: () => Promise<void>;
}

/** Rows of work between two calls of `pause`. */
const SLICE_ROWS = 500;

const WORD = /[a-z][a-z0-9]*/g;

/** A text's words as the vectors know them: lower case, starting with a letter, two letters or more. */
export function meaningWords(text: string, stopwords: ReadonlySet<string>): string[] {
  return (text.toLowerCase().match(WORD) ?? []).filter((word) => word.length > 1 && !stopwords.has(word));
}

type Pause = () => Promise<void>;

/** A sparse matrix by rows (CSR). */
interface Sparse {
  rows: number;
  cols: number;
  starts: Int32Array;
  columns: Int32Array;
  values: Float32Array;
}

/** M × X, X dense (cols × width, row-major); the result rows × width. */
async function times(matrix: Sparse, x: Float64Array, width: number, pause: Pause): Promise<Float64Array> {
  const out = new Float64Array(matrix.rows * width);
  for (let row = 0; row < matrix.rows; row++) {
    if (row % SLICE_ROWS === 0) await pause();
    const base = row * width;
    for (let at = matrix.starts[row] ?? 0; at < (matrix.starts[row + 1] ?? 0); at++) {
      const value = matrix.values[at] ?? 0;
      const from = (matrix.columns[at] ?? 0) * width;
      for (let k = 0; k < width; k++) out[base + k] = (out[base + k] ?? 0) + value * (x[from + k] ?? 0);
    }
  }
  return out;
}

/** Mᵀ × X, X dense (rows × width); the result cols × width. */
async function transposeTimes(matrix: Sparse, x: Float64Array, width: number, pause: Pause): Promise<Float64Array> {
  const out = new Float64Array(matrix.cols * width);
  for (let row = 0; row < matrix.rows; row++) {
    if (row % SLICE_ROWS === 0) await pause();
    const from = row * width;
    for (let at = matrix.starts[row] ?? 0; at < (matrix.starts[row + 1] ?? 0); at++) {
      const value = matrix.values[at] ?? 0;
      const base = (matrix.columns[at] ?? 0) * width;
      for (let k = 0; k < width; k++) out[base + k] = (out[base + k] ?? 0) + value * (x[from + k] ?? 0);
    }
  }
  return out;
}

/** Makes the columns of a (rows × width, row-major) orthonormal in place (modified Gram–Schmidt). */
async function orthonormalize(a: Float64Array, rows: number, width: number, pause: Pause): Promise<void> {
  // Worked on column by column: each column's numbers side by side, as the processor's cache wants them.
  const columns = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) for (let k = 0; k < width; k++) columns[k * rows + i] = a[i * width + k] ?? 0;
  for (let k = 0; k < width; k++) {
    await pause();
    const ck = columns.subarray(k * rows, (k + 1) * rows);
    for (let j = 0; j < k; j++) {
      const cj = columns.subarray(j * rows, (j + 1) * rows);
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += (ck[i] ?? 0) * (cj[i] ?? 0);
      for (let i = 0; i < rows; i++) ck[i] = (ck[i] ?? 0) - dot * (cj[i] ?? 0);
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += (ck[i] ?? 0) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < rows; i++) ck[i] = (ck[i] ?? 0) / norm;
  }
  for (let i = 0; i < rows; i++) for (let k = 0; k < width; k++) a[i * width + k] = columns[k * rows + i] ?? 0;
}

/** The eigenvalues and eigenvectors (as columns) of a small symmetric matrix, by Jacobi's rotations. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p * n + q] ?? 0) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] ?? 0;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((a[q * n + q] ?? 0) - (a[p * n + p] ?? 0)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] ?? 0;
          const akq = a[k * n + q] ?? 0;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] ?? 0;
          const aqk = a[q * n + k] ?? 0;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] ?? 0;
          const vkq = v[k * n + q] ?? 0;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] ?? 0;
  return { values, vectors: v };
}

/** The texts to learn from, read again for each pass over them: all at once they would take hundreds of MB. */
export type Texts = () => Iterable<string> | AsyncIterable<string>;

/** Texts read between two calls of `pause`. */
const SLICE_TEXTS = 2000;

/** The words of `texts` that are in enough of them, most frequent first, each with its row. */
async function vocabulary(
  texts: Texts,
  stopwords: ReadonlySet<string>,
  minTexts: number,
  maxWords: number,
  pause: Pause,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let read = 0;
  for await (const text of texts()) {
    if (read++ % SLICE_TEXTS === 0) await pause();
    for (const word of new Set(meaningWords(text, stopwords))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const kept = [...counts].filter(([, count]) => count >= minTexts);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return new Map(kept.slice(0, maxWords).map(([word], index) => [word, index]));
}

/** Pairs counted, by key (the lower word's row × the vocabulary's size + the other's), keys ascending. */
interface PairCounts {
  keys: Uint32Array;
  counts: Uint32Array;
}

/** The pairs of `buffer` (unsorted keys, one per time two words stood together) counted and merged into `into`. */
function mergePairs(into: PairCounts, buffer: Uint32Array): PairCounts {
  buffer.sort();
  const keys = new Uint32Array(into.keys.length + buffer.length);
  const counts = new Uint32Array(keys.length);
  let size = 0;
  let at = 0;
  let from = 0;
  const put = (key: number, count: number) => {
    if (size > 0 && keys[size - 1] === key) counts[size - 1] = (counts[size - 1] ?? 0) + count;
    else {
      keys[size] = key;
      counts[size++] = count;
    }
  };
  while (at < into.keys.length || from < buffer.length) {
    const old = into.keys[at] ?? Infinity;
    const fresh = buffer[from] ?? Infinity;
    if (old <= fresh) {
      put(old, into.counts[at] ?? 0);
      at++;
    } else {
      put(fresh, 1);
      from++;
    }
  }
  return { keys: keys.slice(0, size), counts: counts.slice(0, size) };
}

/** Pairs buffered before they are counted: 32 MB. */
const PAIR_BUFFER = 8_000_000;

/**
 * Each pair of known words that stand within `window` of each other, counted, as PPMI by rows (CSR, both ways).
 * The pairs are buffered as numbers and counted by sorting: a Map of millions of pairs took most of a GB.
 */
async function ppmi(
  texts: Texts,
  stopwords: ReadonlySet<string>,
  known: ReadonlyMap<string, number>,
  window: number,
  pause: Pause,
): Promise<Sparse> {
  const size = known.size;
  let pairs: PairCounts = { keys: new Uint32Array(), counts: new Uint32Array() };
  const buffer = new Uint32Array(PAIR_BUFFER);
  let buffered = 0;
  let read = 0;
  for await (const text of texts()) {
    if (read++ % SLICE_TEXTS === 0) await pause();
    const ids = meaningWords(text, stopwords).map((word) => known.get(word) ?? -1);
    for (let i = 0; i < ids.length; i++) {
      const a = ids[i] ?? -1;
      if (a < 0) continue;
      for (let j = i + 1; j <= Math.min(ids.length - 1, i + window); j++) {
        const b = ids[j] ?? -1;
        if (b < 0 || b === a) continue;
        if (buffered === PAIR_BUFFER) {
          pairs = mergePairs(pairs, buffer);
          buffered = 0;
        }
        buffer[buffered++] = Math.min(a, b) * size + Math.max(a, b);
      }
    }
  }
  pairs = mergePairs(pairs, buffer.subarray(0, buffered));
  // Each pair stands both ways: a word's total is also its total as a context.
  const totals = new Float64Array(size);
  pairs.keys.forEach((key, at) => {
    const count = pairs.counts[at] ?? 0;
    totals[Math.floor(key / size)] = (totals[Math.floor(key / size)] ?? 0) + count;
    totals[key % size] = (totals[key % size] ?? 0) + count;
  });
  // Contexts' counts smoothed (to the power 0.75), so that a rare context does not make every pair look meaningful.
  let smoothedTotal = 0;
  for (let c = 0; c < size; c++) smoothedTotal += (totals[c] ?? 0) ** 0.75;
  const value = (count: number, row: number, col: number) =>
    Math.log((count * smoothedTotal) / ((totals[row] ?? 0) * (totals[col] ?? 0) ** 0.75));
  // Rows filled in the keys' order get their columns ascending: (x, a) with x < a come before (a, b) with b > a.
  const starts = new Int32Array(size + 1);
  const each = (visit: (row: number, col: number, value: number) => void) =>
    pairs.keys.forEach((key, at) => {
      const low = Math.floor(key / size);
      const high = key % size;
      const count = pairs.counts[at] ?? 0;
      const up = value(count, low, high);
      const down = value(count, high, low);
      if (up > 0) visit(low, high, up);
      if (down > 0) visit(high, low, down);
    });
  each((row) => (starts[row + 1] = (starts[row + 1] ?? 0) + 1));
  for (let row = 0; row < size; row++) starts[row + 1] = (starts[row + 1] ?? 0) + (starts[row] ?? 0);
  const next = starts.slice(0, size);
  const columns = new Int32Array(starts[size] ?? 0);
  const values = new Float32Array(columns.length);
  each((row, col, v) => {
    const at = next[row] ?? 0;
    columns[at] = col;
    values[at] = v;
    next[row] = at + 1;
  });
  return { rows: size, cols: size, starts, columns, values };
}

/**
 * The first `dims` left singular vectors of `matrix`, each scaled by the square root of its singular value
 * (Halko, Martinsson and Tropp's randomized range finder with two power iterations).
 */
async function truncatedSvd(matrix: Sparse, dims: number, seed: number, pause: Pause): Promise<Float64Array> {
  const width = Math.min(dims + 20, matrix.cols);
  const next = mulberry32(seed);
  const omega = new Float64Array(matrix.cols * width);
  for (let i = 0; i < omega.length; i++) omega[i] = next() * 2 - 1;
  let q = await times(matrix, omega, width, pause);
  await orthonormalize(q, matrix.rows, width, pause);
  for (let iteration = 0; iteration < 2; iteration++) {
    const z = await transposeTimes(matrix, q, width, pause);
    await orthonormalize(z, matrix.cols, width, pause);
    q = await times(matrix, z, width, pause);
    await orthonormalize(q, matrix.rows, width, pause);
  }
  // B = Qᵀ M; B Bᵀ's eigenvectors W give M's left singular vectors Q W, its eigenvalues the squared singular values.
  const bt = await transposeTimes(matrix, q, width, pause);
  const gram = new Float64Array(width * width);
  for (let c = 0; c < matrix.cols; c++) {
    if (c % SLICE_ROWS === 0) await pause();
    const base = c * width;
    for (let i = 0; i < width; i++) {
      const bi = bt[base + i] ?? 0;
      if (bi === 0) continue;
      for (let j = i; j < width; j++) gram[i * width + j] = (gram[i * width + j] ?? 0) + bi * (bt[base + j] ?? 0);
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i * width + j] = gram[j * width + i] ?? 0;
  const { values, vectors } = symmetricEigen(gram, width);
  const order = [...values.keys()].sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0)).slice(0, dims);
  const out = new Float64Array(matrix.rows * dims);
  for (let row = 0; row < matrix.rows; row++) {
    if (row % SLICE_ROWS === 0) await pause();
    for (let k = 0; k < order.length; k++) {
      const column = order[k] ?? 0;
      let sum = 0;
      for (let j = 0; j < width; j++) sum += (q[row * width + j] ?? 0) * (vectors[j * width + column] ?? 0);
      out[row * dims + k] = sum * Math.max(values[column] ?? 0, 0) ** 0.25;
    }
  }
  return out;
}

/** Learns a vector for each word that `texts` use often enough; none when they are too few to learn from. */
export async function learnWordVectors(texts: Texts, options: LearnOptions): Promise<WordVectors> {
  const { stopwords, window = 4, minTexts = 5, maxWords = 20_000, dims = 100, seed = 1 } = options;
  const pause = options.pause ?? (() => Promise.resolve());
  const known = await vocabulary(texts, stopwords, minTexts, maxWords, pause);
  const words = [...known.keys()];
  if (words.length < 2) return { words: [], dims: 0, vectors: new Float32Array() };
  const width = Math.min(dims, words.length);
  const reduced = await truncatedSvd(await ppmi(texts, stopwords, known, window, pause), width, seed, pause);
  const vectors = new Float32Array(words.length * width);
  for (let row = 0; row < words.length; row++) {
    let norm = 0;
    for (let k = 0; k < width; k++) norm += (reduced[row * width + k] ?? 0) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < width; k++) vectors[row * width + k] = (reduced[row * width + k] ?? 0) / norm;
  }
  return { words, dims: width, vectors };
}

/**
 * The dot product of `length` numbers of `a` from `aAt` and of `b` from `bAt`. Four sums at once: V8 then
 * takes half the time, and a search takes thousands of these.
 */
export function dot(a: Float32Array, aAt: number, b: Float32Array, bAt: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    s0 += (a[aAt + k] ?? 0) * (b[bAt + k] ?? 0);
    s1 += (a[aAt + k + 1] ?? 0) * (b[bAt + k + 1] ?? 0);
    s2 += (a[aAt + k + 2] ?? 0) * (b[bAt + k + 2] ?? 0);
    s3 += (a[aAt + k + 3] ?? 0) * (b[bAt + k + 3] ?? 0);
  }
  for (; k < length; k++) s0 += (a[aAt + k] ?? 0) * (b[bAt + k] ?? 0);
  return s0 + s1 + s2 + s3;
}

/** Looks words up in learned vectors: the nearest words to one, how near two texts are. */
export class WordMeaning {
  private readonly index: Map<string, number>;

  constructor(readonly learned: WordVectors) {
    this.index = new Map(learned.words.map((word, at) => [word, at]));
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  /**
   * A text's vector: the sum of its words' vectors, each weighted by `weight` (how much a word says: rare
   * words more), of length 1; null when none of its words has a vector.
   */
  textVector(words: readonly string[], weight: (word: string) => number = () => 1): Float32Array | null {
    const { dims, vectors } = this.learned;
    const sum = new Float32Array(dims);
    let any = false;
    for (const word of words) {
      const at = this.index.get(word);
      if (at === undefined) continue;
      const w = weight(word);
      for (let k = 0; k < dims; k++) sum[k] = (sum[k] ?? 0) + w * (vectors[at * dims + k] ?? 0);
      any = true;
    }
    if (!any) return null;
    const norm = Math.hypot(...sum) || 1;
    for (let k = 0; k < dims; k++) sum[k] = (sum[k] ?? 0) / norm;
    return sum;
  }

  /** The same vectors for only those of `words` it knows: a smaller set to look for a word's neighbours in. */
  subset(words: Iterable<string>): WordMeaning {
    const { dims, vectors } = this.learned;
    const kept = [...new Set(words)].filter((word) => this.index.has(word));
    const subset = new Float32Array(kept.length * dims);
    kept.forEach((word, at) => {
      const from = (this.index.get(word) ?? 0) * dims;
      subset.set(vectors.subarray(from, from + dims), at * dims);
    });
    return new WordMeaning({ words: kept, dims, vectors: subset });
  }

  /**
   * The `count` words of `among` (these vectors' words, or a subset of them) nearest `word` with a cosine of at
   * least `least`, nearest first; none for a word not learned.
   */
  nearest(
    word: string,
    count: number,
    least: number,
    among: WordMeaning = this,
  ): { word: string; similarity: number }[] {
    const at = this.index.get(word);
    if (at === undefined) return [];
    const { dims } = this.learned;
    const { words, vectors } = among.learned;
    const found: { word: string; similarity: number }[] = [];
    for (let other = 0; other < words.length; other++) {
      const similarity = dot(this.learned.vectors, at * dims, vectors, other * dims, dims);
      if (similarity >= least && words[other] !== word) found.push({ word: words[other] ?? '', similarity });
    }
    return found.sort((a, b) => b.similarity - a.similarity).slice(0, count);
  }
}
