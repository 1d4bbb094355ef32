// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service answers its lists one bounded page at a time with the total; the CLI reads page after
// page so that its commands still show everything they asked for.
import { Variant } from '@jellybrick/dbus-next';

import { MAX_PAGE_SIZE } from '../dbus/paging.js';

/** Calls a list method with a filter and answers its reply body: [items, total]. */
export type PageCall = (filter: Record<string, Variant>) => Promise<unknown[]>;

/**
 * Every item a paged list method has for `filter`, read page by page. A "limit" in `filter` is how many
 * to read in all (the newest first), not the size of a page.
 */
export async function readAllPages(
  callPage: PageCall,
  filter: Record<string, Variant> = {},
): Promise<Record<string, Variant>[]> {
  const { limit: wanted, ...rest } = filter;
  const most = wanted === undefined ? Infinity : Number(wanted.value);
  const items: Record<string, Variant>[] = [];
  for (;;) {
    const limit = Math.min(MAX_PAGE_SIZE, most - items.length);
    const [page, total] = (await callPage({
      ...rest,
      offset: new Variant('u', items.length),
      limit: new Variant('u', limit),
    })) as [Record<string, Variant>[], number];
    items.push(...page);
    // A short page ends it too: items may go while we read (a finding resolved, a proposal applied).
    if (page.length < limit || items.length >= Math.min(total, most)) return items;
  }
}
