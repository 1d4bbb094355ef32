// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createRedactor, redactSecrets } from '../../service/src/engine/redact.js';
import { harmlessLines, secretForms } from '../fixtures/redactionCorpus.js';

// The share of forms the issue asks for, and the forms the corpus must hold.
const MIN_SCORE = 0.95;
const MIN_FORMS = 120;

// A secret of several words leaks when any of its words is left, not only when all of it is; a word counts
// only where the text around the secret does not hold it too ("pass" in "password: my pass phrase").
const occurrences = (text: string, piece: string) => text.split(piece).length - 1;
function leftIn(original: string, redacted: string, secrets: string[]): string[] {
  const around = secrets.reduce((text, secret) => text.split(secret).join(' '), original);
  const pieces = secrets.flatMap((secret) => [secret, ...secret.split(/\s+/).filter((word) => word.length >= 4)]);
  return pieces.filter((piece) => occurrences(redacted, piece) > occurrences(around, piece));
}

describe('redaction over the corpus of secret forms', () => {
  it(`takes out at least ${MIN_SCORE * 100}% of ${MIN_FORMS}+ realistic forms, and says which leak`, () => {
    expect(secretForms.length).toBeGreaterThanOrEqual(MIN_FORMS);
    const leaked = secretForms.filter(
      (form) => leftIn(form.text, redactSecrets(form.text).text, form.secrets).length > 0,
    );
    const score = 1 - leaked.length / secretForms.length;
    const groups = [...new Set(secretForms.map((form) => form.group))].map((group) => {
      const forms = secretForms.filter((form) => form.group === group);
      const groupLeaks = leaked.filter((form) => form.group === group).length;
      return `${group} ${forms.length - groupLeaks}/${forms.length}`;
    });
    console.log(
      `\nredaction: ${secretForms.length - leaked.length} of ${secretForms.length} forms (${(score * 100).toFixed(1)}%); ${groups.join(', ')}`,
    );
    for (const form of leaked) console.log(`  leaks (${form.group}): ${form.text.slice(0, 100)}`);
    expect(score).toBeGreaterThanOrEqual(MIN_SCORE);
  });

  it('changes none of the ordinary lines that only mention secrets', () => {
    for (const line of harmlessLines) expect(redactSecrets(line).text).withContext(line).toBe(line);
  });

  it("scores the same with the user's patterns added", () => {
    const redact = createRedactor(['ACME-[0-9a-f]{16}']);
    const leaked = secretForms.filter((form) => leftIn(form.text, redact(form.text).text, form.secrets).length > 0);
    expect(1 - leaked.length / secretForms.length).toBeGreaterThanOrEqual(MIN_SCORE);
  });
});
