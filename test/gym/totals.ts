// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The day's totals (issue 61): every finding Steward raised since it started, not only each row's own, held against
// the problems the scenarios injected; findings made of Steward's own lines; problems with two proposals waiting at
// once; proposals about a file or unit that no longer exists; and, after the scenarios, the idle tail: jobs Steward
// started by itself and its resident memory. The gym reads the truth from the booted system itself: which process
// wrote each line of a finding's evidence (journald's trusted fields, read with journalctl), which units and files
// exist. See README.md ("The day").
import { FINDINGS_INTERFACE, PROPOSALS_INTERFACE } from '../../service/src/dbus/interfaces.js';
import type { Agent, Signal } from './agentClient.js';
import type { GymSystem } from './system.js';

/** The signals of one scenario, from its preparation to its last barrier, and the problems its fault injects. */
export interface Window {
  scenario: string;
  /** Problems the fault injects: 1 for a scenario that expects a finding, 0 for a quiet one, unless it says. */
  problems: number;
  /** Signal indexes: [from, to). */
  from: number;
  to: number;
  /** The finding the row matched, whose problem is the injected one. */
  expected: { kind: string; subject: string } | null;
}

/** A finding as the gym sees it: where it was first raised, what it names, who wrote its lines. */
export interface DayFinding {
  id: string;
  kind: string;
  subject: string;
  /** The scenario it was first raised in, "before the scenarios" or "while idle". */
  raisedIn: string;
  /** The index of its first FindingAdded signal; -1 where it was raised before the gym listened. */
  raisedAt: number;
  /** Its evidence, one line each: the text, and for a journal line who wrote it. */
  evidence: string[];
  /** What else it names: the files its evidence names, the units whose lines it holds. */
  places: string[];
  /** Made of a line Steward (its unit steward.service, or its processes) wrote. */
  ownLine: boolean;
  /** Whether anyone but the program that wrote its line vouches for it (its vouched-by: systemd, Steward's reading). */
  vouched?: boolean;
  /** For a unit, the programs of its own that wrote its lines. */
  programs?: string[];
  /** When it was first and last seen, in ms since the epoch. */
  seen?: { first: number; last: number };
}

export interface Idle {
  seconds: number;
  /** Jobs created while idle: Steward's shown steps and auto rules (the gym applies nothing). */
  jobs: string[];
  /** Findings raised (or raised again) while idle. */
  findings: string[];
  /** Resident memory of the service's main process, in kB, at the start and end of the idle time, and its peak. */
  rssKb: { start: number; end: number; peak: number };
  /** Its resident memory read each minute of the idle time, in kB: how it grew, not only how much. */
  minutesKb: number[];
  /** The CPU time it used in each of those minutes, in seconds: when the work was done, not only how much. */
  minutesCpuSeconds: number[];
  /** The CPU time its main process used while idle, in seconds: a service that works while nothing happens. */
  cpuSeconds: number;
  /** The service's main process id at the start and the end (a restart shows as two). */
  pids: [number, number];
}

export interface Totals {
  findings: number;
  /** Findings that share a subject, file, mount or unit, grouped: what the person is told about. */
  problems: number;
  injected: number;
  /** Problems beyond those injected, each as its findings with their evidence. */
  extra: string[];
  /** Findings with a line of Steward's own in their evidence. */
  ownLines: string[];
  /** Problems with two proposals waiting for the person at once. */
  twoProposals: string[];
  /** Waiting proposals whose unit or file no longer exists. */
  gone: string[];
  /** Steward's journal lines that quote a result in MESSAGE, and its audit records with the result as a field. */
  audit: { quotedInMessage: number; structured: number };
  idle: Idle | null;
  /** What fails the day, one line each; empty when it passes. */
  failures: string[];
}

