// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync } from 'node:fs';

import { BENIGN, CASES_DIR, CLASSES, loadCases } from '../corpus/cases.js';

// The corpus the issue asks for (test/corpus/README.md).
const MIN_CASES_PER_CLASS = 15;
const MIN_BENIGN_CASES = 60;
const MIN_PROBLEM_CASES = 300;

describe('the detection corpus (test/corpus/cases)', () => {
  it('exists', () => {
    expect(existsSync(CASES_DIR)).withContext(CASES_DIR).toBeTrue();
  });

  // loadCases validates every file, case and line against the schema, names each problem, and rejects duplicate ids.
  const cases = () => loadCases();

  it('is valid, and every case names a public source', () => {
    for (const c of cases())
      expect(c.source.url)
        .withContext(c.id)
        .toMatch(/^https?:\/\/[^/]+\.[^/]+\//);
  });

  it(`has ${MIN_PROBLEM_CASES} problem cases, ${MIN_CASES_PER_CLASS} for every class, and ${MIN_BENIGN_CASES} benign ones`, () => {
    const all = cases();
    const count = (name: string | null) => all.filter((c) => c.expect.class === name).length;
    for (const name of CLASSES) expect(count(name)).withContext(name).toBeGreaterThanOrEqual(MIN_CASES_PER_CLASS);
    expect(all.length - count(null)).toBeGreaterThanOrEqual(MIN_PROBLEM_CASES);
    expect(count(null)).withContext(BENIGN).toBeGreaterThanOrEqual(MIN_BENIGN_CASES);
  });

  it('expects no first step for benign cases', () => {
    for (const c of cases().filter((c) => c.expect.class === null)) {
      expect(c.expect.firstStep).withContext(c.id).toBeNull();
    }
  });
});
