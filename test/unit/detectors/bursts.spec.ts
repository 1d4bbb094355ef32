// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Bursts } from '../../../service/src/findings/detectors/bursts.js';

const at = (seconds: number) => new Date(1_773_479_523_000 + seconds * 1000);

describe('bursts', () => {
  it('starts a burst after the quiet time since its last line, when sliding', () => {
    const bursts = new Bursts(60_000);
    expect([0, 50, 100, 161, 170].map((s) => bursts.starts('sda', at(s)))).toEqual([true, false, false, true, false]);
  });

  it('starts one after the quiet time since the burst began, when not sliding', () => {
    const bursts = new Bursts(60_000, false);
    expect([0, 50, 100, 130, 161].map((s) => bursts.starts('node', at(s)))).toEqual([true, false, true, false, true]);
  });

  it('keeps subjects apart, and takes a line a little older than the last one as the same burst', () => {
    const bursts = new Bursts(60_000);
    expect(bursts.starts('sda', at(10))).toBeTrue();
    expect(bursts.starts('sdb', at(10))).toBeTrue();
    expect(bursts.starts('sda', at(5))).toBeFalse();
    expect(bursts.starts('sda', at(-100))).toBeTrue();
    expect(bursts.starts('sda', at(11))).toBeFalse();
  });
});
