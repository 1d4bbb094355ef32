// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One problem, one proposal (issue 61). A full file system and the unit that could not write to it, a configuration
// error and the unit that refused it, an fstab line and the mount made from it are one problem the person has, seen
// twice: one of them has a proposal, and a finding that shares its subject, a file, a mount or a unit with one whose
// proposal waits gets none of its own, however far apart in the day they come (through the unit that wrote a line,
// only in one run of it); the one that says more of why keeps the proposal (the configuration error over the unit
// that refused it), of two alike the first. Whether two findings
// share a place is read from what Steward already holds: their subjects, the files their evidence names, the units
// their lines came from (journald's trusted fields, findings/pipeline.ts), and for a unit the files systemd made it
// from (its unit file, its fstab line, where it mounts, its environment files).
import { writerName } from '../findings/attribution.js';
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
  /** Its kind; with `where` and `lines`, what ties one unit's same error said with and without where (oneRun). */
  kind?: string;
  /** Whether it names where: its subject a file or mount, or a file its evidence names (not its unit's files). */
  where?: boolean;
  /** The units that wrote its lines (journald's trusted fields), and when each line was written (ms). */
  lines?: { unit: string; at: number }[];
  /**
   * Whether a manager or the kernel vouches for its lines: their unit is then the one a line is about (systemd's
   * "gym-reader.service: …" about a drop-in), not only the program that wrote it.
   */
  vouched?: boolean;
  /**
   * Whether its lines are their writer's word about its own work: the subject is the program that wrote them or a
   * place their own words name. Not a reporter's about another program (systemd-coredump's record of a crash, the
   * manager's of a unit, dpkg's of a package): its unit wrote about many.
   */
  ownWord?: boolean;
  /**
   * For a unit, the programs it runs: those of its own that wrote its lines in its latest run (journald's _COMM) and
   * those its ExecStart= names (systemd's record, known before any line).
   */
  programs?: string[];
  /** When its latest evidence was seen (ms): a unit's run and a finding about its program are one only then. */
  at?: number;
}

/**
 * How far apart one unit's two lines of one error may be to be one run of it: a unit that said where it could not
 * write and, in the same run, the same error without where (a program's "error writing 'standard output'").
 */
const ONE_RUN_MS = 10 * 60_000;

const isPath = (place: string) => place.startsWith('/') && place !== '/';

/** Whether `a` and `b` are one place: the same, or a file below a folder or mount that the other is. */
function samePlace(a: string, b: string): boolean {
  return a === b || (isPath(a) && isPath(b) && (a.startsWith(`${b}/`) || b.startsWith(`${a}/`)));
}

/** The files and mounts a finding names, its subject among them. */
const paths = (places: Places) => [places.subject, ...places.others].filter(isPath);

/** Whether two findings name one file or mount (a file below a folder or mount the other names counts). */
function shareAPath(a: Places, b: Places): boolean {
  return paths(a).some((place) => paths(b).some((other) => samePlace(place, other)));
}

/**
 * Whether two findings are one problem: one subject, or the subject of one among the places the other names, or a
 * file or mount both name, or one unit's same error said with where and, in the same run, without (oneRun). Two
 * lines from one daemon are not enough (sshd's refused login and its refused setting).
 */
export function sameProblem(a: Places, b: Places): boolean {
  return (
    (a.subject !== '' && a.subject === b.subject) ||
    names(b, a) ||
    names(a, b) ||
    shareAPath(a, b) ||
    oneRun(a, b) ||
    ranBy(a, b) ||
    ranBy(b, a)
  );
}

/**
 * Whether unit `unit` runs the program `program` is about, as someone vouches for that finding, in one run
 * (ONE_RUN_MS): dpkg killed in gym-install.service and dpkg's interrupted run, read from dpkg's own database. Not a
 * program's own line about its run in another unit (java's "No space left on device" in one unit says nothing of the
 * next unit that runs java), nor a crash of nginx's yesterday and today's nginx-rtmp.service.
 */
