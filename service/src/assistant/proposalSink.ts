// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How propose_action reaches the fixes: the proposal goes through the same
// validation and preview as a playbook's, and waits for the user's Apply.
import { z } from 'zod';

import type { Catalog } from '../fixes/catalog.js';
import type { Proposal } from '../fixes/store.js';
import type { ProposalSink } from './tool.js';

export interface ChatProposer {
  catalog: Catalog;
  proposeFromChat(name: string, params: Record<string, unknown>, reason: string): Promise<Proposal>;
}

interface ParamSchema {
  type?: string;
  enum?: unknown[];
  items?: ParamSchema;
}

/**
 * "unit, scope: user|system, packages?: string[]": enough for a model to fill
 * the parameters in. A string's type goes unsaid: the catalog is part of every
 * prompt with tools, and each word of it delays every answer's first word.
 */
function describeParams(schema: { properties?: Record<string, ParamSchema>; required?: string[] }): string {
  const typeOf = (param: ParamSchema): string =>
    param.enum
      ? param.enum.join('|')
      : param.type === 'array' && param.items
        ? `${typeOf(param.items)}[]`
        : (param.type ?? 'any');
  return Object.entries(schema.properties ?? {})
    .map(([key, param]) => {
      const type = typeOf(param);
      return `${key}${schema.required?.includes(key) ? '' : '?'}${type === 'string' ? '' : `: ${type}`}`;
    })
    .join(', ');
}

/** Each action with its parameters, compact: the catalog is part of every prompt. */
export function catalogEntries(catalog: Catalog): ReturnType<ProposalSink['catalog']> {
  return catalog.all().map((action) => {
    const name = action.name;
    const schema = z.toJSONSchema(action.params, { io: 'input', unrepresentable: 'any' });
    const risk = typeof action.risk === 'string' ? action.risk : 'depends on the parameters';
    const params = describeParams(schema as Parameters<typeof describeParams>[0]);
    return { name, description: `${action.title} (${params})`, params, risk };
  });
}

export function proposalSink(proposer: ChatProposer): ProposalSink {
  return {
    // Read at each turn: the settings switch actions on and off (fixes.expertShell).
    catalog: () => catalogEntries(proposer.catalog),
    propose: async ({ action, params, reason }) => {
      const proposal = await proposer.proposeFromChat(action, params, reason);
      return { id: proposal.id, title: proposal.title };
    },
  };
}