const SENTINEL = /^gym-sentinel-\d+\.service$/;
const STEWARD_UNIT = 'steward.service';
/** Units that hold many programs, or the managers themselves: sharing one says nothing about a problem. */
const SHARED_UNIT = /^(?:init\.scope|user@\d+\.service|user-\d+\.slice|session-\w+\.scope|.*\.slice)$/;
const UNIT = /\.(?:service|socket|timer|path|mount|automount|swap|target|device)$/;
/** The most items a List call answers. */
const PAGE = 500;
/** Resident memory may grow this much over the idle time. */
export const MAX_IDLE_GROWTH = 0.2;

type Dict = Record<string, unknown>;
/** A dictionary's value as text: strings and numbers as they are, anything else empty. */
const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** The fields of each journal entry at `cursors`, read as root (every journal, the user's too). */
async function journalEntries(system: GymSystem, cursors: string[]): Promise<Map<string, Dict>> {
  const entries = new Map<string, Dict>();
  const fields = '_SYSTEMD_UNIT,_SYSTEMD_USER_UNIT,UNIT,USER_UNIT,_PID,_UID,_COMM,SYSLOG_IDENTIFIER,MESSAGE_ID';
  const script = `for c in "$@"; do journalctl --no-pager -o json --output-fields=${fields} --cursor="$c" | head -n 1; done`;
  for (let start = 0; start < cursors.length; start += 200) {
    const batch = cursors.slice(start, start + 200);
    const { stdout } = await system.exec(['sh', '-c', script, 'sh', ...batch]);
    for (const line of stdout.split('\n').filter((text) => text.startsWith('{'))) {
      const entry = JSON.parse(line) as Dict;
      if (typeof entry.__CURSOR === 'string') entries.set(entry.__CURSOR, entry);
    }
  }
  return entries;
}

/** The unit a line is about: the one a service manager names, else the writer's own. */
function unitOfLine(entry: Dict): string | null {
  const field = (name: string) => (typeof entry[name] === 'string' ? entry[name] : undefined);
  const manager =
    field('_PID') === '1' || (field('_COMM') === 'systemd' && /^user@\d+\.service$/.test(field('_SYSTEMD_UNIT') ?? ''));
  const unit = manager
    ? (field('UNIT') ?? field('USER_UNIT'))
    : /^user@\d+\.service$/.test(field('_SYSTEMD_UNIT') ?? '')
      ? field('_SYSTEMD_USER_UNIT')
      : field('_SYSTEMD_UNIT');
  return unit && !SHARED_UNIT.test(unit) ? unit : null;
}

/**
 * The program that wrote a line of unit `subject`'s own (no manager's, no kernel's): a unit that failed while dpkg
 * ran in it is one problem with dpkg's interrupted run, as Steward read it from dpkg's database (ranBy).
 */
export function ownProgram(entry: Dict, subject: string): string[] {
  const manager = text(entry._PID) === '1' || text(entry._COMM) === 'systemd';
  const ownUnit = text(entry._SYSTEMD_USER_UNIT) || text(entry._SYSTEMD_UNIT);
  return !manager && ownUnit === subject && text(entry._COMM) !== '' ? [text(entry._COMM)] : [];
}

const isOwnLine = (entry: Dict) => entry._SYSTEMD_USER_UNIT === STEWARD_UNIT || entry._SYSTEMD_UNIT === STEWARD_UNIT;

/**
 * Steward's "unrecognised errors" of one daemon (systemd's lines about many units): it names the units as evidence,
 * not as one cause of theirs, and ties none of them to another into one problem. A cause that several units' lines
 * share (one resolver that fails two programs' lookups) does.
 */
const isDigest = (finding: DayFinding) =>
  finding.kind === 'unrecognised-errors' && finding.places.filter((place) => UNIT.test(place)).length > 1;

/** Whether two places name the same thing: equal, or one a file or folder below the other (a file on a mount). */
const samePlace = (a: string, b: string) =>
  a === b || (a.startsWith('/') && b.startsWith('/') && (a.startsWith(`${b}/`) || b.startsWith(`${a}/`)));

/** As the service counts one run of a unit (fixes/oneProblem.ts): ten minutes. */
const ONE_RUN_MS = 10 * 60_000;

/** Whether two findings were seen within one run of each other, where both say when. */
const withinOneRun = (a: DayFinding, b: DayFinding) =>
  !a.seen || !b.seen || (a.seen.first - ONE_RUN_MS <= b.seen.last && b.seen.first - ONE_RUN_MS <= a.seen.last);

/**
 * Whether two findings are one problem as issue 61 counts it: they share a subject, or one's subject is among the
 * places the other names (the unit whose lines it holds, the file or mount it names), or both name one file or mount.
 * Two findings whose lines came from one daemon are not one problem by that alone.
 */
function oneProblem(a: DayFinding, b: DayFinding): boolean {
  const paths = (finding: DayFinding) =>
    [finding.subject, ...finding.places].filter((p) => p.startsWith('/') && p !== '/');
  const names = (finding: DayFinding, subject: string) =>
    subject !== '' &&
    subject !== '/' &&
    !isDigest(finding) &&
    finding.places.some((place) => samePlace(place, subject));
  return (
    (a.subject !== '' && a.subject === b.subject) ||
    names(a, b.subject) ||
    names(b, a.subject) ||
    paths(a).some((place) => paths(b).some((other) => samePlace(place, other)))
  );
}

/**
 * The unit whose run a finding about a program is, where someone vouches for it: of the units that ran that program
 * in one run of it (its own lines, or systemd's record), the last to start before the finding was last seen. dpkg
 * left unfinished is gym-install.service's run, not gym-upgrade.service's, whose dpkg failed minutes before. Not a
 * program's own line about its run in another unit (java's full disk in one unit and the next unit that runs java).
 */
function ranBy(program: DayFinding, findings: readonly DayFinding[]): DayFinding | undefined {
  if (program.vouched !== true || program.subject === '') return undefined;
  const runs = findings.filter(
    (unit) => unit !== program && (unit.programs ?? []).includes(program.subject) && withinOneRun(unit, program),
  );
  const started = (unit: DayFinding) => unit.seen?.first ?? -Infinity;
  const before = runs.filter((unit) => !program.seen || started(unit) <= program.seen.last);
  return (before.length > 0 ? before : runs).reduce<DayFinding | undefined>(
    (last, unit) => (last === undefined || started(unit) > started(last) ? unit : last),
    undefined,
  );
}

/** Findings grouped by oneProblem and ranBy, transitively: the problems they make. */
export function problemsOf(findings: readonly DayFinding[]): DayFinding[][] {
  const parent = findings.map((_, index) => index);
  const root = (index: number): number => (parent[index] === index ? index : (parent[index] = root(parent[index]!)));
  const join = (i: number, j: number) => (parent[root(j)] = root(i));
  findings.forEach((finding, i) => {
    findings.forEach((other, j) => {
      if (j > i && oneProblem(finding, other)) join(i, j);
    });
    const unit = ranBy(finding, findings);
    if (unit) join(findings.indexOf(unit), i);
  });
  const groups = new Map<number, DayFinding[]>();
  findings.forEach((finding, index) => groups.set(root(index), [...(groups.get(root(index)) ?? []), finding]));
  return [...groups.values()];
}

/** The body's second item (a dictionary) or first, as the runner reads signals. */
const item = (signal: Signal) => (signal.body.length > 1 ? signal.body[1] : signal.body[0]) as Dict;

/** Each finding's first FindingAdded, by id. */
function firstRaised(signals: readonly Signal[]): Map<string, number> {
  const first = new Map<string, number>();
  signals.forEach((signal, index) => {
    if (signal.signal !== 'Findings.FindingAdded') return;
    const id = String(signal.body[0]);
    if (!first.has(id)) first.set(id, index);
  });
  return first;
}

/** Whose window holds signal `index`. */
function windowOf(index: number | undefined, windows: readonly Window[], idleFrom: number | null): string {
  if (index === undefined) return 'before the scenarios';
  if (idleFrom !== null && index >= idleFrom) return 'while idle';
  return windows.find((window) => index >= window.from && index < window.to)?.scenario ?? 'between the scenarios';
}

const TRIGGERING_UNIT = /\.(?:socket|timer|path)$/;

/**
 * The units a socket, timer or path unit starts (systemd's Triggers, the system's and the user's manager's): a socket
 * that fails because its service does is one problem with that service.
 */
async function triggeredBy(system: GymSystem, unit: string): Promise<string[]> {
  if (!TRIGGERING_UNIT.test(unit) || unit.includes('/')) return [];
  const triggers = async (user: boolean) =>
    (
      await system.exec(
        ['systemctl', ...(user ? ['--user'] : []), 'show', '--property=Triggers', '--value', unit],
        user ? 'user' : 'root',
      )
    ).stdout
      .split(/\s+/)
      .filter(Boolean);
  return [...(await triggers(false)), ...(await triggers(true))];
}

/** Every finding since Steward started, but the gym's sentinels, as the gym sees them. */
async function dayFindings(
  agent: Agent,
  system: GymSystem,
  windows: readonly Window[],
  idleFrom: number | null,
): Promise<DayFinding[]> {
  const listed: Dict[] = [];
  for (;;) {
    const filter = {
      state: { $v: 's', value: 'all' },
      limit: { $v: 'u', value: PAGE },
      offset: { $v: 'u', value: listed.length },
    };
    const [page] = (await agent.call(FINDINGS_INTERFACE, 'List', 'a{sv}', [filter])) as [Dict[]];
    listed.push(...page);
    if (page.length < PAGE) break;
  }
  const findings = listed.filter((finding) => !SENTINEL.test(text(finding.subject)));
  const full = await Promise.all(
    findings.map(
      async (finding) =>
        ((await agent.call(FINDINGS_INTERFACE, 'Get', 's', [String(finding.id)])) as [Dict])[0] as Dict & {
          evidence?: { kind: string; text: string; cursor?: string; path?: string }[];
        },
    ),
  );
  const cursors = full.flatMap((finding) => (finding.evidence ?? []).flatMap((e) => (e.cursor ? [e.cursor] : [])));
  const entries = await journalEntries(system, [...new Set(cursors)]);
  const first = firstRaised(agent.signals);
  const triggered = new Map(
    await Promise.all(
      full.map(async (finding) => [finding.id, await triggeredBy(system, String(finding.subject))] as const),
    ),
  );
  return full.map((finding) => {
    const evidence = finding.evidence ?? [];
    const lines = evidence.map((e) => (e.cursor ? entries.get(e.cursor) : undefined));
    const units = lines.flatMap((entry) => (entry ? [unitOfLine(entry)] : [])).filter((u): u is string => !!u);
    const subject = String(finding.subject);
    const places = [
      ...evidence.flatMap((e) => (e.path ? [e.path] : [])),
      ...units,
      ...(triggered.get(finding.id) ?? []),
    ].filter((place) => place !== '' && place !== '/' && place !== subject);
    return {
      id: String(finding.id),
      kind: String(finding.kind),
      subject,
      raisedIn: windowOf(first.get(String(finding.id)), windows, idleFrom),
      raisedAt: first.get(String(finding.id)) ?? -1,
      evidence: evidence.map((e, index) => {
        const entry = lines[index];
        const where = entry && (unitOfLine(entry) ?? (text(entry._SYSTEMD_USER_UNIT) || text(entry._SYSTEMD_UNIT)));
        const writer = entry ? ` (${[text(entry._COMM) || '?', where].filter(Boolean).join(', ')})` : '';
        return `${e.text.slice(0, 200)}${writer}`;
      }),
      places: [...new Set(places)],
      ownLine: lines.some((entry) => entry !== undefined && isOwnLine(entry)),
      vouched: text(finding['vouched-by']) !== '',
      programs: [...new Set(lines.flatMap((entry) => (entry ? ownProgram(entry, subject) : [])))],
      ...seenOf(finding),
    };
  });
}

/** When a finding was first and last seen, as the API says (microseconds since the epoch). */
function seenOf(finding: Dict): Pick<DayFinding, 'seen'> {
  const [first, last] = [Number(finding['first-seen']) / 1000, Number(finding['last-seen']) / 1000];
  return Number.isFinite(first) && Number.isFinite(last) ? { seen: { first, last } } : {};
}

/** The finding of `problem` raised first. */
const earliest = (problem: DayFinding[]) =>
  problem.reduce((first, finding) => (finding.raisedAt < first.raisedAt ? finding : first));

/**
 * The problems beyond those the windows injected. Each window's own problem is the one that holds its row's finding,
 * wherever it was first raised (a unit an earlier scenario's forged lines named); the others count against the
 * window they were first raised in, and each window allows as many as it injected.
 */
export function extraProblems(problems: DayFinding[][], windows: readonly Window[]): DayFinding[][] {
  const left = new Map(windows.map((window) => [window.scenario, window.problems]));
  const accounted = new Set<DayFinding[]>();
  for (const window of windows) {
    const expected = window.expected;
    if (!expected || (left.get(window.scenario) ?? 0) === 0) continue;
    const own = problems.find((problem) =>
      problem.some((f) => f.kind === expected.kind && f.subject === expected.subject),
    );
    if (!own || accounted.has(own)) continue;
    accounted.add(own);
    left.set(window.scenario, (left.get(window.scenario) ?? 0) - 1);
  }
  const extra: DayFinding[][] = [];
  for (const problem of problems.filter((candidate) => !accounted.has(candidate))) {
    // A problem is raised where its first finding was; a finding raised again later is the same problem.
    const where = earliest(problem).raisedIn;
    const allowed = left.get(where) ?? 0;
    if (allowed > 0) left.set(where, allowed - 1);
    else extra.push(problem);
  }
  return extra;
}

/**
 * Problems that had two proposals waiting for the person at the same moment: from the signals, each proposal waits
 * from its ProposalAdded until it is removed or its state leaves open and not-fixed. Two proposals are one problem
 * at that moment only through findings active then, as vouched for then: a package's half-configured run (dpkg's
 * status file) ties the upgrade unit that ran it, and the next package left half-configured hours later, after the
 * first was purged, ties neither; apt's word that dpkg was interrupted ties no unit that ran dpkg until Steward's
 * reading of dpkg's database vouches for it.
 */
export function twoProposalsAtOnce(signals: readonly Signal[], problems: DayFinding[][]): string[] {
  const problemOf = new Map<string, number>();
  problems.forEach((problem, index) => problem.forEach((finding) => problemOf.set(finding.id, index)));
  const active = new Set<string>();
  /** The findings someone vouched for by then: a program's word first, Steward's reading a moment later. */
  const vouched = new Set<string>();
  const oneNow = (problem: DayFinding[], findingIds: string[]) => {
    const now = problem
      .filter((finding) => active.has(finding.id) || findingIds.includes(finding.id))
      .map((finding) => ({ ...finding, vouched: vouched.has(finding.id) }));
    return problemsOf(now).some((group) => findingIds.every((id) => group.some((finding) => finding.id === id)));
  };
  /** The proposals waiting now, by problem: proposal id → finding id. */
  const waiting = new Map<number, Map<string, string>>();
  const found: string[] = [];
  const findingOfProposal = new Map<string, string>();
  for (const signal of signals) {
    const id = String(signal.body[0]);
    if (signal.signal === 'Findings.FindingAdded' || signal.signal === 'Findings.FindingUpdated') {
      if (signal.signal === 'Findings.FindingAdded') active.add(id);
      if (text(item(signal)['vouched-by']) !== '') vouched.add(id);
    } else if (signal.signal === 'Findings.FindingResolved') active.delete(id);
    else if (signal.signal === 'Proposals.ProposalAdded' || signal.signal === 'Proposals.ProposalChanged') {
      const proposal = item(signal);
      const finding = text(proposal['finding-id']) || findingOfProposal.get(id) || '';
      findingOfProposal.set(id, finding);
      const problem = problemOf.get(finding);
      if (problem === undefined) continue;
      const open = ['open', 'not-fixed', 'applying'].includes(text(proposal.state) || 'open');
      const now = waiting.get(problem) ?? new Map<string, string>();
      if (open) now.set(id, finding);
      else now.delete(id);
      waiting.set(problem, now);
      if (now.size > 1 && oneNow(problems[problem]!, [...now.values()])) {
        const of = (findingId: string) => {
          const finding = problems[problem]!.find((f) => f.id === findingId);
          return finding ? `${finding.kind} ${finding.subject}` : `finding ${findingId}`;
        };
        const line = `${[...now].map(([proposalId, findingId]) => `proposal ${proposalId} (${of(findingId)})`).join(' and ')} wait at once, one problem: ${problems[problem]!.map((f) => `${f.kind} ${f.subject} [${f.places.join(' ')}]`).join(', ')}`;
        if (!found.includes(line)) found.push(line);
      }
    } else if (signal.signal === 'Proposals.ProposalRemoved') {
      for (const now of waiting.values()) now.delete(id);
    }
  }
  return found;
}

/** Waiting proposals whose subject is gone: a unit no manager knows, or the file a configuration error names. */
async function goneProposals(agent: Agent, system: GymSystem): Promise<string[]> {
  const [open] = (await agent.call(PROPOSALS_INTERFACE, 'List', 'a{sv}', [{ limit: { $v: 'u', value: 500 } }])) as [
    Dict[],
  ];
  const gone: string[] = [];
  for (const proposal of open) {
    const subject = text(proposal.subject);
    const what = `proposal ${text(proposal.id)} (${text(proposal.kind)} ${subject})`;
    if (SENTINEL.test(subject)) continue;
    if (UNIT.test(subject) && !subject.includes('/')) {
      const loaded = async (user: boolean) =>
        (
          await system.exec(
            ['systemctl', ...(user ? ['--user'] : []), 'show', '--property=LoadState', '--value', subject],
            user ? 'user' : 'root',
          )
        ).stdout.trim();
      const states = [await loaded(false), await loaded(true)];
      if (states.every((state) => state === 'not-found' || state === ''))
        gone.push(`${what}: the unit no longer exists`);
    } else if (text(proposal.kind) === 'config-error' && subject.startsWith('/')) {
      if ((await system.exec(['test', '-e', subject])).code !== 0) gone.push(`${what}: the file no longer exists`);
    }
  }
  return gone;
}

/** Steward's own journal lines: those quoting a job's result in MESSAGE (the old audit line), and structured audits. */
async function auditLines(system: GymSystem): Promise<Totals['audit']> {
  const count = async (script: string) =>
    Number((await system.exec(['sh', '-c', script, 'sh', STEWARD_UNIT])).stdout.trim() || 0);
  return {
    quotedInMessage: await count(
      `journalctl --no-pager -o cat _SYSTEMD_USER_UNIT="$1" | grep -c 'audit event=.* result='`,
    ),
    structured: await count(
      `journalctl --no-pager -o cat _SYSTEMD_USER_UNIT="$1" STEWARD_AUDIT_EVENT=finished | wc -l`,
    ),
  };
}

/**
 * The service's main process, its resident memory (kB) and the CPU time it and the children it reaped used so far
 * (s), read in the system.
 */
export async function stewardMemory(system: GymSystem): Promise<{ pid: number; rssKb: number; cpuSeconds: number }> {
  const pid = Number(
    (
      await system.exec(['systemctl', '--user', 'show', '--property=MainPID', '--value', STEWARD_UNIT], 'user')
    ).stdout.trim(),
  );
  const status = (await system.exec(['cat', `/proc/${pid}/status`])).stdout;
  const stat = (await system.exec(['cat', `/proc/${pid}/stat`])).stdout;
  // utime, stime, cutime and cstime, the 14th to 17th fields, in USER_HZ (100 a second on Linux): its own and that
  // of the children it waited for (the journal's short checks, pw-dump…); the name in () may hold spaces.
  const ticks = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .slice(11, 15)
    .reduce((sum, field) => sum + Number(field), 0);
  return {
    pid,
    rssKb: Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0),
    cpuSeconds: ticks / 100,
  };
}

