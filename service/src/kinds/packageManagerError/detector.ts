// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// package-manager-error: apt/dpkg, dnf and PackageKit failing to install or update.
import { isJournal, type JournalEvent, journalEvidence } from '../../findings/detectors/journal.js';
import { type Detector, type DetectorOutput, earliestDeadline, type HeldOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const PACKAGE_MANAGER_ERROR = 'package-manager-error';

interface Pattern {
  regex: RegExp;
  /** Only for messages from these programs (dnf's "Error:" prefix is common). */
  identifiers?: RegExp;
  subject: (match: RegExpExecArray) => string;
  title: (match: RegExpExecArray) => string;
}

/** "/var/cache/apt/archives/libfoo1_1.2-3_amd64.deb" → "libfoo1". */
function packageName(name: string): string {
  return name.endsWith('.deb') ? name.slice(name.lastIndexOf('/') + 1).replace(/_.*/, '') : name;
}

/** "/usr/bin/dpkg" → "dpkg"; forum copies sometimes space the path out ("/ usr / bin / dpkg"). */
function programName(path: string): string {
  const bare = path.replace(/\s+/g, '');
  return bare.slice(bare.lastIndexOf('/') + 1);
}

/** "http://ppa.launchpad.net/numix/ppa/ubuntu jammy InRelease" → "http://ppa.launchpad.net/numix/ppa/ubuntu jammy". */
function repository(text: string): string {
  return text.replace(/ (?:In)?Release$/, '');
}

const APT = /^(?:apt|apt-get|aptitude|unattended-upgrade|unattended-upgr|packagekitd|PackageKit)$/;
const DPKG = /^(?:dpkg|apt|apt-get|aptitude|unattended-upgrade|unattended-upgr|packagekitd|PackageKit)$/;
const DNF = /^(?:dnf|dnf-3|dnf5|dnf-automatic|yum|packagekitd|PackageKit)$/;
const PACMAN = /^(?:pacman|yay|paru|pamac|pamac-daemon|packagekitd|PackageKit)$/;

const PATTERNS: Pattern[] = [
  // dpkg (src/main/errors.c): "dpkg: error processing package libfoo1:amd64 (--configure):", and before
  // dpkg 1.17 "dpkg: error processing libfoo1 (--configure):"
  {
    regex: /^dpkg: error processing (?:package |archive )?(\S+) \((--[\w-]+)\):?/,
    subject: (m) => packageName(m[1] ?? ''),
    title: (m) =>
      format(m[2] === '--configure' ? _('dpkg could not configure {package}') : _('dpkg could not install {package}'), {
        package: packageName(m[1] ?? ''),
      }),
  },
  // dpkg's fatal errors (src/main/errors.c): "dpkg: error: dpkg frontend lock was locked by another process with pid
  // 1234", "dpkg: error while cleaning up:". (Its summary, "Errors were encountered while processing:", is read
  // with the packages it lists: SUMMARY below.)
  {
    regex: /^dpkg: error(?: while cleaning up)?:/,
    identifiers: DPKG,
    subject: () => 'dpkg',
    title: () => _('dpkg could not install or configure some packages'),
  },
  // apt (apt-pkg/contrib/fileutl.cc ExecWait): "E: Sub-process /usr/bin/dpkg returned an error code (1)"
  {
    regex: /^E: Sub-?process (.+?) returned an error code \((\d+)\)/,
    subject: (m) => programName(m[1] ?? ''),
    title: (m) =>
      format(_('Installing packages failed: {program} returned error code {code}'), {
        program: programName(m[1] ?? ''),
        code: m[2] ?? '',
      }),
  },
  // apt: "E: dpkg was interrupted, you must manually run 'sudo dpkg --configure -a' to correct the problem."
  {
    regex: /^E: dpkg was interrupted, you must manually run '(?:sudo )?dpkg --configure -a'/,
    subject: () => 'dpkg',
    title: () => _('An earlier package installation was interrupted and must be finished'),
  },
  // apt: "E: Unable to locate package foo", "E: Package 'foo' has no installation candidate"
  {
    regex: /^E: (?:Unable to locate package (\S+)|Package '([^']+)' has no installation candidate)/,
    subject: (m) => m[1] ?? m[2] ?? '',
    title: (m) => format(_('apt could not find the package {package}'), { package: m[1] ?? m[2] ?? '' }),
  },
  // apt's solver: "E: Unmet dependencies. Try 'apt --fix-broken install' with no packages (or specify a solution).",
  // "E: Unable to correct problems, you have held broken packages." (apt 3: "E: Unable to satisfy dependencies.")
  {
    regex:
      /^E: (?:Unmet dependencies\.|Unable to correct problems, you have held broken packages|Unable to satisfy dependencies|Broken packages$)/,
    subject: () => 'apt',
    title: () => _('apt cannot resolve the packages’ dependencies'),
  },
  // apt: "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (unattended-upgr)"
  {
    regex: /^E: Could not get lock (\/\S+?)[.,]?(?: It is held by process \d+ \(([^)]+)\)| - |$)/,
    subject: () => 'apt',
    title: (m) =>
      m[2]
        ? format(_('apt could not lock the package database (held by {process})'), { process: m[2] })
        : _('apt could not lock the package database'),
  },
  // apt (apt-pkg/acquire-item.cc): "W: GPG error: http://ppa.launchpad.net/x/ppa/ubuntu jammy InRelease: The following
  // signatures couldn't be verified because the public key is not available: NO_PUBKEY 52B709720F164EEB", also
  // after "W: An error occurred during the signature verification. …"; "… were invalid: EXPKEYSIG …" when expired.
  {
    regex:
      /^[WE]: .*?GPG error: (\S+ \S+(?: \S+)?): The following signatures (couldn't be verified because the public key is not available|were invalid)/,
    identifiers: APT,
    subject: (m) => repository(m[1] ?? ''),
    title: (m) =>
      format(
        m[2] === 'were invalid'
          ? _('apt cannot verify the repository {repository}: its signature is invalid or expired')
          : _('apt cannot verify the repository {repository}: its signing key is not installed'),
        { repository: repository(m[1] ?? '') },
      ),
  },
  // apt: "E: The repository 'http://x/debian buster Release' is not signed." and "… does not have a Release file."
  {
    regex: /^[WE]: The repository '([^']+)' (?:is not signed|does not have a Release file)\.?/,
    identifiers: APT,
    subject: (m) => repository(m[1] ?? ''),
    title: (m) => format(_('apt cannot use the repository {repository}'), { repository: repository(m[1] ?? '') }),
  },
  // PackageKit (pk-transaction.c): "update-packages transaction /123_abcdef from uid 1000 finished with failed after 5123ms"
  {
    regex: /^([\w-]+) transaction (\/\S+) from uid \d+ finished with failed after \d+ms$/,
    subject: () => 'PackageKit',
    // Translators: {action} is PackageKit's English name for the transaction, such as "update packages".
    title: (m) => format(_('PackageKit could not {action}'), { action: (m[1] ?? '').replace(/-/g, ' ') }),
  },
  // dnf 4: "Error: Failed to download metadata for repo 'updates': …"; dnf5 (Fedora 41+): "Errors during downloading
  // metadata for repository 'updates':"
  {
    regex:
      /^(?:Error: Failed to download metadata for repo|Errors during downloading metadata for repository) '([^']+)'/,
    identifiers: DNF,
    subject: () => 'dnf',
    title: (m) =>
      format(_('dnf could not download metadata for the repository {repository}'), { repository: m[1] ?? '' }),
  },
  // dnf: "Error: Transaction test error:", "Error: GPG check FAILED", "Error: Unable to find a match: foo",
  // and its solver: "Error: \n Problem: conflicting requests"
  {
    regex:
      /^Error:\s*(?:(Transaction test error|Transaction check error|Failed to download packages|GPG check FAILED)|Unable to find a match: (.+)|(Problem(?: \d+)?: .+))/,
    identifiers: DNF,
    subject: () => 'dnf',
    title: (m) =>
      m[2]
        ? format(_('dnf could not find {package}'), { package: m[2] })
        : m[3]
          ? _('dnf cannot resolve the packages’ dependencies')
          : // Translators: {error} is dnf's own English words, such as "transaction test error".
            format(_('dnf transaction failed: {error}'), { error: (m[1] ?? '').toLowerCase() }),
  },
  // pacman (src/pacman/sync.c, util.c): "error: failed to commit transaction (conflicting files)", "error: failed to
  // prepare transaction (could not satisfy dependencies)", "error: failed to init transaction (unable to lock database)"
  {
    regex: /^error: failed to (?:commit|prepare|init) transaction \(([^)]+)\)/,
    identifiers: PACMAN,
    subject: () => 'pacman',
    // Translators: {error} is pacman's own English words, such as "conflicting files".
    title: (m) => format(_('pacman transaction failed: {error}'), { error: m[1] ?? '' }),
  },
  // pacman: "error: failed to synchronize all databases (unexpected error)", "error: target not found: foo",
  // "Errors occurred, no packages were upgraded."
  {
    regex:
      /^(?:error: failed to synchronize all databases|error: target not found: (\S+)|Errors occurred, no packages were upgraded)/,
    identifiers: PACMAN,
    subject: (m) => m[1] ?? 'pacman',
    title: (m) =>
      m[1]
        ? format(_('pacman could not find the package {package}'), { package: m[1] })
        : _('pacman could not update the system'),
  },
];

