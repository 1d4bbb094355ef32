// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { Finding, Proposal } from '../shared/model.js';

/** What a result in the overview's search opens. */
export type SearchTarget =
  { kind: 'ask'; question: string } | { kind: 'proposal'; id: string } | { kind: 'finding'; id: string };

const matches = (title: string, terms: string[]) => {
  const text = title.toLocaleLowerCase();
  return terms.every((term) => text.includes(term.toLocaleLowerCase()));
};

/**
 * The results for what was typed: asking Steward the whole text, then the pending proposals
 * and the active findings whose titles contain every term. Nothing here asks a model.
 */
export function searchTargets(terms: string[], proposals: Proposal[], findings: Finding[]): SearchTarget[] {
  const question = terms.join(' ');
  if (question === '') return [];
  return [
    { kind: 'ask', question },
    ...proposals.filter((p) => matches(p.title, terms)).map((p) => ({ kind: 'proposal' as const, id: p.id })),
    ...findings.filter((f) => matches(f.title, terms)).map((f) => ({ kind: 'finding' as const, id: f.id })),
  ];
}

/**
 * The shell keeps a result's widget per id, so the question is part of the ask result's id:
 * another question must get another widget.
 */
export function resultId(target: SearchTarget): string {
  return target.kind === 'ask' ? `ask:${target.question}` : `${target.kind}:${target.id}`;
}

export function targetOf(id: string): SearchTarget | null {
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  if (colon < 0 || rest === '') return null;
  if (kind === 'ask') return { kind, question: rest };
  if (kind === 'proposal' || kind === 'finding') return { kind, id: rest };
  return null;
}
