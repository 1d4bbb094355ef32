// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmarks of the chat assistant's mechanics: each tool against this
// computer, the assembly of the context for long conversations, and what a
// tool round adds to the first token of the answer with the tiny model. The
// baselines are measured in the same run; nothing fails on timing.
//   npm run bench
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';

import { type ContextMessage, estimateTokens, fitContext } from '../../service/src/assistant/context.js';
import { liveMachine } from '../../service/src/assistant/live/liveMachine.js';
import type { Machine } from '../../service/src/assistant/machine.js';
import { catalogEntries } from '../../service/src/assistant/proposalSink.js';
import { buildSystemPrompt } from '../../service/src/assistant/systemPrompt.js';
import { MAX_TOOL_OUTPUT, type ProposalSink, type ToolContext } from '../../service/src/assistant/tool.js';
import { runAssistantTurn } from '../../service/src/assistant/toolLoop.js';
import { assistantTools } from '../../service/src/assistant/tools/index.js';
import { OfferedTools } from '../../service/src/assistant/toolSelection.js';
import type { ToolCallRecord } from '../../service/src/assistant/turn.js';
import { Engine } from '../../service/src/engine/supervisor.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { FixesStore, type ProposedAction } from '../../service/src/fixes/store.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { appendToJournal, type ExportEntry } from '../support/journal.js';
import { startPrivateBus } from '../support/privateBus.js';
import { makeTempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';
import { median } from './stats.js';

const TOOL_RUNS = 15;
const TOOL_WARMUPS = 2;
const CONTEXT_RUNS = 101;
const CONTEXT_WARMUPS = 10;
const CONTEXT_SIZES = [10, 100, 1000];
const CONTEXT_BUDGET = { contextTokens: 8192, answerTokens: 1024 };
const TURN_RUNS = 5;
const JOURNAL_ENTRIES = 2000;
const QUESTION = 'How full is my disk?';
// The tiny model's words are noise; sampling warm and seeded keeps it talking past its first token.
const SAMPLING = { maxTokens: 200, temperature: 1.5, seed: 16 };
const ENGINE = { threads: 1, contextSize: 16384, sequences: 1 };
const WORKER_SCRIPT = join(process.cwd(), 'dist', 'service', 'steward-engine.js');
const RESULTS = join(process.cwd(), 'test-results', 'bench', 'assistant.json');

const log = createLogger({ level: 'error', journal: false, write: () => undefined });
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

async function timeRuns(work: () => unknown, runs: number, warmups: number): Promise<number[]> {
  for (let i = 0; i < warmups; i += 1) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times;
}

// ---- the machine the tools read ------------------------------------------------

const UNITS = ['NetworkManager.service', 'gdm.service', 'backup.service', 'cups.service', 'bluetooth.service'];
const LOG_MESSAGES = [
  'Started periodic maintenance task',
  'connection eth0 activated, address 192.168.1.23/24',
  'Failed to open /var/lib/backup/state.json: No such file or directory',
  'device wlan0: state change: disconnected -> prepare (reason none)',
  'Printer HP_LaserJet is idle, 0 jobs queued',
  'Controller 00:1A:7D:DA:71:13 powered on, scanning for paired devices',
  'Watchdog timeout, restarting worker 3 of 4',
  'gkr-pam: unable to locate daemon control file',
];
// Mostly chatter, now and then something worth a look: like a desktop's journal.
const PRIORITY_CYCLE = [6, 6, 7, 6, 5, 7, 6, 4, 6, 7, 3, 6, 6, 7, 5, 2];

function journalEntries(count: number): ExportEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const unit = UNITS[i % UNITS.length]!;
    return {
      MESSAGE: `${LOG_MESSAGES[(i * 7) % LOG_MESSAGES.length]!} (#${i})`,
      PRIORITY: String(PRIORITY_CYCLE[i % PRIORITY_CYCLE.length]),
      SYSLOG_IDENTIFIER: unit.replace('.service', ''),
      _SYSTEMD_UNIT: unit,
      _TRANSPORT: 'journal',
    };
  });
}

