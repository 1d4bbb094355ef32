// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmarks with a model of realistic size (random weights in a 0.5B model's
// shape, Q8_0) on the CPU, or on a GPU: prompt and generation tokens/s of the
// service over D-Bus against node-llama-cpp called directly with the same
// settings, the first chunk with tools against without, the tokens a
// follow-up evaluates, what each tool costs in the prompt, and memory. Ratios
// come from one run; nothing fails on timing.
//   npm run bench        (STEWARD_BENCH_MODEL_REPEATS=n to change the repeats)
//   STEWARD_BENCH_GPU=cuda node dist/bench/model.js   (or vulkan, metal, auto: the same table on a GPU)
// Without STEWARD_BENCH_GPU, a machine where node-llama-cpp finds CUDA's
// driver and runtime gets the GPU table after the CPU's.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import { type ChatModelFunctions, getLlama, getLlamaGpuTypes, LlamaLogLevel } from 'node-llama-cpp';

import { catalogEntries } from '../../service/src/assistant/proposalSink.js';
import { buildSystemPrompt } from '../../service/src/assistant/systemPrompt.js';
import { toolSpec } from '../../service/src/assistant/toolLoop.js';
import { assistantTools } from '../../service/src/assistant/tools/index.js';
import { chatWrapperFor } from '../../service/src/engine/functionCalling.js';
import { promptSchema } from '../../service/src/engine/promptSchema.js';
import type { ToolSpec } from '../../service/src/engine/protocol.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { BENCH_MODEL_SHAPE, benchModel } from '../support/benchModel.js';
import { startPrivateBus } from '../support/privateBus.js';
import { makeTempDir } from '../support/tempDir.js';
import { firstRequest } from './assistantPrompt.js';
import { type BenchGpu, type DirectBackend, type EngineSettings, openDirect } from './direct.js';
import { type BenchService, type Sampling, startBenchService, type StreamRun } from './serviceClient.js';
import { mb, median, rssOf, settledRss } from './stats.js';

const REPEATS = Number(process.env.STEWARD_BENCH_MODEL_REPEATS ?? 5);
const GPU = benchGpu(process.env.STEWARD_BENCH_GPU ?? 'off');
// threads set deliberately: node-llama-cpp's default overcommits small machines and runs ~200× slower.
const ENGINE: EngineSettings = { threads: 2, contextSize: 8192, sequences: 1, gpu: GPU };
const SAMPLING: Sampling = { maxTokens: 24, temperature: 1, seed: 7 };
const QUESTION = 'How full is my disk?';
const WARM_UP_QUESTION = 'Hello, what can you check for me?';
/** Each names a different part of the machine, so each is offered different tools. */
const QUESTIONS = [
  'Is my Wi-Fi working?',
  'Why did the backup service fail?',
  'Why is the laptop so slow?',
  'Is blender installed?',
  // Last, so the follow-up below continues it.
  QUESTION,
];
const FOLLOW_UP = 'And which folders take the most?';
/** About 150 tokens of plain text for the throughput runs; a number in front makes each run's prompt new. */
const PASSAGE =
  'The backup did not run last night and the laptop was slow this morning. The Wi-Fi dropped twice while a ' +
  'video call was going on, and the printer in the office shows an error. Could something be wrong with the disk, ' +
  'the network or one of the services that start at boot? Please look and tell me what you find.';
/** Rounds of the questions with tools and then without: ten of each. */
const TOOL_ROUNDS = 2;
const TARGETS = { throughputRatio: 0.95, ttftToolsRatio: 1.5, followUpTokens: 500 };
const RESULTS = join(process.cwd(), 'test-results', 'bench', GPU === 'off' ? 'model.json' : `model-${GPU}.json`);

function benchGpu(value: string): BenchGpu {
  const known: BenchGpu[] = ['off', 'auto', 'cuda', 'vulkan', 'metal'];
  if (!known.includes(value as BenchGpu)) throw new Error(`STEWARD_BENCH_GPU must be one of ${known.join(', ')}`);
  return value as BenchGpu;
}

/**
 * A GPU run must run on the GPU it names, whole, on both sides: figures from
 * a quiet fallback to the CPU, or from a model half on the CPU, would be
 * reported as the GPU's.
 */
