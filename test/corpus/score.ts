// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Scores what the service raised against what each case expects: every finding
// goes back to the case whose hour its evidence falls in, every proposal to its finding.
import { systemErrorOf } from '../../service/src/causes/systemError.js';
import { CLASS_KINDS, CLASSES, type CorpusCase, type CorpusClass } from './cases.js';

/** A case as it was written: its entries lie in [startUs, endUs). */
export interface PlacedCase {
  corpusCase: CorpusCase;
  startUs: bigint;
  endUs: bigint;
}

export interface SeenFinding {
  id: string;
  kind: string;
  subject: string;
  /** The times (µs) of every evidence line seen for it. */
  evidenceUs: bigint[];
}

export interface SeenProposal {
  findingId: string;
  createdUs: bigint;
  /** The names of its actions, in order. */
  actions: string[];
  /** Its actions with their parameters, in order. */
  steps: { name: string; params: unknown }[];
  /** "open", "fixed", … or "resolved" once its finding resolved or another finding's proposal covered it. */
  state: string;
}

export interface ClassScore {
  cases: number;
  /** Cases of the class with a finding of one of its kinds. */
  recall: number | null;
  /** Of the findings of the class's kinds, the share raised by cases of the class. */
  precision: number | null;
  /** Cases whose first proposal starts with the expected action (or, for null, proposes none). */
  firstStep: number | null;
}

export interface CaseOutcome {
  id: string;
  /** The system error its lines carry (errno's name: ENOENT, EADDRINUSE, EAI_NONAME…), read as the service does. */
  cause: string | null;
  expected: CorpusClass | null;
  kinds: string[];
  firstStep: string | null;
  expectedFirstStep: string | null;
}

export interface Score {
  classes: Partial<Record<CorpusClass, ClassScore>>;
  /** The problem cases per the system error their lines carry, whatever their class (recall: of their class). */
  causes: Record<string, ClassScore>;
  total: ClassScore;
  benign: { cases: number; raised: number | null };
  outcomes: CaseOutcome[];
  /** Findings whose evidence lies in no case's hour. */
  unplaced: SeenFinding[];
}

/** A proposal's state once it was withdrawn (fixes/proposer.ts's withdraw): its finding's problem no longer needs it. */
const WITHDRAWN = 'resolved';

const share = (hits: number, of: number) => (of === 0 ? null : hits / of);

/**
 * `proposals` are the run's last; `proposalsAfter`, per case, those that stood once its wave was read and proposed
 * on. A case's first step is read there: a finding later cases share (one file, one resolver) is redrafted on
 * their machines, but this case's machine got the proposal as it was then. A proposal made after its wave, or a
 * case without that record, is read in `proposals`.
 */
export function score(
  placed: PlacedCase[],
  findings: SeenFinding[],
  proposals: SeenProposal[],
  proposalsAfter = new Map<string, SeenProposal[]>(),
): Score {
  const caseAt = (us: bigint) => placed.find((p) => us >= p.startUs && us < p.endUs)?.corpusCase;
  const findingsOf = new Map<string, SeenFinding[]>();
  const unplaced: SeenFinding[] = [];
  for (const finding of findings) {
    const ids = new Set(finding.evidenceUs.map((us) => caseAt(us)?.id).filter((id) => id !== undefined));
    if (ids.size === 0) unplaced.push(finding);
    for (const id of ids) findingsOf.set(id, [...(findingsOf.get(id) ?? []), finding]);
  }
  const proposalsOf = (finding: SeenFinding, caseId: string) => {
    const then = (proposalsAfter.get(caseId) ?? []).filter((p) => p.findingId === finding.id);
    return then.length > 0 ? then : proposals.filter((p) => p.findingId === finding.id);
  };

  const outcomes = placed.map(({ corpusCase }): CaseOutcome => {
    const raised = findingsOf.get(corpusCase.id) ?? [];
    const offered = raised
      .flatMap((finding) => proposalsOf(finding, corpusCase.id))
      .filter((p) => p.actions.length > 0)
      .sort((a, b) => (a.createdUs < b.createdUs ? -1 : a.createdUs > b.createdUs ? 1 : 0));
    // A proposal withdrawn ('resolved') for another of the case's findings, one problem that says more (the
    // coredump's record over the kernel's line), is not what the person is offered; where all were, the first was.
    const first = offered.find((p) => p.state !== WITHDRAWN) ?? offered[0];
    return {
      id: corpusCase.id,
      cause: systemErrorOf(corpusCase.lines.map((line) => line.message))?.errno.code ?? null,
      expected: corpusCase.expect.class,
      kinds: raised.map((f) => f.kind),
      firstStep: first?.actions[0] ?? null,
      expectedFirstStep: corpusCase.expect.firstStep,
    };
  });

  const classScore = (ofClass: CaseOutcome[], kinds: readonly string[], raisedFor: CaseOutcome[]): ClassScore => {
    const counted = raisedFor.flatMap((o) => o.kinds.filter((k) => kinds.includes(k)).map(() => o));
    // A finding of these kinds is right for a case of any class that counts the very same kinds (crash and
    // app-crash: a crash's finding cannot say which of the two it was).
    const alike = (o: CaseOutcome) => o.expected !== null && kindsOf(o.expected) === kinds;
    return {
      cases: ofClass.length,
      recall: share(ofClass.filter((o) => o.kinds.some((k) => kinds.includes(k))).length, ofClass.length),
      precision: share(counted.filter(alike).length, counted.length),
      firstStep: share(ofClass.filter((o) => o.firstStep === o.expectedFirstStep).length, ofClass.length),
    };
  };

  const classes: Partial<Record<CorpusClass, ClassScore>> = {};
  for (const name of CLASSES) {
    const ofClass = outcomes.filter((o) => o.expected === name);
    if (ofClass.length > 0) classes[name] = classScore(ofClass, CLASS_KINDS[name], outcomes);
  }
  const problems = outcomes.filter((o) => o.expected !== null);
  const hits = (o: CaseOutcome) => o.expected !== null && o.kinds.some((k) => kindsOf(o.expected!).includes(k));
  const causes: Record<string, ClassScore> = {};
  for (const cause of new Set(problems.map((o) => o.cause).filter((c) => c !== null))) {
    const ofCause = problems.filter((o) => o.cause === cause);
    causes[cause] = {
      cases: ofCause.length,
      recall: share(ofCause.filter(hits).length, ofCause.length),
      // Precision is a class's: a finding has a kind, not a cause.
      precision: null,
      firstStep: share(ofCause.filter((o) => o.firstStep === o.expectedFirstStep).length, ofCause.length),
    };
  }
  const allKinds = new Set(CLASSES.flatMap((c) => kindsOf(c)));
  const counted = outcomes.flatMap((o) => o.kinds.filter((k) => allKinds.has(k)).map((k) => ({ o, k })));
  const benign = outcomes.filter((o) => o.expected === null);
  return {
    classes,
    causes,
    total: {
      cases: problems.length,
      recall: share(problems.filter(hits).length, problems.length),
      precision: share(
        counted.filter(({ o, k }) => o.expected !== null && kindsOf(o.expected).includes(k)).length,
        counted.length,
      ),
      firstStep: share(problems.filter((o) => o.firstStep === o.expectedFirstStep).length, problems.length),
    },
    benign: { cases: benign.length, raised: share(benign.filter((o) => o.kinds.length > 0).length, benign.length) },
    outcomes,
    unplaced,
  };
}

const kindsOf = (name: CorpusClass): readonly string[] => CLASS_KINDS[name];
