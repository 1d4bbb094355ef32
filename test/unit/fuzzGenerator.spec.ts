// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';

import { completeTypes, Fuzzer, INVALID_ONLY, loadInterfaces, mulberry32 } from '../support/fuzz.js';

// Strings are compared by length and start: the 1 MB ones make whole-body comparisons slow to print.
const fingerprint = (value: unknown): unknown =>
  typeof value === 'string'
    ? `${value.length}:${value.slice(0, 20)}`
    : value instanceof Variant
      ? [value.signature, fingerprint(value.value)]
      : Array.isArray(value)
        ? value.map(fingerprint)
        : typeof value === 'object' && value !== null
          ? Object.entries(value).map(([k, v]) => [k, fingerprint(v)])
          : typeof value === 'bigint'
            ? `${value}n`
            : value;

describe('the fuzz generator', () => {
  it('makes the same calls from the same seed, and other calls from another', () => {
    const run = (seed: number) => [...new Fuzzer(loadInterfaces(), seed).calls(300)].map(fingerprint);
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(mulberry32(1)()).toBe(mulberry32(1)());
  });

  it('calls every method, mostly with its own signature and sometimes with a wrong one', () => {
    const fuzzer = new Fuzzer(loadInterfaces(), 3);
    const calls = [...fuzzer.calls(2000)];
    const methods = new Set(calls.map((c) => `${c.interface}.${c.member}`));
    expect(methods.size).toBe(fuzzer.targets.length);
    const wrong = calls.filter((c) => c.kind.startsWith('wrong signature'));
    expect(wrong.length).toBeGreaterThan(200);
    expect(wrong.length).toBeLessThan(600);
    for (const call of calls) {
      expect(completeTypes(call.signature).length).withContext(call.kind).toBe(call.body.length);
    }
  });

  it('gives the methods that would change the machine only arguments they must refuse', () => {
    const calls = [...new Fuzzer(loadInterfaces(), 11).calls(3000)].filter(
      (c) => `${c.interface}.${c.member}` in INVALID_ONLY && c.kind === 'hostile values',
    );
    expect(calls.length).toBeGreaterThan(50);
    for (const call of calls) {
      const first = call.body[0] as string;
      switch (call.member) {
        case 'Apply':
        case 'Undo':
          // No proposal or job has this id on a fresh service, or it is no id at all.
          expect(['', '0', '-1', '99999999', '9999999999999999', 'x']).toContain(first);
          break;
        case 'Pull':
          expect(first).not.toMatch(/^https?:|^hf:[^/]+\/[^/]+\/.+\.gguf$/);
          break;
        case 'Ask':
          expect(first.trim() === '' || first.length > 100_000).toBe(true);
          break;
        case 'SetApiKey':
          expect(first).not.toMatch(/^https?:\/\/\w/);
          break;
        default: // Send: a session that does not exist
          expect(first).not.toBe('');
      }
    }
  });
});
