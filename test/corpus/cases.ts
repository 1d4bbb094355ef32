// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The corpus files (test/corpus/cases/*.json, format in test/corpus/README.md):
// their schema, and loading them with every problem named.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

// A program that crashed: a service or tool (crash), or a program of the user's desktop session (app-crash). A
// finding says what crashed, not which of the two it was: both classes count the same kinds, one list.
const CRASH_KINDS = ['coredump', 'crash'] as const;

/** The classes of problem a case may expect, and the finding kinds that count for each. */
export const CLASS_KINDS = {
  'unit-failure': ['unit-failed', 'config-error'],
  'crash-loop': ['crash-loop'],
  crash: CRASH_KINDS,
  oom: ['oom-kill'],
  storage: ['storage-error', 'filesystem-error'],
  'disk-full': ['no-space', 'disk-low', 'disk-critical'],
  gpu: ['gpu-fault'],
  network: ['network-failure', 'wifi-secrets', 'link-down', 'no-connectivity'],
  dns: ['dns-failure'],
  'config-error': ['config-error'],
  auth: ['auth-failures'],
  'package-manager': ['package-manager-error'],
  thermal: ['thermal-throttling'],
  // The desktop session (service/src/kinds/).
  'app-crash': CRASH_KINDS,
  extension: ['extension-error'],
  sound: ['sound-unavailable'],
  bluetooth: ['bluetooth-unavailable'],
  printing: ['printer-problem'],
  clock: ['clock-unsynchronised'],
  'sign-in': ['sign-in-failure'],
} as const satisfies Record<string, readonly string[]>;

export type CorpusClass = keyof typeof CLASS_KINDS;
export const CLASSES = Object.keys(CLASS_KINDS) as CorpusClass[];
/** The name of benign.json's class: cases that should raise nothing. */
export const BENIGN = 'benign';

const programWriter = z.strictObject({
  comm: z.string().min(1).max(15),
  identifier: z.string().min(1).optional(),
  exe: z.string().startsWith('/'),
  unit: z.string().min(1).optional(),
  userUnit: z.string().min(1).optional(),
  uid: z.number().int().nonnegative().optional(),
  pid: z.number().int().min(2).optional(),
  transport: z.enum(['syslog', 'journal', 'stdout']).optional(),
});

export const lineSchema = z.strictObject({
  writer: z.union([z.enum(['kernel', 'systemd', 'user-manager']), programWriter]),
  message: z.string().min(1),
  priority: z.number().int().min(0).max(7).optional(),
  // Trusted fields are the writer's to give, never a line's.
  fields: z.record(z.string().regex(/^[A-Z0-9][A-Z0-9_]*$/), z.string()).optional(),
});

/** Where a file's text was taken from: a repository's file at one commit, and how, where it is not that file as is. */
const fileSourceSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  path: z.string().min(1),
  note: z.string().min(1).optional(),
});

/** A file of the reporter's machine, whole, as the source shows it: where a program's complaint points. */
const fileSchema = z.strictObject({
  path: z
    .string()
    .startsWith('/')
    .refine((path) => !path.split('/').includes('..'), 'a path without ".."'),
  source: fileSourceSchema,
  content: z.string(),
});

export const caseSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  source: z.strictObject({ url: z.url({ protocol: /^https?$/ }), title: z.string().min(1) }),
  distro: z.string().optional(),
  expect: z.strictObject({
    class: z.enum(CLASSES).nullable(),
    firstStep: z
      .string()
      .regex(/^[a-z_]+\.[a-z_]+$/)
      .nullable(),
  }),
  lines: z.array(lineSchema).min(1),
  files: z.array(fileSchema).optional(),
});

export const caseFileSchema = z.strictObject({
  class: z.union([z.enum(CLASSES), z.literal(BENIGN)]),
  cases: z.array(caseSchema).min(1),
});

export type CorpusLine = z.infer<typeof lineSchema>;
export type CorpusCase = z.infer<typeof caseSchema>;
export type CorpusFile = z.infer<typeof fileSchema>;
export type Writer = CorpusLine['writer'];

export const CASES_DIR = join(process.cwd(), 'test', 'corpus', 'cases');

/** Every case of every *.json file in `dir`; throws naming each invalid file, case and field. */
export function loadCases(dir = CASES_DIR): CorpusCase[] {
  const problems: string[] = [];
  const cases: CorpusCase[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const parsed = caseFileSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => `${file}: ${issue.path.join('.')}: ${issue.message}`));
      continue;
    }
    const fileClass = parsed.data.class === BENIGN ? null : parsed.data.class;
    for (const c of parsed.data.cases) {
      if (c.expect.class !== fileClass)
        problems.push(`${file}: ${c.id} expects ${c.expect.class}, not the file's class`);
      cases.push(c);
    }
  }
  const ids = new Set<string>();
  for (const { id } of cases) {
    if (ids.has(id)) problems.push(`case id ${id} is used twice`);
    ids.add(id);
  }
  if (problems.length > 0) throw new Error(`invalid corpus:\n${problems.join('\n')}`);
  return cases;
}
