import type { MessageBus, Variant } from '@jellybrick/dbus-next';
import { callMethod, SignalRouter } from '../dbus/client.js';
import { StewardError } from '../dbus/errors.js';
import { BUS_NAME, MODELS_INTERFACE, OBJECT_PATH } from '../interfaces.js';
import { formatBytes, formatProgressLine } from '../models/progress.js';
import { EXIT_INTERRUPTED } from './exitCodes.js';
import { unpackStatus, type StatusRecord } from './statusReport.js';
import { UsageError } from './argv.js';

const call = (bus: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: MODELS_INTERFACE, member, signature, body });

const write = (text: string) => process.stdout.write(text);

export async function modelsCommand(
  bus: MessageBus,
  args: string[],
  options: { json: boolean; sha256?: string },
): Promise<number> {
  const [subcommand = 'list', target = '', ...extra] = args;
  const needsTarget = ['pull', 'use', 'rm'].includes(subcommand);
  if (extra.length > 0 || needsTarget !== (target !== ''))
    throw new UsageError(`wrong arguments for “models ${subcommand}”`);
  switch (subcommand) {
    case 'list':
      return list(bus, options.json);
    case 'pull':
      return pull(bus, target, options.sha256 ?? '');
    case 'use':
      await call(bus, 'SetActive', 's', [target]);
      write(`Steward now uses ${target}.\n`);
      return 0;
    case 'rm':
      await call(bus, 'Remove', 's', [target]);
      write(`Removed ${target}.\n`);
      return 0;
    case 'recommend':
      return recommend(bus, options.json);
    default:
      throw new UsageError(`unknown command “models ${subcommand}”`);
  }
}

async function list(bus: MessageBus, json: boolean): Promise<number> {
  const [reply] = await call(bus, 'List');
  const models = (reply as Record<string, Variant>[]).map(unpackStatus);
  if (json) {
    write(`${JSON.stringify(models)}\n`);
    return 0;
  }
  if (models.length === 0) {
    write('No models are installed. “steward models recommend” suggests one for this machine.\n');
    return 0;
  }
  const rows = models.map((model) => [
    model.active ? '*' : ' ',
    String(model.id),
    [model['size-label'], model.quantization].filter(Boolean).join(' '),
    formatBytes(Number(model['file-bytes'])),
    placementText(model),
  ]);
  const width = (column: number) => Math.max(...rows.map((row) => row[column]?.length ?? 0));
  for (const row of rows)
    write(
      `${row
        .map((cell, column) => cell.padEnd(width(column)))
        .join('  ')
        .trimEnd()}\n`,
    );
  write('(* = active)\n');
  for (const model of models.filter((m) => m.supported === false))
    write(`${String(model.id)}: ${String(model['unsupported-reason'])}\n`);
  return 0;
}

function placementText(model: StatusRecord): string {
  // "supported" is absent from older services; only an explicit false means the model cannot run.
  if (model.supported === false) return 'cannot run (see below)';
  if (model.placement === 'none') return 'does not fit';
  return `${String(model.placement)}, ${String(model['speed-class'])}`;
}

async function recommend(bus: MessageBus, json: boolean): Promise<number> {
  const [reply] = await call(bus, 'Recommend');
  const recommendation: StatusRecord = unpackStatus(reply as Record<string, Variant>);
  if (json) write(`${JSON.stringify(recommendation)}\n`);
  else if (!recommendation.uri) write('No model in the catalogue fits this machine.\n');
  else write(`${String(recommendation.reason)}\nDownload it with: steward models pull ${String(recommendation.uri)}\n`);
  return 0;
}

/** Pulls with a progress line on a terminal; Ctrl+C cancels, and pulling again resumes. */
async function pull(bus: MessageBus, uri: string, sha256: string): Promise<number> {
  const router = new SignalRouter(bus);
  let pullId: string | undefined;
  const tty = process.stderr.isTTY;
  const stopProgress = await router.subscribe({ interface: MODELS_INTERFACE, member: 'PullProgress' }, (body) => {
    const [id, done, total, rate, eta] = body as [string, bigint, bigint, number, number];
    if (id !== pullId || !tty) return;
    const line = formatProgressLine({
      bytesDone: Number(done),
      bytesTotal: total > 0n ? Number(total) : undefined,
      bytesPerSecond: rate,
      etaSeconds: eta >= 0 ? eta : undefined,
    });
    process.stderr.write(`\r${line}\u001b[K`);
  });
  const finished = new Promise<string[]>((resolve) => {
    void router.subscribe({ interface: MODELS_INTERFACE, member: 'PullFinished' }, (body) => {
      if (body[0] === pullId) resolve(body as string[]);
    });
  });
  const interrupt = () => {
    if (pullId) void call(bus, 'CancelPull', 's', [pullId]);
  };
  process.once('SIGINT', interrupt);
  try {
    [pullId] = (await call(bus, 'Pull', 'ss', [uri, sha256])) as [string];
    const [, status, modelId, , message] = await finished;
    if (tty) process.stderr.write('\n');
    if (status === 'done') {
      write(`Pulled ${modelId}. Use it with: steward models use ${modelId}\n`);
      return 0;
    }
    if (status === 'cancelled') {
      write('Cancelled; pulling the same model again resumes where it stopped.\n');
      return EXIT_INTERRUPTED;
    }
    throw new StewardError('Unavailable', message ?? 'the download failed');
  } finally {
    process.off('SIGINT', interrupt);
    await stopProgress();
  }
}
