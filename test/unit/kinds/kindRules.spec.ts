// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { KindRules } from '../../../service/src/fixes/kindRules.js';
import { KINDS } from '../../../service/src/kinds/index.js';

describe('the kinds and their rules', () => {
  const rules = KindRules.of(KINDS);
  const findingKinds = [
    ...new Set([
      ...KINDS.flatMap((kind) => [...Object.keys(kind.rules ?? {}), ...Object.keys(kind.playbooks)]),
      'disk-low',
      'memory-pressure',
      'thermal-throttling',
    ]),
  ];
  const having = (rule: (kind: string) => boolean) => findingKinds.filter(rule).sort();

  it('names each kind once, and each finding kind in one kind only', () => {
    const names = KINDS.map((kind) => kind.name);
    expect(new Set(names).size).toBe(names.length);
    const ruled = KINDS.flatMap((kind) => Object.keys(kind.rules ?? {}));
    expect(new Set(ruled).size).toBe(ruled.length);
    const drafted = KINDS.flatMap((kind) => Object.keys(kind.playbooks));
    expect(new Set(drafted).size).toBe(drafted.length);
  });

  it('has a failed unit give way to its crash loop, crash, OOM kill or configuration change', () => {
    expect([...rules.unitFailureReplacements].sort()).toEqual(
      ['config-changed-before-failure', 'coredump', 'crash', 'crash-loop', 'oom-kill'].sort(),
    );
    expect(having((kind) => rules.replacesUnitFailure(kind))).toEqual([...rules.unitFailureReplacements].sort());
  });

  it("keeps a proposal through its unit's restarts only for what those restarts bring back", () => {
    expect(having((kind) => rules.recursOnRestart(kind))).toEqual(
      [
        'config-changed-before-failure',
        'config-error',
        'coredump',
        'crash',
        'crash-loop',
        'oom-kill',
        'unit-failed',
      ].sort(),
    );
  });

  it('drafts again on a repeat only what the repeat may say more of', () => {
    expect(having((kind) => rules.redraftedOnRepeat(kind))).toEqual(
      ['config-error', 'crash-loop', 'package-manager-error', 'unit-failed'].sort(),
    );
  });

  it('resolves a finding by a verified step only where that step observes its problem gone', () => {
    expect(rules.resolvesWhenVerified('package-manager-error', 'packages.repair_system')).toBeTrue();
    expect(rules.resolvesWhenVerified('unit-failed', 'systemd.restart_unit')).toBeTrue();
    expect(rules.resolvesWhenVerified('crash-loop', 'systemd.start_unit')).toBeTrue();
    expect(rules.resolvesWhenVerified('config-changed-before-failure', 'systemd.restart_unit')).toBeTrue();
    expect(rules.resolvesWhenVerified('config-changed-before-failure', 'systemd.start_unit')).toBeFalse();
    expect(rules.resolvesWhenVerified('coredump', 'flatpak.update')).toBeTrue();
    expect(rules.resolvesWhenVerified('crash', 'packages.update')).toBeFalse();
    expect(rules.resolvesWhenVerified('oom-kill', 'systemd.restart_unit')).toBeFalse();
  });

  it('gives an engine without kinds no rules at all', () => {
    const none = new KindRules([]);
    expect(none.recursOnRestart('unit-failed')).toBeFalse();
    expect(none.unitFailureReplacements).toEqual([]);
  });
});
