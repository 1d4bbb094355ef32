// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Rules every scenario of the gym is held to, whatever it expects: one finding has one open proposal, and no proposal
// offers a restart while the check it carries still fails on the booted system. The check is made here, by the gym,
// from the machine's own state (a shell in the booted system), not by asking Steward, so a proposal whose own
// reading went wrong is caught.
import type { GymSystem } from './system.js';

export interface ProposalAction {
  name: string;
  /** The action's parameters as JSON. */
  params?: string;
}

export interface OpenProposal {
  id: string;
  'finding-id': string;
  subject: string;
  actions: ProposalAction[];
}

const RESTART = 'systemd.restart_unit';

/** The findings that have more than one open proposal, as lines for a row's reason. */
export function duplicateProposals(open: readonly OpenProposal[]): string[] {
  const byFinding = new Map<string, OpenProposal[]>();
  for (const proposal of open) {
    if (proposal['finding-id'] === '') continue;
    byFinding.set(proposal['finding-id'], [...(byFinding.get(proposal['finding-id']) ?? []), proposal]);
  }
  return [...byFinding.values()]
    .filter((proposals) => proposals.length > 1)
    .map(
      (proposals) => `${proposals.length} open proposals (${proposals.map((p) => p.id).join(', ')}) for one finding`,
    );
}

// The address a program could not bind or reach, in the words of strerror(3) or its symbol (Node, Go, Python).
const IN_USE = /EADDRINUSE|address already in use/i;
const REFUSED = /ECONNREFUSED|connection refused/i;

/** The path, or its nearest parent that exists: the folder whose mount or space a missing path would be in. */
const NEAREST = 'p="$1"; while [ ! -e "$p" ]; do p=$(dirname "$p"); done;';

/**
 * A shell test of the booted system for a check step, exiting 0 while the check fails; null for a check this machine
 * cannot make from outside (a process's open files, a remote name server).
 */
function failingTest(step: string, params: Record<string, unknown>, why: string): string[] | null {
  const path = typeof params.path === 'string' ? params.path : undefined;
  switch (step) {
    case 'info.path_mount':
      return path
        ? ['sh', '-c', `${NEAREST} findmnt -n -o OPTIONS -T "$p" | grep -Eq '(^|,)ro(,|$)'`, 'sh', path]
        : null;
    case 'info.disk_usage':
      // Less than 1% of the blocks free to users, or no inode left, as full as a writer meets it.
      return [
        'sh',
        '-c',
        `${NEAREST} set -- $(stat -f -c '%a %b %c %d' "$p"); [ $(($1 * 100)) -lt "$2" ] || { [ "$3" -gt 0 ] && [ "$4" -eq 0 ]; }`,
        'sh',
        path ?? '/',
      ];
    case 'info.port_holder': {
      const port = Number(params.port);
      if (!Number.isInteger(port)) return null;
      const held = `[ -n "$(ss -Htan state listening "sport = :${port}")" ]`;
      if (IN_USE.test(why)) return ['sh', '-c', held];
      if (REFUSED.test(why)) return ['sh', '-c', `! ${held}`];
      return null;
    }
    default:
      return null;
  }
}

/**
 * info.path_access: whether the unit's user is still shut out of the path: it may neither read nor write it and, where
 * it is missing, may not create it in its folder. Null where the user is not known (DynamicUser=).
 */
async function pathShutOut(system: GymSystem, params: Record<string, unknown>): Promise<boolean | null> {
  const { path, unit, scope } = params;
  if (typeof path !== 'string' || typeof unit !== 'string') return null;
  const test =
    'test -r "$1" || test -w "$1" || { test ! -e "$1" && d=$(dirname "$1") && test -w "$d" && test -x "$d"; }';
  if (scope === 'user') return (await system.exec(['sh', '-c', test, 'sh', path], 'user')).code !== 0;
  const shown = await system.exec(['systemctl', 'show', '--property=User,DynamicUser', unit]);
  if (/^DynamicUser=yes$/m.test(shown.stdout)) return null;
  const user = /^User=(.*)$/m.exec(shown.stdout)?.[1] || 'root';
  return (await system.exec(['runuser', '-u', user, '--', 'sh', '-c', test, 'sh', path])).code !== 0;
}

export interface CheckResult {
  /** The check steps made on the machine. */
  made: number;
  /** How many of them failed. */
  failed: number;
  /** Restarts offered beside a check that failed, as lines for a row's reason. */
  restartsWhileFailing: string[];
}

export const offersRestart = (proposal: OpenProposal) => proposal.actions.some((action) => action.name === RESTART);

/**
 * The proposals' check steps made on the booted system; `why` is what a proposal says of its finding (its explanation
 * and evidence), which tells a port a program could not bind from one it could not reach.
 */
export async function checkSteps(
  system: GymSystem,
  proposals: readonly (OpenProposal & { why: string })[],
): Promise<CheckResult> {
  const result: CheckResult = { made: 0, failed: 0, restartsWhileFailing: [] };
  for (const proposal of proposals) {
    for (const action of proposal.actions) {
      const params = JSON.parse(action.params || '{}') as Record<string, unknown>;
      let failing: boolean | null;
      if (action.name === 'info.path_access') failing = await pathShutOut(system, params);
      else {
        const test = failingTest(action.name, params, proposal.why);
        failing = test ? (await system.exec(test)).code === 0 : null;
      }
      if (failing === null) continue;
      result.made += 1;
      if (!failing) continue;
      result.failed += 1;
      if (offersRestart(proposal)) {
        result.restartsWhileFailing.push(
          `${proposal.subject}: ${RESTART} offered while ${action.name} ${action.params ?? ''} still fails`,
        );
      }
    }
  }
  return result;
}
