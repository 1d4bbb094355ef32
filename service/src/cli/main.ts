import { parseArgs } from 'node:util';
import type { MessageBus, Variant } from '@jellybrick/dbus-next';
import { callMethod } from '../dbus/client.js';
import { connectBus } from '../dbus/connection.js';
import { StewardError } from '../dbus/errors.js';
import { BUS_NAME, CHAT_INTERFACE, OBJECT_PATH } from '../interfaces.js';
import { API_KEY_USAGE, apiKeyCommand } from './apiKey.js';
import { applyCommand, undoCommand } from './apply.js';
import { CONFIG_USAGE, configCommand } from './config.js';
import { ASK_USAGE, askCommand, CHAT_USAGE, chatCommand, samplingOptions, toolOptions } from './chat.js';
import { fetchStatus, NOT_RUNNING_MESSAGE } from './coreStatus.js';
import { DOCS_USAGE, docsCommand } from './docs.js';
import { DOCTOR_USAGE, doctorCommand } from './doctor.js';
import { builtSetup, EVAL_USAGE, evalCommand } from './eval.js';
import { EXIT_FAILURE, EXIT_NOT_RUNNING, EXIT_USAGE } from './exitCodes.js';
import { FINDINGS_USAGE, findingsCommand } from './findings.js';
import { MODELS_USAGE, modelsCommand } from './models.js';
import { historyCommand, jobsCommand, parseLimit, PROPOSALS_USAGE, proposalsCommand } from './proposals.js';
import { formatStatus, unpackStatus } from './statusReport.js';

const USAGE = `Usage: steward <command> [options]

Commands:
  status                   Show what the Steward service is doing (exit status 3 if it is not running)
  start                    Start the service through D-Bus activation
${DOCTOR_USAGE}${FINDINGS_USAGE}${PROPOSALS_USAGE}${CHAT_USAGE}${ASK_USAGE}${MODELS_USAGE}${API_KEY_USAGE}${CONFIG_USAGE}${EVAL_USAGE}${DOCS_USAGE}
Options:
  --json                   Print machine-readable JSON (status, doctor, findings, proposals, jobs, history, chat, ask, eval,
                           models list, models recommend)
  --version                Print the version of this tool
  --help                   Show this help
`;

async function status(bus: MessageBus, json: boolean): Promise<number> {
  const record = await fetchStatus(bus);
  if (!record) {
    if (json) process.stdout.write(`${JSON.stringify({ running: false })}\n`);
    else process.stdout.write(NOT_RUNNING_MESSAGE);
    return EXIT_NOT_RUNNING;
  }
  const [engineReply] = await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: CHAT_INTERFACE,
    member: 'GetEngineStatus',
  });
  const engine = unpackStatus(engineReply as Record<string, Variant>);
  process.stdout.write(
    json ? `${JSON.stringify({ running: true, ...record, engine })}\n` : formatStatus(record, engine),
  );
  return 0;
}

async function start(bus: MessageBus): Promise<number> {
  await callMethod(bus, {
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'StartServiceByName',
    signature: 'su',
    body: [BUS_NAME, 0],
  });
  process.stdout.write('Steward is running.\n');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        sha256: { type: 'string' },
        session: { type: 'string' },
        all: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        undoable: { type: 'boolean' },
        limit: { type: 'string' },
        'after-first': { type: 'boolean' },
        'max-tokens': { type: 'string' },
        temperature: { type: 'string' },
        seed: { type: 'string' },
        new: { type: 'boolean' },
        model: { type: 'string' },
        'remote-model': { type: 'string' },
        corpus: { type: 'string' },
        category: { type: 'string' },
        verbose: { type: 'boolean' },
        'no-tools': { type: 'boolean' },
        'require-tool': { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`steward: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`steward ${STEWARD_VERSION}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  const [target] = rest;
  const known =
    command === 'models' ||
    command === 'findings' ||
    command === 'ask' ||
    (command === 'chat' && rest.length === 0) ||
    (command === 'eval' && rest.length === 0) ||
    command === 'docs' ||
    command === 'config' ||
    command === 'proposals' ||
    command === 'apply' ||
    command === 'undo' ||
    ((command === 'jobs' || command === 'history') && rest.length === 0) ||
    (command === 'api-key' && rest.length === 1) ||
    ((command === 'status' || command === 'start' || command === 'doctor') && rest.length === 0);
  if (!command || !known) {
    process.stderr.write(`${command ? `steward: unknown command “${positionals.join(' ')}”\n\n` : ''}${USAGE}`);
    return EXIT_USAGE;
  }
  const limit = parseLimit(values.limit);
  if (typeof limit === 'string') {
    process.stderr.write(`steward: ${limit}\n`);
    return EXIT_USAGE;
  }
  // The evaluation runs in this process, with its own engine: no service needed.
  if (command === 'eval') return evalCommand(values, builtSetup(import.meta.url));
  // The index is a file the service keeps; reading it needs no service either.
  if (command === 'docs') return docsCommand(rest, { json: values.json ?? false, limit });
  const bus = await connectBus('session');
  try {
    if (command === 'findings') {
      return await findingsCommand(bus, rest, {
        json: values.json ?? false,
        all: values.all ?? false,
        afterFirst: values['after-first'] ?? false,
      });
    }
    if (command === 'proposals')
      return await proposalsCommand(bus, rest, { json: values.json ?? false, all: values.all ?? false });
    if (command === 'apply') return await applyCommand(bus, rest, { yes: values.yes ?? false });
    if (command === 'undo') return await undoCommand(bus, rest, { yes: values.yes ?? false });
    if (command === 'jobs')
      return await jobsCommand(bus, { json: values.json ?? false, undoable: values.undoable ?? false });
    if (command === 'history') return await historyCommand(bus, { json: values.json ?? false, limit });
    if (command === 'config') return await configCommand(bus, rest);
    if (command === 'api-key' && target) return await apiKeyCommand(bus, target);
    if (command === 'chat') {
      return await chatCommand(bus, { session: values.session, new: values.new ?? false, json: values.json ?? false });
    }
    if (command === 'ask') {
      const sampling = samplingOptions(values);
      const tools = toolOptions(values);
      if (typeof sampling === 'string' || typeof tools === 'string') {
        process.stderr.write(`steward: ${typeof sampling === 'string' ? sampling : tools}\n`);
        return EXIT_USAGE;
      }
      const sendOptions = { ...sampling, ...tools };
      return await askCommand(bus, rest, { session: values.session, json: values.json ?? false, sendOptions });
    }
    if (command === 'doctor') return await doctorCommand(bus, values.json ?? false);
    if (command === 'models')
      return await modelsCommand(bus, rest, { json: values.json ?? false, sha256: values.sha256 });
    return command === 'status' ? await status(bus, values.json ?? false) : await start(bus);
  } finally {
    bus.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      error instanceof StewardError ? error.message : ((error as { text?: string }).text ?? (error as Error).message);
    process.stderr.write(`steward: ${message}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
