// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { z } from 'zod';

import { describeConfigIssues } from './configIssues.js';
import { SEVERITIES } from './severity.js';
import { readSmallFile } from './smallFile.js';
import { userPatternProblem } from './userPattern.js';

const remoteEndpointSchema = z
  .object({
    /** The OpenAI-compatible API's base URL, e.g. http://127.0.0.1:8080/v1. */
    url: z.url({ protocol: /^https?$/ }),
    model: z.string().min(1),
    /** A file holding the API key (mode 0600); without it the key is looked up in the keyring. */
    apiKeyFile: z.string().min(1).optional(),
    requestTimeoutSeconds: z.number().int().min(5).max(3600).default(120),
    concurrency: z.number().int().min(1).max(16).default(2),
  })
  .strict();

const inferenceSchema = z
  .object({
    /** 'remote' sends prompts to `remote.url`; nothing leaves the computer otherwise. */
    engine: z.enum(['local', 'remote']).default('local'),
    gpu: z.enum(['auto', 'cuda', 'vulkan', 'metal', 'off']).default('auto'),
    /** 'auto' is half the logical CPUs: llama.cpp slows down sharply when it competes for every core. */
    threads: z.union([z.literal('auto'), z.number().int().min(1).max(256)]).default('auto'),
    /** How many chats the local engine answers at once; more wait in line. */
    sequences: z.number().int().min(1).max(8).default(2),
    contextSize: z.union([z.literal('auto'), z.number().int().min(256)]).default('auto'),
    /** The model is unloaded and its memory returned after this long without requests. */
    idleUnloadSeconds: z.number().int().min(10).default(300),
    maxAnswerTokens: z.number().int().min(16).max(32_768).default(1024),
    remote: remoteEndpointSchema.optional(),
  })
  .strict()
  .refine((inference) => inference.engine === 'local' || inference.remote, {
    message: 'engine "remote" needs a "remote" section with the endpoint\'s url and model',
    path: ['remote'],
  });

const findingsSchema = z
  .object({
    /** The least severe finding that puts the service in the "attention" state (and later, notifies). */
    attentionSeverity: z.enum(SEVERITIES).default('warning'),
    /** Resolved findings older than this many days are deleted with their evidence, so findings.db levels off. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
  })
  .strict();

const fixesSchema = z
  .object({
    /**
     * Per action name ('systemd.restart_unit'…): 'ask' (the default) waits for
     * the user's Apply, 'never' blocks the action, 'auto' runs it without
     * asking, honoured only for low-risk actions that need no authorization.
     */
    policy: z.record(z.string().regex(/^[a-z]+\.[a-z_]+$/), z.enum(['ask', 'never', 'auto'])).default({}),
    /** An action still running after this long is stopped and reported failed. */
    actionTimeoutSeconds: z.number().int().min(10).max(7200).default(600),
    /**
     * Lets proposals include `shell.run`: a command (an argv, never a shell string) run in a
     * read-only sandbox without network, always high risk, always asked. Off unless the user turns it on.
     */
    expertShell: z.boolean().default(false),
    /**
     * On NixOS, how long a switched change waits for the user's confirmation (the notification's
     * button or `steward confirm`) before Steward switches back to the previous generation.
     */
    nixosConfirmSeconds: z.number().int().min(10).max(3600).default(120),
  })
  .strict();

const assistantSchema = z
  .object({
    /** Take secrets out of what a local model sees too; what goes to a remote endpoint is always redacted. */
    redactLocal: z.boolean().default(false),
    /** More secrets to take out, as regular expressions (JavaScript syntax), e.g. an internal token's form. */
    redactPatterns: z
      .array(
        z.string().superRefine((pattern, context) => {
          const problem = userPatternProblem(pattern);
          if (problem !== null)
            context.addIssue({
              code: 'custom',
              message: `not a regular expression Steward can run in linear time (${problem}); backreferences and lookaround are not supported`,
            });
        }),
      )
      .default([]),
    /** Directories (besides the home directory) whose files the assistant may read when asked. */
    readableRoots: z.array(z.string().startsWith('/', 'must be an absolute path')).default(['/etc']),
    /**
     * MCP clients (by the name they declare, e.g. "Claude Desktop") whose tool results through `steward mcp` are
     * not redacted; every other agent's are, since its model is usually remote.
     */
    unredactedAgents: z.array(z.string().min(1).max(80)).default([]),
    /** The most tool calls one answer may make before the model must answer with what it has. */
    maxToolCalls: z.number().int().min(0).max(32).default(6),
    /** With a model set up, each new finding gets a short explanation and its likely cause. */
    explainFindings: z.boolean().default(true),
  })
  .strict();

