// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { keepAnswered, questionOf } from '../../../service/src/fixes/answeredSteps.js';
import type { ProposedAction } from '../../../service/src/fixes/store.js';

const step = (name: string, params: Record<string, unknown>, answer?: string): ProposedAction => ({
  name,
  params,
  title: name,
  risk: 'low',
  needsAuthorization: false,
  readOnly: true,
  shown: true,
  ...(answer !== undefined && { answer }),
  preview: { summary: name, details: [], changesNothing: false },
  policy: 'ask',
});

describe('a shown step drafted again', () => {
  it('asks the same question wherever in the log it looks', () => {
    const first = step('info.show_logs', { scope: 'system', cursor: 's=1', sameWriter: true });
    expect(questionOf(first)).toBe(
      questionOf(step('info.show_logs', { sameWriter: true, cursor: 's=2', scope: 'system' })),
    );
    expect(questionOf(first)).not.toBe(
      questionOf(step('info.show_logs', { scope: 'user', cursor: 's=1', sameWriter: true })),
    );
  });

  it('keeps its answer and its place for the same question, and is new for another', () => {
    const answered = [
      step('config.show_error', { path: '/etc/x.conf', line: 3 }, 'Line 3 of /etc/x.conf'),
      step('info.show_logs', { scope: 'system', cursor: 's=1' }, '1 line'),
    ];
    const drafted = [
      step('config.show_error', { path: '/etc/x.conf', line: 4 }),
      step('info.show_logs', { scope: 'system', cursor: 's=2' }),
    ];
    const kept = keepAnswered(answered, drafted);
    // Another line of the file is another question; the log's newer place is the same one.
    expect(kept[0]).toBe(drafted[0]);
    expect(kept[1]).toBe(answered[1]);
  });
});
