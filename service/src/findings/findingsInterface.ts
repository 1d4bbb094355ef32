// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { StewardError } from '../dbus/errors.js';
import type { InterfaceSignals } from '../dbus/interfaceSignals.js';
import { method, type TypedInterfaceImpl } from '../dbus/objectServer.js';
import { pageKeys, pageOf } from '../dbus/paging.js';
import { variantOf } from '../dbus/variants.js';
import { _, format } from '../i18n.js';
import { cleanLine, cleanText, MAX_TEXT_LENGTH } from '../untrustedText.js';
import { SignalBudget } from './signalBudget.js';
import type { Finding, FindingChange, FindingsStore } from './store.js';
import { type Evidence, SEVERITIES } from './types.js';

const findingId = z.string().regex(/^[1-9]\d{0,15}$/, 'not a finding id from List');
const kind = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'not a finding kind (lower-case words joined by "-")');
const subject = z.string().max(1024);

const listFilter = z
  .object({
    state: variantOf('s', z.enum(['active', 'resolved', 'all'])).optional(),
    'min-severity': variantOf('s', z.enum(SEVERITIES)).optional(),
    'include-ignored': variantOf('b', z.boolean()).optional(),
    ...pageKeys,
  })
  .strict();

export const micros = (date: Date) => new Variant('x', BigInt(date.getTime()) * 1000n);

/** Evidence as Findings.Get (and Proposals.Get) give it. */
export function evidenceVariant(evidence: readonly Evidence[]): Variant {
  return new Variant(
    'aa{sv}',
    evidence.map((item) => ({
      kind: new Variant('s', item.kind),
      text: new Variant('s', cleanLine(item.text, MAX_TEXT_LENGTH)),
      time: micros(item.at),
      ...(item.cursor ? { cursor: new Variant('s', item.cursor) } : {}),
      ...(item.path ? { path: new Variant('s', item.path) } : {}),
    })),
  );
}

export function findingDict(finding: Finding): Record<string, Variant> {
  return {
    id: new Variant('s', String(finding.id)),
    kind: new Variant('s', finding.kind),
    subject: new Variant('s', cleanLine(finding.subject, MAX_TEXT_LENGTH)),
    severity: new Variant('s', finding.severity),
    title: new Variant('s', cleanLine(finding.title)),
    state: new Variant('s', finding.state),
    'first-seen': micros(finding.firstSeen),
    'last-seen': micros(finding.lastSeen),
    count: new Variant('u', finding.count),
    ignored: new Variant('b', finding.ignored),
    'vouched-by': new Variant('s', finding.vouchedBy ?? ''),
    'reported-by': new Variant('s', cleanLine(finding.reportedBy)),
    ...(finding.resolvedAt ? { 'resolved-at': micros(finding.resolvedAt) } : {}),
    ...(finding.explanation
      ? { explanation: new Variant('s', cleanText(finding.explanation, { max: MAX_TEXT_LENGTH })) }
      : {}),
    ...(finding.likelyCause ? { 'likely-cause': new Variant('s', cleanLine(finding.likelyCause)) } : {}),
  };
}

export interface FindingsSignals {
  added(id: string, finding: Record<string, Variant>): void;
  updated(id: string, finding: Record<string, Variant>): void;
  resolved(id: string): void;
  /** Past the signal rate: `count` changes were not signalled one by one; List has them. */
  changed(count: number): void;
  activeCountChanged(): void;
}

/** Signals of their own per second; past that, one FindingsChanged a second. */
const SIGNALS_PER_SECOND = 50;

/** The Findings interface's signals on the bus. */
export function findingsBusSignals(bus: InterfaceSignals<'io.github.steward.Steward1.Findings'>): FindingsSignals {
  return {
    added: (id, finding) => bus.emit('FindingAdded', { id, finding }),
    updated: (id, finding) => bus.emit('FindingUpdated', { id, finding }),
    resolved: (id) => bus.emit('FindingResolved', { id }),
    changed: (count) => bus.emit('FindingsChanged', { count }),
    activeCountChanged: () => bus.propertiesChanged(['ActiveCount']),
  };
}

/** io.github.steward.Steward1.Findings: what the watchers noticed, and what to keep quiet about. */
export class FindingsInterface {
  /** When each finding last had an update signal, and the update held back since. */
  private readonly updates = new Map<number, { held: Finding | null; timer: NodeJS.Timeout }>();
  private activeCount: number;
  private readonly budget: SignalBudget;

