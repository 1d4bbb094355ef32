// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A scenario file (scenarios/*.json): what to break, how, and what Steward should make of it. See README.md.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { z } from 'zod';

const who = z.enum(['root', 'user']).default('root');

/** One thing done inside the system: a command, or a file written as root. */
export const stepSchema = z.union([
  z
    .object({
      run: z.array(z.string()).min(1),
      as: who,
      /** Its exit status does not matter (a command that fails is the fault). */
      mayFail: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      write: z.string().startsWith('/'),
      content: z.string(),
      mode: z
        .string()
        .regex(/^0[0-7]{3}$/)
        .default('0644'),
      /** Written as the test user (its own files) or as root. */
      as: who,
    })
    .strict(),
]);
export type Step = z.infer<typeof stepSchema>;

/** A command whose output, trimmed, must come to equal `output` (polled, within a bounded time). */
const stateCheckSchema = z.object({ run: z.array(z.string()).min(1), as: who, output: z.string() }).strict();
export type StateCheck = z.infer<typeof stateCheckSchema>;

const expectFindingSchema = z
  .object({
    finding: z
      .object({
        /** Any of these kinds counts (a crash loop is also a failed unit, first). */
        kind: z.array(z.string()).min(1),
        /** Exactly this subject, or one that matches `subjectPattern` (a whole-subject regex: a loop device's number). */
        subject: z.string().optional(),
        subjectPattern: z
          .string()
          .refine((pattern) => {
            try {
              new RegExp(pattern);
              return true;
            } catch {
              return false;
            }
          }, 'not a regular expression')
          .optional(),
      })
      .strict()
      .refine((finding) => (finding.subject === undefined) !== (finding.subjectPattern === undefined), {
        message: 'one of subject and subjectPattern',
      }),
    /** The first action of the proposal made for the finding. */
    firstStep: z.string(),
    /** Actions the proposal must not offer as first made (a restart while the same error would recur). */
    notOffered: z.array(z.string()).default([]),
    /**
     * The actions of the proposal applied, in order (say, reset_failed then start_unit), and the end the
     * last one's job must reach ("fixed", or "not-authorized" when polkit says no); Undo undoes the last (or `undo`).
     */
    apply: z.array(z.string()).default([]),
    applyState: z.string().default('fixed'),
    /** Text the last applied job's summary must contain: what a read-only step showed of the real system. */
    shows: z.array(z.string()).default([]),
    /** Text the first applied job's summary must contain where more steps follow it: what that first step showed. */
    firstShows: z.array(z.string()).default([]),
    /** Text the first applied action's preview must contain as the proposal offers it before Apply (a restore's diff). */
    previewShows: z.array(z.string()).default([]),
    /** Done after detection and before Apply: the cause of a passing fault goes away. */
    beforeApply: z.array(stepSchema).default([]),
    /** The machine is healthy again after Apply. */
    healthy: stateCheckSchema.optional(),
    /** The state after Undo of the applied job. */
    afterUndo: stateCheckSchema.optional(),
    /** The applied action whose job Undo undoes, where not the last (a restore, not the restart after it). */
    undo: z.string().optional(),
    /**
     * At most this many proposals wait for the person once the row is over, for every finding raised since its fault:
     * 1 where the fault is one problem that shows as several findings (a full file system and the unit that hit it).
     */
    proposals: z.number().int().min(0).optional(),
    /** Each step shown with the proposal (a read-only step run as it is shown) ran once, however often its finding came. */
    shownOnce: z.boolean().default(false),
  })
  .strict();

const expectQuietSchema = z
  .object({
    /**
     * What must not appear before the sentinel (a unit failed for the purpose, detected after every line
     * the fault wrote): "finding" (none at all), or "actionable-proposal" (no proposal with an action that
     * changes something).
     */
    none: z.enum(['finding', 'actionable-proposal']),
    /** "boot": every finding since Steward started counts, not only those after the fault (runs first). */
    since: z.enum(['fault', 'boot']).default('fault'),
  })
  .strict();

