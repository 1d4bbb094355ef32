// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Checks on the shape of JSON that a caller or a model sent, made before any code that
// walks it recursively (merging, schema conversion, validation) can run out of stack.

/** `text` parsed as JSON, or null where it is none: for a model's answer, which a schema checks next. */
export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Whether `value` nests objects and arrays more than `limit` levels deep; walks level by level, never recursing. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth += 1) {
    if (depth > limit) return true;
    level = level.flatMap((item) =>
      typeof item === 'object' && item !== null ? Object.values(item as Record<string, unknown>) : [],
    );
  }
  return false;
}
