// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// An evaluation scenario: a question, the machine state the tools will see,
// what a good answer does, and the model turns of a reference answer (which
// the scripted engine replays in CI). Scenarios are JSON files in eval/scenarios/.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { SEVERITIES } from '../findings/types.js';

export const CATEGORIES = ['disk', 'services', 'network', 'packages', 'performance', 'logs', 'safety', 'docs'] as const;
export type Category = (typeof CATEGORIES)[number];

const isoDate = z.iso.datetime({ offset: true }).transform((text) => new Date(text));
const bytes = z.number().int().nonnegative();
const scope = z.enum(['user', 'system']);

const summarySchema = z.object({
  os: z.string(),
  kernel: z.string(),
  hostname: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  cpu: z.object({
    model: z.string(),
    cores: z.number().int().positive(),
    load: z.tuple([z.number(), z.number(), z.number()]),
  }),
  memory: z.object({ totalBytes: bytes, availableBytes: bytes, swapTotalBytes: bytes, swapFreeBytes: bytes }),
  gpus: z.array(z.string()),
  battery: z.object({ percent: z.number().min(0).max(100), state: z.string() }).nullable(),
});

const mountSchema = z.object({
  mount: z.string(),
  device: z.string(),
  fsType: z.string(),
  sizeBytes: bytes,
  usedBytes: bytes,
  availableBytes: bytes,
  inodesUsedPercent: z.number().min(0).max(100).nullable(),
});

const processSchema = z.object({
  pid: z.number().int().positive(),
  name: z.string(),
  user: z.string(),
  cpuPercent: z.number().nonnegative(),
  memoryBytes: bytes,
  command: z.string(),
});

const unitSchema = z.object({
  name: z.string(),
  scope,
  description: z.string(),
  loadState: z.string(),
  activeState: z.string(),
  subState: z.string(),
  result: z.string(),
  mainPid: z.number().int().nonnegative(),
  since: isoDate.nullable(),
});

const journalLineSchema = z.object({
  time: isoDate,
  priority: z.number().int().min(0).max(7),
  unit: z.string(),
  identifier: z.string(),
  message: z.string(),
});

const networkSchema = z.object({
  links: z.array(z.object({ name: z.string(), state: z.string(), addresses: z.array(z.string()) })),
  routes: z.array(z.object({ destination: z.string(), gateway: z.string().nullable(), device: z.string() })),
  dnsServers: z.array(z.string()),
  connectivity: z.string(),
});

const packageSchema = z.object({
  name: z.string(),
  version: z.string(),
  arch: z.string(),
  summary: z.string(),
  installed: z.boolean(),
});

const findingSchema = z.object({
  id: z.number().int().positive(),
  kind: z.string(),
  subject: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  state: z.string(),
  count: z.number().int().positive(),
  lastSeen: isoDate,
  explanation: z.string().nullable(),
});

const proposalSchema = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  state: z.string(),
  findingId: z.number().int().positive().nullable(),
  actions: z.array(z.object({ name: z.string(), risk: z.string(), summary: z.string() })),
});

const auditSchema = z.object({
  at: isoDate,
  event: z.string(),
  proposalId: z.number().int().positive().nullable(),
  jobId: z.number().int().positive().nullable(),
  action: z.string().nullable(),
  result: z.string(),
});

/** A passage of installed documentation, as search_docs and read_doc would find it. */
const docPassageSchema = z.object({
  /** "sshd_config(5)", "openssh-client/README.Debian". */
  title: z.string().min(1),
  heading: z.string().min(1),
  entry: z.string().min(1).nullable().default(null),
  text: z.string().min(1),
  lang: z.string().default(''),
});

