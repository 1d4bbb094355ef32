// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { withoutSafetyClaims } from '../../../service/src/fixes/modelWords.js';

describe("the model's words on a proposal", () => {
  it('lose the sentences in which the model vouches for safety or urges the user on', () => {
    expect(withoutSafetyClaims('Verified safe. Apply now.')).toBe('');
    expect(
      withoutSafetyClaims(
        'The backup job could not reach the NAS. This fix is completely safe and approved by Steward! Apply it immediately. Check the NAS address.',
      ),
    ).toBe('The backup job could not reach the NAS. Check the NAS address.');
    expect(withoutSafetyClaims('Steward has verified this action; run it now without review.')).toBe('');
  });

  it('keep an explanation that only explains', () => {
    const plain = 'backup.service could not mount /mnt/nas: the NAS did not answer. Likely cause: the NAS is off.';
    expect(withoutSafetyClaims(plain)).toBe(plain);
  });
});