  constructor(
    private readonly store: FindingsStore,
    private readonly signals: FindingsSignals,
    private readonly updateIntervalMs = 1000,
    /** The kinds the detectors report; Ignore refuses others, which could never match. Empty: any. */
    private readonly kinds: readonly string[] = [],
    /** Why a finding has no proposal (the fixes know), for Get; null when it has one. */
    private readonly whyNoProposal: (finding: Finding) => string | null = () => null,
  ) {
    this.activeCount = store.count();
    this.budget = new SignalBudget(SIGNALS_PER_SECOND, 1000, (count) => this.signals.changed(count));
  }

  get active(): number {
    return this.activeCount;
  }

  /** Announces what a batch changed; repeated updates of one finding are thinned to one per interval. */
  announce(changes: FindingChange[]): void {
    for (const { change, finding } of changes) {
      if (finding.ignored) continue;
      if (change === 'updated') {
        this.update(finding);
        continue;
      }
      this.forgetUpdates(finding.id);
      if (!this.budget.take()) continue;
      if (change === 'added') this.signals.added(String(finding.id), findingDict(finding));
      else this.signals.resolved(String(finding.id));
    }
    this.refreshActiveCount();
  }

  /** Announces that the model's explanation of a finding arrived, as an update of the finding. */
  explained(finding: Finding): void {
    if (!finding.ignored) this.update(finding);
  }

  stop(): void {
    for (const id of this.updates.keys()) this.forgetUpdates(id);
    this.budget.stop();
  }

  get impl(): TypedInterfaceImpl<'io.github.steward.Steward1.Findings'> {
    const { store } = this;
    return {
      properties: { ActiveCount: () => this.activeCount },
      methods: {
        List: method(z.tuple([listFilter]), ([filter]) => {
          const matching = {
            state: filter.state,
            minSeverity: filter['min-severity'],
            includeIgnored: filter['include-ignored'],
          };
          return [store.list(matching, pageOf(filter)).map(findingDict), store.count(matching)];
        }),
        Get: method(z.tuple([findingId]), ([id]) => {
          const finding = store.get(Number(id));
          if (!finding) throw new StewardError('NotFound', `there is no finding ${id}`);
          const noProposal = this.whyNoProposal(finding);
          return {
            ...findingDict(finding),
            evidence: evidenceVariant(finding.evidence),
            ...(noProposal !== null && { 'no-proposal-reason': new Variant('s', noProposal) }),
          };
        }),
        Ignore: method(
          z.tuple([kind, subject, z.enum(['always', 'after-first'], 'must be "always" or "after-first"')]),
          ([ruleKind, ruleSubject, mode]) => {
            if (this.kinds.length > 0 && !this.kinds.includes(ruleKind))
              throw new StewardError(
                'InvalidArgs',
                format(_('Steward reports no finding of the kind “{kind}”; the kinds are: {kinds}'), {
                  kind: ruleKind,
                  kinds: [...this.kinds].sort().join(', '),
                }),
              );
            store.ignore({ kind: ruleKind, subject: ruleSubject, mode });
            this.refreshActiveCount();
          },
        ),
        Unignore: method(z.tuple([kind, subject]), ([ruleKind, ruleSubject]) => {
          if (!store.unignore(ruleKind, ruleSubject)) {
            throw new StewardError(
              'NotFound',
              `no rule ignores ${ruleKind}${ruleSubject ? ` for ${ruleSubject}` : ''}`,
            );
          }
          this.refreshActiveCount();
        }),
        ListIgnoreRules: method(z.tuple([]), () =>
          store.ignoreRules().map((rule) => ({
            kind: new Variant('s', rule.kind),
            subject: new Variant('s', rule.subject),
            mode: new Variant('s', rule.mode),
          })),
        ),
      },
    };
  }

  private update(finding: Finding): void {
    const entry = this.updates.get(finding.id);
    if (entry) {
      entry.held = finding;
      return;
    }
    // Past the rate the summary covers it, and no timer is left behind per finding.
    if (!this.budget.take()) return;
    this.signals.updated(String(finding.id), findingDict(finding));
    this.holdUpdates(finding.id);
  }

  /**
   * Holds back the finding's updates for an interval, then sends the latest held one if any. The entry goes
   * when an interval passes without one: a flood of distinct findings must not leave one behind for each.
   */
  private holdUpdates(id: number): void {
    const timer = setTimeout(() => {
      const held = this.updates.get(id)?.held;
      this.updates.delete(id);
      if (held) this.update(held);
    }, this.updateIntervalMs);
    this.updates.set(id, { held: null, timer });
  }

  private forgetUpdates(id: number): void {
    const entry = this.updates.get(id);
    if (entry) clearTimeout(entry.timer);
    this.updates.delete(id);
  }

  private refreshActiveCount(): void {
    const count = this.store.count();
    if (count === this.activeCount) return;
    this.activeCount = count;
    this.signals.activeCountChanged();
  }
}