/** A home with a few hundred files in nested directories, and a 12 KB text file for read_file. */
async function writeHome(home: string): Promise<{ files: number; notes: string }> {
  let files = 0;
  for (const top of ['Documents', 'Pictures', 'Music', 'Downloads', '.cache/app', 'Projects']) {
    for (let sub = 0; sub < 6; sub += 1) {
      const dir = join(home, top, `folder-${sub}`, sub % 2 === 0 ? 'deeper' : '');
      await mkdir(dir, { recursive: true });
      for (let file = 0; file < 10; file += 1) {
        await writeFile(join(dir, `file-${file}.dat`), Buffer.alloc(((files * 997) % 60_000) + 100, 0x5a));
        files += 1;
      }
    }
  }
  const notes = join(home, 'Documents', 'notes.txt');
  const line = 'Tuesday: the backup to the external disk stopped at 40 %, retried after the update.\n';
  await writeFile(notes, line.repeat(Math.ceil((12 * 1024) / line.length)).slice(0, 12 * 1024));
  return { files, notes };
}

function fillStores(findings: FindingsStore, fixes: FixesStore): void {
  const at = new Date();
  for (const unit of UNITS) {
    findings.report({
      kind: 'unit-failed',
      severity: 'error',
      subject: unit,
      title: `${unit} failed (exit code 1)`,
      evidence: [{ kind: 'journal', text: `${unit}: Failed with result 'exit-code'.`, at }],
      at,
    });
  }
  for (const unit of UNITS.slice(0, 3)) {
    const action: ProposedAction = {
      name: 'systemd.restart_unit',
      params: { unit, scope: 'system' },
      title: 'Restart a service',
      risk: 'low',
      needsAuthorization: true,
      readOnly: false,
      preview: { summary: `Restart ${unit}`, details: [], changesNothing: false },
      policy: 'ask',
    };
    const proposal = fixes.addProposal({
      findingId: null,
      kind: 'unit-failed',
      subject: unit,
      title: `Restart ${unit}`,
      explanation: `${unit} stopped with an error; a restart usually brings it back.`,
      actions: [action],
      trust: { origin: 'playbook', vouchedBy: 'steward', reportedBy: 'Steward', explanationBy: 'steward' },
    });
    for (const [event, result] of [
      ['proposed', 'open'],
      ['applied', 'running'],
      ['finished', 'fixed'],
    ]) {
      fixes.audit({
        event: event!,
        proposalId: proposal.id,
        jobId: null,
        action: action.name,
        params: null,
        caller: 'bench',
        result: result!,
      });
    }
  }
}

// ---- 1. tools ------------------------------------------------------------------

interface ToolCase {
  tool: string;
  args: Record<string, unknown>;
  /** Why a row measures less than the real thing here, when it does. */
  note?: string;
}

function toolCases(notes: string): ToolCase[] {
  return [
    { tool: 'system_summary', args: {} },
    { tool: 'disk_usage', args: { largest_in_home: true } },
    { tool: 'top_processes', args: {} },
    { tool: 'unit_status', args: { unit: 'backup.service', scope: 'user' }, note: 'no systemd on the private bus' },
    { tool: 'search_journal', args: { priority: 'debug', limit: 50 } },
    { tool: 'network_status', args: {}, note: 'no system bus' },
    { tool: 'search_packages', args: { query: 'blender' }, note: 'no PackageKit' },
    { tool: 'package_status', args: { name: 'blender' }, note: 'no PackageKit' },
    { tool: 'list_findings', args: {} },
    { tool: 'list_proposals', args: {} },
    { tool: 'audit_history', args: {} },
    { tool: 'read_file', args: { path: notes } },
  ];
}

async function measureTools(context: ToolContext, cases: ToolCase[]) {
  const tools = assistantTools(catalogEntries(createCatalog({ kinds: KINDS })));
  const baseline = await timeRuns(() => readFile('/proc/loadavg', 'utf8'), TOOL_RUNS, TOOL_WARMUPS);
  const baselineMs = median(baseline);
  const rows = [];
  for (const { tool: name, args, note } of cases) {
    const tool = tools.find((candidate) => candidate.name === name)!;
    const params = tool.params.parse(args);
    // What the model gets: the output, or the loop's failure text.
    const run = () =>
      tool.run(params, context).then(
        (output) => ({ ok: true, text: output }),
        (error: Error) => ({ ok: false, text: `${name} failed: ${error.message}` }),
      );
    const times = await timeRuns(run, TOOL_RUNS, TOOL_WARMUPS);
    const { ok, text } = await run();
    rows.push({
      tool: name,
      args,
      available: ok,
      label: ok ? (note ? `partial: ${note}` : '') : `unavailable here: ${note ?? text.slice(0, 80)}`,
      medianMs: round(median(times), 3),
      p95Ms: round(percentile(times, 95), 3),
      timesBaseline: round(median(times) / baselineMs, 1),
      characters: text.length,
      estimatedTokens: estimateTokens(text),
      cutAtMaxOutput: text.length > MAX_TOOL_OUTPUT,
    });
  }
  return { baselineMs: round(baselineMs, 4), runs: TOOL_RUNS, warmups: TOOL_WARMUPS, rows };
}