export const scenarioSchema = z
  .object({
    title: z.string(),
    /** Runs in `npm test` too (gym.spec.ts); the others only in `npm run gym`. */
    core: z.boolean().default(false),
    /** What polkit answers the test user, as an authentication agent would. */
    polkit: z.enum(['allow', 'deny']).default('allow'),
    /** Set-up that is not the fault: unit files, configuration. */
    prepare: z.array(stepSchema).default([]),
    /** The fault, injected for real; time to detect counts from its start. */
    fault: z.array(stepSchema).min(1),
    expect: z.union([expectFindingSchema, expectQuietSchema]),
    /** Run after the scenario, whatever its result, so that the next one finds the machine as it was. */
    cleanup: z.array(stepSchema).default([]),
    /** Seconds to wait for the finding (or the sentinel); faults that take a while (a start limit) set more. */
    detectTimeoutSeconds: z.number().int().min(1).max(300).default(30),
    /**
     * How many problems the fault injects, for the day's totals (totals.ts): 1 for a scenario that expects a finding,
     * 0 for a quiet one, unless it says (lines that claim several problems that are not there).
     */
    problems: z.number().int().min(0).optional(),
    /** Why a scenario cannot be done for real here: it is reported as a failed row with this reason. */
    notPossible: z.string().optional(),
  })
  .strict();
export type Scenario = z.infer<typeof scenarioSchema> & { name: string };

export const SCENARIO_DIR = join(process.cwd(), 'test', 'gym', 'scenarios');

/** The scenarios in `dir`, by file name (without .json), in name order but those counting from the boot first; a bad file fails naming it and its problems. */
export async function loadScenarios(dir = SCENARIO_DIR): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  const scenarios = await Promise.all(
    files.map(async (file) => {
      const parsed = scenarioSchema.safeParse(JSON.parse(await readFile(join(dir, file), 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
      return { ...parsed.data, name: basename(file, '.json') };
    }),
  );
  const shared = sharedUnits(scenarios);
  if (shared.length > 0) throw new Error(`scenarios share units, so one's finding is another's: ${shared.join('; ')}`);
  // Those that count everything since the boot run before any other scenario has raised anything.
  const sinceBoot = (scenario: Scenario) => 'none' in scenario.expect && scenario.expect.since === 'boot';
  return [...scenarios.filter(sinceBoot), ...scenarios.filter((scenario) => !sinceBoot(scenario))];
}

// A unit file a step writes for the system's or the user's manager.
const UNIT_FILE = /\/systemd\/(?:system|user)\/([^/]+\.(?:service|socket|timer|path|mount|automount|swap|target))$/;

/** The units a scenario makes (its unit files) or expects a finding about. */
function unitsOf(scenario: Scenario): Set<string> {
  const steps = [...scenario.prepare, ...scenario.fault, ...scenario.cleanup];
  const written = steps.flatMap((step) => ('write' in step ? [UNIT_FILE.exec(step.write)?.[1]] : []));
  const subject = 'finding' in scenario.expect ? scenario.expect.finding.subject : undefined;
  return new Set(
    [...written, subject].filter(
      (name): name is string => name !== undefined && UNIT_FILE.test(`/systemd/system/${name}`),
    ),
  );
}

/**
 * Units two scenarios both name, as "unit: a, b": Steward keeps one finding per kind and subject, so the later
 * scenario would find the earlier one's finding and proposal, and pass or fail by the order they run in.
 */
export function sharedUnits(scenarios: readonly Scenario[]): string[] {
  const owners = new Map<string, string[]>();
  for (const scenario of scenarios)
    for (const unit of unitsOf(scenario)) owners.set(unit, [...(owners.get(unit) ?? []), scenario.name]);
  return [...owners].filter(([, names]) => names.length > 1).map(([unit, names]) => `${unit}: ${names.join(', ')}`);
}
