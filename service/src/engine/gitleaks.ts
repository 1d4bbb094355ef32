// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Secret forms from gitleaks' maintained default ruleset (vendored in gitleaks/, see its README), run the way
// gitleaks runs them: a rule only where one of its keywords is, its secret the first non-empty group, kept only
// above the rule's entropy and outside its allowlists. The rules are RE2 syntax, compiled with re2js: each pass
// is linear in the text.
import { RE2JS } from 're2js';

import data from './gitleaks/rules.json';

interface Allowlist {
  regexTarget?: string;
  regexes?: string[];
  stopwords?: string[];
}

interface RuleData {
  id: string;
  regex: string;
  keywords: string[];
  secretGroup?: number;
  entropy?: number;
  allowlists?: Allowlist[];
}

interface CompiledAllowlist {
  target: 'secret' | 'match' | 'line';
  regexes: RE2JS[];
  stopwords: string[];
}

interface Rule {
  id: string;
  /** Compiled when a text first holds one of the rule's keywords: most texts hold none of most rules'. */
  pattern: () => RE2JS;
  keywords: string[];
  secretGroup: number;
  entropy: number;
  allowlists: () => CompiledAllowlist[];
}

const once = <T>(make: () => T): (() => T) => {
  let made: T | undefined;
  return () => (made ??= make());
};

// Many rules open with "[\w.-]{0,50}?" to take the key's name into the match. The secret is a group after it, so
// leaving it out finds the same secrets, and spares the matcher fifty live states at every letter of the text.
const NAME_PREFIX = String.raw`[\w.-]{0,50}?`;

function withoutNamePrefix(regex: string): string {
  if (regex.startsWith(`(?i)${NAME_PREFIX}`)) return `(?i)${regex.slice(4 + NAME_PREFIX.length)}`;
  return regex.startsWith(NAME_PREFIX) ? regex.slice(NAME_PREFIX.length) : regex;
}

function compileAllowlist({ regexTarget, regexes = [], stopwords = [] }: Allowlist): CompiledAllowlist {
  const target = regexTarget === 'match' || regexTarget === 'line' ? regexTarget : 'secret';
  return { target, regexes: regexes.map((regex) => RE2JS.compile(regex)), stopwords };
}

let compiled: { rules: Rule[]; global: () => CompiledAllowlist; keywords: KeywordScan } | null = null;

interface KeywordScan {
  /** At every position, the longest keyword that starts there. */
  pattern: RegExp;
  /** Each keyword with the keywords that are its prefixes, found with it at the same place. */
  withPrefixes: Map<string, string[]>;
}

// One pass finds every keyword in a piece, where asking each rule's keywords in turn took ten times as long.
function keywordScan(keywords: string[]): KeywordScan {
  const distinct = [...new Set(keywords)].sort((a, b) => b.length - a.length);
  const escaped = distinct.map((keyword) => keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return {
    pattern: new RegExp(`(?=(${escaped.join('|')}))`, 'g'),
    withPrefixes: new Map(distinct.map((keyword) => [keyword, distinct.filter((other) => keyword.startsWith(other))])),
  };
}

function keywordsIn(text: string, { pattern, withPrefixes }: KeywordScan): Set<string> {
  const found = new Set<string>();
  for (const match of text.toLowerCase().matchAll(pattern))
    for (const keyword of withPrefixes.get(match[1] ?? '') ?? []) found.add(keyword);
  return found;
}

/**
 * The rules, each compiled when first needed: all 217 at once kept 5.7 MB of the service's heap for good
 * (and grew its memory by 26 MB while compiling), where a job's output needs one or two of them.
 */
function rules() {
  compiled ??= {
    global: once(() => compileAllowlist(data.allowlist)),
    keywords: keywordScan(data.rules.flatMap((rule) => rule.keywords.map((keyword) => keyword.toLowerCase()))),
    rules: (data.rules as RuleData[]).map((rule) => ({
      id: rule.id,
      pattern: once(() => RE2JS.compile(withoutNamePrefix(rule.regex))),
      keywords: rule.keywords.map((keyword) => keyword.toLowerCase()),
      secretGroup: rule.secretGroup ?? 0,
      entropy: rule.entropy ?? 0,
      allowlists: once(() => (rule.allowlists ?? []).map(compileAllowlist)),
    })),
  };
  return compiled;
}

/** Shannon entropy in bits per character, as gitleaks computes it. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const share = count / text.length;
    entropy -= share * Math.log2(share);
  }
  return entropy;
}

interface Found {
  secret: string;
  match: string;
  /** Made only for the allowlists that look at the line: a text of one long line must not cost a copy per find. */
  line(): string;
}

function allowed(list: CompiledAllowlist, found: Found): boolean {
  const target = list.target === 'line' ? found.line() : found[list.target];
  if (list.regexes.some((regex) => regex.test(target))) return true;
  const secret = found.secret.toLowerCase();
  return list.stopwords.some((word) => secret.includes(word));
}

// A line longer than this is looked at this far around the match, which keeps every find's cost bounded.
const LINE_REACH = 1024;

function lineAround(text: string, start: number, end: number): string {
  const from = Math.max(text.lastIndexOf('\n', start - 1) + 1, start - LINE_REACH);
  const newline = text.indexOf('\n', end);
  return text.slice(from, Math.min(newline < 0 ? text.length : newline, end + LINE_REACH));
}

/** The [start, end) spans of every secret the rules find in `text`, with the rule that found each. */
export function gitleaksSecrets(text: string): { start: number; end: number; rule: string }[] {
  const { rules: all, global, keywords } = rules();
  const present = keywordsIn(text, keywords);
  const spans: { start: number; end: number; rule: string }[] = [];
  for (const rule of all) {
    if (rule.keywords.length > 0 && !rule.keywords.some((keyword) => present.has(keyword))) continue;
    const pattern = rule.pattern();
    if (!pattern.test(text)) continue;
    const matcher = pattern.matcher(text);
    while (matcher.find()) {
      let group = rule.secretGroup;
      if (group === 0) {
        for (let index = 1; index <= matcher.groupCount(); index += 1) {
          if ((matcher.group(index) ?? '') !== '') {
            group = index;
            break;
          }
        }
      }
      const matchStart = matcher.start();
      const matchEnd = matcher.end();
      const start = matcher.start(group);
      const end = matcher.end(group);
      if (end <= start) continue;
      const found = {
        secret: text.slice(start, end),
        match: matcher.group(0) ?? '',
        line: () => lineAround(text, matchStart, matchEnd),
      };
      if (rule.entropy > 0 && shannonEntropy(found.secret) <= rule.entropy) continue;
      if (allowed(global(), found) || rule.allowlists().some((list) => allowed(list, found))) continue;
      spans.push({ start, end, rule: rule.id });
    }
  }
  return spans;
}

/** `text` with each secret the rules find replaced by `replacement`; overlapping finds become one. */
export function replaceGitleaksSecrets(text: string, replacement: string): { text: string; count: number } {
  const spans = gitleaksSecrets(text).sort((a, b) => a.start - b.start || b.end - a.end);
  let result = '';
  let from = 0;
  let count = 0;
  for (const { start, end } of spans) {
    if (end <= from) continue;
    result += text.slice(from, Math.max(start, from)) + replacement;
    from = end;
    count += 1;
  }
  return { text: result + text.slice(from), count };
}
