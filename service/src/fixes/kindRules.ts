// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the proposer and the executor do differently for some kinds of finding, as each kind declares it
// (service/src/kinds/): the engine reads these rules and names no kind of its own.

/** One finding kind's rules; a kind that declares none gets the engine's default for each. */
export interface FindingRules {
  /**
   * A unit's restarts make it recur (its failure, its configuration error logged at every start): its proposal
   * waits a while after the finding clears before it is withdrawn. A finding of another kind that cleared was
   * cleared by what it is about (an extension turned off, a printer resumed): its proposal goes at once.
   */
  recursOnRestart?: boolean;
  /** A repeat of the active finding may call for other steps: its open proposal is drafted again. */
  redraftedOnRepeat?: boolean;
  /**
   * It says more of why a unit failed than the unit's failure does (a crash loop, a crash, an OOM kill, a
   * configuration change just before): its proposal stands and the failed unit's is withdrawn.
   */
  replacesUnitFailure?: boolean;
  /**
   * Actions whose verification observes the finding's own problem gone (dpkg's database with nothing left to
   * finish, the unit active again): a fix verified this way resolves the finding, where nothing else would say so.
   */
  resolvedWhenVerified?: readonly string[];
}

/** Every kind's rules, by finding kind. */
export class KindRules {
  /** The rules the kinds declare (fixes/kind.ts's Kind), in their order. */
  static of(kinds: readonly { rules?: Readonly<Record<string, FindingRules>> }[]): KindRules {
    return new KindRules(kinds.flatMap((kind) => Object.entries(kind.rules ?? {})));
  }

  private readonly byKind: ReadonlyMap<string, FindingRules>;
  /** The finding kinds that replace a unit's failure, in the order the kinds declare them. */
  readonly unitFailureReplacements: readonly string[];

  constructor(rules: Iterable<readonly [findingKind: string, rules: FindingRules]>) {
    this.byKind = new Map(rules);
    this.unitFailureReplacements = [...this.byKind].filter(([, r]) => r.replacesUnitFailure).map(([kind]) => kind);
  }

  recursOnRestart(kind: string): boolean {
    return this.byKind.get(kind)?.recursOnRestart === true;
  }

  redraftedOnRepeat(kind: string): boolean {
    return this.byKind.get(kind)?.redraftedOnRepeat === true;
  }

  replacesUnitFailure(kind: string): boolean {
    return this.byKind.get(kind)?.replacesUnitFailure === true;
  }

  /** Whether `action`, verified fixed, shows a finding of `kind` resolved. */
  resolvesWhenVerified(kind: string, action: string): boolean {
    return this.byKind.get(kind)?.resolvedWhenVerified?.includes(action) ?? false;
  }
}