function checkBackends(direct: DirectBackend, service: ServiceBackend): void {
  if (GPU === 'off') return;
  const onGpu = (backend: string) => backend !== 'cpu' && (GPU === 'auto' || backend === GPU);
  if (!onGpu(direct.backend)) {
    throw new Error(`STEWARD_BENCH_GPU=${GPU}, but node-llama-cpp directly runs on ${direct.backend}`);
  }
  if (!onGpu(service.backend)) {
    const reason = service.cpuFallbackReason ? `: ${service.cpuFallbackReason}` : '';
    throw new Error(`STEWARD_BENCH_GPU=${GPU}, but the service runs on ${service.backend}${reason}`);
  }
  if (direct.backend !== service.backend || direct.gpuLayers !== service.gpuLayers) {
    throw new Error(
      `the two sides differ: directly ${direct.backend} with ${direct.gpuLayers} layers, the service ${service.backend} with ${service.gpuLayers}`,
    );
  }
  // The output layer counts too: a model wholly on the GPU has one more than its blocks.
  if (service.gpuLayers < BENCH_MODEL_SHAPE.layers + 1) {
    throw new Error(`only ${service.gpuLayers} of ${BENCH_MODEL_SHAPE.layers + 1} layers are on the GPU`);
  }
}

/** The worker's backend, as the service's GetEngineStatus reports it. */
interface ServiceBackend extends DirectBackend {
  cpuFallbackReason: string;
}

