// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Speech models in `steward models`: their ids are "speech:NAME", beside
// "store:" and "ollama:" for language models. `steward models speech` lists
// the installed ones and the catalog; pull, rm and recommend take them too.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../dbus/client.js';
import { StewardError, type StewardErrorName } from '../dbus/errors.js';
import { BUS_NAME, OBJECT_PATH, VOICE_INTERFACE } from '../dbus/interfaces.js';
import { _, format } from '../i18n.js';
import { formatBytes, formatProgressLine } from '../models/progress.js';
import { EXIT_INTERRUPTED } from './exitCodes.js';
import { type StatusRecord, unpackStatus } from './statusReport.js';
import { styleFor } from './terminal.js';

export const SPEECH_PREFIX = 'speech:';

const call = (bus: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: VOICE_INTERFACE, member, signature, body });

const write = (text: string) => process.stdout.write(text);

async function records(bus: MessageBus, member: string): Promise<StatusRecord[]> {
  const [reply] = await call(bus, member);
  return (reply as Record<string, Variant>[]).map(unpackStatus);
}

function table(rows: string[][]): void {
  const width = (column: number) => Math.max(...rows.map((row) => row[column]?.length ?? 0));
  const style = styleFor();
  rows.forEach((row, index) => {
    const line = row
      .map((cell, column) => cell.padEnd(width(column)))
      .join('  ')
      .trimEnd();
    write(`${index === 0 ? style.bold(line) : line}\n`);
  });
}

const languagesOf = (record: StatusRecord) => ((record.languages as string[] | undefined) ?? []).join(', ') || '?';

/** The installed speech models, then what the catalog offers. */
export async function listSpeechModels(bus: MessageBus, json: boolean): Promise<number> {
  const [installed, catalog] = await Promise.all([
    records(bus, 'ListSpeechModels'),
    records(bus, 'SpeechModelCatalog'),
  ]);
  if (json) {
    write(`${JSON.stringify({ installed, catalog })}\n`);
    return 0;
  }
  if (installed.length === 0) write(`${_('No speech model is installed.')}\n`);
  else
    table([
      ['', _('ID'), _('LANGUAGES'), _('SIZE'), _('SHA-256')],
      ...installed.map((model) => [
        model.default ? '*' : ' ',
        `${SPEECH_PREFIX}${String(model.name)}`,
        languagesOf(model),
        formatBytes(Number(model.size)),
        checksumText(model),
      ]),
    ]);
  write(`\n${_('Speech models to pull (steward models pull speech:NAME):')}\n`);
  table([
    ['', _('NAME'), _('LANGUAGES'), _('DOWNLOAD'), _('MEMORY')],
    ...catalog.map((entry) => [
      entry.recommended ? '>' : entry.installed ? '*' : ' ',
      String(entry.name),
      languagesOf(entry),
      `~${formatBytes(Number(entry['approx-bytes']))}`,
      formatBytes(Number(entry['ram-bytes'])),
    ]),
  ]);
  write(`${_('(* = installed, > = recommended for this computer)')}\n`);
  return 0;
}

function checksumText(model: StatusRecord): string {
  const sha = typeof model.sha256 === 'string' ? model.sha256 : '';
  if (sha === '') return _('(unpacked by hand)');
  const short = `${sha.slice(0, 12)}…`;
  return model.checksum === 'first-download' ? format(_('{sha} (recorded at download)'), { sha: short }) : short;
}

export async function recommendSpeechModel(bus: MessageBus): Promise<StatusRecord> {
  const [reply] = await call(bus, 'RecommendSpeechModel');
  return unpackStatus(reply as Record<string, Variant>);
}

export function speechRecommendationText(recommendation: StatusRecord): string {
  return `${_('Speech:')} ${String(recommendation.reason)}\n${format(_('Download it with: {command}'), { command: String(recommendation.command) })}\n`;
}

export async function removeSpeechModel(bus: MessageBus, name: string): Promise<number> {
  await call(bus, 'RemoveSpeechModel', 's', [name]);
  write(`${format(_('Removed {id}.'), { id: `${SPEECH_PREFIX}${name}` })}\n`);
  return 0;
}

/** Pulls with a progress line on a terminal; Ctrl+C cancels, and pulling again resumes. */
export async function pullSpeechModel(bus: MessageBus, source: string, sha256: string): Promise<number> {
  const router = new SignalRouter(bus);
  let pullId: string | undefined;
  const tty = process.stderr.isTTY;
  const stopProgress = await router.subscribe(
    { interface: VOICE_INTERFACE, member: 'SpeechModelPullProgress' },
    (body) => {
      const [id, phase, done, total, rate, eta] = body as [string, string, bigint, bigint, number, number];
      if (id !== pullId || !tty) return;
      const line =
        (phase === 'unpack' ? `${_('Unpacking')} ` : '') +
        formatProgressLine({
          bytesDone: Number(done),
          bytesTotal: total > 0n ? Number(total) : undefined,
          bytesPerSecond: rate,
          etaSeconds: eta >= 0 ? eta : undefined,
        });
      process.stderr.write(`\r${line}\u001b[K`);
    },
  );
  const early: string[][] = [];
  let settle: ((body: string[]) => void) | undefined;
  const stopFinished = await router.subscribe(
    { interface: VOICE_INTERFACE, member: 'SpeechModelPullFinished' },
    (body) => (pullId === undefined ? early.push(body as string[]) : body[0] === pullId && settle?.(body as string[])),
  );
  const interrupt = () => {
    if (pullId) void call(bus, 'CancelSpeechModelPull', 's', [pullId]);
  };
  process.once('SIGINT', interrupt);
  try {
    const finished = new Promise<string[]>((resolve) => (settle = resolve));
    [pullId] = (await call(bus, 'PullSpeechModel', 'ss', [source, sha256])) as [string];
    const already = early.find((body) => body[0] === pullId);
    const [, status, name, errorName, message] = already ?? (await finished);
    if (tty) process.stderr.write('\n');
    if (status === 'done') {
      write(`${format(_('Pulled {id}; steward listen uses it.'), { id: `${SPEECH_PREFIX}${name ?? ''}` })}\n`);
      return 0;
    }
    if (status === 'cancelled') {
      write(`${_('Cancelled; pulling the same model again resumes where it stopped.')}\n`);
      return EXIT_INTERRUPTED;
    }
    const short = (errorName ?? '').split('.').at(-1) as StewardErrorName;
    throw new StewardError(short || 'Unavailable', message ?? 'the download failed');
  } finally {
    process.off('SIGINT', interrupt);
    await Promise.all([stopProgress(), stopFinished()]);
  }
}
