// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How the cases of a class were missed, as totals only: whether the service raised nothing or another kind, and what
// their lines held that a general rule could read (an error priority, a line of the class's own component, the
// kernel's). For the sealed part, whose cases are never read one by one: it says which kind of rule is lacking
// without naming a case or a sentence.
import { deviceFailureIn } from '../../service/src/desktop/componentFailure.js';
import { errnoIn, kernelComponentOf, programSaysFailed } from '../../service/src/desktop/componentLines.js';
import { DESKTOP_WRITERS, type DesktopArea, Writers } from '../../service/src/findings/writers.js';
import type { JournalEntry } from '../../service/src/watch/events.js';
import { CLASS_KINDS, type CorpusCase, type CorpusClass } from './cases.js';
import type { CaseOutcome } from './score.js';
import { TrustedFields, USER_UID } from './writer.js';

export interface ClassMisses {
  missed: number;
  /** Missed cases that raised no finding at all. */
  nothing: number;
  /** The kinds missed cases raised instead, and how many raised each. */
  otherKinds: Record<string, number>;
  /** Missed cases with a line its writer marked err or worse (priority ≤ 3, as the case gives it). */
  errorPriority: number;
  /** Missed cases with a line written by a program of the class's own component (findings/writers.ts). */
  ownComponent: number;
  /** Missed cases with a line journald's trusted fields prove the class's component wrote (findings/writers.ts). */
  proven: number;
  /** Of those, cases with such a line at err or worse. */
  provenError: number;
  /**
   * Missed cases with a line of the class's component (by name) that journald's fields do not prove: its executable
   * is not one the table lists ('exe'), or it is and its unit or user is not where the table expects ('placement').
   */
  unproven: { exe: number; placement: number };
  /**
   * The lines of those placed where the table does not expect them, per writer, user (root, the session's user, a
   * system account) and unit or scope, its numbers as N ("chronyd as root in session-N.scope").
   */
  placedBy: Record<string, number>;
  /** Missed cases with a line of the kernel's. */
  kernel: number;
  /** The kernel's lines in missed cases, per component the kernel's prefix names (desktop/componentLines.ts), or 'none'. */
  kernelBy: Record<string, { err: number; below: number }>;
  /** The proven lines of the class's component in missed cases, per writer (findings/writers.ts's name). */
  provenBy: Record<string, ProvenLines>;
}

/**
 * A writer's proven lines in missed cases: at err or worse, at warning, below; in a PAM module's form, and of those the
 * ones pam_unix logs where the conversation brought no password; saying it failed; naming a print job.
 */
interface ProvenLines {
  err: number;
  warning: number;
  below: number;
  /** Of those below warning, the ones at debug. */
  debug: number;
  pam: number;
  /** libpam's own lines ("PAM unable to dlopen(…)", "PAM adding faulty module: …"). */
  libpam: number;
  /** The PAM module lines per module and stage ("pam_unix:auth"), as pam_syslog names them. */
  pamStages: Record<string, number>;
  pamNoPassword: number;
  /** The most such lines of one writer in one missed case. */
  pamNoPasswordInACase: number;
  job: number;
  saysFailed: number;
  /** Lines naming an errno, and of those the ones whose errno says the area's device or peer failed. */
  errno: number;
  deviceErrno: number;
  /** Lines naming a file under an extensions/<uuid>/ folder, and lines naming something in a uuid's name@domain form. */
  extensionFile: number;
  uuidLike: number;
}

/** The component journald's trusted fields would prove wrote `line`, as the corpus writes it. */
function provenArea(
  writers: Writers,
  line: CorpusCase['lines'][number],
): { area?: DesktopArea; name: string; priority: number; message: string } | null {
  const fields = new TrustedFields().entry(line, 0n);
  const writer = writers.provenWriter({ fields } as unknown as JournalEntry);
  return writer
    ? { area: writer.area, name: writer.name, priority: Number(fields.PRIORITY), message: line.message }
    : null;
}