// dpkg's summary (src/main/errors.c) names the packages it could not process, one a line after it (" gym-tool"),
// or on its own line where a frontend joined them ("Errors were encountered while processing: gym-tool").
const SUMMARY = /^Errors were encountered while processing:\s*(\S+)?/;
const LISTED = /^\s+(\S+)\s*$/;
/** Writers whose summary waits for its list, bounded: a machine runs one or two package managers at a time. */
const MAX_SUMMARIES = 16;
/**
 * How long a summary waits for its list. dpkg writes the list at once after it; a summary still alone after this
 * (the list lost, or never written) is reported about dpkg, by the clock or by the lines' own times when a later
 * line shows it (a journal read back from long ago).
 */
const LIST_WAIT_MS = 5_000;

interface HeldSummary {
  summary: JournalEvent;
  /** When it stops waiting, on this machine's clock. */
  until: number;
}

export class PackageManagerErrorDetector implements Detector {
  readonly kinds = [PACKAGE_MANAGER_ERROR];
  /** dpkg's summaries whose list has not come yet, by the writer (journald's _PID, one process's lines in order). */
  readonly #summaries = new Map<string, HeldSummary>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const outputs = this.#overdue(event.at.getTime());
    const { message } = event.entry;
    // Package managers change the system and run as root: another user's line in their name is no report of theirs.
    if (event.entry.fields._UID !== '0') return outputs;
    const writer = event.entry.fields._PID ?? '';
    const held = this.#summaries.get(writer);
    this.#summaries.delete(writer);
    if (held) {
      // The summary is about the first package it lists, the one its run stopped on: the same finding as dpkg's
      // "error processing package" of it, not a second one about dpkg beside it.
      const listed = LISTED.exec(message);
      if (listed) return [...outputs, summaryReport(packageName(listed[1] ?? ''), [held.summary, event])];
      outputs.push(summaryReport('dpkg', [held.summary]));
    }
    return [...outputs, ...this.#read(event)];
  }