function ranBy(unit: Places, program: Places): boolean {
  if (program.vouched !== true || program.subject === '' || !(unit.programs ?? []).includes(program.subject))
    return false;
  return unit.at === undefined || program.at === undefined || Math.abs(unit.at - program.at) <= ONE_RUN_MS;
}

/**
 * Whether `places` names `about`'s subject: a file or mount, a unit its vouched lines are about, or the unit that
 * wrote its lines. A program's own lines tie it to a finding about the unit that wrote them only in one run
 * (ONE_RUN_MS) of both's lines: pipewire.service's own failure and a device's error it logged an hour before are two
 * (where either has no lines, nothing tells the runs apart, and it holds as before).
 */
function names(places: Places, about: Places): boolean {
  const { subject } = about;
  if (subject === '' || subject === '/' || !places.others.some((place) => samePlace(place, subject))) return false;
  if (isPath(subject) || places.vouched) return true;
  const written = (places.lines ?? []).filter((line) => line.unit === subject);
  const its = about.lines ?? [];
  if (written.length === 0 || its.length === 0) return true;
  return written.some((line) => its.some((other) => Math.abs(other.at - line.at) <= ONE_RUN_MS));
}

/**
 * Whether a finding that a waiting proposal already stands for besides its own ties `a` to that proposal: only
 * through what the two findings' own lines name, a file or mount both name or one unit's same error in one run
 * (oneRun), or `a` is about the unit whose run wrote the covered finding's lines (the upgrade unit whose dpkg left a
 * package half-configured); never through a unit or program the covered finding is about. A proposal that stands
 * for a finding about a daemon (pipewire.service's own sound error, resolved's failure) would otherwise stand for
 * every later line that daemon writes about anything (every device, every lookup): one problem for a whole day of
 * unrelated ones (the corpus's sound cases lost their own first step so to the first such case's proposal; its DNS
 * and extension cases fell too).
 */
export function tiedThrough(a: Places, covered: Places): boolean {
  return shareAPath(a, covered) || oneRun(a, covered) || names(covered, a);
}

/**
 * Whether two findings of one kind are one unit's same error in one run, said with where in one and without in the
 * other: "head: error writing 'standard output': No space left on device" beside the same unit's "write
 * /srv/spool/capture: No space left on device". The unit is the one that wrote both lines (journald's trusted
 * fields), within ONE_RUN_MS. Two that each name where (two mounts) stay apart, and so do two that name none: a
 * daemon's lines about two things (two DNS servers, two sound devices, two extensions) name nothing that makes them
 * one. Both must be the unit's word about its own work (ownWord): a reporter's unit writes about other programs, and
 * two crashes systemd-coredump recorded, one with the program's file and one without, are two programs' crashes.
 */
function oneRun(a: Places, b: Places): boolean {
  if (a.kind === undefined || a.kind !== b.kind || a.where === b.where) return false;
  if (!a.ownWord || !b.ownWord) return false;
  return (a.lines ?? []).some((line) =>
    (b.lines ?? []).some((other) => other.unit === line.unit && Math.abs(other.at - line.at) <= ONE_RUN_MS),
  );
}

/** What decides which of two findings of one problem keeps the proposal. */
export type Ranked = Pick<Finding, 'kind' | 'subject'> & { evidence?: readonly { path?: string }[] };

/** Whether a finding names where: its subject a file or mount, or a file its evidence names. */
const namesWhere = (finding: Ranked) =>
  isPath(finding.subject) || (finding.evidence ?? []).some((evidence) => evidence.path !== undefined);

/**
 * Whether `finding`'s lines are their writer's word about its own work, by the writer journald named (the finding's
 * reportedBy, from its trusted _COMM): a program's own line (no voucher: the kernel, the managers and systemd's
 * daemons write about others) whose subject is that program, or a place its lines name (the file it could not write).
 */
function ownWord(finding: FindingWithEvidence): boolean {
  if (finding.vouchedBy !== null) return false;
  const { subject } = finding;
  if (isPath(subject) && finding.evidence.some((e) => e.path !== undefined && samePlace(e.path, subject))) return true;
  const writer = writerName(finding.reportedBy);
  return writer !== '' && subject.slice(subject.lastIndexOf('/') + 1) === writer;
}

