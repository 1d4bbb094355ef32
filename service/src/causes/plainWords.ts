// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What systemd's words and a system error in a log line mean, said for a person: a notification's line says
// "its program ended with an error", and the line itself, with systemd's "Failed with result 'exit-code'", stays in
// Details. Lines are untrusted text: what is read here only picks one of these sentences.
import { _, format } from '../i18n.js';
import { plainResult } from './systemdResult.js';
import { systemErrorOf } from './systemError.js';

const FAILED_WITH_RESULT = /Failed with result '([\w-]+)'/;
// "Main process exited, code=exited, status=3/NOTIMPLEMENTED", "… code=killed, status=9/KILL", "code=dumped".
const MAIN_EXITED = /Main process exited, code=(exited|killed|dumped), status=(\d+)(?:\/(\w+))?/;
const START_LIMIT = /Start request repeated too quickly/;
const FAILED_TO_START = /^Failed to start\b/;

/**
 * What `message` (one log line, without its time) means in plain words, or null when it says nothing these words
 * know: systemd's lines about a unit's end, then a system error in any program's words.
 */
export function plainMeaning(message: string): string | null {
  const result = FAILED_WITH_RESULT.exec(message)?.[1];
  if (result !== undefined) return plainResult(result) ?? _('it failed');
  const exited = MAIN_EXITED.exec(message);
  if (exited) {
    const [, code, status] = exited;
    if (code === 'dumped') return _('its program crashed');
    if (code === 'killed') return _('its program was stopped by a signal');
    return format(_('its program ended with status {status}'), { status: status ?? '' });
  }
  if (START_LIMIT.test(message)) return _('it was restarted too often in a short time');
  if (FAILED_TO_START.test(message)) return _('it could not start');
  const error = systemErrorOf([message]);
  return error?.errno.plain ? _(error.errno.plain) : null;
}
