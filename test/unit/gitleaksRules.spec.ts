// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { gitleaksSecrets, shannonEntropy } from '../../service/src/engine/gitleaks.js';
import rules from '../../service/src/engine/gitleaks/rules.json';
import { REDACTED, redactSecrets } from '../../service/src/engine/redact.js';
import { makeTempDir } from '../support/tempDir.js';

// Forms that only gitleaks' rules know (the project's own rules have none for them).
const ONLY_GITLEAKS = [
  { text: 'export DATABRICKS_HOST=x; dapid4e405f39658ee352253d797678445c7 ', rule: 'databricks-api-token' },
  { text: 'pulumi login with pul-b7db18c4875ea905156cd8e14dca8d6ee7a13967 done', rule: 'pulumi-api-token' },
  { text: 'recovered A3-G5XG5T-FSF81SB96I7-FEI8P-DFKLH-94TMY from the kit', rule: '1password-secret-key' },
];

describe("gitleaks' maintained rules", () => {
  it('are vendored whole: rules.json is what the script makes from gitleaks.toml', async () => {
    const temp = await makeTempDir();
    try {
      const made = join(temp.path, 'rules.json');
      execFileSync('python3', ['build/gitleaks-rules.py', made]);
      expect(JSON.parse(readFileSync(made, 'utf8'))).toEqual(rules);
    } finally {
      await temp.remove();
    }
    expect(rules.rules.length).toBeGreaterThan(200);
    expect(readFileSync('service/src/engine/gitleaks/LICENSE', 'utf8')).toContain('MIT License');
  });

  it('all compile for RE2 and take out the forms only they know, naming the rule', () => {
    expect(gitleaksSecrets('nothing to see')).toEqual([]);
    for (const { text, rule } of ONLY_GITLEAKS) {
      expect(gitleaksSecrets(text).map((found) => found.rule))
        .withContext(text)
        .toContain(rule);
      const redacted = redactSecrets(text).text;
      expect(redacted).withContext(text).toContain(REDACTED);
      expect(redacted.split(' ').length).withContext(text).toBe(text.split(' ').length);
    }
  });

  it('keep what gitleaks allows: placeholders, low entropy, variables', () => {
    for (const text of [
      'pulumi token pul-0000000000000000000000000000000000000000 ',
      'dapiabcdefghijklmnopqrstuvwxyz012345 ',
      'api_key = ${API_KEY}',
    ])
      expect(gitleaksSecrets(text)).withContext(text).toEqual([]);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });
});