function serviceBackend(status: Record<string, unknown>): ServiceBackend {
  return {
    backend: String(status.backend),
    devices: (status.devices as string[] | undefined) ?? [],
    gpuLayers: Number(status['gpu-layers']),
    vramUsed: Number(status['vram-used']),
    cpuFallbackReason: typeof status['cpu-fallback-reason'] === 'string' ? status['cpu-fallback-reason'] : '',
  };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const promptRate = (run: StreamRun) => run.promptTokens! / (run.ttftMs / 1000);
const generationRate = (run: StreamRun) => run.tokens / (run.streamMs / 1000);

function throughput(runs: StreamRun[]) {
  return {
    promptTokens: median(runs.map((run) => run.promptTokens!)),
    promptTokensPerSecond: round(median(runs.map(promptRate))),
    generationTokensPerSecond: round(median(runs.map(generationRate)), 2),
    ttftMs: round(median(runs.map((run) => run.ttftMs))),
    /** The worker's own time to its first text (service runs only): the rest of ttftMs is the service's and the bus's. */
    workerTtftMs: runs.every((run) => run.workerTtftMs !== undefined)
      ? round(median(runs.map((run) => run.workerTtftMs!)))
      : null,
    /** The least disturbed run: this machine is shared, and other work only ever slows a run down. */
    bestPromptTokensPerSecond: round(Math.max(...runs.map(promptRate))),
    bestGenerationTokensPerSecond: round(Math.max(...runs.map(generationRate)), 2),
    promptTokensPerSecondAll: runs.map((run) => round(promptRate(run))),
    generationTokensPerSecondAll: runs.map((run) => round(generationRate(run), 2)),
  };
}

/** Tokens of the rendered system message with these tools, by the model's own tokenizer and chat template. */
async function toolCosts(modelPath: string) {
  // The run's backend, though only the tokenizer is used: one process keeps one llama.cpp build's libraries.
  const gpu = GPU === 'off' ? false : GPU;
  const llama = await getLlama({ build: 'never', gpu, progressLogs: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath, vocabOnly: true });
  try {
    const wrapper = chatWrapperFor(model);
    const systemPrompt = buildSystemPrompt({
      summary: null,
      now: new Date(),
    });
    const tokens = (specs: ToolSpec[]) => {
      const functions: ChatModelFunctions | undefined =
        specs.length === 0
          ? undefined
          : Object.fromEntries(
              specs.map((spec) => [
                spec.name,
                // As the worker gives them to node-llama-cpp.
                { description: spec.description, params: promptSchema(spec.parameters) },
              ]),
            );
      return wrapper
        .generateContextState({
          chatHistory: [
            { type: 'system', text: systemPrompt },
            { type: 'user', text: QUESTION },
          ],
          availableFunctions: functions,
        })
        .contextText.tokenize(model.tokenizer).length;
    };
    const tools = assistantTools(catalogEntries(createCatalog({ kinds: KINDS })));
    const all = tools.map(toolSpec);
    const bare = tokens([]);
    const withAll = tokens(all);
    const selected = (await firstRequest(QUESTION)).tools;
    const withSelected = tokens(selected);
    return {
      chatWrapper: wrapper.wrapperName,
      systemPromptTokens: bare,
      allToolsTokens: withAll - bare,
      selectedFor: QUESTION,
      selected: selected.map((tool) => tool.name),
      selectedToolsTokens: withSelected - bare,
      perTool: all.map((spec, i) => ({
        tool: spec.name,
        characters: spec.description.length + JSON.stringify(spec.parameters).length,
        // What leaving this one tool out saves: its description, its schema and its share of the framing.
        tokens: withAll - tokens(all.filter((_, j) => j !== i)),
      })),
    };
  } finally {
    await model.dispose();
    await llama.dispose();
  }
}

/** The same prompts to both, alternating, so that drift (and the other work on this machine) falls on both alike. */
async function measureThroughput(modelPath: string, steward: BenchService) {
  const direct = await openDirect(modelPath, ENGINE);
  const noTools = { tools: false };
  try {
    await direct.run(`0. ${PASSAGE}`, SAMPLING);
    await steward.run(`0. ${PASSAGE}`, SAMPLING, noTools);
    const directRuns: StreamRun[] = [];
    const serviceRuns: StreamRun[] = [];
    for (let i = 1; i <= REPEATS; i += 1) {
      // A number in front makes each prompt new, so neither side reuses an evaluated prefix.
      directRuns.push(await direct.run(`${i}. ${PASSAGE}`, SAMPLING));
      serviceRuns.push(await steward.run(`${i}. ${PASSAGE}`, SAMPLING, noTools));
    }
    return {
      direct: { ...throughput(directRuns), rssMb: round(mb(await rssOf(process.pid))), backend: direct.backend },
      service: throughput(serviceRuns),
    };
  } finally {
    await direct.dispose();
  }
}

/**
 * Questions in new sessions, with the assistant's tools and then without, and
 * a follow-up: as a user asks them, one after another. The first question with
 * tools evaluates the fixed prefix (system prompt and the tools every question
 * gets) once; a topic's first question adds its tools; later ones evaluate
 * only their words. The questions with tools and without are asked in
 * alternating rounds, so that drift (and the other work on a shared machine)
 * falls on both alike.
 */
async function measureTools(steward: BenchService) {
  const withTools = { tools: true, toolChoice: 'auto' as const };
  const firstWithTools = await steward.run(WARM_UP_QUESTION, SAMPLING, withTools);
  // A topic's first question adds its tools to the prefix; asked again (new sessions), it evaluates only its words.
  const newTopics: StreamRun[] = [];
  for (const question of QUESTIONS) newTopics.push(await steward.run(question, SAMPLING, withTools));
  const tools: StreamRun[] = [];
  const plain: StreamRun[] = [];
  let followUp: StreamRun | undefined;
  for (let round = 0; round < TOOL_ROUNDS; round += 1) {
    // The bench's one sequence held the question without tools: the prefix is evaluated again, unmeasured.
    if (round > 0) await steward.run(WARM_UP_QUESTION, SAMPLING, withTools);
    for (const question of QUESTIONS) tools.push(await steward.run(question, SAMPLING, withTools));
    followUp ??= await steward.run(FOLLOW_UP, SAMPLING, { ...withTools, sessionId: tools.at(-1)!.sessionId! });
    for (const question of QUESTIONS) plain.push(await steward.run(question, SAMPLING, { tools: false }));
  }
  const summary = (runs: StreamRun[]) => ({
    ttftMs: round(median(runs.map((run) => run.ttftMs))),
    promptTokensEvaluated: median(runs.map((run) => run.promptTokens!)),
    ttftMsAll: runs.map((run) => round(run.ttftMs)),
    promptTokensEvaluatedAll: runs.map((run) => run.promptTokens!),
    toolsCalledAll: runs.map((run) => run.toolsCalled ?? []),
    noticesAll: runs.map((run) => run.notice ?? ''),
  });
  return {
    firstWithTools: {
      question: WARM_UP_QUESTION,
      ttftMs: round(firstWithTools.ttftMs),
      promptTokensEvaluated: firstWithTools.promptTokens!,
      toolsCalled: firstWithTools.toolsCalled ?? [],
      notice: firstWithTools.notice ?? '',
    },
    questions: QUESTIONS,
    withToolsNewTopic: summary(newTopics),
    withTools: summary(tools),
    withoutTools: summary(plain),
    followUp: { question: FOLLOW_UP, ttftMs: round(followUp!.ttftMs), promptTokensEvaluated: followUp!.promptTokens! },
  };
}

async function main(): Promise<void> {
  process.stderr.write('the benchmark model (written once into ~/.cache/steward-bench)…\n');
  const modelPath = await benchModel();
  process.stderr.write('tool costs in tokens…\n');
  const costs = await toolCosts(modelPath);

  const bus = await startPrivateBus();
  const home = await makeTempDir('steward-bench-model-');
  const models = join(home.path, 'data', 'steward', 'models');
  await mkdir(models, { recursive: true });
  await symlink(modelPath, join(models, 'bench.gguf'));
  const steward = await startBenchService(bus, home.path, {
    ...ENGINE,
    idleUnloadSeconds: 3600,
    maxAnswerTokens: SAMPLING.maxTokens,
  });
  try {
    await steward.setActive('bench.gguf');
    const serviceIdleRss = await settledRss(steward.service.process.pid!, 3000);
    process.stderr.write(`node-llama-cpp directly and the service over D-Bus: ${REPEATS} runs each after a warm-up…\n`);
    const { direct, service } = await measureThroughput(modelPath, steward);
    const status = await steward.engineStatus();
    const backend = serviceBackend(status);
    checkBackends(direct.backend, backend);
    const workerRss = await rssOf(status['worker-pid'] as number);
    process.stderr.write('with tools and without, and a follow-up…\n');
    const tools = await measureTools(steward);
    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGb: round(totalmem() / 1024 ** 3),
        node: process.version,
      },
      model: { path: modelPath, shape: BENCH_MODEL_SHAPE, quantization: 'Q8_0' },
      engine: ENGINE,
      sampling: SAMPLING,
      repeats: REPEATS,
      toolCosts: costs,
      direct,
      service: {
        ...service,
        serviceRssMb: round(mb(serviceIdleRss)),
        workerRssMb: round(mb(workerRss)),
        backend,
      },
      ratios: {
        promptThroughput: round(service.promptTokensPerSecond / direct.promptTokensPerSecond, 3),
        generationThroughput: round(service.generationTokensPerSecond / direct.generationTokensPerSecond, 3),
        bestPromptThroughput: round(service.bestPromptTokensPerSecond / direct.bestPromptTokensPerSecond, 3),
        bestGenerationThroughput: round(
          service.bestGenerationTokensPerSecond / direct.bestGenerationTokensPerSecond,
          3,
        ),
        ttftWithToolsOverWithout: round(tools.withTools.ttftMs / tools.withoutTools.ttftMs, 2),
      },
      tools,
    };
    await mkdir(join(RESULTS, '..'), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    report(results);
  } finally {
    await steward.stop();
    await bus.stop();
    await home.remove();
  }
}