/** The machine as the tools see it; a part left out is "not recorded", and the model is told so. */
export const recordedMachineSchema = z.object({
  home: z.string().startsWith('/').default('/home/alex'),
  summary: summarySchema.optional(),
  mounts: z.array(mountSchema).optional(),
  /** Directories with their sizes; a scan lists those under its root. */
  directories: z.array(z.object({ path: z.string().startsWith('/'), bytes })).optional(),
  processes: z.array(processSchema).optional(),
  units: z.array(unitSchema).optional(),
  journal: z.array(journalLineSchema).optional(),
  network: networkSchema.optional(),
  packages: z.array(packageSchema).optional(),
  findings: z.array(findingSchema).optional(),
  proposals: z.array(proposalSchema).optional(),
  audit: z.array(auditSchema).optional(),
  /** File contents by absolute path. */
  files: z.record(z.string().startsWith('/'), z.string()).optional(),
  /** The documentation index's passages: searched with the service's own ranking. */
  docs: z.array(docPassageSchema).optional(),
});
export type RecordedMachine = z.infer<typeof recordedMachineSchema>;

/** A fact is a case-insensitive substring, or a /regular expression/ (matched case-insensitively too). */
export function factPattern(fact: string): RegExp {
  const regex = /^\/(.+)\/$/.exec(fact);
  return new RegExp(regex?.[1] ?? fact.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'), 'i');
}

const factSchema = z.string().refine(
  (fact) => {
    try {
      factPattern(fact);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid /regular expression/' },
);

const expectSchema = z.object({
  /** Tools that must be called. */
  tools: z.array(z.string()).default([]),
  /** Catalog actions that must be proposed, with parameters the catalog accepts. */
  actions: z.array(z.string()).default([]),
  /** Actions that must not be proposed; "*" forbids any proposal. */
  forbiddenActions: z.array(z.string()).default([]),
  /** What the answer must say. */
  facts: z.array(factSchema).default([]),
});

export const replayTurnSchema = z.union([
  z.object({
    toolCalls: z
      .array(z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()) }))
      .min(1)
      .max(6),
  }),
  z.object({ text: z.string().min(1) }),
]);
export type ReplayTurn = z.infer<typeof replayTurnSchema>;

/** A finding the user asks about, as the UI's "Explain" button sends it. */
const askedFindingSchema = z.object({ title: z.string().min(1), evidence: z.array(z.string()).default([]) });

export function explainFindingQuestion(finding: z.infer<typeof askedFindingSchema>): string {
  return [`Explain this problem: ${finding.title}`, ...finding.evidence].join('\n');
}

export const scenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case words joined by dashes'),
    category: z.enum(CATEGORIES),
    question: z.string().min(1).optional(),
    finding: askedFindingSchema.optional(),
    /** When the machine state was recorded: its times are moved so that this is now. */
    now: isoDate.optional(),
    machine: recordedMachineSchema,
    expect: expectSchema,
    /**
     * Tools to take away in a second run of the scenario, e.g. ["search_docs", "read_doc"]: the report
     * shows the scores with and without them, what they are worth to the model.
     */
    compareWithout: z.array(z.string().min(1)).default([]),
    /** The reference answer: the model turns a good model makes, ending with its text. */
    replay: z
      .array(replayTurnSchema)
      .min(1)
      .refine((turns) => 'text' in (turns.at(-1) ?? {}), { message: 'the last turn must be the answer text' }),
  })
  .refine((scenario) => (scenario.question === undefined) !== (scenario.finding === undefined), {
    message: 'give either a question or a finding',
  })
  .transform(({ finding, question, ...scenario }) => ({
    ...scenario,
    question: finding ? explainFindingQuestion(finding) : (question ?? ''),
  }));
export type Scenario = z.infer<typeof scenarioSchema>;

/** The scenario, or an Error naming the file and each problem. */
export function parseScenario(json: string, source: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(scenario)'}: ${issue.message}`);
    throw new Error(`${source}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Every scenario file (*.json) of a directory, sorted by name. */
export async function loadScenarios(directory: string): Promise<Scenario[]> {
  const files = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`${directory} holds no scenario files (*.json)`);
  return Promise.all(
    files.map(async (name) => parseScenario(await readFile(join(directory, name), 'utf8'), join(directory, name))),
  );
}
