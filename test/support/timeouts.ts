// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Upper bounds, not expectations. Specs wait for events (a signal, a file, a process exit); these bounds only
// turn a hang into a failure, so they are set for a machine that is busy with other work, where a service start
// or a model load takes many times what it takes on a quiet one. A spec that needs a bound beyond these names
// its own, for what it waits for.

/** How long any spec, beforeAll or afterAll may run (jasmine's own default, 5 s, is a guess about the machine). */
export const SPEC_TIMEOUT_MS = 300_000;

/** How long waitFor polls for a condition before failing with what it waited for: below SPEC_TIMEOUT_MS, so the spec says what. */
export const CONDITION_TIMEOUT_MS = 120_000;

/** How long a D-Bus call may go unanswered before a spec counts it a hang rather than a busy machine. */
export const REPLY_TIMEOUT_MS = 60_000;
