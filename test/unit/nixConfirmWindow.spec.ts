// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { ConfirmWindows, type PendingChange, type WindowOutcome } from '../../service/src/fixes/confirmWindow.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the confirm-or-revert window', () => {
  let ended: [string, WindowOutcome['outcome']][];
  let windows: ConfirmWindows;
  let reverted: string[];
  const revert = (name: string) => () => {
    reverted.push(name);
    return Promise.resolve();
  };
  beforeEach(() => {
    ended = [];
    reverted = [];
    windows = new ConfirmWindows((change: PendingChange, outcome) => ended.push([change.summary, outcome.outcome]));
  });

  it('reverts what nobody confirmed in time, and only that', async () => {
    windows.open('a', 30, revert('a'));
    const b = windows.open('b', 30, revert('b'));
    expect(windows.confirm(b.id).map(({ summary }) => summary)).toEqual(['b']);
    await sleep(100);
    expect(reverted).toEqual(['a']);
    expect(ended).toEqual([
      ['b', 'confirmed'],
      ['a', 'reverted'],
    ]);
    expect(windows.list()).toEqual([]);
  });

  it('says so when the revert fails', async () => {
    windows.open('c', 10, () => Promise.reject(new Error('pkexec was dismissed')));
    await sleep(60);
    expect(ended).toEqual([['c', 'revert-failed']]);
  });

  it('abandons open windows without reverting when the service stops', async () => {
    windows.open('d', 30, revert('d'));
    expect(windows.abandon().map(({ summary }) => summary)).toEqual(['d']);
    await sleep(80);
    expect(reverted).toEqual([]);
    expect(ended).toEqual([]);
  });
});