/** The idle tail: the system left alone for `seconds`, its memory read each minute. */
export async function idleFor(agent: Agent, system: GymSystem, seconds: number): Promise<Idle & { from: number }> {
  const from = agent.signals.length;
  const startedAt = Date.now();
  const [jobsBefore] = (await agent.call(PROPOSALS_INTERFACE, 'ListJobs', 'a{sv}', [
    { limit: { $v: 'u', value: 1 } },
  ])) as [Dict[]];
  const lastJob = Number(jobsBefore[0]?.id ?? 0);
  const start = await stewardMemory(system);
  const minutesKb: number[] = [];
  const minutesCpuSeconds: number[] = [];
  let cpuBefore = start.cpuSeconds;
  const deadline = startedAt + seconds * 1000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(60_000, deadline - Date.now())));
    const minute = await stewardMemory(system);
    minutesKb.push(minute.rssKb);
    minutesCpuSeconds.push(Math.round((minute.cpuSeconds - cpuBefore) * 10) / 10);
    cpuBefore = minute.cpuSeconds;
  }
  const end = await stewardMemory(system);
  const [jobs] = (await agent.call(PROPOSALS_INTERFACE, 'ListJobs', 'a{sv}', [{ limit: { $v: 'u', value: 500 } }])) as [
    Dict[],
  ];
  const findings = agent.signals
    .slice(from)
    .filter((signal) => signal.signal === 'Findings.FindingAdded')
    .map((signal) => item(signal))
    .filter((finding) => !SENTINEL.test(String(finding.subject)))
    .map((finding) => `${String(finding.kind)} ${String(finding.subject)}`);
  return {
    from,
    seconds: Math.round((Date.now() - startedAt) / 1000),
    // A sentinel's proposal, the last barrier's before the tail, may run its read-only step once the tail has begun:
    // the harness's own doing, as its findings are.
    jobs: jobs
      .filter((job) => Number(job.id) > lastJob && !SENTINEL.test(String(job.subject)))
      .map((job) => `job ${String(job.id)} ${String(job.action)} by ${String(job.caller)} (${String(job.subject)})`),
    findings,
    rssKb: { start: start.rssKb, end: end.rssKb, peak: Math.max(start.rssKb, ...minutesKb, end.rssKb) },
    minutesKb,
    minutesCpuSeconds,
    cpuSeconds: Math.round((end.cpuSeconds - start.cpuSeconds) * 10) / 10,
    pids: [start.pid, end.pid],
  };
}