/**
 * The places a finding's own record names, the unit files `unitFiles` gives for its subject and, for a unit, the
 * programs `unitPrograms` its ExecStart= runs.
 */
export function placesOf(
  finding: FindingWithEvidence,
  unitFiles: readonly string[] = [],
  unitPrograms: readonly string[] = [],
): Places {
  const others = new Set<string>(unitFiles);
  const lines: NonNullable<Places['lines']> = [];
  // The units that wrote its lines tie it only in its latest run: a finding come again an hour later is tied by
  // what it says now, not by who wrote its first lines.
  const newest = Math.max(...finding.evidence.filter((e) => e.unit).map((e) => e.at.getTime()));
  const latest = Math.max(...finding.evidence.map((e) => e.at.getTime()));
  const latestRun = latest - ONE_RUN_MS;
  const aboutAUnit = isActionableUnit(finding.subject);
  const programs = new Set<string>(aboutAUnit ? unitPrograms : []);
  for (const evidence of finding.evidence) {
    // A unit's own program that wrote its lines in the run it failed.
    const ownProgram = aboutAUnit && (evidence.unit ?? finding.subject) === finding.subject;
    if (evidence.writer && ownProgram && evidence.at.getTime() >= latestRun) programs.add(evidence.writer);
    if (evidence.path) others.add(evidence.path);
    if (evidence.path && evidence.line) others.add(`${evidence.path}:${evidence.line}`);
    if (evidence.unit && newest - evidence.at.getTime() <= ONE_RUN_MS) {
      others.add(evidence.unit);
      lines.push({ unit: evidence.unit, at: evidence.at.getTime() });
    }
  }
  others.delete(finding.subject);
  others.delete('/');
  return {
    subject: finding.subject,
    others: [...others],
    kind: finding.kind,
    where: namesWhere(finding),
    lines,
    vouched: finding.vouchedBy !== null,
    ownWord: ownWord(finding),
    programs: [...programs],
    ...(Number.isFinite(latest) ? { at: latest } : {}),
  };
}

/**
 * A failed unit, and a sign-in that failed or a session that ended at once, are what a person sees first; these say
 * more of why, about the unit or program itself (the shell that crashed and took the session with it).
 */
const WHAT_IS_SEEN = new Set(['unit-failed', 'sign-in-failure']);
const ABOUT_THE_UNIT = new Set(['crash-loop', 'crash', 'coredump', 'oom-kill', 'config-changed-before-failure']);

/**
 * How much a finding's kind says of why: a failed unit or sign-in least, then what went wrong with the unit itself
 * (it keeps crashing, the kernel killed it), then a cause named in its own terms (a file's line, a full mount, a DNS
 * server).
 * By kind, not by the steps a playbook found: a cause whose playbook can only show its lines still names more than
 * the failure (tried: letting the unit's record stand over such a cause lowered the sealed corpus's right first step).
 */
function specificity(kind: string): number {
  if (WHAT_IS_SEEN.has(kind)) return 0;
  return ABOUT_THE_UNIT.has(kind) ? 1 : 2;
}

/**
 * Whether `finding` takes the proposal of `other` when they are one problem: the one that says more of why stands
 * ("Fix line 2 of /etc/x.conf" rather than "x.service keeps failing"); of two of one kind, the one that names where
 * (a mount or a file: "No space left on /srv/spool", the package dpkg's database holds unfinished) over one that
 * names none ("head ran out of disk space", dpkg's "Errors were encountered while processing"); of one crash,
 * systemd-coredump's record (the core kept, its stack) over the kernel's line (where it faulted, said first); of two
 * that say as much, the first.
 */
export function takesOver(finding: Ranked, other: Ranked): boolean {
  const [mine, theirs] = [specificity(finding.kind), specificity(other.kind)];
  if (mine !== theirs) return mine > theirs;
  if (finding.kind === 'coredump' && other.kind === 'crash') return true;
  return finding.kind === other.kind && namesWhere(finding) && !namesWhere(other);
}

