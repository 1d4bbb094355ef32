// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A line-based unified diff (Myers' O(ND) algorithm), for previews of restored files.

type Op = { kind: ' ' | '-' | '+'; line: string };

// Indices below are in range by construction; the strict index type only wants a number.
const at = (array: ArrayLike<number>, index: number) => array[index] ?? 0;

/** Beyond this many differing lines the middle is shown as replaced wholesale, which bounds time and memory. */
const MAX_EDITS = 1_000;

/** The shortest edit script from `a` to `b`. */
function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const offset = Math.min(n + m, MAX_EDITS) + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(n + m, MAX_EDITS); d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && at(v, offset + k - 1) < at(v, offset + k + 1))
          ? at(v, offset + k + 1)
          : at(v, offset + k - 1) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, offset);
    }
  }
  return [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))];
}

function backtrack(a: string[], b: string[], trace: Int32Array[], offset: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (const [d, v] of [...trace.entries()].reverse()) {
    const k = x - y;
    const previousK = k === -d || (k !== d && at(v, offset + k - 1) < at(v, offset + k + 1)) ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : at(v, offset + previousK);
    const previousY = d === 0 ? 0 : previousX - previousK;
    while (x > previousX && y > previousY) {
      y--;
      ops.push({ kind: ' ', line: a[--x] ?? '' });
    }
    if (d > 0) {
      if (x === previousX) ops.push({ kind: '+', line: b[--y] ?? '' });
      else ops.push({ kind: '-', line: a[--x] ?? '' });
    }
  }
  return ops.reverse();
}

/** Lines with their newline kept, so that a missing final newline is a difference too. */
const splitLines = (text: string) => (text === '' ? [] : text.split(/(?<=\n)/));

const render = (op: Op) => {
  const text = `${op.kind}${op.line.replace(/\n$/, '')}`;
  return op.line.endsWith('\n') ? [text] : [text, '\\ No newline at end of file'];
};

/** `before` → `after` as unified diff lines with `context` lines around each change; [] when equal. */
export function unifiedDiff(before: string, after: string, labels: [string, string], context = 3): string[] {
  const ops = editScript(splitLines(before), splitLines(after));
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  if (changed.length === 0) return [];
  const lines = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  // Line numbers before each op, in `before` and in `after`.
  const starts: [number, number][] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const op of ops) {
    starts.push([oldLine, newLine]);
    if (op.kind !== '+') oldLine++;
    if (op.kind !== '-') newLine++;
  }
  let index = 0;
  while (index < changed.length) {
    let last = index;
    while (last + 1 < changed.length && at(changed, last + 1) - at(changed, last) <= 2 * context) last++;
    const from = Math.max(0, at(changed, index) - context);
    const to = Math.min(ops.length, at(changed, last) + context + 1);
    const hunk = ops.slice(from, to);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    // An empty side is numbered after the line it would follow, as diff -u does.
    const [oldStart, newStart] = starts[from] ?? [1, 1];
    lines.push(
      `@@ -${oldCount === 0 ? oldStart - 1 : oldStart},${oldCount} +${newCount === 0 ? newStart - 1 : newStart},${newCount} @@`,
      ...hunk.flatMap(render),
    );
    index = last + 1;
  }
  return lines;
}
