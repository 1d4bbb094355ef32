// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import { FindingsStore } from '../../service/src/findings/store.js';
import { FixesStore } from '../../service/src/fixes/store.js';
import { boundedLines, boundedText } from '../../service/src/storage/bounds.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

describe('what is stored from outside, bounded', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await makeTempDir();
  });

  afterEach(async () => {
    await dir.remove();
  });

  it('cuts a text to its bound in characters and in bytes, saying how much was left out', () => {
    expect(boundedText('short', 10)).toBe('short');
    const cut = boundedText('v'.repeat(1_000_000), 500);
    expect(cut.length).toBeLessThanOrEqual(500);
    expect(cut).toMatch(/^v+… \(\d+ more characters\)$/);
    // Four bytes a character: the byte bound holds where the character bound alone would not.
    const wide = boundedText('😀'.repeat(10_000), 4000, 1000);
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(1000);
    expect(wide).not.toContain('\uFFFD');
    expect(
      boundedLines(
        Array.from({ length: 300 }, () => 'x'.repeat(2000)),
        200,
        500,
      ),
    ).toHaveSize(201);
  });

  it('keeps a proposal whose preview came with a 1 MB package version to a few kilobytes', () => {
    const store = new FixesStore(join(dir.path, 'fixes.db'));
    try {
      const version = 'v'.repeat(1_000_000);
      const proposal = store.addProposal({
        findingId: null,
        kind: 'unit-failed',
        subject: 'backup.service',
        title: `Install vips-doc ${version}`,
        explanation: version,
        actions: [
          {
            name: 'packages.install',
            params: { packages: ['vips-doc'] },
            title: 'Install packages',
            risk: 'medium',
            needsAuthorization: true,
            readOnly: false,
            preview: {
              summary: `Install vips-doc ${version}`,
              details: [`vips-doc ${version}`],
              changesNothing: false,
            },
            policy: 'ask',
          },
        ],
        trust: { origin: 'playbook', vouchedBy: 'system-manager', reportedBy: 'systemd', explanationBy: 'steward' },
      });
      expect(Buffer.byteLength(JSON.stringify(proposal))).toBeLessThan(20_000);
      expect(proposal.actions[0]?.preview.summary).toMatch(/^Install vips-doc v+… \(\d+ more characters\)$/);
    } finally {
      store.close();
    }
  });

  it('keeps a finding whose subject came from outside with a bounded subject, the same one each time', () => {
    const store = new FindingsStore(join(dir.path, 'findings.db'));
    try {
      const subject = `${'x'.repeat(1_000_000)}@example.org`;
      const report = () =>
        store.report({
          kind: 'extension-error',
          subject,
          severity: 'warning',
          title: 't',
          at: new Date(),
          evidence: [],
        });
      const first = report();
      expect(first.finding.subject.length).toBeLessThanOrEqual(1000);
      expect(report().finding.id).toBe(first.finding.id);
      expect(store.resolve({ kind: 'extension-error', subject, at: new Date() })?.change).toBe('resolved');
    } finally {
      store.close();
    }
  });
});
