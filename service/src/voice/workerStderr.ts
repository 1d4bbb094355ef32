// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What a voice worker's stderr says about why it failed: onnxruntime and sherpa-onnx print their reason there
// before the process aborts, so it is the only word left of a crash.
import { cleanLine } from '../untrustedText.js';

/** The last line of `stderr` that reports a failure, cleaned for a person; '' when none does. */
export function lastFailureLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /fail|error|what\(\)/i.test(line));
  return cleanLine(lines.at(-1) ?? '', 300);
}
