// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One problem, one proposal (issue 61). A full file system and the unit that could not write to it, a configuration
// error and the unit that refused it, an fstab line and the mount made from it are one problem the person has, seen
// twice: one of them has a proposal, and a finding that shares its subject, a file, a mount or a unit with one whose
// proposal waits gets none of its own, however far apart in the day they come; the one that says more of why keeps
// the proposal (the configuration error over the unit that refused it), of two alike the first. Whether two findings
// share a place is read from what Steward already holds: their subjects, the files their evidence names, the units
// their lines came from (journald's trusted fields, findings/pipeline.ts), and for a unit the files systemd made it
// from (its unit file, its fstab line, where it mounts, its environment files).
import type { Finding, FindingsStore, FindingWithEvidence } from '../findings/store.js';
import type { ActionContext } from './action.js';
import { UnitManager } from './actions/systemdUnits.js';
import { isActionableUnit } from './playbookSteps.js';
import type { FixesStore, Proposal } from './store.js';

/** What a finding is about: its subject, and the other places it names. */
export interface Places {
  subject: string;
  /** Files and mounts its evidence names ("/etc/fstab", "/etc/fstab:2"), units its lines came from, a unit's files. */
  others: string[];
}

const isPath = (place: string) => place.startsWith('/') && place !== '/';

/** Whether `a` and `b` are one place: the same, or a file below a folder or mount that the other is. */
function samePlace(a: string, b: string): boolean {
  return a === b || (isPath(a) && isPath(b) && (a.startsWith(`${b}/`) || b.startsWith(`${a}/`)));
}

/**
 * Whether two findings are one problem: one subject, or the subject of one among the places the other names, or a
 * file or mount both name. Two lines from one daemon are not enough (sshd's refused login and its refused setting).
 */
export function sameProblem(a: Places, b: Places): boolean {
  const named = (subject: string, places: readonly string[]) =>
    subject !== '' && subject !== '/' && places.some((place) => samePlace(place, subject));
  const paths = (places: Places) => [places.subject, ...places.others].filter(isPath);
  return (
    (a.subject !== '' && a.subject === b.subject) ||
    named(a.subject, b.others) ||
    named(b.subject, a.others) ||
    paths(a).some((place) => paths(b).some((other) => samePlace(place, other)))
  );
}

/** The places a finding's own record names, and the unit files `unitFiles` gives for its subject. */
export function placesOf(finding: FindingWithEvidence, unitFiles: readonly string[] = []): Places {
  const others = new Set<string>(unitFiles);
  for (const evidence of finding.evidence) {
    if (evidence.path) others.add(evidence.path);
    if (evidence.path && evidence.line) others.add(`${evidence.path}:${evidence.line}`);
    if (evidence.unit) others.add(evidence.unit);
  }
  others.delete(finding.subject);
  others.delete('/');
  return { subject: finding.subject, others: [...others] };
}

/** A failed unit is what a person sees first; these say more of why, about the unit itself. */
const ABOUT_THE_UNIT = new Set(['crash-loop', 'crash', 'coredump', 'oom-kill', 'config-changed-before-failure']);

/**
 * How much a finding's kind says of why: a failed unit least, then what went wrong with the unit itself (it keeps
 * crashing, the kernel killed it), then a cause named in its own terms (a file's line, a full mount, a DNS server).
 * By kind, not by the steps a playbook found: a cause whose playbook can only show its lines still names more than
 * the failure (tried: letting the unit's record stand over such a cause lowered the sealed corpus's right first step).
 */
function specificity(kind: string): number {
  if (kind === 'unit-failed') return 0;
  return ABOUT_THE_UNIT.has(kind) ? 1 : 2;
}

/**
 * Whether a finding of kind `kind` takes the proposal of a finding of kind `other` when they are one problem: the one
 * that says more of why stands ("Fix line 2 of /etc/x.conf" rather than "x.service keeps failing"); of two that say
 * as much, the first.
 */
export function takesOver(kind: string, other: string): boolean {
  return specificity(kind) > specificity(other);
}

export interface OneProblemOptions {
  store: FixesStore;
  findings: FindingsStore;
  /** Where the unit a finding is about is asked for the files systemd made it from. */
  context: ActionContext;
}

/**
 * The files systemd made the unit `subject` from, as it knows them now: its unit file, what a mount mounts on and the
 * fstab line it came from ("/etc/fstab:2": not the whole fstab, which every such mount shares), its environment
 * files; and the units a socket, timer or path starts (Triggers), whose failure is its own ("service-start-limit-hit"
 * of a socket whose service keeps failing); [] for what is no unit a manager knows.
 */
