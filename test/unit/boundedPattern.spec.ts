// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { boundQuantifiers } from '../../service/src/engine/boundedPattern.js';
import { redactLongText, redactSecrets } from '../../service/src/engine/redact.js';

describe('the redaction rules bounded for linear time', () => {
  it('bounds every unbounded repetition, leaving classes, escapes and explicit bounds as they are', () => {
    expect(boundQuantifiers(String.raw`a*b+?c{3,}d{2,5}[*+]\*\+\p{L}`, 9)).toBe(
      String.raw`a{0,9}b{1,9}?c{3,12}d{2,5}[*+]\*\+\p{L}`,
    );
    expect(boundQuantifiers(String.raw`[^\]*]+(?<keep>x)`, 4)).toBe(String.raw`[^\]*]{1,4}(?<keep>x)`);
  });

  it('redacts a long text as it would whole, a key block never cut', async () => {
    const block = `-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'.repeat(200)}-----END PRIVATE KEY-----\n`;
    const text = `${'log line password=hunter22 done\n'.repeat(300)}${block}${'x=1\n'.repeat(2000)}`;
    const pieces = await redactLongText(text, (whole) => redactSecrets(whole).text);
    expect(pieces).toBe(redactSecrets(text).text);
    expect(pieces).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    expect(pieces).not.toContain('hunter22');
  });
});