/** Writers that know the cases' programs installed, as the simulated machine installs them (simulatedMachine.ts). */
const installedWriters = (cases: readonly CorpusCase[]) =>
  new Writers(USER_UID).assumeInstalled(
    cases.flatMap((c) => c.lines.flatMap((line) => (typeof line.writer === 'object' ? [line.writer.exe] : []))),
  );

/** A kernel line of a case as the service reads it: its text and the trusted fields journald would have set. */
const kernelEntry = (line: CorpusCase['lines'][number]) =>
  ({ message: line.message, fields: new TrustedFields().entry(line, 0n) }) as unknown as JournalEntry;

/** A line's level as the totals count it: at err or worse, at warning, or below. */
const levelOf = (priority: number | undefined) =>
  priority !== undefined && priority <= 3 ? 'err' : priority === 4 ? 'warning' : 'below';

const AREAS: Partial<Record<CorpusClass, DesktopArea>> = {
  extension: 'shell',
  sound: 'sound',
  bluetooth: 'bluetooth',
  printing: 'printing',
  clock: 'clock',
  'sign-in': 'sign-in',
};

// A PAM module's line through pam_syslog, and gnome-keyring's module's.
const PAM_MODULE = /^(?:pam_[\w-]+\(|gkr-pam: )/;
// pam_unix's words where the program's conversation brought no password (cancelled, or it could not ask).
const PAM_NO_PASSWORD = /conversation failed|could not identify password/;
// pam_syslog's prefix: the module and the stage ("pam_unix(gdm-password:auth): …").
const PAM_STAGE = /^(pam_[\w-]+)\([\w.-]+:(\w+)\): /;

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Whether `line`'s writer is a program of `area`'s components, by its executable's or command's name. */
function ofArea(writer: CorpusCase['lines'][number]['writer'], area: DesktopArea): boolean {
  if (typeof writer === 'string') return false;
  return DESKTOP_WRITERS.some(
    (desktop) =>
      desktop.area === area &&
      desktop.programs.some(
        (program) => baseName(program) === baseName(writer.exe) || baseName(program) === writer.comm,
      ),
  );
}

/** Where a line of `area`'s component ran, as a total's key: its writer, its user's kind and its unit's shape. */
function placement(
  writer: Exclude<CorpusCase['lines'][number]['writer'], string>,
  writers: Writers,
  area: DesktopArea,
): string {
  const name = DESKTOP_WRITERS.find(
    (desktop) => desktop.area === area && writers.isProgramOf(desktop.name, writer.exe),
  )?.name;
  const user =
    writer.uid === undefined
      ? 'no user'
      : writer.uid === 0
        ? 'root'
        : writer.uid === USER_UID
          ? 'the user'
          : 'a system account';
  const unit = (writer.userUnit ?? writer.unit ?? 'no unit').replace(/\d+/g, 'N');
  return `${name} as ${user} in ${unit}`;
}

/** Per class, how its missed cases were missed (`outcomes` as score() gives them for `cases`). */
export function missesOf(cases: readonly CorpusCase[], outcomes: readonly CaseOutcome[]): Record<string, ClassMisses> {
  const writers = installedWriters(cases);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const result: Record<string, ClassMisses> = {};
  for (const outcome of outcomes) {
    const expected = outcome.expected;
    if (expected === null || outcome.kinds.some((kind) => (CLASS_KINDS[expected] as readonly string[]).includes(kind)))
      continue;
    const corpusCase = byId.get(outcome.id);
    if (!corpusCase) continue;
    const misses = (result[expected] ??= {
      missed: 0,
      nothing: 0,
      otherKinds: {},
      errorPriority: 0,
      ownComponent: 0,
      proven: 0,
      provenError: 0,
      unproven: { exe: 0, placement: 0 },
      placedBy: {},
      kernel: 0,
      kernelBy: {},
      provenBy: {},
    });
    misses.missed += 1;
    if (outcome.kinds.length === 0) misses.nothing += 1;
    for (const kind of new Set(outcome.kinds)) misses.otherKinds[kind] = (misses.otherKinds[kind] ?? 0) + 1;
    const { lines } = corpusCase;
    if (lines.some((line) => line.priority !== undefined && line.priority <= 3)) misses.errorPriority += 1;
    const area = AREAS[expected];
    if (area && lines.some((line) => ofArea(line.writer, area))) misses.ownComponent += 1;
    const proven = lines
      .map((line) => provenArea(writers, line))
      .filter((writer) => writer !== null && writer.area === area);
    if (proven.length > 0) misses.proven += 1;
    if (proven.some((writer) => writer!.priority <= 3)) misses.provenError += 1;
    const noPasswordInCase: Record<string, number> = {};
    for (const line of proven) {
      const by = (misses.provenBy[line!.name] ??= {
        err: 0,
        warning: 0,
        below: 0,
        debug: 0,
        pam: 0,
        libpam: 0,
        pamStages: {},
        pamNoPassword: 0,
        pamNoPasswordInACase: 0,
        job: 0,
        saysFailed: 0,
        errno: 0,
        deviceErrno: 0,
        extensionFile: 0,
        uuidLike: 0,
      });
      by[levelOf(line!.priority)] += 1;
      if (line!.priority === 7) by.debug += 1;
      if (PAM_MODULE.test(line!.message)) by.pam += 1;
      if (/^PAM /.test(line!.message)) by.libpam += 1;
      const stage = PAM_STAGE.exec(line!.message);
      if (stage) by.pamStages[`${stage[1]}:${stage[2]}`] = (by.pamStages[`${stage[1]}:${stage[2]}`] ?? 0) + 1;
      if (PAM_MODULE.test(line!.message) && PAM_NO_PASSWORD.test(line!.message)) {
        by.pamNoPassword += 1;
        noPasswordInCase[line!.name] = (noPasswordInCase[line!.name] ?? 0) + 1;
        by.pamNoPasswordInACase = Math.max(by.pamNoPasswordInACase, noPasswordInCase[line!.name]!);
      }
      if (/\[Job \d+\]/.test(line!.message)) by.job += 1;
      if (programSaysFailed(line!.message)) by.saysFailed += 1;
      if (errnoIn(line!.message)) by.errno += 1;
      if (area && deviceFailureIn(area, line!.message)) by.deviceErrno += 1;
      if (/\/extensions\/[^/\s]+\//.test(line!.message)) by.extensionFile += 1;
      if (/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/.test(line!.message)) by.uuidLike += 1;
    }
    if (area && proven.length === 0) {
      const named = lines.filter((line) => ofArea(line.writer, area));
      const listed = (line: CorpusCase['lines'][number]) =>
        typeof line.writer !== 'string' &&
        DESKTOP_WRITERS.some(
          (desktop) => desktop.area === area && writers.isProgramOf(desktop.name, (line.writer as { exe: string }).exe),
        );
      if (named.some(listed)) misses.unproven.placement += 1;
      else if (named.length > 0) misses.unproven.exe += 1;
      for (const line of named.filter(listed)) {
        const key = placement(line.writer as Exclude<CorpusCase['lines'][number]['writer'], string>, writers, area);
        misses.placedBy[key] = (misses.placedBy[key] ?? 0) + 1;
      }
    }
    if (lines.some((line) => line.writer === 'kernel')) misses.kernel += 1;
    for (const line of lines.filter((each) => each.writer === 'kernel')) {
      const by = (misses.kernelBy[kernelComponentOf(kernelEntry(line))?.area ?? 'none'] ??= { err: 0, below: 0 });
      if (line.priority !== undefined && line.priority <= 3) by.err += 1;
      else by.below += 1;
    }
  }
  return result;
}

/** The misses as lines of text, one per class. */
export function missesLines(misses: Record<string, ClassMisses>): string[] {
  return Object.entries(misses).map(([name, m]) => {
    const others = Object.entries(m.otherKinds)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    return (
      `  ${name}: ${m.missed} missed, ${m.nothing} raised nothing${others ? `, others raised ${others}` : ''}; ` +
      `their lines: ${m.errorPriority} with an error priority, ${m.ownComponent} by the class's own component ` +
      `(${m.proven} proven by journald's fields, ${m.provenError} of them at err; of the others, ` +
      `${m.unproven.exe} by an executable not listed, ${m.unproven.placement} in a unit or as a user not expected` +
      Object.entries(m.placedBy)
        .map(([where, count]) => `; ${where}: ${count}`)
        .join('') +
      '), ' +
      `${m.kernel} with the kernel's (` +
      Object.entries(m.kernelBy)
        .map(([component, by]) => `${component} ${by.err} at err, ${by.below} below`)
        .join('; ') +
      ')' +
      Object.entries(m.provenBy)
        .map(
          ([writer, by]) =>
            `\n    proven lines of ${writer}: ${by.err} at err or worse, ${by.warning} at warning, ${by.below} below ` +
            `(${by.debug} at debug); ${by.pam} a PAM module's (` +
            Object.entries(by.pamStages)
              .map(([stage, count]) => `${stage} ${count}, `)
              .join('') +
            `${by.pamNoPassword} of them pam_unix's "no password", at most ` +
            `${by.pamNoPasswordInACase} in a case), ${by.libpam} libpam's own, ${by.saysFailed} saying it failed, ${by.errno} naming an errno ` +
            `(${by.deviceErrno} one that says the device failed), ${by.job} naming a print job, ` +
            `${by.extensionFile} naming an extension's file, ${by.uuidLike} a name@domain`,
        )
        .join('')
    );
  });
}

/** Lines at err or worse, at warning and below, per writer. */
type ByLevel = Record<string, { err: number; warning: number; below: number }>;

const countLevel = (by: ByLevel, key: string, priority: number | undefined) => {
  (by[key] ??= { err: 0, warning: 0, below: 0 })[levelOf(priority)] += 1;
};

const levelsText = (by: ByLevel) =>
  Object.entries(by)
    .map(([key, level]) => `${key} ${level.err} at err, ${level.warning} at warning, ${level.below} below`)
    .join('; ') || 'none';

/**
 * The kinds the benign cases raised, and how many cases raised each: a total, naming no case. With the cases, the
 * lines of those that raised each kind, as totals: the kernel's per component its prefix names, and those journald's
 * fields prove a desktop component wrote, per writer, each at err, at warning and below.
 */
export function benignRaisedLine(outcomes: readonly CaseOutcome[], cases: readonly CorpusCase[] = []): string {
  const writers = installedWriters(cases);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const counts: Record<string, { cases: number; kernel: ByLevel; proven: ByLevel }> = {};
  for (const outcome of outcomes.filter((o) => o.expected === null))
    for (const kind of new Set(outcome.kinds)) {
      const raised = (counts[kind] ??= { cases: 0, kernel: {}, proven: {} });
      raised.cases += 1;
      for (const line of byId.get(outcome.id)?.lines ?? []) {
        if (line.writer === 'kernel')
          countLevel(raised.kernel, kernelComponentOf(kernelEntry(line))?.area ?? 'none', line.priority);
        const proven = provenArea(writers, line);
        if (proven?.area) countLevel(raised.proven, proven.name, proven.priority);
      }
    }
  const kinds = Object.entries(counts).map(
    ([kind, raised]) =>
      `${kind} ${raised.cases}` +
      (cases.length > 0
        ? ` (their kernel lines: ${levelsText(raised.kernel)}; proven lines: ${levelsText(raised.proven)})`
        : ''),
  );
  return `  benign cases raised: ${kinds.join(', ') || 'nothing'}`;
}