/** The totals of the run: what it raised against what was injected, and the idle tail's, if there was one. */
export async function dayTotals(
  agent: Agent,
  system: GymSystem,
  windows: readonly Window[],
  idle: (Idle & { from: number }) | null,
): Promise<Totals> {
  const findings = await dayFindings(agent, system, windows, idle?.from ?? null);
  const problems = problemsOf(findings);
  const describe = (problem: DayFinding[]) =>
    `${problem.map((f) => `${f.kind} ${JSON.stringify(f.subject)}`).join(' + ')} raised in ${earliest(problem).raisedIn}: ${problem
      .flatMap((f) => f.evidence)
      .slice(0, 3)
      .join(' | ')}`;
  const extra = extraProblems(problems, windows).map(describe);
  const ownLines = findings
    .filter((f) => f.ownLine)
    .map((f) => `${f.kind} ${JSON.stringify(f.subject)}: ${f.evidence[0] ?? ''}`);
  const twoProposals = twoProposalsAtOnce(agent.signals, problems);
  const gone = await goneProposals(agent, system);
  const audit = await auditLines(system);
  const injected = windows.reduce((sum, window) => sum + window.problems, 0);
  const failures = [
    ...extra.map((line) => `extra problem: ${line}`),
    ...ownLines.map((line) => `a finding of Steward's own lines: ${line}`),
    ...twoProposals.map((line) => `two proposals for one problem: ${line}`),
    ...gone.map((line) => `a proposal about what no longer exists: ${line}`),
    ...(audit.quotedInMessage > 0 ? [`${audit.quotedInMessage} audit lines quote a result in MESSAGE`] : []),
    ...(idle?.jobs ?? []).map((line) => `started while idle: ${line}`),
    ...(idle && idle.rssKb.end > idle.rssKb.start * (1 + MAX_IDLE_GROWTH)
      ? [`resident memory grew from ${idle.rssKb.start} kB to ${idle.rssKb.end} kB while idle`]
      : []),
    ...(idle && idle.pids[0] !== idle.pids[1] ? [`the service restarted while idle (${idle.pids.join(' → ')})`] : []),
  ];
  return {
    findings: findings.length,
    problems: problems.length,
    injected,
    extra,
    ownLines,
    twoProposals,
    gone,
    audit,
    idle: idle && idleOnly(idle),
    failures,
  };
}

