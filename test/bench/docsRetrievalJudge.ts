// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { DocHit } from '../../service/src/docs/docsStore.js';

/** Whether `hit` is the passage `answer` names ("page(n)#part"), or on its page for a page alone. */
export function answers(hit: Pick<DocHit, 'title' | 'heading' | 'entry'>, answer: string): boolean {
  const cut = answer.indexOf('#');
  const page = cut === -1 ? answer : answer.slice(0, cut);
  if (hit.title !== page) return false;
  if (cut === -1) return true;
  const part = answer.slice(cut + 1).toLowerCase();
  return [hit.entry, hit.heading].some((name) => name?.toLowerCase().startsWith(part) === true);
}
