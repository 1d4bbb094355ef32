// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { homedir } from 'node:os';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../dbus/client.js';
import { StewardError } from '../dbus/errors.js';
import { BUS_NAME, MODELS_INTERFACE, OBJECT_PATH } from '../dbus/interfaces.js';
import { _, format } from '../i18n.js';
import { formatBytes, formatProgressLine } from '../models/progress.js';
import { approved } from './apply.js';
import { UsageError } from './argv.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED } from './exitCodes.js';
import { importModel } from './modelImport.js';
import {
  listSpeechModels,
  pullSpeechModel,
  recommendSpeechModel,
  removeSpeechModel,
  SPEECH_PREFIX,
  speechRecommendationText,
} from './speechModels.js';
import { type StatusRecord, unpackStatus } from './statusReport.js';
import { styleFor } from './terminal.js';

const call = (bus: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: MODELS_INTERFACE, member, signature, body });

const write = (text: string) => process.stdout.write(text);

export async function modelsCommand(
  bus: MessageBus,
  args: string[],
  options: { json: boolean; sha256?: string; link: boolean; yes: boolean },
): Promise<number> {
  const [subcommand = 'list', target = '', ...extra] = args;
  const needsTarget = ['pull', 'import', 'use', 'rm'].includes(subcommand);
  if (extra.length > 0 || needsTarget !== (target !== ''))
    throw new UsageError(`wrong arguments for “models ${subcommand}”`);
  const speech = target.startsWith(SPEECH_PREFIX) ? target.slice(SPEECH_PREFIX.length) : undefined;
  if (speech !== undefined && subcommand === 'pull') return pullSpeechModel(bus, speech, options.sha256 ?? '');
  if (speech !== undefined && subcommand === 'rm') return removeSpeechModel(bus, speech);
  if (speech !== undefined) throw new UsageError(`“models ${subcommand}” does not take a speech model`);
  switch (subcommand) {
    case 'list':
      return list(bus, options.json);
    case 'speech':
      return listSpeechModels(bus, options.json);
    case 'pull':
      // A file on this computer is imported, not downloaded.
      if (isLocalPath(target)) return importCommand(bus, target, options);
      return pull(bus, target, options.sha256 ?? '');
    case 'import':
      return importCommand(bus, target, options);
    case 'use':
      if (isLocalPath(target))
        throw new UsageError(
          format(
            _('“models use” takes the id of an installed model; import a file first: steward models import {path}'),
            {
              path: target,
            },
          ),
        );
      {
        const id = modelIdFor(await listModels(bus), target);
        await call(bus, 'SetActive', 's', [id]);
        write(`Steward now uses ${id}.\n`);
      }
      return 0;
    case 'rm':
      return remove(bus, target, options.yes);
    case 'recommend':
      return recommend(bus, options.json);
    default:
      throw new UsageError(`unknown command “models ${subcommand}”`);
  }
}

/** "./x.gguf", "/models/x.gguf", "file:///…" or "x.gguf": a file here rather than a URL or an id. */
const isLocalPath = (text: string) =>
  text.startsWith('/') ||
  text.startsWith('./') ||
  text.startsWith('../') ||
  text.startsWith('~/') ||
  text.startsWith('file://') ||
  (!text.includes(':') && text.endsWith('.gguf'));

async function listModels(bus: MessageBus): Promise<StatusRecord[]> {
  const [reply] = await call(bus, 'List');
  return (reply as Record<string, Variant>[]).map(unpackStatus);
}

async function importCommand(
  bus: MessageBus,
  file: string,
  options: { json: boolean; sha256?: string; link: boolean },
): Promise<number> {
  const [storeDirectory] = (await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: 'org.freedesktop.DBus.Properties',
    member: 'Get',
    signature: 'ss',
    body: [MODELS_INTERFACE, 'StoreDirectory'],
  })) as [Variant];
  const name = await importModel(file.replace(/^~\//, `${homedir()}/`), {
    storeDirectory: String(storeDirectory.value),
    link: options.link,
    sha256: options.sha256,
  });
  const id = `store:${name}`;
  const activated = await activateIfFirst(bus, id);
  if (options.json) write(`${JSON.stringify({ id, active: activated })}\n`);
  else
    write(
      `${format(_('Imported {id}.'), { id })} ${activated ? _('It is the active model now.') : format(_('Use it with: steward models use {id}'), { id })}\n`,
    );
  return 0;
}

