// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The corpus in two parts (test/corpus/README.md, "Two parts"): the tuning part (cases/), which detectors are
// written against, and the sealed part (sealed/), which measures them and is read only as totals. The sealed
// files are held to the hashes committed beside them, and no report lends cases to both parts.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CASES_DIR, type CorpusCase, loadCases } from './cases.js';

export const SEALED_DIR = join(process.cwd(), 'test', 'corpus', 'sealed');
/** The sealed files' hashes, as `sha256sum *.json` writes them. */
export const SUMS = 'SHA256SUMS';

export interface CorpusParts {
  tuning: CorpusCase[];
  sealed: CorpusCase[];
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * What differs between the sealed files and SHA256SUMS, in words naming only files: a file whose hash is not the
 * committed one, a file the list lacks, a listed file that is gone. Empty when the part is as committed, and for a
 * folder that does not exist (no part sealed yet).
 */
export function unsealed(dir = SEALED_DIR): string[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (!existsSync(join(dir, SUMS))) return files.length > 0 ? [`${SUMS} is missing beside ${files.join(', ')}`] : [];
  const listed = new Map<string, string>();
  const problems: string[] = [];
  for (const line of readFileSync(join(dir, SUMS), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (match) listed.set(match[2]!, match[1]!);
    else problems.push(`${SUMS} has a line that is not "<sha256>  <file>": ${line}`);
  }
  for (const [file, hash] of listed) {
    if (!existsSync(join(dir, file))) problems.push(`${file} is listed in ${SUMS} but missing`);
    else if (sha256(join(dir, file)) !== hash) problems.push(`${file} is not the file ${SUMS} sealed`);
  }
  for (const file of files) if (!listed.has(file)) problems.push(`${file} is not listed in ${SUMS}`);
  return problems;
}

/**
 * The report a source's address names: one thread however it is linked (a comment's anchor, a query, Launchpad's
 * /comments/N, a trailing slash), so that its cases stay in one part.
 */
export function reportOf(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/comments\/\d+$/, '').replace(/\/+$/, '');
  return `${parsed.host.replace(/^www\./, '')}${path}`.toLowerCase();
}

/**
 * Both parts, each case valid (loadCases), the sealed files as SHA256SUMS holds them, no case id in both parts, and
 * no report lending cases to both. Throws naming every problem.
 */
export function loadParts(tuningDir = CASES_DIR, sealedDir = SEALED_DIR): CorpusParts {
  const broken = unsealed(sealedDir);
  if (broken.length > 0) {
    throw new Error(
      `the sealed corpus (${sealedDir}) is not as committed:\n${broken.join('\n')}\n` +
        `(a change to it is a new seal: rewrite ${SUMS} in its own commit, test/corpus/README.md)`,
    );
  }
  const tuning = loadCases(tuningDir);
  const sealed = existsSync(sealedDir) ? loadCases(sealedDir) : [];
  const problems: string[] = [];
  const tuningIds = new Set(tuning.map((c) => c.id));
  for (const { id } of sealed) if (tuningIds.has(id)) problems.push(`case id ${id} is in both parts`);
  const tuningReports = new Set(tuning.map((c) => reportOf(c.source.url)));
  for (const report of new Set(sealed.map((c) => reportOf(c.source.url)))) {
    if (tuningReports.has(report)) problems.push(`the report ${report} has cases in both parts`);
  }
  if (problems.length > 0) throw new Error(`invalid corpus parts:\n${problems.join('\n')}`);
  return { tuning, sealed };
}
