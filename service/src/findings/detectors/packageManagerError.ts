// package-manager-error: apt/dpkg, dnf and PackageKit failing to install or update.
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { isJournal, journalEvidence } from './journal.js';
import { _, format } from '../../i18n.js';

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

const PATTERNS: Pattern[] = [
  // dpkg (src/main/errors.c): "dpkg: error processing package libfoo1:amd64 (--configure):"
  {
    regex: /^dpkg: error processing (?:package|archive) (\S+) \((--[\w-]+)\):?/,
    subject: (m) => packageName(m[1] ?? ''),
    title: (m) =>
      format(m[2] === '--configure' ? _('dpkg could not configure {package}') : _('dpkg could not install {package}'), {
        package: packageName(m[1] ?? ''),
      }),
  },
  // apt: "E: Sub-process /usr/bin/dpkg returned an error code (1)"
  {
    regex: /^E: Sub-process \/usr\/bin\/dpkg returned an error code \((\d+)\)/,
    subject: () => 'dpkg',
    title: (m) => format(_('Installing packages failed: dpkg returned error code {code}'), { code: m[1] ?? '' }),
  },
  // apt: "E: Unable to locate package foo"
  {
    regex: /^E: Unable to locate package (\S+)/,
    subject: (m) => m[1] ?? '',
    title: (m) => format(_('apt could not find the package {package}'), { package: m[1] ?? '' }),
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
  // PackageKit (pk-transaction.c): "update-packages transaction /123_abcdef from uid 1000 finished with failed after 5123ms"
  {
    regex: /^([\w-]+) transaction (\/\S+) from uid \d+ finished with failed after \d+ms$/,
    subject: () => 'PackageKit',
    // Translators: {action} is PackageKit's English name for the transaction, such as "update packages".
    title: (m) => format(_('PackageKit could not {action}'), { action: (m[1] ?? '').replace(/-/g, ' ') }),
  },
  // dnf / dnf-makecache / dnf-automatic: "Error: Failed to download metadata for repo 'updates': …"
  {
    regex:
      /^Error: (?:(Transaction test error|Transaction check error|Failed to download packages)|Failed to download metadata for repo '([^']+)'|Unable to find a match: (.+))/,
    identifiers: /^(?:dnf|dnf-3|dnf5|dnf-automatic|yum)$/,
    subject: () => 'dnf',
    title: (m) =>
      m[2]
        ? format(_('dnf could not download metadata for the repository {repository}'), { repository: m[2] })
        : m[3]
          ? format(_('dnf could not find {package}'), { package: m[3] })
          : // Translators: {error} is dnf's own English words, such as "transaction test error".
            format(_('dnf transaction failed: {error}'), { error: (m[1] ?? '').toLowerCase() }),
  },
];

export class PackageManagerErrorDetector implements Detector {
  readonly kinds = [PACKAGE_MANAGER_ERROR];

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const { message, identifier } = event.entry;
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