function report(r: {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string };
  toolCosts: Awaited<ReturnType<typeof toolCosts>>;
  direct: Awaited<ReturnType<typeof measureThroughput>>['direct'];
  service: Awaited<ReturnType<typeof measureThroughput>>['service'] & {
    serviceRssMb: number;
    workerRssMb: number;
    backend: ServiceBackend;
  };
  ratios: {
    promptThroughput: number;
    generationThroughput: number;
    bestPromptThroughput: number;
    bestGenerationThroughput: number;
    ttftWithToolsOverWithout: number;
  };
  tools: Awaited<ReturnType<typeof measureTools>>;
}): void {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const { toolCosts: c, direct: d, service: s, ratios, tools: t } = r;
  const where =
    s.backend.backend === 'cpu'
      ? 'the CPU'
      : `${s.backend.backend} (${s.backend.devices.join(', ')}), ${s.backend.gpuLayers} layers on the GPU`;
  out(
    `\nRealistic-size model (0.5B shape, Q8_0, random weights) on ${where} — ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.memoryGb} GB, Node ${r.machine.node}`,
  );
  out(
    `threads ${ENGINE.threads}, context ${ENGINE.contextSize}, answers of ${SAMPLING.maxTokens} tokens, median of ${REPEATS}\n`,
  );
  out(
    `Tool costs (${c.chatWrapper}): system prompt ${c.systemPromptTokens} tokens; all tools +${c.allToolsTokens}; selected for "${c.selectedFor}" (${c.selected.join(', ')}) +${c.selectedToolsTokens}`,
  );
  for (const row of c.perTool)
    out(
      `  ${row.tool.padEnd(16)} ${String(row.tokens).padStart(5)} tokens  ${String(row.characters).padStart(5)} chars`,
    );
  out('\n                        direct   service   ratio');
  out(
    `prompt tokens/s      ${String(d.promptTokensPerSecond).padStart(8)}  ${String(s.promptTokensPerSecond).padStart(8)}  ${ratios.promptThroughput}  ${verdict(ratios.promptThroughput >= TARGETS.throughputRatio)} (≥ ${TARGETS.throughputRatio})`,
  );
  out(
    `generation tokens/s  ${String(d.generationTokensPerSecond).padStart(8)}  ${String(s.generationTokensPerSecond).padStart(8)}  ${ratios.generationThroughput}  ${verdict(ratios.generationThroughput >= TARGETS.throughputRatio)} (≥ ${TARGETS.throughputRatio})`,
  );
  out(
    `best run: prompt ${d.bestPromptTokensPerSecond} / ${s.bestPromptTokensPerSecond} tokens/s (${ratios.bestPromptThroughput}), generation ${d.bestGenerationTokensPerSecond} / ${s.bestGenerationTokensPerSecond} (${ratios.bestGenerationThroughput})`,
  );
  out(
    `TTFT ms              ${String(d.ttftMs).padStart(8)}  ${String(s.ttftMs).padStart(8)}  (the worker's own ${s.workerTtftMs} ms; ${d.promptTokens} and ${s.promptTokens} prompt tokens)`,
  );
  out(`RSS MB               ${String(d.rssMb).padStart(8)}  service ${s.serviceRssMb} + worker ${s.workerRssMb}`);
  // node-llama-cpp reads the whole device's: the worker loads while the direct model is still there.
  if (s.backend.backend !== 'cpu')
    out(
      `VRAM used on the device: ${round(mb(d.backend.vramUsed))} MB with the direct model loaded, ${round(mb(s.backend.vramUsed))} MB once the worker's is too`,
    );
  out(`\nTTFT over D-Bus, a new session for each of: ${t.questions.map((q) => `"${q}"`).join(', ')}`);
  out(
    `  first with tools, "${t.firstWithTools.question}" (prefix cold): ${t.firstWithTools.ttftMs} ms, ${t.firstWithTools.promptTokensEvaluated} prompt tokens evaluated`,
  );
  out(
    `  with tools, a topic's first question: ${t.withToolsNewTopic.ttftMs} ms, ${t.withToolsNewTopic.promptTokensEvaluated} tokens evaluated`,
  );
  out(
    `  with tools, asked again: ${t.withTools.ttftMs} ms, ${t.withTools.promptTokensEvaluated} tokens evaluated (median of ${t.withTools.ttftMsAll.length}, in ${TOOL_ROUNDS} rounds alternating with those without)`,
  );
  out(`  without tools: ${t.withoutTools.ttftMs} ms, ${t.withoutTools.promptTokensEvaluated} tokens evaluated`);
  out(
    `  ratio with / without: ${ratios.ttftWithToolsOverWithout}  ${verdict(ratios.ttftWithToolsOverWithout <= TARGETS.ttftToolsRatio)} (≤ ${TARGETS.ttftToolsRatio})`,
  );
  out(
    `  follow-up "${t.followUp.question}": ${t.followUp.ttftMs} ms, ${t.followUp.promptTokensEvaluated} tokens evaluated  ${verdict(t.followUp.promptTokensEvaluated <= TARGETS.followUpTokens)} (≤ ${TARGETS.followUpTokens})`,
  );
  out(`\nresults: ${RESULTS}`);
}

/**
 * The GPU table from a process of its own (one process keeps one llama.cpp
 * build's libraries), when CUDA is present and no backend was named.
 */
async function gpuTableToo(): Promise<void> {
  if (process.env.STEWARD_BENCH_GPU !== undefined) return;
  if (!(await getLlamaGpuTypes('supported')).includes('cuda')) return;
  process.stderr.write('CUDA is present: the same table on the GPU…\n');
  const child = spawn(process.execPath, [process.argv[1]!], {
    stdio: 'inherit',
    env: { ...process.env, STEWARD_BENCH_GPU: 'cuda' },
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  // A driver too old for the prebuilt binary's GPU code is this machine's limit, not a fault of the service.
  if (code !== 0)
    process.stdout.write(`\nCUDA is present, but the GPU table could not be made (exit ${code}): see above\n`);
}

main()
  .then(gpuTableToo)
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
