// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Whether an action may run: the user's per-action rule from the config.
// "auto" is honoured only for low-risk actions that need no authorization, in
// a proposal that may be applied in one click (a playbook's, about a finding
// systemd, the kernel or Steward's own reading vouches for); anything else
// falls back to asking.
import { type ActionDefinition, needsAuthorization, riskOf } from './action.js';
import type { Policy } from './store.js';

export type PolicyRules = Record<string, Policy>;

export function policyFor(
  rules: PolicyRules,
  action: ActionDefinition,
  params: Record<string, unknown>,
  oneClick: boolean,
): Policy {
  const rule = rules[action.name] ?? 'ask';
  if (rule !== 'auto') return rule;
  return oneClick && riskOf(action, params) === 'low' && !needsAuthorization(action, params) ? 'auto' : 'ask';
}