const diskWatchSchema = z
  .object({
    mounts: z.array(z.string().startsWith('/', 'must be an absolute path')).default(['/', '/home', '/var']),
    intervalSeconds: z.number().int().min(5).default(60),
    // A mount is low on space below the percentage or the size, whichever is smaller:
    // 10 % of a 2 TB disk is far more than anyone needs free. Sizes in GB (10^9 bytes), as GNOME shows them.
    lowPercent: z.number().min(1).max(50).default(10),
    lowGB: z.number().min(0.5).max(10_000).default(5),
    criticalPercent: z.number().min(0.5).max(25).default(3),
    criticalGB: z.number().min(0.1).max(1000).default(1),
  })
  .strict()
  .refine((disks) => disks.criticalPercent < disks.lowPercent && disks.criticalGB < disks.lowGB, {
    message: 'the critical thresholds must be below the low ones',
  });

const watchSchema = z
  .object({
    journal: z
      .object({
        /** Follow the system journal when this user may read it (systemd-journal or adm group). */
        system: z.boolean().default(true),
        user: z.boolean().default(true),
        /** More journal directories to follow, e.g. a container's or a machine's exported journal. */
        directories: z.array(z.string().startsWith('/', 'must be an absolute path')).default([]),
      })
      .strict()
      .default({ system: true, user: true, directories: [] }),
    /** Failed units, from the user's and the system's service manager (signals, not polling). */
    units: z.boolean().default(true),
    /** Links and default routes, from netlink; connectivity, from NetworkManager where it runs. */
    network: z.boolean().default(true),
    /** The desktop session: GNOME Shell's extensions, sound, Bluetooth, printers and the clock, from their own D-Bus APIs (signals, not polling). */
    desktop: z.boolean().default(true),
    /** dpkg's own database (its status file and journal), from inotify: a run left unfinished, whoever ran it. */
    packages: z.boolean().default(true),
    disks: diskWatchSchema.default(() => diskWatchSchema.parse({})),
    files: z
      .object({
        /** ~/.config (its top level and its applications’ folders, three levels deep) and the coredump directory. */
        watchDefaults: z.boolean().default(true),
        /** More files or directories to watch, e.g. /etc/fstab; a copy of each good version is kept. */
        paths: z.array(z.string().startsWith('/', 'must be an absolute path')).default([]),
      })
      .strict()
      .default({ watchDefaults: true, paths: [] }),
  })
  .strict();

const voiceSchema = z
  .object({
    /**
     * 'desktop' reads aloud through speech-dispatcher in the voice and rate chosen for the screen reader
     * (espeak-ng where speech-dispatcher is missing); 'neural' with the voice `neuralModel`.
     */
    output: z.enum(['desktop', 'neural']).default('desktop'),
    /** A neural voice (VITS/Piper or Kokoro) in ~/.local/share/steward/voices/NAME. */
    neuralModel: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'must be the name of a directory in ~/.local/share/steward/voices')
      .optional(),
  })
  .strict()
  .refine((voice) => voice.output === 'desktop' || voice.neuralModel, {
    message: 'output "neural" needs "neuralModel", the name of the voice',
    path: ['neuralModel'],
  });

export const configSchema = z
  .object({
    logLevel: z.enum(['debug', 'info', 'warning', 'error']).default('info'),
    inference: inferenceSchema.default(() => inferenceSchema.parse({})),
    findings: findingsSchema.default(() => findingsSchema.parse({})),
    watch: watchSchema.default(() => watchSchema.parse({})),
    fixes: fixesSchema.default(() => fixesSchema.parse({})),
    assistant: assistantSchema.default(() => assistantSchema.parse({})),
    voice: voiceSchema.default(() => voiceSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type InferenceConfig = Config['inference'];
export type AssistantConfig = Config['assistant'];
export type VoiceConfig = Config['voice'];

export const defaultConfig: Config = configSchema.parse({});

export type ConfigLoad =
  | { status: 'missing'; config: Config }
  | { status: 'loaded'; config: Config }
  | { status: 'invalid'; config: Config; problem: string };

/** Far larger than any configuration. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * A JSON syntax error as people find it in an editor: "line 3, column 5: Expected ',' or '}' after
 * property value" rather than a character position.
 */
export function jsonErrorWhere(text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message);
  const reason = error.message.replace(/ in JSON at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)$/, '');
  const offset = position ? Number(position[1]) : /Unexpected end of JSON input/.test(error.message) ? text.length : -1;
  if (offset < 0) return reason;
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}: ${reason}`;
}

/**
 * Reads the configuration file. A missing file means defaults; a broken one
 * also gives the defaults plus a description of the problem, and the file is
 * left as it is so the user can fix it.
 */
export async function loadConfig(file: string): Promise<ConfigLoad> {
  let text: string;
  try {
    text = await readSmallFile(file, MAX_CONFIG_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing', config: defaultConfig };
    return { status: 'invalid', config: defaultConfig, problem: `cannot read ${file}: ${(error as Error).message}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      status: 'invalid',
      config: defaultConfig,
      problem: `${file} is not valid JSON: ${jsonErrorWhere(text, error as Error)}`,
    };
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const issues = describeConfigIssues(parsed.error.issues, configSchema, data);
    return { status: 'invalid', config: defaultConfig, problem: `${file}: ${issues.join('; ')}` };
  }
  return { status: 'loaded', config: parsed.data };
}
