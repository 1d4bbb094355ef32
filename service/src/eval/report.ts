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

/** A row per category that has scenarios, in the categories' order, then 'all'. */
export function summarize(report: EvalReport): CategorySummary[] {
  const rows = CATEGORIES.map((category) => report.results.filter((result) => result.category === category)).flatMap(
    (results) => (results[0] ? [summarizeGroup(results[0].category, results)] : []),
  );
  return report.results.length > 0 ? [...rows, summarizeGroup('all', report.results)] : rows;
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
  const head = `${result.scores.overall === 1 ? '✓' : '✗'} ${result.category}/${result.id} ${percent(result.scores.overall)} (${timing})`;
  const misses = result.error === null ? result.missed : [`failed: ${result.error}`];
  return misses.length === 0 ? head : `${head}: ${misses.join('; ')}`;
}

export function reportJson(report: EvalReport): { categories: CategorySummary[]; scenarios: ScenarioResult[] } {
  return { categories: summarize(report), scenarios: report.results };
}
