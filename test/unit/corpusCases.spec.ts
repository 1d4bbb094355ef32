// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync } from 'node:fs';

import { BENIGN, CASES_DIR, CLASSES, loadCases } from '../corpus/cases.js';
import { loadParts } from '../corpus/sealed.js';

// The corpus the issue asks for (test/corpus/README.md).
const MIN_CASES_PER_CLASS = 15;
const MIN_BENIGN_CASES = 60;
const MIN_PROBLEM_CASES = 300;
// A sealed class (test/corpus/README.md, "Two parts"): enough sealed cases to measure, enough in all to tune on.
const MIN_SEALED_CASES = 15;
const MIN_SEALED_CLASS_CASES = 40;
/** The classes the desktop issue (#65) measures on a sealed part: each must have one. */
const SEALED_CLASSES = ['extension', 'sound', 'bluetooth', 'app-crash', 'printing', 'clock', 'sign-in'] as const;

/** The line numbers `message` gives for `path`, in the wordings the corpus's programs print. */
function linesNamed(message: string, path: string): number[] {
  const file = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const wordings = [
    new RegExp(`${file}:(\\d+)`, 'g'),
    new RegExp(`${file}:? (?:syntax error )?(?:near )?line (\\d+)`, 'g'),
    new RegExp(`line (\\d+) of ${file}(?![^\\s:\\]])`, 'g'),
  ];
  return wordings.flatMap((wording) => [...message.matchAll(wording)].map((match) => Number(match[1])));
}

const lineCount = (content: string) => content.split('\n').length - (content.endsWith('\n') ? 1 : 0);

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

  // A file is the reporter's, whole (README.md): one its lines point at, long enough for every line they name.
  it('carries only files its lines name, with those lines, and says where each came from', () => {
    for (const c of cases()) {
      for (const file of c.files ?? []) {
        const named = c.lines.flatMap(({ message }) => linesNamed(message, file.path));
        expect(named.length).withContext(`${c.id}: no line names ${file.path}`).toBeGreaterThan(0);
        for (const line of named)
          expect(line).withContext(`${c.id}: ${file.path}`).toBeLessThanOrEqual(lineCount(file.content));
        expect(file.source.url).withContext(c.id).toContain(file.source.commit);
      }
    }
  });

  it('reads the line numbers each program prints for a file', () => {
    const path = '/etc/x.conf';
    expect(linesNamed('nginx: [emerg] unknown directive "a" in /etc/x.conf:58', path)).toEqual([58]);
    expect(linesNamed('[/etc/x.conf:18] Unknown lvalue', path)).toEqual([18]);
    expect(linesNamed('/etc/x.conf: line 156: Bad configuration option: A', path)).toEqual([156]);
    expect(linesNamed('/etc/x.conf line 6: keyword A extra arguments', path)).toEqual([6]);
    expect(linesNamed('>>> /etc/x.conf: syntax error near line 2 <<<', path)).toEqual([2]);
    expect(linesNamed('sudo: parse error in /etc/x.conf near line 2', path)).toEqual([2]);
    expect(linesNamed('Syntax error on line 143 of /etc/x.conf:', path)).toEqual([143]);
    expect(linesNamed('Syntax error on line 143 of /etc/x.confd:', path)).toEqual([]);
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a')).toBe(1);
  });

  // loadParts holds the sealed files to SHA256SUMS and refuses a case id or a report in both parts.
  it(`has a sealed part as committed, with ${MIN_SEALED_CASES} sealed cases a sealed class and ${MIN_SEALED_CLASS_CASES} in both parts`, () => {
    const { tuning, sealed } = loadParts();
    for (const c of sealed)
      expect(c.source.url)
        .withContext(c.id)
        .toMatch(/^https?:\/\/[^/]+\.[^/]+\//);
    const count = (cases: typeof sealed, name: string | null) => cases.filter((c) => c.expect.class === name).length;
    for (const name of SEALED_CLASSES) expect(count(sealed, name)).withContext(`${name} sealed`).toBeGreaterThan(0);
    for (const name of CLASSES.filter((name) => count(sealed, name) > 0)) {
      expect(count(sealed, name)).withContext(name).toBeGreaterThanOrEqual(MIN_SEALED_CASES);
      expect(count(sealed, name) + count(tuning, name))
        .withContext(name)
        .toBeGreaterThanOrEqual(MIN_SEALED_CLASS_CASES);
    }
  });

  it('expects no first step for benign cases', () => {
    for (const c of [...cases(), ...loadParts().sealed].filter((c) => c.expect.class === null)) {
      expect(c.expect.firstStep).withContext(c.id).toBeNull();
    }
  });
});
