// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// config-error: a program names the file and line of configuration it cannot
// use — nginx, sshd, systemd unit files, Apache, sudoers, Dovecot. The journal
// alone says where to look; no file needs to have changed just before.
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { isJournal, journalEvidence } from './journal.js';

export const CONFIG_ERROR = 'config-error';

interface Location {
  path: string;
  line: number;
}

const PATH = String.raw`(\/[^\s:\]>'"]+)`;

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
];

// A cheap test before the expressions: every wording above has one of these.
const HINT = /line \d|:\d+[\]: ]|emerg/;

export function configErrorIn(message: string): Location | null {
  if (!HINT.test(message)) return null;
  for (const { pattern, path, line } of WORDINGS) {
    const match = pattern.exec(message);
    if (match) return { path: match[path] ?? '', line: Number(match[line]) };
  }
  return null;
}

export class ConfigErrorDetector implements Detector {
  readonly kinds = [CONFIG_ERROR];

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const location = configErrorIn(event.entry.message.trimStart());
    if (!location || !/\.|\/etc\//.test(location.path)) return [];
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