const idleOnly = ({ from: _from, ...idle }: Idle & { from: number }): Idle => idle;

/** The totals as lines to print beside the table. */
export function totalsLines(totals: Totals): string[] {
  const lines = [
    `the day: ${totals.findings} findings in ${totals.problems} problems, ${totals.injected} injected; ` +
      `${totals.extra.length} extra, ${totals.ownLines.length} made of Steward's own lines, ` +
      `${totals.twoProposals.length} with two proposals at once, ${totals.gone.length} proposals about what no longer exists; ` +
      `audit lines quoting a result in MESSAGE ${totals.audit.quotedInMessage}, audit records with the result as a field ${totals.audit.structured}`,
  ];
  const idle = totals.idle;
  if (idle) {
    const growth = idle.rssKb.start > 0 ? idle.rssKb.end / idle.rssKb.start - 1 : NaN;
    const mb = (kb: number) => (kb / 1024).toFixed(1);
    lines.push(
      `idle ${idle.seconds} s: ${idle.jobs.length} jobs Steward started by itself, ${idle.findings.length} findings raised; ` +
        `resident memory ${mb(idle.rssKb.start)} MB at the start, ${mb(idle.rssKb.end)} MB at the end ` +
        `(${Number.isNaN(growth) ? '?' : `${growth >= 0 ? '+' : '−'}${Math.abs(growth * 100).toFixed(1)}`} %, ` +
        `at most +${(MAX_IDLE_GROWTH * 100).toFixed(0)} %; peak ${mb(idle.rssKb.peak)} MB; ` +
        `each minute ${idle.minutesKb.map(mb).join(', ') || 'none'} MB); ${idle.cpuSeconds} s of CPU time while idle, the children it ran counted ` +
        `(each minute ${idle.minutesCpuSeconds.join(', ') || 'none'} s)`,
    );
    for (const finding of idle.findings) lines.push(`    ↳ raised while idle: ${finding}`);
  }
  for (const failure of totals.failures) lines.push(`    ↳ ${failure}`);
  return lines;
}
