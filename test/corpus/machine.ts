// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The units of the machine a case describes, as its service managers would
// answer over D-Bus after the case's last line (test/corpus/README.md, "The
// simulated machine"). Only what journald vouches for counts: a unit a program
// ran in (_SYSTEMD_UNIT, _SYSTEMD_USER_UNIT) exists, and only its manager's own
// lines (PID 1, the user's systemd) move it out of 'active'.
import type { CorpusLine } from './cases.js';

export type UnitState = 'active' | 'activating' | 'inactive' | 'failed';

/** Each manager's units: the system's (PID 1) and the user's (systemd --user). */
export interface MachineUnits {
  system: Map<string, UnitState>;
  user: Map<string, UnitState>;
}

const UNIT_SUFFIX = '(?:service|socket|mount|automount|swap|target|timer|path|slice|device)';
const UNIT = `[^\\s:/]+\\.${UNIT_SUFFIX}`;
/** How a manager's line names its unit: UNIT=/USER_UNIT= (log_unit_*()), or the unit in its text, old formats included. */
const NAMED = [
  new RegExp(`^(${UNIT}): `),
  new RegExp(`^Unit (${UNIT}) entered failed state\\.?$`),
  new RegExp(`^(${UNIT}) failed\\.?$`),
  // Before systemd 233: "start request repeated too quickly for foo.service".
  new RegExp(`^start request repeated too quickly for (${UNIT})\\.?$`),
];
/** The state a manager's message leaves its unit in; the latest such line wins, as in systemd. */
const STATES: [RegExp, UnitState][] = [
  [
    /: Failed with result '|entered failed state|^\S+ failed\.?$|^(?:\S+: )?start request repeated too quickly|^Failed to start /i,
    'failed',
  ],
  [/: Scheduled restart job/, 'activating'],
  [/: Succeeded\.?$|: Deactivated successfully\.?$|^Stopped /, 'inactive'],
  [/^Started |^Reached target |^Listening on |^Mounted /, 'active'],
];
// Scopes (init.scope, sessions, apps) are not what a unit action may act on, and no mock needs them.
const isUnit = (name: string) => new RegExp(`^${UNIT}$`).test(name);

/** The unit a manager's line is about: its UNIT=/USER_UNIT= field, else the name its message starts with. */
function managerUnit(line: CorpusLine): string | undefined {
  const field = line.fields?.UNIT ?? line.fields?.USER_UNIT;
  if (field) return field;
  for (const pattern of NAMED) {
    const match = pattern.exec(line.message);
    if (match) return match[1];
  }
  return undefined;
}

/** The units `lines` show on their machine, in the state the managers' lines leave them in. */
export function machineUnits(lines: readonly CorpusLine[]): MachineUnits {
  const units: MachineUnits = { system: new Map(), user: new Map() };
  const known = (manager: Map<string, UnitState>, unit: string | undefined) => {
    if (unit && isUnit(unit) && !manager.has(unit)) manager.set(unit, 'active');
  };
  for (const line of lines) {
    const { writer } = line;
    if (writer === 'kernel') continue;
    if (writer === 'systemd' || writer === 'user-manager') {
      const unit = managerUnit(line);
      const mine = writer === 'systemd' ? units.system : units.user;
      if (!unit || !isUnit(unit)) continue;
      known(mine, unit);
      const state = STATES.find(([pattern]) => pattern.test(line.message))?.[1];
      if (state) mine.set(unit, state);
      continue;
    }
    // A program's own words never change a unit's state: only that it ran there, which journald vouches for.
    known(units.system, writer.unit);
    known(units.user, writer.userUnit);
  }
  return units;
}

/** Whether two machines agree on every unit they both have. */
function agree(a: MachineUnits, b: MachineUnits): boolean {
  return (['system', 'user'] as const).every((scope) =>
    [...b[scope]].every(([unit, state]) => (a[scope].get(unit) ?? state) === state),
  );
}

/**
 * The cases in waves of at most `size`, in order, each wave one machine: a case whose units disagree with
 * its wave's (nginx.service failed in one case, running in another) starts the next wave.
 */
export function machineWaves<T extends { lines: readonly CorpusLine[] }>(
  cases: readonly T[],
  size: number,
): { cases: T[]; units: MachineUnits }[] {
  const waves: { cases: T[]; units: MachineUnits }[] = [];
  for (const corpusCase of cases) {
    const units = machineUnits(corpusCase.lines);
    let wave = waves.at(-1);
    if (!wave || wave.cases.length >= size || !agree(wave.units, units)) {
      wave = { cases: [], units: { system: new Map(), user: new Map() } };
      waves.push(wave);
    }
    wave.cases.push(corpusCase);
    for (const scope of ['system', 'user'] as const)
      for (const [unit, state] of units[scope]) wave.units[scope].set(unit, state);
  }
  return waves;
}