export interface OneProblemOptions {
  store: FixesStore;
  findings: FindingsStore;
  /** Where the unit a finding is about is asked for the files systemd made it from. */
  context: ActionContext;
}

/** What systemd's record of a unit names: the files it was made from, and the programs its ExecStart= runs. */
interface UnitPlaces {
  files: string[];
  programs: string[];
}

const NO_UNIT: UnitPlaces = { files: [], programs: [] };

/**
 * The files systemd made the unit `subject` from, as it knows them now: its unit file, what a mount mounts on and the
 * fstab line it came from ("/etc/fstab:2": not the whole fstab, which every such mount shares), its environment
 * files; the units a socket, timer or path starts (Triggers), whose failure is its own ("service-start-limit-hit"
 * of a socket whose service keeps failing); and apart, the programs its ExecStart= runs, known before its lines come
 * (dpkg, killed in gym-install.service); nothing for what is no unit a manager knows.
 */
async function unitPlaces(context: ActionContext, subject: string): Promise<UnitPlaces> {
  if (!isActionableUnit(subject)) return NO_UNIT;
  for (const scope of ['system', 'user'] as const) {
    // A manager that cannot be asked (no system bus yet) knows nothing here.
    const record = await Promise.resolve()
      .then(() => new UnitManager(context, scope).record(subject))
      .catch(() => null);
    if (!record) continue;
    const { mount } = record;
    const files = [
      record.fragmentPath,
      ...(mount ? [mount.where, ...(mount.fstab ? [`${mount.fstab.path}:${mount.fstab.line}`] : [])] : []),
      ...(record.environmentFiles ?? []).map((file) => file.path),
      ...record.requirements.filter((unit) => unit.triggered).map((unit) => unit.unit),
    ].filter((path) => path !== '' && path !== '/dev/null');
    const programs = (record.execStart ?? []).map(({ program }) => program.slice(program.lastIndexOf('/') + 1));
    return { files, programs };
  }
  return NO_UNIT;
}

/** The places of a finding, the same text however its evidence lists them, and whether someone vouches for it. */
const placesKey = ({ subject, others, programs = [], vouched }: Places) =>
  JSON.stringify([subject, vouched === true, ...[...others].sort(), ...[...programs].sort()]);

/** Proposal states that wait for the person. */
const WAITING = ['open', 'not-fixed', 'applying'] as const;
/**
 * Unit files remembered per unit: looked up once per finding that names the unit, not per comparison. Every new
 * finding is compared with each waiting proposal's, so fewer than a day's waiting proposals would ask systemd again
 * for each of them (the corpus's 775 units: a wave took 8 s at its 500th, not 0.3 s).
 */
const MAX_UNITS_REMEMBERED = 4096;

/** A finding of a waiting proposal's problem: its own, or one it stands for besides. */
interface Member {
  places: Places;
  own: boolean;
}

export class OneProblem {
  readonly #options: OneProblemOptions;
  readonly #unitFiles = new Map<string, Promise<UnitPlaces>>();
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
      files = unitPlaces(this.#options.context, finding.subject).catch(() => NO_UNIT);
      this.#unitFiles.set(finding.subject, files);
      for (const oldest of this.#unitFiles.keys()) {
        if (this.#unitFiles.size <= MAX_UNITS_REMEMBERED) break;
        this.#unitFiles.delete(oldest);
      }
    }
    const unit = await files;
    return placesOf(finding, unit.files, unit.programs);
  }

