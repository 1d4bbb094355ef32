// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';

import { readAllPages } from '../../service/src/cli/paging.js';

type Dict = Record<string, Variant>;

/** A list method over `items`, as the service pages it, recording the pages asked for. */
function pagedList(items: number[]) {
  const asked: [number, number][] = [];
  const call = (filter: Dict) => {
    const offset = Number(filter.offset!.value);
    const limit = Number(filter.limit!.value);
    asked.push([offset, limit]);
    const page = items.slice(offset, offset + limit).map((id) => ({ id: new Variant('s', String(id)) }));
    return Promise.resolve([page, items.length]);
  };
  return { call, asked };
}

const ids = (dicts: Dict[]) => dicts.map((dict) => Number(dict.id!.value));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('the CLI reading a paged list', () => {
  it('reads page after page of the largest size until it has the total', async () => {
    const list = pagedList(range(1234));
    expect(ids(await readAllPages(list.call))).toEqual(range(1234));
    expect(list.asked).toEqual([
      [0, 500],
      [500, 500],
      [1000, 500],
    ]);
  });

  it('takes a "limit" in the filter as how many in all, and passes the other keys on', async () => {
    const list = pagedList(range(2000));
    const seen: Dict[] = [];
    const call = (filter: Dict) => {
      seen.push(filter);
      return list.call(filter);
    };
    const filter = { state: new Variant('s', 'all'), limit: new Variant('u', 1100) };
    expect(ids(await readAllPages(call, filter))).toEqual(range(1100));
    expect(list.asked).toEqual([
      [0, 500],
      [500, 500],
      [1000, 100],
    ]);
    expect(seen.every((f) => f.state?.value === 'all')).toBeTrue();
  });

  it('stops at a short or empty page, when items went while it read', async () => {
    const items = range(800);
    const list = pagedList(items);
    const shrinking = async (filter: Dict) => {
      const reply = await list.call(filter);
      items.splice(0, 400); // resolved meanwhile
      return reply;
    };
    expect(ids(await readAllPages(shrinking))).toEqual(range(500));
    expect(list.asked.length).toBe(2);
  });

  it('asks once for an empty list', async () => {
    const list = pagedList([]);
    expect(await readAllPages(list.call)).toEqual([]);
    expect(list.asked).toEqual([[0, 500]]);
  });
});
