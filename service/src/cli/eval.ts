// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward eval`: scores a model on the scenario corpus, in this process (no
// service needed), with the local engine for a GGUF file or a remote endpoint.
import { fileURLToPath } from 'node:url';

import { loadConfig } from '../config.js';
import type { ChatEngine } from '../engine/chatEngine.js';
import { threadCount } from '../engine/engineProvider.js';
import type { GpuSetting } from '../engine/protocol.js';
import { settingsRedactor } from '../engine/redact.js';
import { RemoteEngine } from '../engine/remote.js';
import { Engine } from '../engine/supervisor.js';
import { formatScenarioLine, formatTable, reportJson } from '../eval/report.js';
import { runEval } from '../eval/runner.js';
import { CATEGORIES, type Category, loadScenarios } from '../eval/scenario.js';
import { createLogger } from '../logging.js';
import { resolvePaths } from '../paths.js';
import { EXIT_FAILURE, EXIT_USAGE } from './exitCodes.js';

export interface EvalValues {
  model?: string;
  'remote-model'?: string;
  corpus?: string;
  category?: string;
  json?: boolean;
  verbose?: boolean;
  'max-tokens'?: string;
}

/** Where the built CLI finds its parts, and how the local engine runs. */
export interface EvalSetup {
  workerScript: string;
  /** The corpus shipped with the service. */
  corpus: string;
  threads: number;
  gpu: GpuSetting;
  contextSize: 'auto' | number;
}

export interface EvalOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const DEFAULT_MAX_TOKENS = 1024;
// A local model on a CPU can take minutes for one long answer.
const REMOTE_TIMEOUT_MS = 600_000;
// The worker stays loaded for the whole run; unload() ends it.
const IDLE_TIMEOUT_MS = 3_600_000;

/** The setup of the CLI built at `moduleUrl` (dist/service/steward.js): its worker and corpus sit beside it. */
export function builtSetup(moduleUrl: string): EvalSetup {
  return {
    workerScript: fileURLToPath(new URL('./steward-engine.js', moduleUrl)),
    corpus: fileURLToPath(new URL('./eval/scenarios', moduleUrl)),
    threads: threadCount('auto'),
    gpu: 'auto',
    contextSize: 'auto',
  };
}

/** The user's own redaction patterns: what they asked to keep from any remote model, eval's included. */
async function userRedactPatterns(): Promise<string[]> {
  return (await loadConfig(resolvePaths().configFile)).config.assistant.redactPatterns;
}

async function createEngine(
  model: string,
  values: EvalValues,
  setup: EvalSetup,
  output: EvalOutput,
): Promise<ChatEngine> {
  const log = createLogger({ level: 'warning', journal: false, write: (line) => output.stderr(`${line}\n`) });
  if (/^https?:\/\//.test(model)) {
    const patterns = await userRedactPatterns();
    return new RemoteEngine({
      url: model,
      model: values['remote-model'] ?? 'default',
      apiKey: process.env.STEWARD_EVAL_API_KEY || null,
      requestTimeoutMs: REMOTE_TIMEOUT_MS,
      concurrency: 1,
      log,
      redact: settingsRedactor(() => patterns),
    });
  }
  return new Engine({
    modelPath: model,
    gpu: setup.gpu,
    sequences: 1,
    threads: setup.threads,
    contextSize: setup.contextSize,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    workerScript: setup.workerScript,
    log,
  });
}

/** What is wrong with the options, or the parsed ones. */
function parseValues(values: EvalValues): { model: string; maxTokens: number; category?: Category } | string {
  if (!values.model) return 'eval needs --model PATH (a GGUF file) or --model URL (an OpenAI-compatible endpoint)';
  const maxTokens = Number(values['max-tokens'] ?? DEFAULT_MAX_TOKENS);
  if (!Number.isInteger(maxTokens) || maxTokens <= 0)
    return `--max-tokens needs a positive number, not “${values['max-tokens']}”`;
  const category = CATEGORIES.find((known) => known === values.category);
  if (values.category !== undefined && !category)
    return `--category must be one of ${CATEGORIES.join(', ')}, not “${values.category}”`;
  return { model: values.model, maxTokens, category };
}

export async function evalCommand(
  values: EvalValues,
  setup: EvalSetup,
  output: EvalOutput = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
): Promise<number> {
  const parsed = parseValues(values);
  if (typeof parsed === 'string') {
    output.stderr(`steward: ${parsed}\n`);
    return EXIT_USAGE;
  }
  const all = await loadScenarios(values.corpus ?? setup.corpus);
  const scenarios = parsed.category ? all.filter((scenario) => scenario.category === parsed.category) : all;
  const engine = await createEngine(parsed.model, values, setup, output);
  try {
    // --verbose lists the scenarios before the table; otherwise the list is progress on stderr.
    const listLine = values.verbose && !values.json ? output.stdout : output.stderr;
    const report = await runEval({
      scenarios,
      engine,
      maxTokens: parsed.maxTokens,
      onScenario: (result) => listLine(`${formatScenarioLine(result)}\n`),
    });
    output.stdout(
      values.json
        ? `${JSON.stringify(reportJson(report), null, 2)}\n`
        : `${values.verbose ? '\n' : ''}${formatTable(report)}`,
    );
    // Nothing was measured when no scenario could run (an unreachable endpoint, a model that does not load).
    return report.results.every((result) => result.error !== null) ? EXIT_FAILURE : 0;
  } finally {
    await engine.unload();
  }
}
