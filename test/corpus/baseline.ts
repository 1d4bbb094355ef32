// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The committed minimums (test/corpus/baseline.json) and the table people read.
import { z } from 'zod';

import { CLASSES, type CorpusClass } from './cases.js';
import type { ClassScore, Score } from './score.js';

const figures = z.strictObject({
  recall: z.number().min(0).max(1),
  precision: z.number().min(0).max(1),
  firstStep: z.number().min(0).max(1),
});
const partBaseline = z.strictObject({
  classes: z.partialRecord(z.enum(CLASSES), figures),
  total: figures,
  /** The most benign cases that may raise anything (a share). */
  benignRaised: z.number().min(0).max(1),
});
/** The tuning part's minimums, and the sealed part's beside them (test/corpus/README.md, "Two parts"). */
export const baselineSchema = partBaseline.extend({ sealed: partBaseline.optional() });
export type PartBaseline = z.infer<typeof partBaseline>;
export type Baseline = z.infer<typeof baselineSchema>;

const METRICS = ['recall', 'precision', 'firstStep'] as const;
// Rounding down keeps a baseline written from a run reachable by the same run.
const floor = (value: number | null) => Math.floor((value ?? 0) * 1000) / 1000;

export function baselineOf(result: Score, sealed?: Score): Baseline {
  return sealed ? { ...partBaselineOf(result), sealed: partBaselineOf(sealed) } : partBaselineOf(result);
}

function partBaselineOf(result: Score): PartBaseline {
  const of = (s: ClassScore) => ({
    recall: floor(s.recall),
    precision: floor(s.precision),
    firstStep: floor(s.firstStep),
  });
  const classes: Baseline['classes'] = {};
  for (const [name, s] of Object.entries(result.classes) as [CorpusClass, ClassScore][]) classes[name] = of(s);
  return { classes, total: of(result.total), benignRaised: Math.ceil((result.benign.raised ?? 0) * 1000) / 1000 };
}

/**
 * Every figure below its minimum (or benign share above its maximum), in words; empty when the run holds. The
 * sealed part's are named by part and class only, as its totals are.
 */
export function shortfalls(result: Score, baseline: Baseline, slackCases = 1, sealed?: Score): string[] {
  const below = partShortfalls(result, baseline, slackCases, '');
  if (sealed && sealed.outcomes.length > 0) {
    if (baseline.sealed) below.push(...partShortfalls(sealed, baseline.sealed, slackCases, 'sealed '));
    else below.push('the baseline holds no figures for the sealed part');
  }
  return below;
}

function partShortfalls(result: Score, baseline: PartBaseline, slackCases: number, part: string): string[] {
  const below: string[] = [];
  // By default one case either way is the run's own noise (a proposal a loaded machine previews a moment late), not a change.
  const check = (where: string, s: ClassScore | undefined, min: z.infer<typeof figures>) => {
    const slack = s && s.cases > 0 ? slackCases / s.cases : 0;
    for (const metric of METRICS) {
      const value = s?.[metric] ?? 0;
      if (value + 1e-9 < min[metric] - slack) {
        below.push(`${part}${where} ${metric} ${percent(value)} < baseline ${percent(min[metric])}`);
      }
    }
  };
  for (const [name, min] of Object.entries(baseline.classes) as [CorpusClass, z.infer<typeof figures>][]) {
    check(name, result.classes[name], min);
  }
  check('total', result.total, baseline.total);
  const raised = result.benign.raised ?? 0;
  if (raised > baseline.benignRaised + slackCases / Math.max(result.benign.cases, 1) + 1e-9) {
    below.push(`${part}benign raised ${percent(raised)} > baseline ${percent(baseline.benignRaised)}`);
  }
  return below;
}

export const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);

/** The per-class table in Markdown, for the terminal and the README alike. */
export function table(result: Score): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const line = (name: string, s: ClassScore) =>
    row([name, String(s.cases), percent(s.recall), percent(s.precision), percent(s.firstStep)]);
  return [
    row(['class', 'cases', 'recall', 'precision', 'right first step']),
    row(['---', '---:', '---:', '---:', '---:'].map((c) => c)),
    ...(Object.entries(result.classes) as [CorpusClass, ClassScore][]).map(([name, s]) => line(name, s)),
    line('**total**', result.total),
    row(['benign (raised anything)', String(result.benign.cases), percent(result.benign.raised), '', '']),
  ].join('\n');
}

/**
 * The two parts side by side, per class: cases, right class (recall) and right first step, and the benign cases
 * that raised anything. Totals only: nothing of a sealed case (its id, its lines, whether it was missed) is shown.
 */
export function partsTable(tuning: Score, sealed: Score): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const cells = (s: ClassScore | undefined) =>
    s ? [String(s.cases), percent(s.recall), percent(s.firstStep)] : ['0', percent(null), percent(null)];
  const named = CLASSES.filter((name) => tuning.classes[name] || sealed.classes[name]);
  return [
    row([
      'class',
      'tuning cases',
      'right class',
      'right first step',
      'sealed cases',
      'right class',
      'right first step',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...named.map((name) => row([name, ...cells(tuning.classes[name]), ...cells(sealed.classes[name])])),
    row(['**total**', ...cells(tuning.total), ...cells(sealed.total)]),
    row([
      'benign (raised anything)',
      String(tuning.benign.cases),
      percent(tuning.benign.raised),
      '',
      String(sealed.benign.cases),
      percent(sealed.benign.raised),
      '',
    ]),
  ].join('\n');
}

/** The problem cases per the system error their lines carry (the class's recall; a cause has no precision). */
export function causesTable(result: Score): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    row(['system error in the lines', 'cases', 'recall (right class)', 'right first step']),
    row(['---', '---:', '---:', '---:']),
    ...Object.entries(result.causes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([cause, s]) => row([cause, String(s.cases), percent(s.recall), percent(s.firstStep)])),
  ].join('\n');
}
