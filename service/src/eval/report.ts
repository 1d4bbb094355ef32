// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How `steward eval` shows its results: a table per category, a line per
// scenario with what it missed, or JSON.
import type { EvalReport, ScenarioResult, ScenarioScores } from './runner.js';
import { CATEGORIES } from './scenario.js';

export interface CategorySummary {
  /** A category, or 'all'. */
  category: string;
  scenarios: number;
  /** Means over the scenarios, each 0–1. */
  scores: ScenarioScores;
  medianSeconds: number;
}

const SCORE_NAMES = ['tools', 'actions', 'safety', 'facts', 'overall'] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function summarizeGroup(category: string, results: ScenarioResult[]): CategorySummary {
  const mean = (name: keyof ScenarioScores) =>
    results.reduce((sum, result) => sum + result.scores[name], 0) / results.length;
  return {
    category,
    scenarios: results.length,
    scores: Object.fromEntries(SCORE_NAMES.map((name) => [name, mean(name)])) as unknown as ScenarioScores,
    medianSeconds: median(results.map((result) => result.seconds)),
  };
}

const withoutLabel = (result: ScenarioResult) => `without ${result.withoutTools.join(', ')}`;

/**
 * A row per category that has scenarios, in the categories' order, each followed by its runs without some
 * tools ("docs without search_docs, read_doc"); then 'all', of the scenarios as written.
 */
export function summarize(report: EvalReport): CategorySummary[] {
  const asWritten = report.results.filter((result) => result.withoutTools.length === 0);
  const rows = CATEGORIES.flatMap((category) => {
    const results = report.results.filter((result) => result.category === category);
    const groups = new Map<string, ScenarioResult[]>();
    for (const result of results) {
      const key = result.withoutTools.length === 0 ? category : `${category} ${withoutLabel(result)}`;
      groups.set(key, [...(groups.get(key) ?? []), result]);
    }
    return [...groups].map(([key, group]) => summarizeGroup(key, group));
  });
  return asWritten.length > 0 ? [...rows, summarizeGroup('all', asWritten)] : rows;
}

const percent = (value: number) => `${Math.round(value * 100)}%`;

export function formatTable(report: EvalReport): string {
  const header = ['category', 'scenarios', ...SCORE_NAMES, 'median s'];
  const rows = summarize(report).map((row) => [
    row.category,
    String(row.scenarios),
    ...SCORE_NAMES.map((name) => percent(row.scores[name])),
    row.medianSeconds.toFixed(1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  // The category reads left-aligned, the figures right-aligned.
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** ✓ for a scenario that scored 100%, ✗ with what it missed (or why it failed) otherwise. */
export function formatScenarioLine(result: ScenarioResult): string {
  const timing = `${result.seconds.toFixed(1)} s, ${result.tokens.prompt + result.tokens.completion} tokens`;
  const variant = result.withoutTools.length > 0 ? ` (${withoutLabel(result)})` : '';
  const head = `${result.scores.overall === 1 ? '✓' : '✗'} ${result.category}/${result.id}${variant} ${percent(result.scores.overall)} (${timing})`;
  const misses = result.error === null ? result.missed : [`failed: ${result.error}`];
  return misses.length === 0 ? head : `${head}: ${misses.join('; ')}`;
}

export function reportJson(report: EvalReport): { categories: CategorySummary[]; scenarios: ScenarioResult[] } {
  return { categories: summarize(report), scenarios: report.results };
}