// ---- 2. context assembly ----------------------------------------------------------

const QUESTIONS = [
  'Why is my laptop so slow since this morning?',
  'The backup did not run last night, can you check what happened?',
  'How much space is left on the disk, and what takes the most?',
  'My Wi-Fi keeps dropping every few minutes. Is something wrong with the network?',
  'Is the printer service running? Printing from the browser does nothing.',
];
const ANSWER_SENTENCE =
  'I looked at the machine and found that the service stopped after an error in its configuration file. ';
const TOOL_RESULT_LINE = '2026-11-21 10:42:13 warning backup: Failed to open /var/lib/backup/state.json (#123)\n';

/** A stored conversation: questions, answers of a few sentences, and tool calls on most answers. */
function conversation(length: number): ContextMessage[] {
  return Array.from({ length }, (_, i): ContextMessage => {
    if (i % 2 === 0)
      return { role: 'user', text: QUESTIONS[(i / 2) % QUESTIONS.length]!, toolCalls: [], proposalIds: [] };
    const toolCalls: ToolCallRecord[] = Array.from({ length: i % 3 }, (_, call) => ({
      id: `call-${i}-${call}`,
      name: call === 0 ? 'search_journal' : 'unit_status',
      arguments: { priority: 'warning', limit: 20 },
      result: TOOL_RESULT_LINE.repeat(5 + ((i * 7 + call * 13) % 30)),
      status: 'done',
    }));
    return {
      role: 'assistant',
      text: ANSWER_SENTENCE.repeat(3 + (i % 9)),
      toolCalls,
      proposalIds: i % 5 === 0 ? [i] : [],
    };
  });
}

async function measureContext(machine: Machine) {
  // The snapshot is read once: this measures the assembly, not /proc.
  const summary = await machine.systemSummary();
  const measure = async (length: number) => {
    const messages = conversation(length);
    const assemble = () =>
      fitContext({
        systemPrompt: buildSystemPrompt({ summary, now: new Date() }),
        messages,
        prompt: QUESTION,
        budget: CONTEXT_BUDGET,
      });
    const times = await timeRuns(assemble, CONTEXT_RUNS, CONTEXT_WARMUPS);
    const fitted = assemble();
    return {
      messages: length,
      storedTokens: messages.reduce(
        (sum, m) => sum + estimateTokens(m.text) + m.toolCalls.reduce((s, c) => s + estimateTokens(c.result), 0),
        0,
      ),
      medianUs: round(median(times) * 1000),
      p95Us: round(percentile(times, 95) * 1000),
      summarizedMessages: fitted.summarizedMessages,
      keptMessages: fitted.history.length,
      systemPromptTokens: estimateTokens(fitted.systemPrompt),
    };
  };
  const empty = { ...(await measure(0)), timesEmpty: 1 };
  const rows = [];
  for (const length of CONTEXT_SIZES) {
    const row = await measure(length);
    rows.push({ ...row, timesEmpty: round(row.medianUs / empty.medianUs, 1) });
  }
  return { budget: CONTEXT_BUDGET, runs: CONTEXT_RUNS, empty, rows };
}

// ---- 3. end to end with the tiny model ----------------------------------------------

interface TurnRun {
  /** From the question to the first chunk of the answer that follows the tool round (or of the only round). */
  firstAnswerChunkMs: number;
  totalMs: number;
  toolMs: number | null;
  tool: string | null;
  toolStatus: string | null;
  /** The start of what the model was given back, to tell a run tool from a refused call. */
  toolResult: string | null;
  promptTokens: number;
  completionTokens: number;
}