async function unitPlaces(context: ActionContext, subject: string): Promise<string[]> {
  if (!isActionableUnit(subject)) return [];
  for (const scope of ['system', 'user'] as const) {
    // A manager that cannot be asked (no system bus yet) knows nothing here.
    const record = await Promise.resolve()
      .then(() => new UnitManager(context, scope).record(subject))
      .catch(() => null);
    if (!record) continue;
    const { mount } = record;
    return [
      record.fragmentPath,
      ...(mount ? [mount.where, ...(mount.fstab ? [`${mount.fstab.path}:${mount.fstab.line}`] : [])] : []),
      ...(record.environmentFiles ?? []).map((file) => file.path),
      ...record.requirements.filter((unit) => unit.triggered).map((unit) => unit.unit),
    ].filter((path) => path !== '' && path !== '/dev/null');
  }
  return [];
}

/** The places of a finding, the same text however its evidence lists them. */
const placesKey = ({ subject, others }: Places) => JSON.stringify([subject, ...[...others].sort()]);

/** Proposal states that wait for the person. */
const WAITING = ['open', 'not-fixed', 'applying'] as const;
/**
 * Unit files remembered per unit: looked up once per finding that names the unit, not per comparison. Every new
 * finding is compared with each waiting proposal's, so fewer than a day's waiting proposals would ask systemd again
 * for each of them (the corpus's 775 units: a wave took 8 s at its 500th, not 0.3 s).
 */
const MAX_UNITS_REMEMBERED = 4096;

export class OneProblem {
  readonly #options: OneProblemOptions;
  readonly #unitFiles = new Map<string, Promise<string[]>>();
  /** The findings each waiting proposal stands for besides its own, by proposal id. */
  readonly #covered = new Map<number, Set<number>>();
  /** The places each finding was last compared by, by finding id: a repeat that names none new is not compared again. */
  readonly #compared = new Map<number, string>();

  constructor(options: OneProblemOptions) {
    this.#options = options;
  }

  async placesOf(finding: FindingWithEvidence): Promise<Places> {
    let files = this.#unitFiles.get(finding.subject);
    if (!files) {
      files = unitPlaces(this.#options.context, finding.subject).catch(() => []);
      this.#unitFiles.set(finding.subject, files);
      for (const oldest of this.#unitFiles.keys()) {
        if (this.#unitFiles.size <= MAX_UNITS_REMEMBERED) break;
        this.#unitFiles.delete(oldest);
      }
    }
    return placesOf(finding, await files);
  }

  /**
   * The waiting proposal of another finding that is about the same problem as `finding`, with that finding. Its finding
   * may have resolved for a moment (a service that restarts is not failed between its starts): while its proposal
   * still waits out the grace, it is the one on offer.
   */
  async sameProblem(finding: FindingWithEvidence): Promise<{ proposal: Proposal; finding: Finding } | null> {
    const { store, findings } = this.#options;
    const mine = await this.placesOf(finding);
    this.#compared.delete(finding.id);
    this.#compared.set(finding.id, placesKey(mine));
    for (const oldest of this.#compared.keys()) {
      if (this.#compared.size <= MAX_UNITS_REMEMBERED) break;
      this.#compared.delete(oldest);
    }
    const waiting = store.proposals(WAITING);
    // What a proposal that no longer waits (applied, dismissed) stood for is no longer anyone's to release.
    for (const id of this.#covered.keys())
      if (!waiting.some((proposal) => proposal.id === id)) this.#covered.delete(id);
    for (const proposal of waiting) {
      if (proposal.findingId === null || proposal.findingId === finding.id) continue;
      const other = findings.get(proposal.findingId);
      if (other && sameProblem(mine, await this.placesOf(other))) return { proposal, finding: other };
    }
    return null;
  }

  /**
   * Whether `finding` names a place it did not when it was last compared with the waiting proposals: a repeat with
   * another unit's line (two programs whose lookups fail on one resolver) may make it one problem with another.
   */
  async namesNewPlaces(finding: FindingWithEvidence): Promise<boolean> {
    return this.#compared.get(finding.id) !== placesKey(await this.placesOf(finding));
  }

  /** Proposal `proposalId` stands for finding `findingId` too, until it is withdrawn. */
  cover(proposalId: number, findingId: number): void {
    this.#covered.set(proposalId, (this.#covered.get(proposalId) ?? new Set()).add(findingId));
  }

  /** The findings `proposalId` stood for besides its own, which it no longer does (it was withdrawn). */
  release(proposalId: number): number[] {
    const covered = this.#covered.get(proposalId);
    this.#covered.delete(proposalId);
    return [...(covered ?? [])];
  }
}
