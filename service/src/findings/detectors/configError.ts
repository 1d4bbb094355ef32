// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// config-error: a program names the file and line of configuration it cannot
// use — nginx, sshd, systemd unit files, Apache, sudoers, Dovecot. The journal
// alone says where to look; no file needs to have changed just before.
import { _, format } from '../../i18n.js';
import type { JournalEntry, WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { isJournal, journalEvidence } from './journal.js';

export const CONFIG_ERROR = 'config-error';

interface Location {
  path: string;
  line: number;
}

const PATH = String.raw`(\/[^\s:,;\]>'"]+)`;

// Each gives the path and the line, in the order the program writes them.
const WORDINGS: { pattern: RegExp; path: number; line: number }[] = [
  // nginx: [emerg] unknown directive "x" in /etc/nginx/nginx.conf:58
  { pattern: new RegExp(String.raw`\[emerg\] .* in ${PATH}:(\d+)`), path: 1, line: 2 },
  // sshd: /etc/ssh/sshd_config: line 156: Bad configuration option: X (and "… line 6: keyword …")
  { pattern: new RegExp(String.raw`^${PATH}:? line (\d+): `), path: 1, line: 2 },
  // systemd: /etc/systemd/system/x.service:16: Unknown key name …; older: [/usr/lib/…/x.service:18] Unknown lvalue …
  { pattern: new RegExp(String.raw`^\[?${PATH}:(\d+)(?:\]|:) `), path: 1, line: 2 },
  // Apache: AH00526: Syntax error on line 3 of /etc/apache2/sites-enabled/x.conf:
  { pattern: new RegExp(String.raw`Syntax error on line (\d+) of ${PATH}`), path: 2, line: 1 },
  // sudo: >>> /etc/sudoers.d/x: syntax error near line 6 <<<; parse error in /etc/sudoers near line 27
  { pattern: new RegExp(String.raw`${PATH}: syntax error near line (\d+)`), path: 1, line: 2 },
  { pattern: new RegExp(String.raw`parse error in ${PATH} near line (\d+)`), path: 1, line: 2 },
  // Dovecot: Error in configuration file /etc/dovecot/dovecot.conf line 12: Unknown setting
  { pattern: new RegExp(String.raw`Error in configuration file ${PATH} line (\d+)`), path: 1, line: 2 },
  // The forms most parsers print: "bad option at line 12 of /etc/dnsmasq.conf" (dnsmasq), "… at line 12 in file
  // /etc/chrony/chrony.conf" (chrony), "… in /etc/kea/kea-dhcp4.conf:12:3" (Kea), "parsing [/etc/haproxy/haproxy.cfg:12]"
  // (HAProxy), "/etc/postfix/main.cf, line 12: …" (Postfix), "error during parsing file /etc/rsyslog.conf, on or before
  // line 12" (rsyslog), "/etc/fstab: parse error at line 12" (mount).
  {
    pattern: new RegExp(String.raw`\bline (\d+),? (?:of|in) (?:(?:config(?:uration)? )?file )?['"]?${PATH}`, 'i'),
    path: 2,
    line: 1,
  },
  { pattern: new RegExp(String.raw`\b(?:in|at|from) (?:file )?['"]?${PATH}['"]?:(\d+)(?::|\b)`), path: 1, line: 2 },
  { pattern: new RegExp(String.raw`\[${PATH}:(\d+)\]`), path: 1, line: 2 },
  {
    pattern: new RegExp(String.raw`(?:^|\s)['"]?${PATH}['"]?(?::|,)? (?:on or before |at |on )?line (\d+)\b`, 'i'),
    path: 1,
    line: 2,
  },
  { pattern: new RegExp(String.raw`(?:^|\s)${PATH}: [^:]{0,60}?\b(?:at|on|near) line (\d+)\b`), path: 1, line: 2 },
];

// Source code is where a program failed, not its configuration: "File "/usr/lib/x.py", line 3" is a traceback.
const SOURCE_CODE = /\.(?:py|pyc|js|mjs|cjs|ts|go|rs|c|cc|cpp|h|java|rb|pl|pm|php|lua|sh|so)$/;
// Nor is a file of a language's own tree or of a library: a stack frame in it is where the error passed through
// (json/decoder.py decoding the person's settings file), whatever the file is named.
const LIBRARY_TREE =
  /^\/usr\/(?:local\/)?(?:lib|lib64|share)\/(?:python[\d.]*|perl5?|ruby|node(?:js)?|jvm|go(?:lang)?|rustlib)\/|\/(?:site-packages|dist-packages|node_modules|gems|vendor)\//;

/** Whether `path` can be configuration a person or a package wrote: not source code, not a library's file. */
function isConfigurationPath(path: string): boolean {
  return /\.|\/etc\//.test(path) && !SOURCE_CODE.test(path) && !LIBRARY_TREE.test(path);
}

// Transports where PRIORITY is the level the program chose (the native protocol, syslog(3), the kernel); on
// stdout it is journald's default for every line, whatever the line says.
const CHOSEN_LEVEL = new Set(['journal', 'syslog', 'kernel']);
const NOTICE = 5;

/**
 * A line its program logged as a notice or less is one it took in its stride: systemd-tmpfiles' "Duplicate line
 * for path …, ignoring." (Debian's own legacy.conf, at every boot and daily clean-up) is not an error to fix.
 */
function loggedAsRoutine(entry: JournalEntry): boolean {
  return entry.priority !== undefined && entry.priority >= NOTICE && CHOSEN_LEVEL.has(entry.transport ?? '');
}

// A cheap test before the expressions: every wording above has one of these.
const HINT = /line \d|:\d+(?:[\]: ]|$)|emerg/i;

/** The configuration file and line a message says a program cannot use; never a source file or a library's. */
export function configErrorIn(message: string): Location | null {
  if (!HINT.test(message)) return null;
  for (const { pattern, path, line } of WORDINGS) {
    const match = pattern.exec(message);
    if (match) {
      const location = { path: match[path] ?? '', line: Number(match[line]) };
      return isConfigurationPath(location.path) ? location : null;
    }
  }
  return null;
}

export class ConfigErrorDetector implements Detector {
  readonly kinds = [CONFIG_ERROR];

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event) || loggedAsRoutine(event.entry)) return [];
    const location = configErrorIn(event.entry.message.trimStart());
    if (!location) return [];
    return [
      {
        report: {
          kind: CONFIG_ERROR,
          severity: 'error',
          subject: location.path,
          // Translators: a program reported that it cannot use a line of one of its configuration files.
          title: format(_('Error in {path}, line {line}'), { path: location.path, line: location.line }),
          evidence: [{ ...journalEvidence(event), path: location.path, line: location.line }],
          at: event.at,
        },
      },
    ];
  }
}