async function measureTurns(machine: Machine, proposals: ProposalSink, readableRoots: string[], modelPath: string) {
  const engine = new Engine({
    modelPath,
    gpu: false,
    ...ENGINE,
    idleTimeoutMs: 600_000,
    workerScript: WORKER_SCRIPT,
    log,
  });
  const catalog = catalogEntries(createCatalog({ kinds: KINDS }));
  const tools = assistantTools(catalog);
  const offeredTools = new OfferedTools();
  const selected = offeredTools.offer(QUESTION, tools);
  // propose_action listing the actions of the question's topics, as the service's assistant shows it first.
  const listing = assistantTools(catalog, undefined, offeredTools.actions(catalog.map((action) => action.name)));
  const offered = selected.map((tool) => listing.find((candidate) => candidate.name === tool.name) ?? tool);
  const systemPrompt = buildSystemPrompt({
    summary: await machine.systemSummary(),
    now: new Date(),
  });
  const turn = async (withTool: boolean): Promise<TurnRun> => {
    const started = performance.now();
    let answering = !withTool;
    let firstChunk = NaN;
    let toolStarted = NaN;
    let toolMs: number | null = null;
    const outcome = await runAssistantTurn({
      engine,
      tools: withTool ? tools : [],
      // As the service offers them: the tools the question points to, more_tools for the rest.
      offeredFirst: withTool ? offered : undefined,
      context: { machine, proposals, signal: new AbortController().signal, readableRoots },
      systemPrompt,
      history: [],
      prompt: QUESTION,
      ...SAMPLING,
      // One forced call, then the answer: exactly two rounds.
      maxToolCalls: 1,
      toolChoice: withTool ? 'required' : 'auto',
      callbacks: {
        onToolStep: (step) => {
          if (step.status === 'running') toolStarted = performance.now();
          else {
            toolMs = performance.now() - toolStarted;
            answering = true;
          }
        },
        onChunk: () => {
          if (answering && Number.isNaN(firstChunk)) firstChunk = performance.now() - started;
        },
      },
    }).result;
    const call = outcome.toolCalls[0];
    return {
      firstAnswerChunkMs: firstChunk,
      totalMs: performance.now() - started,
      toolMs,
      // The worker names no tool when the forced call it read was not JSON.
      tool: call ? call.name || 'unreadable call' : null,
      toolStatus: call?.status ?? null,
      toolResult: call?.result.slice(0, 80) ?? null,
      promptTokens: outcome.usage.promptTokens,
      completionTokens: outcome.usage.completionTokens,
    };
  };
  try {
    const coldStart = await turn(false);
    await turn(true);
    const withTool: TurnRun[] = [];
    const without: TurnRun[] = [];
    for (let i = 0; i < TURN_RUNS; i += 1) {
      // Alternate which goes first, so drift falls on both alike.
      if (i % 2 === 0) {
        withTool.push(await turn(true));
        without.push(await turn(false));
      } else {
        without.push(await turn(false));
        withTool.push(await turn(true));
      }
    }
    const summary = (runs: TurnRun[]) => {
      const answered = runs.filter((run) => !Number.isNaN(run.firstAnswerChunkMs));
      return {
        firstAnswerChunkMs: round(median(answered.map((run) => run.firstAnswerChunkMs))),
        totalMs: round(median(runs.map((run) => run.totalMs))),
        promptTokens: median(runs.map((run) => run.promptTokens)),
        answeredRuns: answered.length,
        runs: runs.map((run) => ({
          ...run,
          firstAnswerChunkMs: round(run.firstAnswerChunkMs),
          totalMs: round(run.totalMs),
          toolMs: run.toolMs === null ? null : round(run.toolMs, 2),
        })),
      };
    };
    const tool = summary(withTool);
    const plain = summary(without);
    return {
      question: QUESTION,
      ...SAMPLING,
      ...ENGINE,
      backend: engine.status().backend?.backend ?? 'unknown',
      coldStartFirstChunkMs: round(coldStart.firstAnswerChunkMs),
      withTool: tool,
      withoutTools: plain,
      firstChunkRatio: round(tool.firstAnswerChunkMs / plain.firstAnswerChunkMs, 2),
      totalRatio: round(tool.totalMs / plain.totalMs, 2),
    };
  } finally {
    await engine.unload();
  }
}

