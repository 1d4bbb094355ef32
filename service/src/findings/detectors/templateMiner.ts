// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A Drain-style log template miner (He et al., "Drain: An Online Log Parsing
// Approach with Fixed Depth Tree", ICWS 2017): variable tokens are masked, lines
// of one program, length and first tokens share a leaf, and a line joins the
// leaf's most similar template or starts a new one. Templates are bounded and
// the least recently used goes first, so a flood of distinct lines cannot grow memory.

export const PARAM = '<*>';

// Masks for the variable parts of a token, tried in order on the token without surrounding punctuation.
const MASKS: [RegExp, string][] = [
  [/^(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?$/, '<ip>'],
  [/^(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i, '<mac>'],
  [/^\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\]?(?::\d+)?$/i, '<ip>'],
  [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, '<uuid>'],
  [/^(?:0x)?[0-9a-f]*\d[0-9a-f]*$/i, '<hex>'],
  [/^[-+]?\d+(?:[.,:]\d+)*[a-z%]{0,3}$/i, '<num>'],
  [/^(?:~|\.{1,2})?\/\S*$/, '<path>'],
];
const SURROUNDING = /^([("'[<{]*)(.*?)([)"'\]>},.;:!?]*)$/s;

/** The line's tokens with their variable parts masked. */
export function maskTokens(message: string): string[] {
  return message
    .split(/\s+/)
    .filter(Boolean)
    .map((token) => {
      const [, before = '', core = '', after = ''] = SURROUNDING.exec(token) ?? [];
      const mask = MASKS.find(([pattern]) => pattern.test(core))?.[1];
      // Pure digits count as numbers, not hex.
      const masked = mask === '<hex>' && /^\d+$/.test(core) ? '<num>' : mask;
      return masked ? `${before}${masked}${after}` : token;
    });
}

export interface Template {
  readonly id: number;
  readonly program: string;
  tokens: string[];
  /** Times (ms) of its latest lines, at most as many as a burst needs. */
  readonly recent: number[];
  /** Its latest lines as written, for evidence. */
  readonly examples: string[];
}

export interface TemplateMinerOptions {
  /** Leading tokens that choose the leaf, after the program and the length. */
  depth?: number;
  /** The share of equal tokens a line needs to join a template. */
  similarity?: number;
  /** Templates kept; the least recently used is dropped beyond it. */
  maxTemplates?: number;
  /** Templates kept in one leaf, which every line of that leaf is compared with. */
  maxPerLeaf?: number;
  /** Example lines kept per template. */
  maxExamples?: number;
  /** Times kept per template (a burst's size). */
  maxRecent?: number;
}

export class TemplateMiner {
  private readonly leaves = new Map<string, Template[]>();
  /** Every template, least recently used first (a Map keeps insertion order). */
  private readonly byUse = new Map<number, { template: Template; leaf: string }>();
  private nextId = 1;
  private readonly depth: number;
  private readonly similarity: number;
  private readonly maxTemplates: number;
  private readonly maxPerLeaf: number;
  private readonly maxExamples: number;
  private readonly maxRecent: number;

  constructor(options: TemplateMinerOptions = {}) {
    this.depth = options.depth ?? 2;
    this.similarity = options.similarity ?? 0.5;
    this.maxTemplates = options.maxTemplates ?? 1000;
    this.maxPerLeaf = options.maxPerLeaf ?? 32;
    this.maxExamples = options.maxExamples ?? 3;
    this.maxRecent = options.maxRecent ?? 5;
  }

  get size(): number {
    return this.byUse.size;
  }

  /** Adds a line of `program` seen at `atMs`; returns the template it joined or started. */
  add(program: string, message: string, atMs: number): Template {
    const tokens = maskTokens(message);
    // Tokens with digits (eth0, sda1, user42) would split the tree the way numbers would: they lead to the same leaf.
    const prefix = tokens.slice(0, this.depth).map((t) => (/\d/.test(t) ? PARAM : t));
    const leafKey = [program, tokens.length, ...prefix].join('\u0000');
    const leaf = this.leaves.get(leafKey) ?? [];
    let template = this.closest(leaf, tokens);
    if (template) {
      template.tokens = template.tokens.map((t, i) => (t === tokens[i] ? t : PARAM));
      // Both orders put the most recently used last.
      leaf.splice(leaf.indexOf(template), 1);
      this.byUse.delete(template.id);
    } else {
      template = { id: this.nextId++, program, tokens, recent: [], examples: [] };
    }
    leaf.push(template);
    this.leaves.set(leafKey, leaf);
    this.byUse.set(template.id, { template, leaf: leafKey });
    keepLatest(template.recent, atMs, this.maxRecent);
    keepLatest(template.examples, message, this.maxExamples);
    for (const dropped of leaf.splice(0, leaf.length - this.maxPerLeaf)) this.byUse.delete(dropped.id);
    if (this.byUse.size > this.maxTemplates) this.evictOldest();
    return template;
  }

  private closest(leaf: Template[], tokens: string[]): Template | undefined {
    let best: Template | undefined;
    let bestScore = -1;
    for (const template of leaf) {
      const equal = template.tokens.filter((t, i) => t === tokens[i]).length;
      const score = tokens.length === 0 ? 1 : equal / tokens.length;
      if (score >= this.similarity && score > bestScore) [best, bestScore] = [template, score];
    }
    return best;
  }

  private evictOldest(): void {
    for (const [id, { leaf }] of this.byUse) {
      this.byUse.delete(id);
      const rest = (this.leaves.get(leaf) ?? []).filter((t) => t.id !== id);
      if (rest.length > 0) this.leaves.set(leaf, rest);
      else this.leaves.delete(leaf);
      return;
    }
  }
}

export const templateText = (template: Template) => template.tokens.join(' ');

function keepLatest<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.shift();
}