  heldUntil(): number | undefined {
    return earliestDeadline(this.#summaries.values());
  }

  expire(now: number): HeldOutput[] {
    const expired: HeldOutput[] = [];
    for (const [writer, { summary, until }] of this.#summaries) {
      if (until > now) continue;
      this.#summaries.delete(writer);
      expired.push({ event: summary, output: summaryReport('dpkg', [summary]) });
    }
    return expired;
  }

  /** Summaries that lines written `at` (their own time) show waited past their list. */
  #overdue(at: number): DetectorOutput[] {
    const overdue: DetectorOutput[] = [];
    for (const [writer, { summary }] of this.#summaries) {
      if (at - summary.at.getTime() <= LIST_WAIT_MS) continue;
      this.#summaries.delete(writer);
      overdue.push(summaryReport('dpkg', [summary]));
    }
    return overdue;
  }

  #read(event: JournalEvent): DetectorOutput[] {
    const { message, identifier } = event.entry;
    if (DPKG.test(identifier ?? '')) {
      const summary = SUMMARY.exec(message);
      if (summary?.[1]) return [summaryReport(packageName(summary[1]), [event])];
      if (summary) {
        if (this.#summaries.size >= MAX_SUMMARIES) this.#summaries.clear();
        this.#summaries.set(event.entry.fields._PID ?? '', { summary: event, until: Date.now() + LIST_WAIT_MS });
        return [];
      }
    }
    for (const pattern of PATTERNS) {
      if (pattern.identifiers && !pattern.identifiers.test(identifier ?? '')) continue;
      const match = pattern.regex.exec(message);
      if (!match) continue;
      return [
        {
          report: {
            kind: PACKAGE_MANAGER_ERROR,
            severity: 'warning',
            subject: pattern.subject(match),
            title: pattern.title(match),
            evidence: [journalEvidence(event)],
            at: event.at,
          },
        },
      ];
    }
    return [];
  }
}

/** dpkg's summary as a finding about `subject`, the package it names (or dpkg, where it named none). */
function summaryReport(subject: string, lines: [JournalEvent, ...JournalEvent[]]): DetectorOutput {
  return {
    report: {
      kind: PACKAGE_MANAGER_ERROR,
      severity: 'warning',
      subject,
      title:
        subject === 'dpkg'
          ? _('dpkg could not install or configure some packages')
          : format(_('dpkg could not install or configure {package}'), { package: subject }),
      evidence: lines.map(journalEvidence),
      at: (lines[lines.length - 1] ?? lines[0]).at,
    },
  };
}
