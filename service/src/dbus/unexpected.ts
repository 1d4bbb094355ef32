// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Answers from other services that are not what their interface says: a reply or a property of another D-Bus
// type, a value no schema allows, a size past any sane bound. Such an answer is dropped where it is read (it
// changes no finding) and logged here, at most once a minute for each peer and member, with how many were
// dropped since: a peer that answers garbage in a loop must not fill the journal.
import type { z } from 'zod';

import type { Logger } from '../logging.js';
import { bounded, StewardError } from './errors.js';

/** A peer's reply or signal that its interface does not allow. */
export class UnexpectedAnswer extends StewardError {
  constructor(
    readonly peer: string,
    readonly member: string,
    readonly detail: string,
  ) {
    super('Unavailable', `${peer} answered ${member} with something unexpected: ${bounded(detail, 200)}`);
  }
}

const LOG_EVERY_MS = 60_000;

interface Tally {
  loggedAt: number;
  dropped: number;
}

const tallies = new WeakMap<Logger, Map<string, Tally>>();

/** Logs, rate-limited per peer and member, that `peer` answered `member` with something its interface does not allow. */
export function reportUnexpected(log: Logger, answer: UnexpectedAnswer, now = Date.now()): void {
  let byKey = tallies.get(log);
  if (!byKey) tallies.set(log, (byKey = new Map<string, Tally>()));
  const key = `${answer.peer} ${answer.member}`;
  const tally = byKey.get(key);
  if (tally && now - tally.loggedAt < LOG_EVERY_MS) {
    tally.dropped += 1;
    return;
  }
  log.warning('the service answered something unexpected; Steward ignored it', {
    peer: answer.peer,
    member: answer.member,
    detail: bounded(answer.detail, 200),
    ...(tally && tally.dropped > 0 && { droppedSinceLast: tally.dropped }),
  });
  byKey.set(key, { loggedAt: now, dropped: 0 });
}

/** `value` as `schema` reads it; anything it does not allow is an UnexpectedAnswer from `peer` to `member`. */
export function checkedAnswer<T extends z.ZodType>(
  schema: T,
  value: unknown,
  peer: string,
  member: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw new UnexpectedAnswer(peer, member, `${issue?.path.join('.') || 'the answer'}: ${issue?.message ?? 'invalid'}`);
}

/** `work`'s result; an UnexpectedAnswer it fails with is logged (rate-limited) on its way to the caller. */
export async function reportingUnexpected<T>(log: Logger | undefined, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (log && error instanceof UnexpectedAnswer) reportUnexpected(log, error);
    throw error;
  }
}
