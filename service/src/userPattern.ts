// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The user's own redaction patterns: the configuration checks them, the redactor (engine/redact.ts) runs them.
import { RE2JS } from 're2js';

/**
 * A user's pattern (JavaScript syntax) compiled for RE2's engine, whose time is linear in the text whatever
 * the pattern: a backtracking pattern cannot freeze the service. Throws for what RE2 cannot run (backreferences,
 * lookaround) with RE2's reason.
 */
export function compileUserPattern(source: string): RE2JS {
  return RE2JS.compile(RE2JS.translateRegExp(source));
}

/** Why a user's pattern cannot be used, or null when it can. */
export function userPatternProblem(source: string): string | null {
  try {
    compileUserPattern(source);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
