// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A Nix expression parser that keeps the byte span of every node, so that an edit
// can replace exactly the text of the node it changes and leave the rest as written.
// It covers the language real configuration files use; what it does not know it
// refuses (NixParseError) rather than guesses.

interface Span {
  start: number;
  end: number;
}

/** One name of an attribute path; `name` is null for `${…}` and strings with interpolation. */
export interface AttrName extends Span {
  name: string | null;
}

export type Binding =
  (Span & { kind: 'attr'; path: AttrName[]; value: NixNode }) | (Span & { kind: 'inherit'; names: AttrName[] });

export type NixNode = Span &
  (
    | { type: 'attrs'; rec: boolean; bindings: Binding[] }
    | { type: 'let'; bindings: Binding[]; body: NixNode }
    | { type: 'with'; scope: NixNode; body: NixNode }
    | { type: 'lambda'; formals: string[] | null; body: NixNode }
    | { type: 'list'; items: NixNode[] }
    | { type: 'ident'; name: string }
    | { type: 'select'; target: NixNode; path: AttrName[] }
    | { type: 'paren'; inner: NixNode }
    | { type: 'other'; children: NixNode[] }
  );

export class NixParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'NixParseError';
  }
}

const KEYWORDS = new Set(['let', 'in', 'with', 'rec', 'inherit', 'if', 'then', 'else', 'assert', 'or']);
const IDENT = /[a-zA-Z_][a-zA-Z0-9_'-]*/y;
const PATH = /(?:[a-zA-Z0-9._+-]*(?:\/[a-zA-Z0-9._+-]+)+\/?|~(?:\/[a-zA-Z0-9._+-]+)+\/?)/y;
const SEARCH_PATH = /<[a-zA-Z0-9._+-]+(?:\/[a-zA-Z0-9._+-]+)*>/y;
const URI = /[a-zA-Z][a-zA-Z0-9+\-.]*:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+/y;
const NUMBER = /(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;

// Binary operators by binding strength, weakest first (the Nix manual's table).
const BINARY: string[][] = [
  ['->'],
  ['||'],
  ['&&'],
  ['==', '!='],
  ['<=', '>=', '<', '>'],
  ['//'],
  ['+', '-'],
  ['*', '/'],
  ['++'],
];

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseFile(): NixNode {
    const node = this.expr();
    this.skip();
    if (this.pos < this.text.length) this.fail('unexpected text after the expression');
    return node;
  }

  private fail(message: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new NixParseError(`${message} (line ${line})`, this.pos);
  }

  /** Skips whitespace and comments. */
  private skip(): void {
    for (;;) {
      const rest = this.text.slice(this.pos, this.pos + 2);
      const char = this.text[this.pos];
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r') this.pos++;
      else if (char === '#') {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.text.length : end + 1;
      } else if (rest === '/*') {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        this.pos = end + 2;
      } else return;
    }
  }

  private peek(token: string): boolean {
    this.skip();
    return this.text.startsWith(token, this.pos);
  }

  private eat(token: string): boolean {
    if (!this.peek(token)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected “${token}”`);
  }

  private match(pattern: RegExp): string | null {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    return found ? found[0] : null;
  }

  /** The keyword or identifier at the cursor, without consuming it. */
  private word(): string | null {
    this.skip();
    return this.match(IDENT);
  }

  private keyword(name: string): boolean {
    if (this.word() !== name) return false;
    this.pos += name.length;
    return true;
  }

  private identifier(): AttrName {
    const name = this.word();
    if (name === null || KEYWORDS.has(name)) this.fail('expected a name');
    const start = this.pos;
    this.pos += name.length;
    return { name, start, end: this.pos };
  }

  private expr(): NixNode {
    this.skip();
    const start = this.pos;
    const word = this.word();
    if (word === 'let' && !this.isLetAttrs()) {
      this.pos += 3;
      const bindings = this.bindings('in');
      this.pos += 2;
      const body = this.expr();
      return { type: 'let', bindings, body, start, end: body.end };
    }
    if (word === 'with') {
      this.pos += 4;
      const scope = this.expr();
      this.expect(';');
      const body = this.expr();
      return { type: 'with', scope, body, start, end: body.end };
    }
    if (word === 'assert') {
      this.pos += 6;
      const condition = this.expr();
      this.expect(';');
      const body = this.expr();
      return { type: 'other', children: [condition, body], start, end: body.end };
    }
    if (word === 'if') {
      this.pos += 2;
      const condition = this.expr();
      if (!this.keyword('then')) this.fail('expected “then”');
      const consequent = this.expr();
      if (!this.keyword('else')) this.fail('expected “else”');
      const alternative = this.expr();
      return { type: 'other', children: [condition, consequent, alternative], start, end: alternative.end };
    }
    const lambda = this.lambda();
    if (lambda) return lambda;
    return this.binary(0);
  }

  /** `let { … }`, the old form of a recursive set. */
  private isLetAttrs(): boolean {
    const save = this.pos;
    this.pos += 3;
    const attrs = this.peek('{');
    this.pos = save;
    return attrs;
  }

  /** `x: body`, `{ a, b ? d, ... }: body` or either with `@name`; null (cursor unmoved) when none is here. */
  private lambda(): NixNode | null {
    const start = this.pos;
    const word = this.word();
    if (word !== null && !KEYWORDS.has(word)) {
      const after = this.pos + word.length;
      const uri = this.match(URI);
      if (uri !== null && uri.length > word.length + 1) return null;
      this.pos = after;
      if (this.eat(':')) return this.lambdaBody(start, null);
      if (this.eat('@')) {
        const formals = this.formals();
        this.expect(':');
        return this.lambdaBody(start, formals);
      }
      this.pos = start;
      return null;
    }
    if (!this.peek('{')) return null;
    try {
      const formals = this.formals();
      if (this.eat('@')) this.identifier();
      if (this.eat(':')) return this.lambdaBody(start, formals);
    } catch (error) {
      if (!(error instanceof NixParseError)) throw error;
    }
    this.pos = start;
    return null;
  }

  private lambdaBody(start: number, formals: string[] | null): NixNode {
    const body = this.expr();
    return { type: 'lambda', formals, body, start, end: body.end };
  }

  /** The names a `{ a, b ? d, ... }` header binds. */
  private formals(): string[] {
    const names: string[] = [];
    this.expect('{');
    while (!this.eat('}')) {
      if (this.eat('...')) continue;
      const { name } = this.identifier();
      if (name !== null) names.push(name);
      if (this.eat('?')) this.expr();
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    return names;
  }

  private binary(level: number): NixNode {
    if (level === BINARY.length) return this.hasAttr();
    this.skip();
    const start = this.pos;
    const operators = BINARY[level] ?? [];
    let left = this.binary(level + 1);
    for (;;) {
      this.skip();
      const operator = operators.find((op) => this.text.startsWith(op, this.pos) && !this.startsLonger(op));
      if (!operator) return left;
      this.pos += operator.length;
      const right = this.binary(level + 1);
      left = { type: 'other', children: [left, right], start, end: right.end };
    }
  }

  /** Whether the operator at the cursor is only the start of a longer one (`/` of `//`, `+` of `++`, `-` of `->`). */
  private startsLonger(op: string): boolean {
    const next = this.text.slice(this.pos, this.pos + op.length + 1);
    return ['//', '++', '->', '<=', '>=', '==', '!='].some((longer) => longer.length > op.length && next === longer);
  }

  private hasAttr(): NixNode {
    const start = this.pos;
    let node = this.unary();
    while (this.eat('?')) {
      const path = this.attrPath();
      node = { type: 'other', children: [node], start, end: path.at(-1)?.end ?? this.pos };
    }
    return node;
  }

  private unary(): NixNode {
    this.skip();
    const start = this.pos;
    if (this.eat('!') || (this.peek('-') && !this.peek('->') && this.eat('-'))) {
      const operand = this.unary();
      return { type: 'other', children: [operand], start, end: operand.end };
    }
    return this.application();
  }

  private application(): NixNode {
    this.skip();
    const start = this.pos;
    const fn = this.select();
    const args: NixNode[] = [];
    while (this.startsOperand()) args.push(this.select());
    if (args.length === 0) return fn;
    return { type: 'other', children: [fn, ...args], start, end: args.at(-1)?.end ?? fn.end };
  }

  /** Whether an argument of an application starts at the cursor. */
  private startsOperand(): boolean {
    this.skip();
    const char = this.text[this.pos];
    if (char === undefined) return false;
    const word = this.match(IDENT);
    if (word !== null) return !KEYWORDS.has(word) || word === 'rec' || word === 'let';
    if ('({["\'./~<0123456789'.includes(char)) {
      if (char === "'") return this.text.startsWith("''", this.pos);
      if (char === '.') return this.match(PATH) !== null || this.match(NUMBER) !== null;
      if (char === '<') return this.match(SEARCH_PATH) !== null;
      if (char === '/') return this.match(PATH) !== null && !this.text.startsWith('//', this.pos);
      return true;
    }
    return false;
  }

  private select(): NixNode {
    this.skip();
    const start = this.pos;
    const target = this.primary();
    if (!this.peekSelect()) return target;
    const path: AttrName[] = [];
    while (this.peekSelect()) {
      this.pos++;
      path.push(this.attrName());
    }
    const node: NixNode = { type: 'select', target, path, start, end: path.at(-1)?.end ?? target.end };
    if (this.word() === 'or') {
      this.pos += 2;
      const fallback = this.select();
      return { type: 'other', children: [node, fallback], start, end: fallback.end };
    }
    return node;
  }

  /** A `.` that selects (not the start of `...` or a path). */
  private peekSelect(): boolean {
    this.skip();
    const next = this.text[this.pos + 1];
    return this.text[this.pos] === '.' && next !== '.' && next !== '/';
  }

  private primary(): NixNode {
    this.skip();
    const start = this.pos;
    const char = this.text[this.pos];
    if (char === undefined) this.fail('unexpected end of file');
    if (char === '"') return this.other(start, this.doubleQuoted());
    if (this.text.startsWith("''", this.pos)) return this.other(start, this.indentedString());
    if (char === '(') {
      this.pos++;
      const inner = this.expr();
      this.expect(')');
      return { type: 'paren', inner, start, end: this.pos };
    }
    if (char === '[') {
      this.pos++;
      const items: NixNode[] = [];
      while (!this.eat(']')) {
        if (this.pos >= this.text.length) this.fail('unterminated list');
        items.push(this.select());
      }
      return { type: 'list', items, start, end: this.pos };
    }
    if (char === '{') return this.attrs(start, false);
    const word = this.match(IDENT);
    if (word === 'rec') {
      this.pos += 3;
      return this.attrs(start, true);
    }
    if (word === 'let') {
      this.pos += 3;
      this.skip();
      return this.attrs(start, true);
    }
    const path = this.match(PATH);
    if (path !== null) {
      this.pos += path.length;
      const children: NixNode[] = [];
      while (this.text.startsWith('${', this.pos)) children.push(this.interpolation());
      const rest = this.match(/[a-zA-Z0-9._+\-/]*/y) ?? '';
      this.pos += rest.length;
      return this.other(start, children);
    }
    const searchPath = this.match(SEARCH_PATH);
    if (searchPath !== null) {
      this.pos += searchPath.length;
      return this.other(start, []);
    }
    const uri = this.match(URI);
    if (uri !== null) {
      this.pos += uri.length;
      return this.other(start, []);
    }
    if (word !== null) {
      if (KEYWORDS.has(word)) this.fail(`unexpected “${word}”`);
      this.pos += word.length;
      return { type: 'ident', name: word, start, end: this.pos };
    }
    const number = this.match(NUMBER);
    if (number !== null) {
      this.pos += number.length;
      return this.other(start, []);
    }
    return this.fail(`unexpected “${char}”`);
  }

  private other(start: number, children: NixNode[]): NixNode {
    return { type: 'other', children, start, end: this.pos };
  }

  private attrs(start: number, rec: boolean): NixNode {
    this.expect('{');
    const bindings = this.bindings('}');
    this.pos += 1;
    return { type: 'attrs', rec, bindings, start, end: this.pos };
  }

  /** Bindings up to `close` (left at the cursor). */
  private bindings(close: '}' | 'in'): Binding[] {
    const bindings: Binding[] = [];
    for (;;) {
      this.skip();
      if (close === '}' ? this.peek('}') : this.word() === 'in') return bindings;
      if (this.pos >= this.text.length) this.fail(`expected “${close}”`);
      const start = this.pos;
      if (this.keyword('inherit')) {
        const children: NixNode[] = [];
        if (this.peek('(')) children.push(this.primary());
        const names: AttrName[] = [];
        while (!this.eat(';')) names.push(this.attrName());
        bindings.push({ kind: 'inherit', names, start, end: this.pos });
        continue;
      }
      const path = this.attrPath();
      this.expect('=');
      const value = this.expr();
      this.expect(';');
      bindings.push({ kind: 'attr', path, value, start, end: this.pos });
    }
  }

  private attrPath(): AttrName[] {
    const path = [this.attrName()];
    while (this.peekSelect()) {
      this.pos++;
      path.push(this.attrName());
    }
    return path;
  }

  private attrName(): AttrName {
    this.skip();
    const start = this.pos;
    if (this.text[this.pos] === '"') {
      const parts = this.doubleQuoted();
      const raw = this.text.slice(start + 1, this.pos - 1);
      return { name: parts.length === 0 && !raw.includes('\\') ? raw : null, start, end: this.pos };
    }
    if (this.text.startsWith('${', this.pos)) {
      this.interpolation();
      return { name: null, start, end: this.pos };
    }
    const word = this.match(IDENT);
    if (word === null) this.fail('expected an attribute name');
    this.pos += word.length;
    return { name: word, start, end: this.pos };
  }

  private interpolation(): NixNode {
    this.pos += 2;
    const inner = this.expr();
    this.expect('}');
    return inner;
  }

  /** A "…" string; returns its interpolations. */
  private doubleQuoted(): NixNode[] {
    const parts: NixNode[] = [];
    this.pos++;
    for (;;) {
      const char = this.text[this.pos];
      if (char === undefined) this.fail('unterminated string');
      if (char === '"') {
        this.pos++;
        return parts;
      }
      if (char === '\\' || this.text.startsWith('$$', this.pos)) this.pos += 2;
      else if (this.text.startsWith('${', this.pos)) parts.push(this.interpolation());
      else this.pos++;
    }
  }

  /** A ''…'' string; `'''`, `''$` and `''\x` are its escapes. */
  private indentedString(): NixNode[] {
    const parts: NixNode[] = [];
    this.pos += 2;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      if (this.text.startsWith("''", this.pos)) {
        const next = this.text[this.pos + 2];
        if (next === "'" || next === '$') this.pos += 3;
        else if (next === '\\') this.pos += 4;
        else {
          this.pos += 2;
          return parts;
        }
      } else if (this.text.startsWith('$$', this.pos)) this.pos += 2;
      else if (this.text.startsWith('${', this.pos)) parts.push(this.interpolation());
      else this.pos++;
    }
  }
}

/** The syntax tree of a Nix file; throws NixParseError where the text is not Nix this parser knows. */
export function parseNix(text: string): NixNode {
  return new Parser(text).parseFile();
}