  /**
   * The places of the problem waiting proposal `proposal` stands for: its finding's (`own`), and those of the findings
   * it stands for besides. Its finding may have resolved for a moment (a service that restarts is not failed between
   * its starts): while its proposal still waits out the grace, it is the one on offer.
   */
  async #problemOf(proposal: Proposal, without?: number): Promise<Member[]> {
    const { findings } = this.#options;
    const ids = [proposal.findingId, ...(this.#covered.get(proposal.id) ?? [])];
    const members: Member[] = [];
    for (const [index, id] of ids.entries()) {
      const finding = id === null || id === without ? undefined : findings.get(id);
      if (finding) members.push({ places: await this.placesOf(finding), own: index === 0 });
    }
    return members;
  }

  /** The waiting proposals, and forgets what those that no longer wait (applied, dismissed) stood for. */
  #waiting(): Proposal[] {
    const waiting = this.#options.store.proposals(WAITING);
    for (const id of this.#covered.keys())
      if (!waiting.some((proposal) => proposal.id === id)) this.#covered.delete(id);
    return waiting;
  }

  /**
   * The waiting proposal, not `except`, whose problem is one with any of `members`: two proposals' own findings by
   * sameProblem, and through a finding one stands for besides only by tiedThrough (never a chain through a daemon).
   */
  async #standingFor(
    members: readonly Member[],
    except: (proposal: Proposal) => boolean,
  ): Promise<{ proposal: Proposal; finding: FindingWithEvidence } | null> {
    const one = (a: Member, b: Member) =>
      a.own && b.own ? sameProblem(a.places, b.places) : tiedThrough(a.places, b.places);
    for (const proposal of this.#waiting()) {
      if (proposal.findingId === null || except(proposal)) continue;
      const finding = this.#options.findings.get(proposal.findingId);
      if (!finding) continue;
      const problem = await this.#problemOf(proposal);
      if (members.some((mine) => problem.some((theirs) => one(mine, theirs)))) return { proposal, finding };
    }
    return null;
  }

  /** The waiting proposal of another finding whose problem `finding` is part of, with that proposal's finding. */
  async sameProblem(
    finding: FindingWithEvidence,
  ): Promise<{ proposal: Proposal; finding: FindingWithEvidence } | null> {
    const mine = await this.placesOf(finding);
    this.#compared.delete(finding.id);
    this.#compared.set(finding.id, placesKey(mine));
    for (const oldest of this.#compared.keys()) {
      if (this.#compared.size <= MAX_UNITS_REMEMBERED) break;
      this.#compared.delete(oldest);
    }
    return this.#standingFor([{ places: mine, own: true }], (proposal) => proposal.findingId === finding.id);
  }

  /**
   * Another waiting proposal whose problem is one with `proposal`'s: a finding it came to stand for, or its own come
   * again, named what ties the two (the unit that failed of both a full disk and its program's line).
   */
  async otherProblem(proposal: Proposal): Promise<{ proposal: Proposal; finding: FindingWithEvidence } | null> {
    const mine = await this.#problemOf(proposal);
    return this.#standingFor(mine, (other) => other.id === proposal.id);
  }

  /** The waiting proposal that stands for finding `findingId` besides its own, if one does. */
  coveredBy(findingId: number): number | null {
    this.#waiting();
    for (const [proposal, covered] of this.#covered) if (covered.has(findingId)) return proposal;
    return null;
  }

  /**
   * Whether `finding` names a place it did not when it was last compared with the waiting proposals: a repeat with
   * another unit's line (two programs whose lookups fail on one resolver) may make it one problem with another.
   */
  async namesNewPlaces(finding: FindingWithEvidence): Promise<boolean> {
    return this.#compared.get(finding.id) !== placesKey(await this.placesOf(finding));
  }

  /**
   * Whether waiting proposal `proposal` still stands for `finding`, which came again: its latest run is one problem
   * with the proposal's own finding (sameProblem) or tied to another it stands for (tiedThrough).
   */
  async stillCovers(proposal: Proposal, finding: FindingWithEvidence): Promise<boolean> {
    const mine = await this.placesOf(finding);
    const problem = await this.#problemOf(proposal, finding.id);
    return problem.some((theirs) => (theirs.own ? sameProblem(mine, theirs.places) : tiedThrough(mine, theirs.places)));
  }

  /** Proposal `proposalId` no longer stands for finding `findingId`: it came again as a problem of its own. */
  uncover(proposalId: number, findingId: number): void {
    this.#covered.get(proposalId)?.delete(findingId);
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