// ---- the report ---------------------------------------------------------------------

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  // Numbers right, words left.
  const numeric = headers.map((_, c) => rows.every((row) => typeof row[c] === 'number'));
  return cells
    .map((row) =>
      row
        .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(): Promise<void> {
  const bus = await startPrivateBus();
  const temp = await makeTempDir('steward-bench-assistant-');
  const home = join(temp.path, 'home');
  const journalDir = join(temp.path, 'journal');
  await mkdir(journalDir);
  const findings = new FindingsStore(join(temp.path, 'findings.db'));
  const fixes = new FixesStore(join(temp.path, 'fixes.db'));
  try {
    process.stdout.write('preparing the home, the journal and the stores…\n');
    const { files, notes } = await writeHome(home);
    await appendToJournal(journalDir, journalEntries(JOURNAL_ENTRIES));
    fillStores(findings, fixes);
    const machine = liveMachine({
      sessionBus: await bus.connect(),
      systemBus: () => null,
      journal: () => ({ directories: [journalDir], system: false, user: false }),
      findings,
      fixes,
      home,
    });
    const catalog = catalogEntries(createCatalog({ kinds: KINDS }));
    const proposals: ProposalSink = {
      catalog: () => catalog,
      propose: () => Promise.reject(new Error('the benchmark makes no proposals')),
    };
    const readableRoots = [home];
    const context: ToolContext = { machine, proposals, signal: new AbortController().signal, readableRoots };

    process.stdout.write(`tools: ${TOOL_RUNS} runs each after ${TOOL_WARMUPS} warm-ups…\n`);
    const tools = await measureTools(context, toolCases(notes));
    process.stdout.write(`context assembly: ${CONTEXT_RUNS} runs each…\n`);
    const contextAssembly = await measureContext(machine);
    process.stdout.write(`end to end with the tiny model: ${TURN_RUNS} runs each after a warm-up…\n`);
    const modelPath = await writeTinyModel(join(temp.path, 'tiny.gguf'), { contextLength: ENGINE.contextSize });
    const endToEnd = await measureTurns(machine, proposals, readableRoots, modelPath);

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
      fixture: { homeFiles: files, journalEntries: JOURNAL_ENTRIES },
      tools,
      contextAssembly,
      endToEnd,
    };
    await mkdir(join(RESULTS, '..'), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    report(results);
  } finally {
    findings.close();
    fixes.close();
    await bus.stop();
    await temp.remove();
  }
}

function report(r: {
  machine: { cpus: number; cpuModel: string; node: string };
  tools: Awaited<ReturnType<typeof measureTools>>;
  contextAssembly: Awaited<ReturnType<typeof measureContext>>;
  endToEnd: Awaited<ReturnType<typeof measureTurns>>;
}): void {
  const { tools, contextAssembly: c, endToEnd: e } = r;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  out(`\nSteward assistant benchmarks — ${r.machine.cpus} CPUs (${r.machine.cpuModel}), Node ${r.machine.node}\n`);
  out(
    `Tools against this computer (median of ${tools.runs}; baseline: one read of /proc/loadavg, ${tools.baselineMs} ms)\n`,
  );
  out(
    table(
      ['tool', 'median ms', 'p95 ms', '× baseline', 'chars', '~tokens', 'note'],
      tools.rows.map((row) => [
        row.tool,
        row.medianMs,
        row.p95Ms,
        row.timesBaseline,
        row.characters,
        row.estimatedTokens,
        [row.label, row.cutAtMaxOutput ? `cut at ${MAX_TOOL_OUTPUT}` : ''].filter(Boolean).join('; '),
      ]),
    ),
  );
  out(
    `\nContext assembly: fitContext + buildSystemPrompt, budget ${c.budget.contextTokens} tokens ` +
      `(answer ${c.budget.answerTokens}); median of ${c.runs}\n`,
  );
  out(
    table(
      ['messages', 'stored ~tokens', 'median µs', 'p95 µs', '× empty', 'summarised', 'kept', 'prompt ~tokens'],
      [c.empty, ...c.rows].map((row) => [
        row.messages,
        row.storedTokens,
        row.medianUs,
        row.p95Us,
        row.timesEmpty,
        row.summarizedMessages,
        row.keptMessages,
        row.systemPromptTokens,
      ]),
    ),
  );
  const toolsCalled = [...new Set(e.withTool.runs.map((run) => `${run.tool} (${run.toolStatus})`))].join(', ');
  out(
    `\nEnd to end, tiny model (${e.backend}, threads ${e.threads}, context ${e.contextSize}): ` +
      `"${e.question}", median of ${e.withTool.runs.length}\n`,
  );
  out(
    table(
      ['', 'first answer chunk ms', 'total ms', 'prompt tokens', 'answered runs'],
      [
        [
          'forced tool call, then the answer',
          e.withTool.firstAnswerChunkMs,
          e.withTool.totalMs,
          e.withTool.promptTokens,
          e.withTool.answeredRuns,
        ],
        [
          'no tools',
          e.withoutTools.firstAnswerChunkMs,
          e.withoutTools.totalMs,
          e.withoutTools.promptTokens,
          e.withoutTools.answeredRuns,
        ],
        ['ratio with / without', e.firstChunkRatio, e.totalRatio, '', ''],
      ],
    ),
  );
  out(`\ntools the forced call chose: ${toolsCalled}`);
  out(`cold start (loading the model) to the first chunk: ${e.coldStartFirstChunkMs} ms`);
  out(`\nresults: ${RESULTS}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
