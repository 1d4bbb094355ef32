// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Offset and limit for the list methods: each answers one bounded page and the total, so a reply
// never outgrows what D-Bus carries however much is stored (100k findings once made the bus drop us).
import { z } from 'zod';

import { variantOf } from './variants.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/** The page keys of a list method's a{sv} filter, to spread into its zod object. */
export const pageKeys = {
  offset: variantOf('u', z.number().int().min(0)).optional(),
  limit: variantOf('u', z.number().int().min(1).max(MAX_PAGE_SIZE)).optional(),
};

export interface Page {
  offset: number;
  limit: number;
}

/** The page a parsed filter asks for, with the defaults filled in. */
export const pageOf = (filter: { offset?: number | undefined; limit?: number | undefined }): Page => ({
  offset: filter.offset ?? 0,
  limit: filter.limit ?? DEFAULT_PAGE_SIZE,
});
