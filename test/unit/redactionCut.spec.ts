// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A long text is redacted whole: no cut may separate a secret from the line that makes it one. Each multi-line form
// of the corpus is put after padding that would place a 4 KiB cut at each of its line breaks in turn.
import { redactLongText, redactSecrets } from '../../service/src/engine/redact.js';
import { secretForms } from '../fixtures/redactionCorpus.js';

const CUT = 4 * 1024;

/** Log lines of exactly `length` characters in all, the last ending in a line break. */
function padding(length: number): string {
  const line = 'Nov 24 10:00:00 host app[42]: a line of ordinary log text\n';
  const whole = line.repeat(Math.floor(length / line.length));
  const rest = length - whole.length;
  return rest === 0 ? whole : whole + `${'-'.repeat(Math.max(0, rest - 1))}\n`.slice(-rest);
}

// The three forms the review split: a value on the line after its key, a .netrc entry whose lines are not
// indented, and a libgcrypt key whose binary part is broken across lines.
const SPLIT_FORMS = [
  { text: 'password=\nNext-Line-Secret-77', secrets: ['Next-Line-Secret-77'] },
  { text: 'machine api.example.com\nlogin jane\npassword Netrc-Flat-Pw-5150', secrets: ['Netrc-Flat-Pw-5150'] },
  {
    text: '(private-key\n (ecc\n  (curve Ed25519)\n  (q #40A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90#)\n  (d #9F8E7D6C5B4A39281706F5E4D3C2B1A0\n      9F8E7D6C5B4A39281706F5E4D3C2B1A1#)))',
    secrets: ['9F8E7D6C5B4A39281706F5E4D3C2B1A0', '9F8E7D6C5B4A39281706F5E4D3C2B1A1'],
  },
];

const multiLine = [...secretForms.filter((form) => form.text.includes('\n')), ...SPLIT_FORMS];

describe('redaction of a text longer than one piece', () => {
  it('has multi-line forms to move the cut across, each hidden when whole', () => {
    expect(multiLine.length).toBeGreaterThanOrEqual(5);
    for (const form of multiLine)
      for (const secret of form.secrets) expect(redactSecrets(form.text).text).not.toContain(secret);
  });

  for (const [index, form] of multiLine.entries())
    it(`hides form ${index + 1}, ${JSON.stringify(form.text.slice(0, 24))}…, wherever a cut would fall in it`, async () => {
      const breaks = [...form.text.matchAll(/\n/g)].map((match) => match.index);
      for (const at of breaks) {
        const text = `${padding(CUT - at)}${form.text}\n${padding(CUT)}`;
        const redacted = await redactLongText(text, (whole) => redactSecrets(whole).text);
        for (const secret of form.secrets)
          expect(redacted).withContext(`cut at line break ${at}`).not.toContain(secret);
      }
    });
});