/** The first model pulled or imported becomes the active one, unless one already is; whether it did. */
async function activateIfFirst(bus: MessageBus, id: string): Promise<boolean> {
  const models = await listModels(bus);
  if (models.some((model) => model.active)) return false;
  const model = models.find((candidate) => candidate.id === id);
  if (model?.supported === false) return false;
  await call(bus, 'SetActive', 's', [id]);
  return true;
}

/**
 * The id a user meant: the id itself, or a unique prefix of it with or without its "store:" or
 * "ollama:" part ("Qwen3.5" for store:Qwen3.5-0.8B-Q8_0.gguf). Unknown text is passed on, for the
 * service to refuse in its words.
 */
export function modelIdFor(models: StatusRecord[], text: string): string {
  const ids = models.map((model) => String(model.id));
  if (ids.includes(text) || text === '') return text;
  const matches = ids.filter((id) => id.startsWith(text) || id.replace(/^[a-z]+:/, '').startsWith(text));
  if (matches.length > 1)
    throw new UsageError(
      format(_('“{text}” could be any of {ids}; give more of the id'), { text, ids: matches.join(', ') }),
    );
  return matches[0] ?? text;
}

async function remove(bus: MessageBus, text: string, yes: boolean): Promise<number> {
  const models = await listModels(bus);
  const id = modelIdFor(models, text);
  const model = models.find((candidate) => candidate.id === id);
  if (model?.active) {
    const answer = await approved(
      yes,
      format(_('{id} is the model Steward uses; without it the chat has no model. Remove it? [y/N] '), { id }),
    );
    if (answer !== true) {
      if (answer === false) {
        write('Nothing was changed.\n');
        return EXIT_FAILURE;
      }
      throw new UsageError(answer);
    }
  }
  await call(bus, 'Remove', 's', [id]);
  write(`Removed ${id}.\n`);
  return 0;
}

async function list(bus: MessageBus, json: boolean): Promise<number> {
  const models = await listModels(bus);
  if (json) {
    write(`${JSON.stringify(models)}\n`);
    return 0;
  }
  if (models.length === 0) {
    write('No models are installed. “steward models recommend” suggests one for this machine.\n');
    return 0;
  }
  const header = ['', _('ID'), _('PARAMETERS'), _('QUANTIZATION'), _('SIZE'), _('RUNS ON')];
  const rows = models.map((model) => [
    model.active ? '*' : ' ',
    String(model.id),
    (model['size-label'] as string | undefined) ?? '',
    (model.quantization as string | undefined) ?? '',
    formatBytes(Number(model['file-bytes'])),
    placementText(model),
  ]);
  const table = [header, ...rows];
  const width = (column: number) => Math.max(...table.map((row) => row[column]?.length ?? 0));
  const style = styleFor();
  table.forEach((row, index) => {
    const line = row
      .map((cell, column) => cell.padEnd(width(column)))
      .join('  ')
      .trimEnd();
    write(`${index === 0 ? style.bold(line) : line}\n`);
  });
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
  else
    write(
      `${String(recommendation.name)} ${String(recommendation.quantization)}: ${String(recommendation.reason)}\n` +
        `Download it with: steward models pull ${recommendation.uri as string}\n`,
    );
  // The language model's JSON stays as it was; the speech model is a line of its own for people.
  if (!json) write(speechRecommendationText(await recommendSpeechModel(bus)));
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
  // Subscribed before the call, and kept by id: a pull that fails at once (a 404) may finish before Pull's reply
  // names its id.
  const endings = new Map<string, string[]>();
  let onEnding: ((ending: string[]) => void) | undefined;
  const stopFinished = await router.subscribe({ interface: MODELS_INTERFACE, member: 'PullFinished' }, (body) => {
    const ending = body as string[];
    endings.set(ending[0] ?? '', ending);
    onEnding?.(ending);
  });
  const finished = (id: string) =>
    endings.get(id) ??
    new Promise<string[]>((resolve) => {
      onEnding = (ending) => {
        if (ending[0] === id) resolve(ending);
      };
    });
  const interrupt = () => {
    if (pullId) void call(bus, 'CancelPull', 's', [pullId]);
  };
  process.once('SIGINT', interrupt);
  try {
    [pullId] = (await call(bus, 'Pull', 'ss', [uri, sha256])) as [string];
    const [, status, modelId, , message] = await finished(pullId);
    if (tty) process.stderr.write('\n');
    if (status === 'done') {
      // The service makes the first model pulled the active one.
      const activated = (await listModels(bus)).some((model) => model.id === modelId && model.active === true);
      write(
        `Pulled ${modelId}. ${activated ? _('It is the active model now.') : format(_('Use it with: steward models use {id}'), { id: modelId ?? '' })}\n`,
      );
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
    await stopFinished();
  }
}
